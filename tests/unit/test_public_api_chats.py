"""Seed 003 chats (issue 19): list with counters' totals, read with the visitor's details, send as an
agent (with a confirmed file), update tags/notes/assignment/status; a key's own workspace only."""
import requests

from chalicelib.domain import inbox
from tests.unit.chat_helpers import as_visitor, data, open_conversation, send
from tests.unit.file_helpers import png
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)
from tests.unit.test_realtime import connect_visitor, wire  # noqa: F401  (wire: fixture)


def issue_key(world, site_id="site_a", admin="alice", **extra):
    token = world.token(admin, site_id)
    response = world.call("POST", f"/api/v1/admin/sites/{site_id}/api-keys", {"name": "crm", **extra}, token=token)
    assert response.status_code == 201, response.body
    return response.json_body["data"]["key"]


def v1_error(response, status):
    """003's error shape; returns its code."""
    assert response.status_code == status, response.body
    error = response.json_body["error"]
    assert {"code", "message", "message_en", "details", "request_id"} <= set(error), error
    return error["code"]


def register(world, visitor_id, **extra):
    body = {"site_id": "site_a", "visitor_id": visitor_id, "name": f"Visitor {visitor_id}", **extra}
    response = world.call("POST", "/api/v1/visitors", body)
    assert response.status_code == 201, response.body
    token = response.json_body["data"]["session_token"]
    world.__dict__.setdefault("visitor_tokens", {})[("site_a", visitor_id)] = token
    return token


def test_list_filters_and_totals_as_documented(world):
    key = issue_key(world)
    bob = world.token("bob", "site_a")
    chats = []
    for i in range(3):
        token = register(world, f"v_{i}", email=f"v{i}@example.com")
        chats.append(open_conversation(world, token, visitor_id=f"v_{i}"))
        send(world, chats[-1], "hello", headers=as_visitor(token))
    world.call("PATCH", f"/api/v1/conversations/{chats[0]}/assign", {"agent_id": world.bob.agent_id}, token=bob)
    world.call("PATCH", f"/api/v1/conversations/{chats[1]}/assign", {"agent_id": world.bob.agent_id}, token=bob)
    world.call("PATCH", f"/api/v1/conversations/{chats[1]}/close", {}, token=bob)

    def listed(query=""):
        response = world.call("GET", f"/v1/chats{query}", token=key)
        assert response.status_code == 200, response.body
        return response.json_body

    everything = listed()
    assert everything["pagination"] == {"page": 1, "limit": 20, "total": 3, "pages": 1}
    # Newest activity first: the close, then the assignment, then the last visitor message.
    assert [c["id"] for c in everything["data"]] == [chats[1], chats[0], chats[2]]
    first = next(c for c in everything["data"] if c["id"] == chats[0])
    assert first["visitor_name"] == "Visitor v_0" and first["visitor_email"] == "v0@example.com"
    assert first["status"] == "assigned" and first["assigned_to"] == world.bob.agent_id
    assert first["unread_count"] == 1 and first["last_message_at"].endswith("Z")
    assert {c["id"]: c["status"] for c in everything["data"]} == {
        chats[0]: "assigned", chats[1]: "closed", chats[2]: "active"}

    assert [c["id"] for c in listed("?status=active")["data"]] == [chats[0], chats[2]]
    assert listed("?status=active")["pagination"]["total"] == 2
    assigned = listed("?status=assigned")
    assert [c["id"] for c in assigned["data"]] == [chats[0]] and assigned["pagination"]["total"] == 1
    closed = listed("?status=closed")
    assert [c["id"] for c in closed["data"]] == [chats[1]] and closed["pagination"]["total"] == 1
    bobs = listed(f"?agent_id={world.bob.agent_id}")
    assert {c["id"] for c in bobs["data"]} == {chats[0], chats[1]} and bobs["pagination"]["total"] == 2
    assert [c["id"] for c in listed(f"?agent_id={world.bob.agent_id}&status=closed")["data"]] == [chats[1]]
    paged = listed("?limit=2&page=2")
    assert [c["id"] for c in paged["data"]] == [chats[2]]
    assert paged["pagination"] == {"page": 2, "limit": 2, "total": 3, "pages": 2}

    for bad in ("?limit=101", "?limit=0", "?page=0", "?status=open", "?colour=red"):
        assert v1_error(world.call("GET", f"/v1/chats{bad}", token=key), 400) == "REQ-001", bad


