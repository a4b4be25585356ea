"""Check a real answer against the OpenAPI document its surface serves: the status is documented for
the operation, and the body is valid against that status's schema (JSON Schema 2020-12, as OpenAPI 3.1).

    assert_documented("002", "POST", "/chat/conversations", response)
"""
from __future__ import annotations

from typing import Any

import jsonschema

from chalicelib.surfaces import descriptions


def assert_documented(seed: str, method: str, path: str, response: Any) -> Any:
    """`path` as the document names it (`/chat/history/{session_id}`); `response` a chalice.test answer.
    Returns the body, for the test's own assertions."""
    document = descriptions.document(seed)
    operation = document["paths"][path][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {path} answered {status}, not documented: {response.body[:300]}"
    content = operation["responses"][status].get("content")
    body = response.json_body
    if content is None:
        return body
    schema = {**content["application/json"]["schema"], "components": document["components"]}
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(body), key=str)
    assert not errors, f"{method} {path} {status}: {errors[0].message} at {list(errors[0].absolute_path)}"
    return body
