"""DynamoDB requests and capacity of each endpoint, counted at the botocore call (moto in-process).

Prints one line per endpoint: the requests, the rate-limit counter updates
shown apart (the same one UpdateItem on every limited route), the estimated
capacity units, and the operations, e.g.
  POST /api/v1/messages   2  +1   5.5  GetItem, TransactWriteItems, UpdateItem(rate)
moto does not report consumed capacity, so it is estimated from the items that
moved, with DynamoDB's sizing rules: reads in 4 KB units (x0.5 when eventually
consistent), writes in 1 KB units, transactions x2; an update whose result is
not returned counts 1 unit.
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

_calls: list[tuple[str, str, float]] = []
_original = botocore.client.BaseClient._make_api_call


def _size(item: object) -> int:
    return len(json.dumps(item or {}, default=str).encode())


def _units(size: int, unit: int) -> int:
    return max(1, -(-size // unit))


def estimate_capacity(operation: str, params: dict, response: dict) -> float:
    """Capacity units by DynamoDB's sizing rules, from the items in the request and response."""
    consistent = 1.0 if params.get("ConsistentRead") else 0.5
    if operation == "GetItem":
        return _units(_size(response.get("Item")), 4096) * consistent
    if operation == "Query":
        return _units(sum(_size(i) for i in response.get("Items", [])), 4096) * consistent
    if operation == "BatchGetItem":
        return sum(_units(_size(i), 4096) * 0.5 for items in response.get("Responses", {}).values() for i in items)
    if operation == "PutItem":
        return float(_units(_size(params.get("Item")), 1024))
    if operation in ("UpdateItem", "DeleteItem"):
        return float(_units(_size(response.get("Attributes")), 1024)) if response.get("Attributes") else 1.0
    if operation == "TransactWriteItems":
        return 2.0 * sum(_units(_size((entry.get("Put") or {}).get("Item")), 1024) if "Put" in entry else 1
                         for entry in params.get("TransactItems", []))
    if operation == "BatchWriteItem":
        return float(sum(_units(_size((r.get("PutRequest") or {}).get("Item")), 1024)
                         for requests in params.get("RequestItems", {}).values() for r in requests))
    return 0.0


def _counting(self, operation_name, api_params):  # type: ignore[no-untyped-def]
    response: dict = {}
    try:
        response = _original(self, operation_name, api_params)
        return response
    finally:  # failed calls (a cancelled transaction) are requests too
        if self.meta.service_model.service_name == "dynamodb":
            key = json.dumps(api_params.get("Key") or api_params.get("TransactItems") or "")
            _calls.append((operation_name, "rate" if "RATE#" in key else "",
                           estimate_capacity(operation_name, api_params, response)))


botocore.client.BaseClient._make_api_call = _counting


@contextmanager
def counted() -> Iterator[list[tuple[str, str, float]]]:
    start = len(_calls)
    seen: list[tuple[str, str, float]] = []
    yield seen
    seen.extend(_calls[start:])


def describe(calls: list[tuple[str, str, float]]) -> str:
    counts = Counter(f"{op}(rate)" if tag else op for op, tag, _ in calls)
    return ", ".join(f"{op} x{n}" if n > 1 else op for op, n in sorted(counts.items()))