def test_a_chat_shows_its_visitor_and_the_patch_changes_it(world, wire):
    key = issue_key(world)
    token = register(world, "v_1", email="ali@example.com", phone="+998 90 123-45-67", metadata={"plan": "pro"})
    tab, _ = connect_visitor(world, name="Visitor v_1")  # the widget, registering again with its token
    chat_id = open_conversation(world, token)
    shown = world.call("GET", f"/v1/chats/{chat_id}", token=key).json_body
    assert shown["visitor"] == {"id": "v_1", "name": "Visitor v_1", "email": "ali@example.com",
                                "phone": "+998 90 123-45-67", "metadata": {"plan": "pro"}}
    assert shown["status"] == "active" and shown["tags"] == [] and shown["notes"] is None

    patched = world.call("PATCH", f"/v1/chats/{chat_id}", {
        "tags": ["vip", "premium"], "notes": "Mijoz premium tarif haqida so'radi",
        "assigned_to": world.bob.agent_id, "visitor": {"phone": "+998901234567"}}, token=key)
    assert patched.status_code == 200, patched.body
    body = patched.json_body
    assert body["tags"] == ["vip", "premium"] and body["notes"] == "Mijoz premium tarif haqida so'radi"
    assert body["status"] == "assigned" and body["assigned_to"] == world.bob.agent_id
    assert body["visitor"]["phone"] == "+998901234567" and body["visitor"]["metadata"] == {"plan": "pro"}
    assert world.call("GET", f"/v1/chats/{chat_id}", token=key).json_body == body  # stored, not just echoed
    # The console sees the same assignment: one conversation core.
    bob = world.token("bob", "site_a")
    console = data(world.call("GET", f"/api/v1/conversations?site_id=site_a&assigned_to={world.bob.agent_id}",
                              token=bob))
    assert [c["id"] for c in console["conversations"]] == [chat_id]

    closed = world.call("PATCH", f"/v1/chats/{chat_id}", {"status": "closed", "tags": ["resolved", "billing"],
                                                           "notes": "Muammo hal qilindi"}, token=key)
    assert closed.status_code == 200, closed.body
    assert closed.json_body["status"] == "closed" and closed.json_body["tags"] == ["resolved", "billing"]
    # Assigning and closing raised the console's own events: the widget heard both.
    assert [f["agent_id"] for f in wire.of(tab, "conversation_assigned")] == [world.bob.agent_id]
    assert [f["conversation_id"] for f in wire.of(tab, "conversation_closed")] == [chat_id]
    assert v1_error(world.call("PATCH", f"/v1/chats/{chat_id}", {"status": "active"}, token=key), 409) == "RES-002"
    assert v1_error(world.call("PATCH", f"/v1/chats/{chat_id}", {"assigned_to": world.alice.agent_id},
                               token=key), 409) == "RES-002"

    too_many = [f"t{i}" for i in range(21)]
    for bad in ({"tags": too_many}, {"tags": ["x" * 51]}, {"tags": "vip"}, {"notes": "x" * 5001},
                {"status": "open"}, {"assigned_to": 7}, {}, {"priority": "high"},
                {"visitor": {"phone": "call me"}}, {"visitor": {"email": "x@example.com"}}):
        assert v1_error(world.call("PATCH", f"/v1/chats/{chat_id}", bad, token=key), 400) == "REQ-001", bad
    assert world.call("PATCH", f"/v1/chats/{chat_id}", {"tags": ["x" * 50] * 20}, token=key).status_code == 200


def test_assigning_to_someone_who_is_not_an_agent_of_the_workspace_is_refused(world):
    key = issue_key(world)
    chat_id = open_conversation(world, register(world, "v_1"))
    refused = world.call("PATCH", f"/v1/chats/{chat_id}", {"assigned_to": world.carol.agent_id}, token=key)
    assert v1_error(refused, 400) == "REQ-001"
    assert world.call("GET", f"/v1/chats/{chat_id}", token=key).json_body["assigned_to"] is None


def test_a_stale_concurrent_assignment_is_a_409_and_changes_nothing(world, monkeypatch):
    key = issue_key(world)
    chat_id = open_conversation(world, register(world, "v_1"))
    before = world.call("PATCH", f"/v1/chats/{chat_id}", {"tags": ["x"]}, token=key).json_body
    assert before["assigned_to"] is None
    # Another integrator assigns bob between this request's read and its write.
    real_load = inbox.load

    def read_then_lose_the_race(principal, conversation_id, consistent=False):
        seen = real_load(principal, conversation_id, consistent)
        world.call("PATCH", f"/v1/chats/{chat_id}", {"assigned_to": world.bob.agent_id}, token=key)
        monkeypatch.setattr(inbox, "load", real_load)
        return seen

    monkeypatch.setattr(inbox, "load", read_then_lose_the_race)
    lost = world.call("PATCH", f"/v1/chats/{chat_id}", {"assigned_to": world.alice.agent_id}, token=key)
    assert v1_error(lost, 409) == "RES-002"
    assert world.call("GET", f"/v1/chats/{chat_id}", token=key).json_body["assigned_to"] == world.bob.agent_id


