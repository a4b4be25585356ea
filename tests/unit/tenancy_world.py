"""Two fully furnished tenants for the cross-tenant matrix (tests/unit/test_cross_tenant_matrix.py).

Built once per module, through the API wherever the API can build it: each site has an admin,
a support agent, two visitors (one whose visitor_id is the same string in both sites, so a
check that compares the visitor id but not the site shows up), a conversation with messages,
a file in that conversation and an agent's file, a pending presigned upload, notifications,
an API key and a webhook.

`Snapshot` reads everything a request could change -- every item of both tables, every object
in the files bucket, and the depth of every queue -- with a few cheap calls to moto, so a case
can say "nothing of the other site changed" and, when a hole did change something, put the
world back so the next case starts from the same state.
"""
from __future__ import annotations

import json
import time
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

import app as app_module
from chalicelib.settings import get_settings
from tests.unit.file_helpers import PDF, multipart, png

PASSWORD = "correct-horse-battery"
SHARED_VISITOR = "v_same"  # the same visitor_id string on both sites
KINDS = ("admin", "agent", "visitor", "api_key")


@dataclass
class Tenant:
    """One site and everything in it that a route can name."""

    site_id: str
    admin_name: str
    agent_name: str
    admin_id: str = ""
    agent_id: str = ""
    tokens: dict[str, str] = field(default_factory=dict)  # kind -> credential (agent JWT, visitor token, key)
    visitor_id: str = SHARED_VISITOR  # the visitor whose token is this site's "visitor" principal
    other_visitor_id: str = ""  # a visitor id that exists on this site only
    conversation_id: str = ""
    message_ids: list[str] = field(default_factory=list)
    file_id: str = ""  # uploaded by the visitor into the conversation
    agent_file_id: str = ""  # uploaded by the admin, in no conversation
    file_token: str = ""  # the download link's token for file_id
    pending_file_id: str = ""  # a presigned upload nobody confirmed
    key_id: str = ""
    webhook_id: str = ""
    notification_ids: list[str] = field(default_factory=list)  # the admin's
    extra: dict[str, str] = field(default_factory=dict)  # ids later surfaces add (see test_cross_tenant_matrix)
    proofs: dict[str, str] = field(default_factory=dict)  # valid user_hash/customer_hash values of this site
    refs: dict[str, str] = field(default_factory=dict)  # small per-site ids (not markers: "2" is everywhere)

    def markers(self) -> tuple[str, ...]:
        """Strings that appear only in this tenant's data: finding one elsewhere is a leak."""
        return tuple(m for m in (
            self.site_id, self.admin_id, self.agent_id, self.admin_name, self.agent_name,
            self.other_visitor_id, self.conversation_id, self.file_id, self.agent_file_id,
            self.pending_file_id, self.key_id, self.webhook_id, f"Visitor of {self.site_id}",
            *self.message_ids, *self.notification_ids, *self.extra.values(),
        ) if m)


class Wire:
    """Stands in for API Gateway's @connections: records the frames each connection was sent."""

    def __init__(self) -> None:
        self.frames: dict[str, list[dict[str, Any]]] = {}
        self.closed: set[str] = set()

    def send(self, endpoint: str, connection_id: str, data: Any) -> bool:
        self.frames.setdefault(connection_id, []).append(json.loads(data))
        return connection_id not in self.closed

    def close(self, endpoint: str, connection_id: str) -> bool:
        self.closed.add(connection_id)
        return True