def main() -> None:
    from chalice.test import Client

    import app as app_module
    from chalicelib.domain import agents
    from chalicelib.store import tenants
    from chalicelib.settings import get_settings
    from local.provision import provision

    rows: list[tuple[str, int, int, float, str]] = []

    with mock_aws():
        provision(get_settings())
        tenants.create_site_if_absent("site_a", "A")
        agents.new_agent("alice", "bench-password", "admin", ["site_a"], email="alice@a.example")
        with Client(app_module.app, stage_name="local") as client:
            def call(label: str, method: str, path: str, body: object = None, headers: dict | None = None):
                sent = {"Content-Type": "application/json", **(headers or {})}
                with counted() as calls:
                    raw = body if isinstance(body, bytes) or body is None else json.dumps(body)
                    response = getattr(client.http, method.lower())(path, headers=sent, body=raw)
                rate = sum(1 for _, tag, _ in calls if tag)
                capacity = sum(units for _, tag, units in calls if not tag)
                rows.append((label, len(calls) - rate, rate, capacity, describe(calls)))
                assert response.status_code < 400, (label, response.status_code, response.body)
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
            first = call("POST /api/v1/visitors (new)", "POST", "/api/v1/visitors",
                         {"site_id": "site_a", "visitor_id": "v1", "name": "V"}).json_body["data"]
            call("POST /api/v1/visitors (again, with its token)", "POST", "/api/v1/visitors",
                 {"site_id": "site_a", "visitor_id": "v1", "name": "V"},
                 headers={"X-Visitor-Token": first["session_token"]})
            # The widget's CORS (issue 20): the preflight and a browser's request each read the site they name.
            tenants.update_site("site_a", {"widget_config": {"domains": ["*.shop-a.example"]}})
            browser = {"Origin": "https://www.shop-a.example"}
            call("OPTIONS /api/v1/visitors (CORS preflight)", "OPTIONS", "/api/v1/visitors?site_id=site_a",
                 headers={**browser, "Access-Control-Request-Method": "POST"})
            call("POST /api/v1/visitors (again, from a browser)", "POST", "/api/v1/visitors?site_id=site_a",
                 {"site_id": "site_a", "visitor_id": "v1", "name": "V"},
                 headers={**browser, "X-Visitor-Token": first["session_token"]})
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
            # -- seed 004: FAQs, the customer flow, escalation, the agent app's conversations --
            faqs = "/api/v1/admin/sites/site_a/faqs"
            call("POST /api/v1/admin/sites/{id}/faqs", "POST", faqs, {
                "slug": "refunds", "question": "Refund?", "answer": "5 days.", "keywords": ["refund"]}, headers=auth)
            call("GET /api/v1/admin/sites/{id}/faqs", "GET", faqs, headers=auth)
            call("PATCH /api/v1/admin/sites/{id}/faqs/{slug}", "PATCH", f"{faqs}/refunds", {"position": 1},
                 headers=auth)
            call("PUT /api/v1/admin/sites/{id}/escalation", "PUT", "/api/v1/admin/sites/site_a/escalation",
                 {"agent_capacity": 5}, headers=auth)
            call("GET /api/v1/customer/quick-questions", "GET", "/api/v1/customer/quick-questions?site_id=site_a")
            cust = call("POST /api/v1/customer/conversations/start", "POST", "/api/v1/customer/conversations/start",
                        {"site_id": "site_a", "name": "Jane"}).json_body
            ccid, as_cust = cust["conversation_id"], {"X-Customer-Session-Id": cust["customer_session_id"]}
            cpath = f"/api/v1/customer/conversations/{ccid}"
            call("GET /api/v1/customer/conversations/{id}", "GET", cpath, headers=as_cust)
            call("POST .../customer/conversations/{id}/messages (bot answers)", "POST", f"{cpath}/messages",
                 {"body": "a refund please"}, headers=as_cust)
            call("POST .../customer/conversations/{id}/quick-replies/{slug}", "POST", f"{cpath}/quick-replies/refunds",
                 headers=as_cust)
            call("GET .../customer/conversations/{id}/messages", "GET", f"{cpath}/messages?after_seq=0",
                 headers=as_cust)
            call("POST .../customer/conversations/{id}/escalate", "POST", f"{cpath}/escalate", headers=as_cust)
            call("POST .../customer/conversations/{id}/escalate (again)", "POST", f"{cpath}/escalate",
                 headers=as_cust)
            call("POST .../customer/conversations/{id}/messages (agent mode)", "POST", f"{cpath}/messages",
                 {"body": "thanks"}, headers=as_cust)
            call("GET /api/v1/agent/conversations?status=agent", "GET", "/api/v1/agent/conversations?status=agent",
                 headers=auth004)
            call("GET /api/v1/agent/conversations/{id}/messages", "GET",
                 f"/api/v1/agent/conversations/{ccid}/messages", headers=auth004)
            call("POST /api/v1/agent/conversations/{id}/messages", "POST",
                 f"/api/v1/agent/conversations/{ccid}/messages", {"body": "Hello"}, headers=auth)
            call("POST /api/v1/agent/conversations/{id}/close", "POST", f"/api/v1/agent/conversations/{ccid}/close",
                 headers=auth)
            call("DELETE /api/v1/admin/sites/{id}/faqs/{slug}", "DELETE", f"{faqs}/refunds", headers=auth)
            # -- conversations and messages (seed 000 sections 4, 5, 8, 9, 11) --
            visitor = call("POST /api/v1/visitors (chat)", "POST", "/api/v1/visitors",
                           {"site_id": "site_a", "visitor_id": "v2", "name": "Vera"}).json_body["data"]
            as_visitor = {"X-Visitor-Token": visitor["session_token"]}
            conversation = call("POST /api/v1/conversations", "POST", "/api/v1/conversations",
                                {"site_id": "site_a", "visitor_id": "v2"}, headers=as_visitor).json_body["data"]
            cid = conversation["id"]
            for i in range(30):
                client.http.post("/api/v1/messages", headers={"Content-Type": "application/json", **as_visitor},
                                 body=json.dumps({"conversation_id": cid, "content": f"warm-up {i}", "type": "text"}))
            sent = call("POST /api/v1/messages (visitor)", "POST", "/api/v1/messages",
                        {"conversation_id": cid, "content": "Where is my order?", "type": "text"},
                        headers=as_visitor).json_body["data"]
            call("POST /api/v1/messages (agent)", "POST", "/api/v1/messages",
                 {"conversation_id": cid, "content": "Let me check.", "type": "text"}, headers=auth)
            call("POST /api/v1/messages (idempotent replay)", "POST", "/api/v1/messages",
                 {"conversation_id": cid, "content": "once", "type": "text"},
                 headers={**as_visitor, "Idempotency-Key": "k1"})
            call("POST /api/v1/messages (idempotent replay, 2nd)", "POST", "/api/v1/messages",
                 {"conversation_id": cid, "content": "once", "type": "text"},
                 headers={**as_visitor, "Idempotency-Key": "k1"})
            call("GET /api/v1/conversations/{id} (latest 50)", "GET", f"/api/v1/conversations/{cid}", headers=auth)
            call("GET /api/v1/conversations/{id}?messages_before", "GET",
                 f"/api/v1/conversations/{cid}?messages_before={sent['id']}&messages_limit=10", headers=auth)
            call("GET /api/v1/conversations (status=active)", "GET",
                 "/api/v1/conversations?site_id=site_a&status=active", headers=auth)
            call("GET /api/v1/conversations (all)", "GET", "/api/v1/conversations?site_id=site_a", headers=auth)
            call("GET /api/v1/messages (latest page)", "GET", f"/api/v1/messages?conversation_id={cid}&limit=20",
                 headers=auth)
            call("GET /api/v1/messages?before=", "GET",
                 f"/api/v1/messages?conversation_id={cid}&before={sent['id']}&limit=20", headers=auth)
            call("POST /api/v1/messages/read", "POST", "/api/v1/messages/read", {"conversation_id": cid},
                 headers=auth)
            call("POST /api/v1/typing", "POST", "/api/v1/typing", {"conversation_id": cid, "is_typing": True},
                 headers=as_visitor)
            me = client.http.get("/api/v1/auth/validate", headers=auth).json_body["data"]["user"]["id"]
            call("PATCH /api/v1/conversations/{id}/assign", "PATCH", f"/api/v1/conversations/{cid}/assign",
                 {"agent_id": me}, headers=auth)
            call("GET /api/v1/conversations (assigned_to)", "GET",
                 f"/api/v1/conversations?site_id=site_a&assigned_to={me}", headers=auth)
            call("GET /api/v1/notifications", "GET", "/api/v1/notifications", headers=auth)
            call("POST /api/v1/notifications/read", "POST", "/api/v1/notifications/read", {}, headers=auth)
            # -- files (seed 000 section 6) --
            from urllib3 import encode_multipart_formdata

            png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
                   b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\xdac\xfc\xff\x9f\xa1\x1e\x00\x07\x82\x02\x7f=\xc8H"
                   b"\xef\x00\x00\x00\x00IEND\xaeB`\x82")
            form, form_type = encode_multipart_formdata({"site_id": "site_a", "file": ("a.png", png, "image/png")})
            uploaded = call("POST /api/v1/files/upload", "POST", "/api/v1/files/upload", form,
                            headers={**as_visitor, "Content-Type": form_type}).json_body["data"]
            call("GET /api/v1/files/{id}", "GET", f"/api/v1/files/{uploaded['id']}", headers=auth)
            call("GET /api/v1/files/{id}/download?token=", "GET", uploaded["url"])
            call("POST /api/v1/messages (image)", "POST", "/api/v1/messages", {
                "conversation_id": cid, "type": "image", "file_id": uploaded["id"]}, headers=as_visitor)
            call("DELETE /api/v1/files/{id}", "DELETE", f"/api/v1/files/{uploaded['id']}", headers=auth)
            call("PATCH /api/v1/conversations/{id}/close", "PATCH", f"/api/v1/conversations/{cid}/close",
                 {"resolution": "done"}, headers=auth)
            call("GET /api/v1/analytics/dashboard (today)", "GET",
                 "/api/v1/analytics/dashboard?site_id=site_a&period=today", headers=auth)
            call("GET /api/v1/analytics/dashboard (month)", "GET",
                 "/api/v1/analytics/dashboard?site_id=site_a&period=month", headers=auth)
            call("GET /api/v1/analytics/agents/{id} (week)", "GET", f"/api/v1/analytics/agents/{me}?period=week",
                 headers=auth)
            call("POST /api/v1/analysis/message", "POST", "/api/v1/analysis/message",
                 {"message": "Is the premium plan too expensive?"}, headers=auth)
            call("POST /api/v1/analysis/message (conversation)", "POST", "/api/v1/analysis/message",
                 {"message": "Is the premium plan too expensive?", "conversation_id": cid}, headers=auth)
            call("GET /api/v1/analysis/conversation/{id} (computed)", "GET",
                 f"/api/v1/analysis/conversation/{cid}", headers=auth)
            call("GET /api/v1/analysis/conversation/{id} (cached)", "GET",
                 f"/api/v1/analysis/conversation/{cid}", headers=auth)
            # -- seed 003: chats, agent stats, analytics (API key) --
            keyed = {"Authorization": f"Bearer {key['key']}"}
            v3 = client.http.post("/api/v1/visitors", headers={"Content-Type": "application/json"}, body=json.dumps(
                {"site_id": "site_a", "visitor_id": "v3", "name": "Ali", "phone": "+998901234567"})).json_body["data"]
            chat3 = client.http.post("/api/v1/conversations", body=json.dumps({"site_id": "site_a", "visitor_id": "v3"}),
                                     headers={"Content-Type": "application/json",
                                              "X-Visitor-Token": v3["session_token"]}).json_body["data"]["id"]
            call("GET /v1/chats", "GET", "/v1/chats", headers=keyed)
            call("GET /v1/chats?status=active", "GET", "/v1/chats?status=active", headers=keyed)
            call("GET /v1/chats?status=assigned", "GET", "/v1/chats?status=assigned", headers=keyed)
            call("GET /v1/chats?agent_id=", "GET", f"/v1/chats?agent_id={me}", headers=keyed)
            call("GET /v1/chats/{id}", "GET", f"/v1/chats/{chat3}", headers=keyed)
            call("POST /v1/chats/{id}/messages", "POST", f"/v1/chats/{chat3}/messages",
                 {"text": "Salom!", "agent_id": me}, headers=keyed)
            call("PATCH /v1/chats/{id} (tags, notes)", "PATCH", f"/v1/chats/{chat3}",
                 {"tags": ["vip"], "notes": "premium"}, headers=keyed)
            call("PATCH /v1/chats/{id} (assigned_to)", "PATCH", f"/v1/chats/{chat3}", {"assigned_to": me},
                 headers=keyed)
            call("PATCH /v1/chats/{id} (status closed)", "PATCH", f"/v1/chats/{chat3}", {"status": "closed"},
                 headers=keyed)
            call("GET /v1/agents/{id}/stats (30 days)", "GET", f"/v1/agents/{me}/stats", headers=keyed)
            call("GET /v1/analytics/overview (366 days + the 366 before)", "GET",
                 "/v1/analytics/overview?from=2025-01-01&to=2026-01-01", headers=keyed)
            call("GET /v1/analytics/agents (per agent: 1 Query)", "GET", "/v1/analytics/agents?sort_by=csat_score",
                 headers=keyed)
            # -- seed 003: widget configuration, automation triggers, the widget's activity reports --
            call("GET /v1/widget/config", "GET", "/v1/widget/config", headers=keyed)
            call("PATCH /v1/widget/config", "PATCH", "/v1/widget/config",
                 {"color": "#6366F1", "domains": ["company.uz", "*.company.uz"]}, headers=keyed)
            trigger = call("POST /v1/automation/triggers", "POST", "/v1/automation/triggers",
                           {"name": "Welcome", "condition": "page_load", "message": "Hi", "url_pattern": "/pricing"},
                           headers=keyed).json_body["id"]
            call("GET /v1/automation/triggers", "GET", "/v1/automation/triggers", headers=keyed)
            call("GET /v1/automation/triggers/{id}", "GET", f"/v1/automation/triggers/{trigger}", headers=keyed)
            call("PATCH /v1/automation/triggers/{id}", "PATCH", f"/v1/automation/triggers/{trigger}",
                 {"delay_seconds": 0}, headers=keyed)
            v4 = client.http.post("/api/v1/visitors", headers={"Content-Type": "application/json"}, body=json.dumps(
                {"site_id": "site_a", "visitor_id": "v4", "name": "Vali"})).json_body["data"]["session_token"]
            seen = {"X-Visitor-Token": v4}
            call("POST /api/v1/visitors/activity (no trigger due)", "POST", "/api/v1/visitors/activity",
                 {"type": "page_view", "page_url": "https://a.example/about"}, headers=seen)
            call("POST /api/v1/visitors/activity (one due: claim + SQS)", "POST", "/api/v1/visitors/activity",
                 {"type": "page_view", "page_url": "https://a.example/pricing"}, headers=seen)
            call("POST /api/v1/visitors/activity (fired today already)", "POST", "/api/v1/visitors/activity",
                 {"type": "page_view", "page_url": "https://a.example/pricing"}, headers=seen)
            from chalicelib.domain import automation
            from chalicelib.model.automation import TriggerJob

            with counted() as job_calls:  # the automation worker's one job, before its fan-out
                automation.fire(TriggerJob("site_a", "v4", trigger, "2026-01-01"))
            rows.append(("automation worker: one job (fire)", len(job_calls), 0,
                         sum(units for *_, units in job_calls), describe(job_calls)))
            call("DELETE /v1/automation/triggers/{id}", "DELETE", f"/v1/automation/triggers/{trigger}", headers=keyed)
            # -- seed 002: the AI-assistant chat API (/chat) and its admin routes --
            from chalicelib.domain.assistant import assistants as assistant_admin
            from chalicelib.domain.assistant import chats as assistant_chats

            assistant_chats.PURGE_DELAY_SECONDS = 0
            assistant_admin.ensure_demo("site_a")
            made = call("POST /api/v1/admin/sites/{id}/assistants", "POST", "/api/v1/admin/sites/site_a/assistants",
                        {"name": "Sales Helper"}, headers=auth).json_body["data"]["id"]
            call("GET /api/v1/admin/sites/{id}/assistants", "GET", "/api/v1/admin/sites/site_a/assistants",
                 headers=auth)
            call("PATCH /api/v1/admin/sites/{id}/assistants/{agent_id}", "PATCH",
                 f"/api/v1/admin/sites/site_a/assistants/{made}", {"active": False}, headers=auth)
            call("DELETE /api/v1/admin/sites/{id}/assistants/{agent_id}", "DELETE",
                 f"/api/v1/admin/sites/site_a/assistants/{made}", headers=auth)
            end_user = client.http.post("/api/v1/visitors", headers={"Content-Type": "application/json"},
                                        body=json.dumps({"site_id": "site_a", "visitor_id": "u002", "name": "U"}))
            user = {"Authorization": f"Bearer {end_user.json_body['data']['session_token']}"}
            chat = call("POST /chat/conversations", "POST", "/chat/conversations",
                        {"title": "New Customer Inquiry", "agent_id": 5}, headers=user).json_body["data"]["conversation_id"]
            for i in range(25):
                client.http.post(f"/chat/conversations/{chat}/messages", headers={"Content-Type": "application/json",
                                                                                   **user},
                                 body=json.dumps({"content": f"warm-up message {i}", "sender_type": "user"}))
            call("POST /chat/conversations/{id}/messages", "POST", f"/chat/conversations/{chat}/messages",
                 {"content": "My order number is #12345", "sender_type": "user"}, headers=user)
            call("POST /chat/conversations/{id}/messages (Idempotency-Key)", "POST",
                 f"/chat/conversations/{chat}/messages", {"content": "once"}, headers={**user, "Idempotency-Key": "k"})
            call("POST /chat/conversations/{id}/messages (replay)", "POST", f"/chat/conversations/{chat}/messages",
                 {"content": "once"}, headers={**user, "Idempotency-Key": "k"})
            call("POST /chat/conversations/{id}/ai-response (local)", "POST",
                 f"/chat/conversations/{chat}/ai-response",
                 {"message": "My order number is #12345", "agent_id": 5, "include_context": True}, headers=user)
            call("GET /chat/conversations", "GET", "/chat/conversations?limit=20&offset=0", headers=user)
            call("GET /chat/conversations/{id}", "GET", f"/chat/conversations/{chat}", headers=user)
            call("GET /chat/conversations/{id}/messages (offset=0)", "GET",
                 f"/chat/conversations/{chat}/messages?limit=20&offset=0", headers=user)
            call("GET /chat/conversations/{id}/messages (offset=20)", "GET",
                 f"/chat/conversations/{chat}/messages?limit=20&offset=20", headers=user)
            call("PUT /chat/conversations/{id} (pin)", "PUT", f"/chat/conversations/{chat}", {"is_pinned": True},
                 headers=user)
            call("PUT /chat/conversations/{id} (archive)", "PUT", f"/chat/conversations/{chat}",
                 {"is_archived": True}, headers=user)
            call("GET /chat/search (one word)", "GET", "/chat/search?query=order&limit=20", headers=user)
            call("GET /chat/search (two words)", "GET", "/chat/search?query=warm-up%20message&limit=20", headers=user)
            call("GET /chat/analytics/dashboard", "GET", "/chat/analytics/dashboard", headers=user)
            call("GET /chat/analytics/global", "GET", "/chat/analytics/global?site_id=site_a", headers=auth)
            call("DELETE /chat/conversations/{id}", "DELETE", f"/chat/conversations/{chat}", headers=user)
            call("POST /api/v1/auth/logout", "POST", "/api/v1/auth/logout", headers=auth)

    width = max(len(label) for label, *_ in rows)
    print(f"{'endpoint':<{width}}  requests  +rate  ~capacity  operations")
    for label, count, rate, capacity, ops in rows:
        print(f"{label:<{width}}  {count:>8}  {rate:>5}  {capacity:>9.1f}  {ops}")
    print("Scans on these paths:", sum(1 for *_, ops in rows if "Scan" in ops))


if __name__ == "__main__":
    main()
