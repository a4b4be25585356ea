"""OpenAPI 3.1 documents of the REST surfaces, built from the routes' own contract models.

Each surface (one seed document) is one OpenAPI document: GET /openapi/<seed>.json; GET /openapi.json
lists them. Request bodies and query parameters are the models the surface validates requests with
(surfaces/contract.py); responses are the models routes declare; every route also lists the errors any
route can answer (rate limits, AWS busy, a bug) in the surface's error shape. docs/openapi/ holds the
same documents, kept equal by tests/unit/test_openapi.py (regenerate: `python -m local.openapi`).
"""
from __future__ import annotations

import re
from typing import Any, Iterable

import msgspec

from chalicelib.surfaces.contract import Operation
from chalicelib.surfaces.http import Surface

OPENAPI_VERSION = "3.1.0"
SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "agentToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                   "description": "An agent's access token (seed 000 login, or seed 004's agent login)."},
    "visitorToken": {"type": "apiKey", "in": "header", "name": "X-Visitor-Token",
                     "description": "A visitor's token from POST /api/v1/visitors."},
    "visitorBearer": {"type": "http", "scheme": "bearer",
                      "description": "A visitor's or end user's token sent as a bearer token (seeds 001 and 002)."},
    "apiKey": {"type": "http", "scheme": "bearer",
               "description": "A workspace API key (pk_live_...), created by a site admin (seed 000 admin routes)."},
    "customerSession": {"type": "apiKey", "in": "header", "name": "X-Customer-Session-Id",
                        "description": "The customer_session_id of POST /api/v1/customer/conversations/start "
                                       "(seed 004); a missing or wrong one is a 403."},
}
ERROR_DESCRIPTIONS = {
    400: "The request is malformed or a field is invalid (the error names the field)",
    401: "Missing, invalid, expired or revoked credentials",
    403: "The caller may not do this",
    404: "No such resource (or not the caller's)",
    409: "The resource is not in a state that allows this",
    413: "The upload is too large",
    415: "The upload's type is not accepted",
    429: "Too many requests: retry after the Retry-After header's seconds",
    500: "An unexpected failure (logged with the request id)",
    503: "AWS is busy or unreachable: retry after the Retry-After header's seconds",
}
EVERY_ROUTE = (429, 500, 503)
PATH_PARAMETER = re.compile(r"{([^}]+)}")
COMPONENT_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _component_name(name: str) -> str:
    """msgspec names a generic model `Envelope[Chat]`; OpenAPI component keys allow [A-Za-z0-9._-]."""
    return COMPONENT_NAME.sub("_", name).strip("_")


def _schemas(models: Iterable[type]) -> tuple[dict[type, dict[str, Any]], dict[str, Any]]:
    unique = list(dict.fromkeys(models))
    refs, components = msgspec.json.schema_components(unique, ref_template="#/components/schemas/{name}")
    renamed = {name: _component_name(name) for name in components}
    text = msgspec.json.encode({"refs": refs, "components": components}).decode()
    for old, new in renamed.items():
        if old != new:
            text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    decoded = msgspec.json.decode(text)
    for schema in decoded["components"].values():
        if schema.get("required") == []:
            del schema["required"]  # nothing required: say nothing (JSON Schema allows [], readers trip on it)
    components = {renamed[name]: schema for name, schema in decoded["components"].items()}
    return dict(zip(unique, decoded["refs"])), components


def _parameters(operation: Operation, components: dict[str, Any], refs: dict[type, dict[str, Any]]) -> list[dict]:
    parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
                  for name in PATH_PARAMETER.findall(operation.path)]
    if operation.query is not None:
        schema = components[refs[operation.query]["$ref"].rsplit("/", 1)[1]]
        required = set(schema.get("required", ()))
        for name, prop in schema.get("properties", {}).items():
            parameters.append({"name": name, "in": "query", "required": name in required, "schema": prop,
                               **({"description": prop["description"]} if "description" in prop else {})})
    return parameters


def _error_statuses(operation: Operation) -> list[int]:
    statuses = set(EVERY_ROUTE) | set(operation.errors)
    if operation.body is not None or operation.query is not None or PATH_PARAMETER.search(operation.path):
        statuses.add(400)
    if operation.security:
        statuses.update((401, 403) if operation.challenges else (403,))
    if PATH_PARAMETER.search(operation.path):
        statuses.add(404)
    return sorted(statuses)


def document(surface: Surface) -> dict[str, Any]:
    """The surface's OpenAPI 3.1 document (a plain dict, ready for JSON)."""
    about = surface.description
    if about is None:
        raise ValueError(f"{surface.blueprint.import_name} has no Description")
    models: list[type] = [about.error]
    for operation in surface.operations:
        models += [m for m in (operation.body, operation.query, *operation.responses.values()) if m is not None]
    refs, components = _schemas(models)
    error = {"content": {"application/json": {"schema": refs[about.error]}}}
    paths: dict[str, dict[str, Any]] = {}
    for operation in sorted(surface.operations, key=lambda o: (o.path, o.method)):
        item: dict[str, Any] = {"operationId": operation.view, "summary": operation.summary}
        if operation.description:
            item["description"] = operation.description
        if operation.tags:
            item["tags"] = list(operation.tags)
        item["security"] = [{name: []} for name in operation.security]
        parameters = _parameters(operation, components, refs)
        if parameters:
            item["parameters"] = parameters
        if operation.body is not None:
            item["requestBody"] = {"required": True,
                                   "content": {operation.body_media_type: {"schema": refs[operation.body]}}}
        responses: dict[str, Any] = {}
        for status, model in sorted(operation.responses.items()):
            described: dict[str, Any] = {"description": "OK" if status < 300 else "Redirect"}
            if model is not None:
                described["content"] = {"application/json": {"schema": refs[model]}}
            responses[str(status)] = described
        for status in _error_statuses(operation):
            responses.setdefault(str(status), {"description": ERROR_DESCRIPTIONS.get(status, "Error"), **error})
        item["responses"] = responses
        paths.setdefault(operation.path, {})[operation.method] = item
    used = sorted({name for operation in surface.operations for name in operation.security})
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": about.title, "version": about.version, "summary": about.summary},
        "paths": paths,
        "components": {"schemas": components,
                       "securitySchemes": {name: SECURITY_SCHEMES[name] for name in used}},
    }
