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
from chalicelib.surfaces.http import Call, Surface

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
}

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
    },
    "ru": {
        "UNAUTHORIZED": "Требуется авторизация или неверный API-ключ",
        "FORBIDDEN": "Нет доступа к этому ресурсу",
        "VALIDATION_ERROR": "Неверные параметры запроса",
        "NOT_FOUND": "Ресурс не найден",
        "CONFLICT": "Конфликт состояния ресурса",
        "RATE_LIMITED": "Слишком много запросов",
        "SERVER_ERROR": "Внутренняя ошибка сервера",
    },
}


def workspace_language(call: Call) -> str:
    site_id = getattr(call.principal, "site_id", None)
    return sites.language(site_id) if site_id else "en"  # a read on error paths only


def render_error(error: DomainError, call: Call) -> tuple[int, dict[str, Any]]:
    language = workspace_language(call)
    return error.status, {
        "error": {
            "code": CODES.get(error.code, error.code),
            "message": TRANSLATIONS.get(language, {}).get(error.code, error.message),
            "message_en": error.message,
            "details": error.details,
            "request_id": f"req_{call.request_id}",
        }
    }


surface = Surface(__name__, render_error)
bp = surface.blueprint

from chalicelib.surfaces.public_api import agents, files, webhooks, widget  # noqa: E402,F401
