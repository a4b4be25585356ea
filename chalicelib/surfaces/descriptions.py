"""GET /openapi.json (the list) and GET /openapi/<seed>.json: each REST surface describes itself.

Built once per warm container from the routes' contract models (surfaces/openapi.py); public, like
any published API description. The local stack renders them at /docs (Swagger UI).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalice import Blueprint, Response

from chalicelib.surfaces import assistant, console, customer_flow, openapi, public_api, visitor_chat
from chalicelib.surfaces.http import Surface

bp = Blueprint(__name__)
SURFACES: tuple[Surface, ...] = (console.surface, visitor_chat.surface, assistant.surface,
                                 public_api.surface, customer_flow.surface)


def by_seed() -> dict[str, Surface]:
    return {surface.description.seed: surface for surface in SURFACES if surface.description is not None}


@lru_cache(maxsize=None)
def document(seed: str) -> dict[str, Any]:
    return openapi.document(by_seed()[seed])


def listing() -> dict[str, Any]:
    return {"specs": [{"seed": seed, "title": surface.description.title, "url": f"/openapi/{seed}.json"}
                      for seed, surface in sorted(by_seed().items()) if surface.description is not None]}


@bp.route("/openapi.json", methods=["GET"])
def openapi_index() -> dict[str, Any]:
    return listing()


@bp.route("/openapi/{name}", methods=["GET"])
def openapi_document(name: str) -> Response:
    seed = name.removesuffix(".json")
    if seed not in by_seed():
        return Response(body={"error": {"code": "NOT_FOUND", "message": f"No API description {name!r}; "
                                        "GET /openapi.json lists them"}}, status_code=404)
    return Response(body=document(seed), status_code=200,
                    headers={"Cache-Control": "public, max-age=300"})
