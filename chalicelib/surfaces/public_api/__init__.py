"""Seed 003: the public integrator API under /v1, authenticated by API key.

Errors: {"error": {"code", "message", "message_en", "details", "request_id"}},
`message` in the workspace's language (Uzbek or Russian when the site's
widget_config.language says so), `message_en` always English. Every response
carries X-RateLimit-* for the key's windows (100/min, burst 20/s).
"""
from __future__ import annotations

from typing import Any

from chalicelib.domain import sites
from chalicelib.model.errors import DomainError
from chalicelib.surfaces.http import Call, Description, Surface
from chalicelib.surfaces.public_api.schemas import Error

CODES = {
    "INVALID_CREDENTIALS": "AUTH-001",
    "UNAUTHORIZED": "AUTH-002",
    "TOKEN_EXPIRED": "AUTH-003",
    "FORBIDDEN": "AUTH-004",
    "VALIDATION_ERROR": "REQ-001",
    "NOT_FOUND": "RES-001",
    "CONFLICT": "RES-002",
    "RATE_LIMITED": "RATE-001",
    "FILE_TOO_LARGE": "FILE-001",
    "INVALID_FILE_TYPE": "FILE-002",
    "SERVER_ERROR": "SRV-001",
    "SERVICE_UNAVAILABLE": "SRV-002",
}
# 003 lists 413 Payload Too Large: its file routes answer a file over the limit with it (000 says 400).
STATUSES = {"FILE_TOO_LARGE": 413}

# Generic messages per code in the workspace languages; the specific English text stays in message_en.
TRANSLATIONS = {
    "uz": {
        "UNAUTHORIZED": "Avtorizatsiya talab qilinadi yoki API kalit noto'g'ri",
        "FORBIDDEN": "Bu manbaga kirish huquqi yo'q",
        "VALIDATION_ERROR": "So'rov parametrlari noto'g'ri",
        "NOT_FOUND": "Manba topilmadi",
        "CONFLICT": "Manba holati ziddiyatli",
        "RATE_LIMITED": "Juda ko'p so'rovlar",
        "SERVER_ERROR": "Ichki server xatosi",
        "SERVICE_UNAVAILABLE": "Xizmat band, birozdan keyin qayta urinib ko'ring",
    },
    "ru": {
        "UNAUTHORIZED": "Требуется авторизация или неверный API-ключ",
        "FORBIDDEN": "Нет доступа к этому ресурсу",
        "VALIDATION_ERROR": "Неверные параметры запроса",
        "NOT_FOUND": "Ресурс не найден",
        "CONFLICT": "Конфликт состояния ресурса",
        "RATE_LIMITED": "Слишком много запросов",
        "SERVER_ERROR": "Внутренняя ошибка сервера",
        "SERVICE_UNAVAILABLE": "Сервис перегружен, повторите попытку позже",
    },
}


def workspace_language(call: Call, error: DomainError) -> str:
    site_id = getattr(call.principal, "site_id", None)
    if not site_id or error.status == 503:
        return "en"  # no workspace, or DynamoDB is busy: no read on the way out
    try:
        return sites.language(site_id)  # a read on error paths only
    except Exception:  # the error being answered matters more than its translation
        return "en"


def render_error(error: DomainError, call: Call) -> tuple[int, dict[str, Any]]:
    language = workspace_language(call, error)
    return STATUSES.get(error.code, error.status), {
        "error": {
            "code": CODES.get(error.code, error.code),
            "message": TRANSLATIONS.get(language, {}).get(error.code, error.message),
            "message_en": error.message,
            "details": error.details,
            "request_id": call.request_id,  # = the X-Request-Id header and the logs' request_id
        }
    }


surface = Surface(__name__, render_error, Description(
    seed="003", title="Public integrator API", error=Error,
    summary="Chats, agents, analytics, widget config, automation, files and webhooks under /v1, by API key."))
bp = surface.blueprint

from chalicelib.surfaces.public_api import agents, analytics, automation, chats, files, webhooks, widget  # noqa: E402,F401
