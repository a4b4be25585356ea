"""DynamoDB requests made by each endpoint, counted at the botocore call level (moto in-process).

Prints one line per endpoint: the count and the operations, e.g.
  POST /api/v1/auth/support/login   3  GetItem x2, PutItem, UpdateItem(rate)
Rate-limit counter updates are shown apart ("rate"), since they are the same
one UpdateItem on every limited route.
"""
from __future__ import annotations

import json
import os
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(PARLEY_STAGE="local", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                  AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1",
                  PARLEY_JWT_SECRET="bench-only-signing-secret-0123456789abcdef")
os.environ.pop("AWS_ENDPOINT_URL", None)

import botocore.client  # noqa: E402
from moto import mock_aws  # noqa: E402

_calls: list[tuple[str, str]] = []
_original = botocore.client.BaseClient._make_api_call


def _counting(self, operation_name, api_params):  # type: ignore[no-untyped-def]
    if self.meta.service_model.service_name == "dynamodb":
        key = json.dumps(api_params.get("Key") or api_params.get("TransactItems") or "")
        _calls.append((operation_name, "rate" if "RATE#" in key else ""))
    return _original(self, operation_name, api_params)


botocore.client.BaseClient._make_api_call = _counting


@contextmanager
def counted() -> Iterator[list[tuple[str, str]]]:
    start = len(_calls)
    seen: list[tuple[str, str]] = []
    yield seen
    seen.extend(_calls[start:])


def describe(calls: list[tuple[str, str]]) -> str:
    counts = Counter(f"{op}(rate)" if tag else op for op, tag in calls)
    return ", ".join(f"{op} x{n}" if n > 1 else op for op, n in sorted(counts.items()))


def main() -> None:
    from chalice.test import Client

    import app as app_module
    from chalicelib.domain import agents
    from chalicelib.store import tenants
    from chalicelib.store.tables import create_tables

    rows: list[tuple[str, int, int, str]] = []

    with mock_aws():
        create_tables()
        tenants.create_site_if_absent("site_a", "A")
        agents.new_agent("alice", "bench-password", "admin", ["site_a"], email="alice@a.example")
        with Client(app_module.app, stage_name="local") as client:
            def call(label: str, method: str, path: str, body: object = None, headers: dict | None = None):
                sent = {"Content-Type": "application/json", **(headers or {})}
                with counted() as calls:
                    response = getattr(client.http, method.lower())(path, headers=sent,
                                                                   body=json.dumps(body) if body is not None else None)
                rate = sum(1 for _, tag in calls if tag)
                rows.append((label, len(calls) - rate, rate, describe(calls)))
                return response

            login = call("POST /api/v1/auth/support/login", "POST", "/api/v1/auth/support/login",
                         {"username": "alice", "password": "bench-password", "site_id": "site_a"}).json_body["data"]
            auth = {"Authorization": f"Bearer {login['token']}"}
            call("GET /api/v1/auth/validate", "GET", "/api/v1/auth/validate", headers=auth)
            refreshed = call("POST /api/v1/auth/refresh", "POST", "/api/v1/auth/refresh",
                             {"refresh_token": login["refresh_token"]}).json_body["data"]
            auth = {"Authorization": f"Bearer {refreshed['token']}"}
            call("GET /api/v1/sites/{site_id}", "GET", "/api/v1/sites/site_a", headers=auth)
            call("GET /api/v1/sites", "GET", "/api/v1/sites", headers=auth)
            call("POST /api/v1/visitors (new)", "POST", "/api/v1/visitors",
                 {"site_id": "site_a", "visitor_id": "v1", "name": "V"})
            call("POST /api/v1/visitors (again)", "POST", "/api/v1/visitors",
                 {"site_id": "site_a", "visitor_id": "v1", "name": "V"})
            call("GET /api/v1/visitors/{visitor_id}", "GET", "/api/v1/visitors/v1?site_id=site_a", headers=auth)
            call("GET /api/v1/visitors/active", "GET", "/api/v1/visitors/active?site_id=site_a", headers=auth)
            call("GET /api/v1/agents", "GET", "/api/v1/agents?site_id=site_a", headers=auth)
            call("PATCH /api/v1/agents/status", "PATCH", "/api/v1/agents/status", {"status": "online"}, headers=auth)
            key = call("POST /api/v1/admin/sites/{id}/api-keys", "POST", "/api/v1/admin/sites/site_a/api-keys",
                       {"name": "k"}, headers=auth).json_body["data"]
            call("GET /api/v1/admin/sites/{id}/api-keys", "GET", "/api/v1/admin/sites/site_a/api-keys", headers=auth)
            call("GET /v1/agents (API key, first use)", "GET", "/v1/agents",
                 headers={"Authorization": f"Bearer {key['key']}"})
            call("GET /v1/agents (API key, again)", "GET", "/v1/agents",
                 headers={"Authorization": f"Bearer {key['key']}"})
            call("POST /api/v1/admin/sites", "POST", "/api/v1/admin/sites", {"site_id": "site_b", "name": "B"},
                 headers=auth)
            call("POST /api/v1/admin/agents", "POST", "/api/v1/admin/agents",
                 {"username": "bob", "password": "bench-password", "site_ids": ["site_a"]}, headers=auth)
            call("POST /api/v1/agent/register", "POST", "/api/v1/agent/register",
                 {"username": "erin", "password": "bench-password", "site_id": "site_a"})
            agent004 = call("POST /api/v1/agent/auth/login", "POST", "/api/v1/agent/auth/login",
                            {"username": "erin", "password": "bench-password"}).json_body
            auth004 = {"Authorization": f"Bearer {agent004['access_token']}"}
            call("GET /api/v1/agent/me", "GET", "/api/v1/agent/me", headers=auth004)
            call("POST /api/v1/agent/presence", "POST", "/api/v1/agent/presence", {"status": "online"},
                 headers=auth004)
            call("POST /api/v1/auth/logout", "POST", "/api/v1/auth/logout", headers=auth)

    width = max(len(label) for label, *_ in rows)
    print(f"{'endpoint':<{width}}  requests  +rate  operations")
    for label, count, rate, ops in rows:
        print(f"{label:<{width}}  {count:>8}  {rate:>5}  {ops}")
    print("Scans on these paths:", sum(1 for _, _, _, ops in rows if "Scan" in ops))


if __name__ == "__main__":
    main()
