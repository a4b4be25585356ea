"""The OpenAPI documents: every route is described by the models it validates with, and docs/ is current."""
from __future__ import annotations

import json

import pytest

from chalicelib.surfaces import descriptions, openapi
from local import openapi as writer

UNDESCRIBED = {"/health", "/openapi.json", "/openapi/{name}"}  # not part of any seed document


@pytest.fixture(scope="module")
def chalice_app():
    import app

    return app.app


def described() -> set[tuple[str, str]]:
    return {(operation.path, operation.method.upper()) for surface in descriptions.SURFACES
            for operation in surface.operations}


def test_every_route_of_the_app_is_in_a_seed_document(chalice_app):
    routes = {(path, method) for path, methods in chalice_app.routes.items() for method in methods
              if method != "OPTIONS" and path not in UNDESCRIBED}
    assert routes - described() == set()


def test_every_surface_has_a_document_with_a_success_response_per_operation(chalice_app):
    assert sorted(descriptions.by_seed()) == ["000", "001", "002", "003", "004"]
    for seed in descriptions.by_seed():
        document = descriptions.document(seed)
        assert document["openapi"] == "3.1.0"
        for path, item in document["paths"].items():
            for method, operation in item.items():
                successes = [status for status in operation["responses"] if int(status) < 400]
                assert successes, f"{seed} {method.upper()} {path} declares no success response"
                for requirement in operation["security"]:
                    assert set(requirement) <= set(openapi.SECURITY_SCHEMES), (path, requirement)


def test_docs_openapi_is_what_the_api_serves(chalice_app):
    for name, text in writer.rendered().items():
        on_disk = writer.DOCS / name
        assert on_disk.is_file() and json.loads(on_disk.read_text()) == json.loads(text), (
            f"docs/openapi/{name} is stale: run .venv/bin/python -m local.openapi")


def test_the_served_index_lists_every_document(chalice_app):
    from chalice.test import Client

    with Client(chalice_app) as client:
        index = client.http.get("/openapi.json").json_body
        assert [spec["seed"] for spec in index["specs"]] == ["000", "001", "002", "003", "004"]
        served = client.http.get("/openapi/003.json")
        assert served.status_code == 200 and served.json_body == descriptions.document("003")
        assert client.http.get("/openapi/999.json").status_code == 404