def test_a_key_sends_as_an_agent_and_the_visitor_hears_it(world, wire):
    tab, token = connect_visitor(world)
    chat_id = open_conversation(world, token)
    acting = issue_key(world, agent_id=world.bob.agent_id)
    plain = issue_key(world)

    sent = world.call("POST", f"/v1/chats/{chat_id}/messages",
                      {"text": "Salom! Sizga qanday yordam bera olaman?"}, token=acting)
    assert sent.status_code == 201, sent.body
    body = sent.json_body
    assert body["chat_id"] == chat_id and body["text"] == "Salom! Sizga qanday yordam bera olaman?"
    assert body["sender"] == {"type": "agent", "id": world.bob.agent_id, "name": "bob"}
    assert body["id"].startswith("msg_") and body["created_at"].endswith("Z")
    heard = wire.of(tab, "message")
    assert [(f["from"], f["message"], f["conversation_id"]) for f in heard] == [
        ("support", "Salom! Sizga qanday yordam bera olaman?", chat_id)]

    as_alice = world.call("POST", f"/v1/chats/{chat_id}/messages",
                          {"text": "Alice here", "agent_id": world.alice.agent_id}, token=plain)
    assert as_alice.status_code == 201 and as_alice.json_body["sender"]["id"] == world.alice.agent_id
    assert v1_error(world.call("POST", f"/v1/chats/{chat_id}/messages", {"text": "who am I"}, token=plain),
                    400) == "REQ-001"
    assert v1_error(world.call("POST", f"/v1/chats/{chat_id}/messages",
                               {"text": "x", "agent_id": world.carol.agent_id}, token=plain), 400) == "REQ-001"
    assert v1_error(world.call("POST", f"/v1/chats/{chat_id}/messages", {"text": ""}, token=acting), 400)
    assert v1_error(world.call("POST", "/v1/chats/conv_nope/messages", {"text": "x"}, token=acting), 404)
    messages = data(world.call("GET", f"/api/v1/messages?conversation_id={chat_id}", headers=as_visitor(token)))
    assert [m["content"] for m in messages["messages"]] == ["Salom! Sizga qanday yordam bera olaman?", "Alice here"]


def test_attachments_must_be_confirmed_files_of_the_workspace(world):
    acting = issue_key(world, agent_id=world.bob.agent_id)
    token = register(world, "v_1")
    chat_id = open_conversation(world, token)
    image = png()
    slot = world.call("POST", "/v1/files/upload-url", {"filename": "screenshot.png", "content_type": "image/png",
                                                       "size_bytes": len(image)}, token=acting).json_body
    assert requests.put(slot["upload_url"], data=image, headers=slot["headers"], timeout=5).status_code == 200
    pending = world.call("POST", f"/v1/chats/{chat_id}/messages", {"text": "see", "attachments": [
        {"type": "image", "url": f"/api/v1/files/{slot['file_id']}/download?token=x"}]}, token=acting)
    assert v1_error(pending, 400) == "REQ-001"  # uploaded, not confirmed
    confirmed = world.call("POST", "/v1/files/confirm", {"file_id": slot["file_id"]}, token=acting).json_body

    sent = world.call("POST", f"/v1/chats/{chat_id}/messages", {
        "text": "Here is the screenshot", "attachments": [{"type": "image", "url": confirmed["url"]}]}, token=acting)
    assert sent.status_code == 201, sent.body
    assert [(a["type"], a["file_id"]) for a in sent.json_body["attachments"]] == [("image", slot["file_id"])]
    seen = data(world.call("GET", f"/api/v1/messages?conversation_id={chat_id}", headers=as_visitor(token)))
    assert seen["messages"][-1]["file"]["id"] == slot["file_id"]

    other_chat = open_conversation(world, register(world, "v_2"), visitor_id="v_2")
    for attachments in ([{"type": "image", "url": "https://evil.example/x.png"}],
                        [{"type": "image", "url": "/api/v1/files/file_000000/download"}],
                        [{"type": "video", "url": confirmed["url"]}],
                        [{"type": "image", "url": confirmed["url"], "size": 1}],
                        "not a list",
                        [{"type": "file", "url": confirmed["url"]}] * 2):
        refused = world.call("POST", f"/v1/chats/{other_chat}/messages", {"text": "x", "attachments": attachments},
                             token=acting)
        assert v1_error(refused, 400) == "REQ-001", attachments
    # The file is this chat's now: another chat may not take it.
    taken = world.call("POST", f"/v1/chats/{other_chat}/messages", {
        "text": "x", "attachments": [{"type": "image", "url": confirmed["url"]}]}, token=acting)
    assert v1_error(taken, 400) == "REQ-001"


def test_another_workspace_s_chats_are_404_and_unchanged(world):
    key_b = issue_key(world, "site_b", "carol", agent_id=world.carol.agent_id)
    key_a = issue_key(world)
    token = register(world, "v_1")
    chat_id = open_conversation(world, token)
    before = world.call("GET", f"/v1/chats/{chat_id}", token=key_a).json_body
    for method, path, body in (("GET", f"/v1/chats/{chat_id}", None),
                               ("PATCH", f"/v1/chats/{chat_id}", {"status": "closed", "tags": ["pwned"]}),
                               ("POST", f"/v1/chats/{chat_id}/messages", {"text": "pwned"})):
        assert v1_error(world.call(method, path, body, token=key_b), 404) == "RES-001", path
    assert world.call("GET", "/v1/chats", token=key_b).json_body["pagination"]["total"] == 0
    assert world.call("GET", f"/v1/chats/{chat_id}", token=key_a).json_body == before
    assert world.call("GET", "/v1/chats", token=world.token("alice", "site_a")).status_code == 401