@dataclass
class TenancyWorld:
    client: Client
    sites: dict[str, Tenant]
    wire: Wire = field(default_factory=Wire)

    def call(self, method: str, path: str, body: Any = None, *, token: str | None = None,
             headers: dict[str, str] | None = None, raw: bytes | None = None):
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        payload: Any = raw
        if raw is None and body is not None:
            sent.setdefault("Content-Type", "application/json")
            payload = json.dumps(body)
        return getattr(self.client.http, method.lower())(path, headers=sent, body=payload)

    def as_kind(self, tenant: Tenant, kind: str) -> dict[str, str]:
        """The headers with which `kind` of `tenant` calls: bearer for agents and keys, X-Visitor-Token."""
        credential = tenant.tokens[kind]
        if kind == "visitor":
            return {"X-Visitor-Token": credential}
        return {"Authorization": f"Bearer {credential}"}

    def login(self, username: str, site_id: str) -> dict[str, Any]:
        response = self.call("POST", "/api/v1/auth/support/login",
                             {"username": username, "password": PASSWORD, "site_id": site_id})
        assert response.status_code == 200, response.body
        return response.json_body["data"]

    def other(self, tenant: Tenant) -> Tenant:
        return next(t for t in self.sites.values() if t is not tenant)

    # -- WebSocket routes, as API Gateway calls them -------------------------------------------------

    @staticmethod
    def _ws(route: str):
        from local import lambdas

        return lambdas.resolve(app_module.app.websocket_handlers[route].handler_string)

    def ws_connect(self, query: dict[str, str], protocols: str | None = None) -> tuple[str, dict[str, Any]]:
        from local import apigw, lambdas

        connection_id = f"c{uuid.uuid4().hex[:12]}="
        headers = [("Host", "localhost")] + ([("Sec-WebSocket-Protocol", protocols)] if protocols else [])
        event = apigw.ws_connect_event(connection_id=connection_id, headers=headers,
                                       query=urlencode(query), stage="local", domain="localhost",
                                       source_ip="127.0.0.1", connected_at=int(time.time() * 1000))
        return connection_id, self._ws("$connect")(event, lambdas.context("ws"))

    def ws_send(self, connection_id: str, frame: dict[str, Any]) -> dict[str, Any]:
        from local import apigw, lambdas

        event = apigw.ws_message_event(connection_id=connection_id, data=json.dumps(frame), stage="local",
                                       domain="localhost", connected_at=0, source_ip="127.0.0.1")
        return self._ws("$default")(event, lambdas.context("ws"))

    def ws_disconnect(self, connection_id: str) -> dict[str, Any]:
        from local import apigw, lambdas

        event = apigw.ws_disconnect_event(connection_id=connection_id, stage="local", domain="localhost",
                                          connected_at=0, source_ip="127.0.0.1", status_code=1000, reason="")
        return self._ws("$disconnect")(event, lambdas.context("ws"))


def _ok(response, *statuses):
    assert response.status_code in (statuses or (200,)), (response.status_code, response.body)
    body = response.json_body
    return body.get("data", body) if isinstance(body, dict) else body


def _upload(world: TenancyWorld, headers: dict[str, str], site_id: str, content: bytes, filename: str,
            content_type: str, **fields: str):
    body, header = multipart({"site_id": site_id, **fields}, content, filename, content_type)
    return world.call("POST", "/api/v1/files/upload", headers={**headers, "Content-Type": header}, raw=body)


def _furnish(world: TenancyWorld, t: Tenant) -> None:
    from chalicelib.domain import agents

    t.admin_id = agents.new_agent(t.admin_name, PASSWORD, "admin", [t.site_id],
                                  email=f"{t.admin_name}@{t.site_id}.example").agent_id
    t.agent_id = agents.new_agent(t.agent_name, PASSWORD, "support_agent", [t.site_id],
                                  email=f"{t.agent_name}@{t.site_id}.example").agent_id
    t.tokens["admin"] = world.login(t.admin_name, t.site_id)["token"]
    t.tokens["agent"] = world.login(t.agent_name, t.site_id)["token"]
    admin = {"Authorization": f"Bearer {t.tokens['admin']}"}

    for visitor_id in (t.visitor_id, t.other_visitor_id):
        registered = _ok(world.call("POST", "/api/v1/visitors", {
            "site_id": t.site_id, "visitor_id": visitor_id, "name": f"Visitor of {t.site_id}",
            "email": f"{visitor_id}@{t.site_id}.example", "metadata": {"page_url": f"https://{t.site_id}.example/"}}),
            201)
        if visitor_id == t.visitor_id:
            t.tokens["visitor"] = registered["session_token"]
    visitor = {"X-Visitor-Token": t.tokens["visitor"]}

    t.conversation_id = _ok(world.call("POST", "/api/v1/conversations",
                                       {"site_id": t.site_id, "visitor_id": t.visitor_id}, headers=visitor), 201)["id"]
    f = _ok(_upload(world, visitor, t.site_id, png(40, 30), "photo.png", "image/png",
                    conversation_id=t.conversation_id), 201)
    t.file_id = f["id"]
    t.file_token = f["url"].split("token=", 1)[1].split("&", 1)[0]
    t.agent_file_id = _ok(_upload(world, admin, t.site_id, PDF, "invoice.pdf", "application/pdf"), 201)["id"]
    for body, headers in (({"content": f"hello from {t.site_id}"}, visitor),
                          ({"content": f"reply on {t.site_id}"}, admin),
                          ({"type": "image", "file_id": t.file_id}, visitor)):
        sent = _ok(world.call("POST", "/api/v1/messages", {"conversation_id": t.conversation_id, "type": "text",
                                                            **body}, headers=headers), 201)
        t.message_ids.append(sent["id"])

    key = _ok(world.call("POST", f"/api/v1/admin/sites/{t.site_id}/api-keys", {"name": f"key of {t.site_id}"},
                         headers=admin), 201)
    t.key_id, t.tokens["api_key"] = key["id"], key["key"]
    keyed = {"Authorization": f"Bearer {t.tokens['api_key']}"}
    t.webhook_id = _ok(world.call("POST", "/v1/webhooks", {"url": "http://127.0.0.1:9/hook",
                                                           "events": ["chat.created", "message.sent"]},
                                  headers=keyed), 201)["id"]
    t.pending_file_id = _ok(world.call("POST", "/v1/files/upload-url", {
        "filename": "later.pdf", "content_type": "application/pdf", "size_bytes": len(PDF)}, headers=keyed))["file_id"]


def _notifications(world: TenancyWorld, t: Tenant) -> None:
    listed = _ok(world.call("GET", "/api/v1/notifications", headers={"Authorization": f"Bearer {t.tokens['admin']}"}))
    t.notification_ids = [n["id"] for n in listed["notifications"]]
    assert t.notification_ids, "the events worker made no notification for the admin"


def _purge_queues() -> None:
    sqs = boto3.client("sqs", region_name=get_settings().region)
    for url in sqs.list_queues().get("QueueUrls", []):
        sqs.purge_queue(QueueUrl=url)


def build_world(client: Client, wire: Wire, extend=None) -> TenancyWorld:
    """Both tenants, furnished; `extend(world, tenant)` adds what newer surfaces need."""
    from chalicelib.store import tenants
    from tests.unit.chat_helpers import drain_events

    world = TenancyWorld(client, {
        "site_a": Tenant("site_a", "alice", "bobby", other_visitor_id="va_only"),
        "site_b": Tenant("site_b", "carol", "danny", other_visitor_id="vb_only"),
    }, wire)
    for t in world.sites.values():
        tenants.create_site_if_absent(t.site_id, f"Shop {t.site_id}", f"https://{t.site_id}.example")
    for t in world.sites.values():
        _furnish(world, t)
    drain_events()  # notifications for the agents of each site
    for t in world.sites.values():
        _notifications(world, t)
        if extend is not None:
            extend(world, t)
    _purge_queues()
    return world


# -- snapshots ------------------------------------------------------------------------------------

def _moto(service: str):
    """moto's in-memory backend for this account and region: reading it costs no HTTP round trip."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.sqs.models import sqs_backends

    return {"dynamodb": dynamodb_backends, "sqs": sqs_backends}[service][DEFAULT_ACCOUNT_ID][get_settings().region]


def _s3():
    return boto3.client("s3", region_name=get_settings().region)


@dataclass
class Snapshot:
    """Every item of both tables, every object of the files bucket, every queue's depth (and, as the
    `outbox` queue, the count of events committed as outbox items: work a request left behind too)."""

    tables: dict[str, dict[tuple[str, ...], dict[str, Any]]]
    objects: dict[str, str]  # key -> ETag
    queues: dict[str, int]

    @classmethod
    def take(cls, s3: Any = None) -> "Snapshot":
        settings = get_settings()
        backend = _moto("dynamodb")
        tables = {
            name: {_item_key(attributes): attributes
                   for attributes in (item.to_json()["Attributes"] for item in backend.tables[name].all_items())}
            for name in (settings.chats_table, settings.connections_table)
        }
        listed = (s3 or _s3()).list_objects_v2(Bucket=settings.files_bucket).get("Contents", [])
        queues = {name: len(queue._messages) for name, queue in _moto("sqs").queues.items()}
        queues["outbox"] = sum(1 for key in tables[settings.chats_table] if key[0].startswith("OUTBOX#"))
        return cls(tables, {o["Key"]: o["ETag"] for o in listed}, queues)

    def changes_of(self, after: "Snapshot", markers: tuple[str, ...]) -> list[str]:
        """What changed between self and after in items and objects that mention one of `markers`."""
        found = []
        for table, before_items in self.tables.items():
            after_items = after.tables.get(table, {})
            for key in sorted(set(before_items) | set(after_items)):
                old, new = before_items.get(key), after_items.get(key)
                if old == new:
                    continue
                text = json.dumps([old, new], sort_keys=True, default=str)
                if any(m in text for m in markers):
                    what = "added" if old is None else "deleted" if new is None else "changed"
                    found.append(f"{table} item {key} {what}: {_diff(old, new)}")
        for key in sorted(set(self.objects) | set(after.objects)):
            if self.objects.get(key) != after.objects.get(key) and any(m in key for m in markers):
                found.append(f"s3 object {key} {'added' if key not in self.objects else 'deleted or replaced'}")
        return found

    def queued_since(self, after: "Snapshot") -> dict[str, int]:
        return {name: after.queues[name] - count for name, count in self.queues.items()
                if after.queues.get(name, 0) > count}

    def restore(self, current: "Snapshot", object_bytes: dict[str, bytes]) -> None:
        """Put the tables, the bucket and the queues back as they were (after a case changed them)."""
        settings = get_settings()
        backend = _moto("dynamodb")
        for table, items in self.tables.items():
            now_items = current.tables.get(table, {})
            for key, item in now_items.items():
                if key not in items:
                    backend.delete_item(table, {name: item[name] for name in ("pk", "sk") if name in item})
            for key, item in items.items():
                if now_items.get(key) != item:
                    backend.put_item(table, item)
        s3 = _s3()
        for key in set(current.objects) - set(self.objects):
            s3.delete_object(Bucket=settings.files_bucket, Key=key)
        for key in self.objects:
            if current.objects.get(key) != self.objects[key] and key in object_bytes:
                s3.put_object(Bucket=settings.files_bucket, Key=key, Body=object_bytes[key])
        for name, queue in _moto("sqs").queues.items():
            if len(queue._messages) > self.queues.get(name, 0):
                del queue._messages[self.queues.get(name, 0):]
        from tests.unit.chat_helpers import skip_outbox

        skip_outbox()  # the outbox items just deleted are still on the stream: they must not run later


def _item_key(item: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(next(iter(item[name].values()))) for name in ("pk", "sk") if name in item)


def _diff(old: dict | None, new: dict | None) -> str:
    if old is None or new is None:
        return json.dumps(old or new, sort_keys=True, default=str)[:300]
    names = sorted(n for n in set(old) | set(new) if old.get(n) != new.get(n))
    return ", ".join(f"{n}: {old.get(n)} -> {new.get(n)}" for n in names)[:300]


def bucket_bytes() -> dict[str, bytes]:
    settings = get_settings()
    s3 = _s3()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=settings.files_bucket).get("Contents", [])]
    return {k: s3.get_object(Bucket=settings.files_bucket, Key=k)["Body"].read() for k in keys}


@contextmanager
def tenancy_world(extend=None):
    """The two-tenant world in its own moto (use it from a module-scoped fixture). Rate limits are
    off (each principal makes a hundred calls within a minute here) and agent self-registration
    is admin-gated, as deployed (locally it is open to anyone: PARLEY_AGENT_REGISTRATION)."""
    from chalicelib.integrations import queues, sockets
    from local.provision import provision

    settings = get_settings()
    quiet = replace(settings, rate_limits=replace(settings.rate_limits, enabled=False))
    gated = replace(settings, agent_registration="admin")
    with ExitStack() as stack:
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        patch.setattr("chalicelib.domain.limits.get_settings", lambda: quiet)
        patch.setattr("chalicelib.domain.agents.get_settings", lambda: gated)
        wire = Wire()
        patch.setattr(sockets, "send", wire.send)
        patch.setattr(sockets, "close", wire.close)
        stack.enter_context(mock_aws())
        queues.reset_cache()
        provision(settings)
        client = stack.enter_context(Client(app_module.app, stage_name="local"))
        try:
            yield build_world(client, wire, extend)
        finally:
            queues.reset_cache()
