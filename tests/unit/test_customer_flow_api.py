"""Seed 004's customer flow and the agent app's conversations through chalice.test.Client on moto.
The real-socket flow is tests/e2e/test_customer_flow.py."""
import hashlib

import pytest

from chalicelib.domain import agents, customer_flow
from chalicelib.store import conversations as conversation_store
from chalicelib.store.models import ConversationItem
from tests.unit.identity_fixtures import PASSWORD, world  # noqa: F401  (fixture)

FAQS = (
    {"slug": "refunds", "question": "How do I get a refund?", "answer": "Refunds take 5 days.",
     "keywords": ["refund", "money back"], "position": 2},
    {"slug": "shipping", "question": "How long is shipping?", "answer": "Two to five days.",
     "keywords": ["shipping", "delivery"], "position": 1},
)


# -- helpers --------------------------------------------------------------------------------------

def agent_token(world, username):
    response = world.call("POST", "/api/v1/agent/auth/login", {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.body
    return response.json_body["access_token"]


def presence(world, token, status):
    response = world.call("POST", "/api/v1/agent/presence", {"status": status}, token=token)
    assert response.status_code == 200, response.body


def add_faqs(world, admin_token, site_id="site_a"):
    for faq in FAQS:
        response = world.call("POST", f"/api/v1/admin/sites/{site_id}/faqs", faq, token=admin_token)
        assert response.status_code == 201, response.body


def start(world, site_id="site_a", **body):
    response = world.call("POST", "/api/v1/customer/conversations/start", {"site_id": site_id, **body})
    assert response.status_code == 201, response.body
    return response.json_body


def as_customer(started):
    return {"X-Customer-Session-Id": started["customer_session_id"]}


def customer(world, method, started, suffix="", body=None, session=None, conversation_id=None):
    path = f"/api/v1/customer/conversations/{conversation_id or started['conversation_id']}{suffix}"
    headers = {} if session == "" else {"X-Customer-Session-Id": session or started["customer_session_id"]}
    return world.call(method, path, body, headers=headers)


def failure(response, status, code=None):
    assert response.status_code == status, response.body
    assert set(response.json_body) <= {"detail", "code", "errors"} and response.json_body["detail"]
    if code:
        assert response.json_body["code"] == code
    return response.json_body


def history(world, started, after_seq=0):
    response = customer(world, "GET", started, f"/messages?after_seq={after_seq}")
    assert response.status_code == 200, response.body
    return response.json_body["items"]


@pytest.fixture
def shop(world):
    """site_a with its FAQs, alice (admin) and bob (support agent) logged in, bob online."""
    alice, bob = agent_token(world, "alice"), agent_token(world, "bob")
    add_faqs(world, alice)
    presence(world, bob, "online")
    world.tokens = {"alice": alice, "bob": bob}
    return world


# -- quick questions and FAQ admin ---------------------------------------------------------------

def test_quick_questions_come_in_the_sites_order_without_answers(shop):
    response = shop.call("GET", "/api/v1/customer/quick-questions?site_id=site_a")
    assert response.status_code == 200
    assert response.json_body == {"items": [{"slug": "shipping", "question": "How long is shipping?"},
                                            {"slug": "refunds", "question": "How do I get a refund?"}]}
    failure(shop.call("GET", "/api/v1/customer/quick-questions?site_id=nowhere"), 404)
    failure(shop.call("GET", "/api/v1/customer/quick-questions"), 400)


def test_admins_manage_faqs_and_others_cannot(shop):
    alice, bob = shop.tokens["alice"], shop.tokens["bob"]
    base = "/api/v1/admin/sites/site_a/faqs"
    changed = shop.call("PATCH", f"{base}/refunds", {"position": 0, "answer": "Within a week."}, token=alice)
    assert changed.status_code == 200 and changed.json_body["answer"] == "Within a week."
    listed = shop.call("GET", base, token=alice).json_body["items"]
    assert [f["slug"] for f in listed] == ["refunds", "shipping"]
    assert listed[0]["keywords"] == ["refund", "money back"]
    failure(shop.call("POST", base, FAQS[0], token=alice), 409)
    failure(shop.call("POST", base, {**FAQS[0], "slug": "Bad Slug"}, token=alice), 400)
    failure(shop.call("POST", base, {**FAQS[0], "slug": "x", "position": -1}, token=alice), 400)
    failure(shop.call("POST", base, {"slug": "x", "question": "q", "answer": "a", "keywords": "nope"}, token=alice), 400)
    failure(shop.call("POST", base, {"slug": "x", "question": "q", "answer": "a", "id": 1}, token=alice), 400)
    failure(shop.call("POST", base, {"slug": "x", "question": "q", "answer": "a"}, token=bob), 403)
    failure(shop.call("GET", base, token=None), 401)
    failure(shop.call("GET", "/api/v1/admin/sites/site_b/faqs", token=alice), 404)
    failure(shop.call("PATCH", f"{base}/nope", {"position": 1}, token=alice), 404)
    assert shop.call("DELETE", f"{base}/refunds", token=alice).status_code == 204
    failure(shop.call("DELETE", f"{base}/refunds", token=alice), 404)
    assert [f["slug"] for f in shop.call("GET", base, token=alice).json_body["items"]] == ["shipping"]


# -- start and the customer session ---------------------------------------------------------------

def test_start_greets_with_the_welcome_message_and_keeps_only_a_hash_of_the_session(shop):
    started = start(shop, name="Jane", email="jane@example.com")
    assert started["mode"] == "automated" and started["status"] == "open"
    assert [(m["sender_type"], m["seq"]) for m in started["messages"]] == [("bot", 1)]
    assert started["messages"][0]["body"] == "Hi! How can we help you?"
    secret = started["customer_session_id"]
    assert len(secret) >= 43  # 256 random bits, base64url
    item = ConversationItem.get(*ConversationItem.key(started["conversation_id"]))
    assert secret not in str(item.attribute_values)
    assert item.customer_session_hash == hashlib.sha256(secret.encode()).hexdigest()
    view = customer(shop, "GET", started).json_body
    assert view["id"] == started["conversation_id"] and view["mode"] == "automated" and view["status"] == "open"
    assert view["assigned_agent"] is None and view["created_at"].endswith("Z")


def test_start_refuses_bad_input(shop):
    failure(shop.call("POST", "/api/v1/customer/conversations/start", {"site_id": "nowhere"}), 404)
    failure(shop.call("POST", "/api/v1/customer/conversations/start", {}), 400)
    failure(shop.call("POST", "/api/v1/customer/conversations/start", {"site_id": "site_a", "email": "nope"}), 400)
    failure(shop.call("POST", "/api/v1/customer/conversations/start", {"site_id": "site_a", "mode": "agent"}), 400)
    failure(shop.call("POST", "/api/v1/customer/conversations/start", "[1]"), 400)


@pytest.mark.parametrize("method,suffix,body", [
    ("GET", "", None), ("GET", "/messages", None), ("POST", "/messages", {"body": "hi"}),
    ("POST", "/quick-replies/refunds", None), ("POST", "/escalate", None),
])
def test_every_conversation_route_needs_this_conversations_session(shop, method, suffix, body):
    mine, other = start(shop), start(shop)
    before = len(history(shop, mine))
    failure(customer(shop, method, mine, suffix, body, session=""), 403)
    failure(customer(shop, method, mine, suffix, body, session="not-the-secret"), 403)
    failure(customer(shop, method, mine, suffix, body, session=other["customer_session_id"]), 403)
    failure(customer(shop, method, mine, suffix, body, conversation_id="conv_00000000000000000000"), 404)
    assert len(history(shop, mine)) == before
    assert customer(shop, "GET", mine).json_body["mode"] == "automated"


# -- the bot ---------------------------------------------------------------------------------------

def test_the_bot_answers_free_text_with_the_best_faq_or_offers_an_agent(shop):
    started = start(shop)
    said = customer(shop, "POST", started, "/messages", {"body": "I want my MONEY back, a refund please"})
    assert said.status_code == 201, said.body
    assert said.json_body["sender_type"] == "customer" and said.json_body["seq"] == 2
    assert [(r["sender_type"], r["body"], r["faq_slug"]) for r in said.json_body["replies"]] == [
        ("bot", "Refunds take 5 days.", "refunds")]
    unknown = customer(shop, "POST", started, "/messages", {"body": "Is the moon made of cheese?"}).json_body
    assert unknown["replies"][0]["sender_type"] == "bot" and unknown["replies"][0]["suggests_escalation"] is True
    assert [m["seq"] for m in history(shop, started)] == [1, 2, 3, 4, 5]
    assert [m["seq"] for m in history(shop, started, after_seq=3)] == [4, 5]


def test_a_repeated_client_message_id_answers_the_first_message_and_nothing_more(shop):
    started = start(shop)
    first = customer(shop, "POST", started, "/messages", {"body": "shipping?", "client_message_id": "m-1"}).json_body
    again = customer(shop, "POST", started, "/messages", {"body": "shipping?", "client_message_id": "m-1"}).json_body
    assert again["id"] == first["id"] and again["replies"] == []
    assert [m["sender_type"] for m in history(shop, started)] == ["bot", "customer", "bot"]


def test_quick_reply_posts_the_question_and_the_bots_answer(shop):
    started = start(shop)
    response = customer(shop, "POST", started, "/quick-replies/shipping")
    assert response.status_code == 201, response.body
    assert [(m["sender_type"], m["body"]) for m in response.json_body["items"]] == [
        ("customer", "How long is shipping?"), ("bot", "Two to five days.")]
    failure(customer(shop, "POST", started, "/quick-replies/no-such-faq"), 404)
    failure(customer(shop, "POST", started, "/messages", {"body": ""}), 400)
    failure(customer(shop, "POST", started, "/messages", {"body": "x" * 4001}), 400)
    failure(customer(shop, "POST", started, "/messages", {"body": "hi", "seq": 9}), 400)


# -- escalation -----------------------------------------------------------------------------------

def test_escalation_assigns_an_online_agent_once(shop):
    started = start(shop)
    first = customer(shop, "POST", started, "/escalate")
    assert first.status_code == 200, first.body
    assert first.json_body["assigned_agent"] == {"id": shop.bob.agent_id, "name": "bob"}
    assert first.json_body["conversation"]["mode"] == "agent"
    again = customer(shop, "POST", started, "/escalate")
    assert again.status_code == 200 and again.json_body == first.json_body
    system = [m for m in history(shop, started) if m["sender_type"] == "system"]
    assert [m["body"] for m in system] == ["You are now connected with bob"]
    failure(customer(shop, "POST", started, "/quick-replies/shipping"), 409)
    # the bot is silent now; the customer still writes, even while its agent is offline
    presence(shop, shop.tokens["bob"], "offline")
    said = customer(shop, "POST", started, "/messages", {"body": "refund?"})
    assert said.status_code == 201 and said.json_body["replies"] == []


def test_escalation_without_an_available_agent_is_409_and_stays_automated(shop):
    presence(shop, shop.tokens["bob"], "away")
    started = start(shop)
    failure(customer(shop, "POST", started, "/escalate"), 409)
    assert customer(shop, "GET", started).json_body["mode"] == "automated"
    assert [m["sender_type"] for m in history(shop, started)] == ["bot"]


def agents_member(agent_id, site_id="site_a"):
    from chalicelib.store import tenants
    return next(m for m in tenants.list_members(site_id) if m.agent_id == agent_id)


def test_an_escalation_that_read_before_another_won_answers_the_winners_assignment(shop, monkeypatch):
    """What each of 20 concurrent calls meets (their real race: tests/e2e/test_customer_flow.py)."""
    started = start(shop)
    stale = conversation_store.get(started["conversation_id"])
    won = customer_flow.escalate(started["conversation_id"], started["customer_session_id"])
    principal, _ = customer_flow.session(started["conversation_id"], started["customer_session_id"])
    monkeypatch.setattr(customer_flow, "session", lambda *_: (principal, stale))
    late = customer_flow.escalate(started["conversation_id"], started["customer_session_id"])
    assert (late.agent_id, late.events) == (won.agent_id, [])
    assert len(won.events) == 2
    assert [m["sender_type"] for m in history(shop, started)].count("system") == 1
    assert agents_member(shop.bob.agent_id).active_conversations == 1


def test_capacity_is_checked_by_the_write_not_by_the_read(shop, monkeypatch):
    alice = shop.tokens["alice"]
    assert shop.call("PUT", "/api/v1/admin/sites/site_a/escalation", {"agent_capacity": 1}, token=alice).json_body == {
        "site_id": "site_a", "agent_capacity": 1}
    assert shop.call("GET", "/api/v1/admin/sites/site_a/escalation", token=alice).json_body["agent_capacity"] == 1
    failure(shop.call("PUT", "/api/v1/admin/sites/site_a/escalation", {"agent_capacity": 0}, token=alice), 400)
    failure(shop.call("PUT", "/api/v1/admin/sites/site_a/escalation", {"agent_capacity": 2},
                      token=shop.tokens["bob"]), 403)
    first, second = start(shop), start(shop)
    from chalicelib.store import tenants
    before = tenants.list_members("site_a")  # bob online with no conversation: what a racing call read
    assert customer(shop, "POST", first, "/escalate").status_code == 200
    monkeypatch.setattr(tenants, "list_members", lambda site_id: before)
    failure(customer(shop, "POST", second, "/escalate"), 409)
    assert customer(shop, "GET", second).json_body["mode"] == "automated"
    monkeypatch.undo()
    assert agents_member(shop.bob.agent_id).active_conversations == 1


def test_escalations_go_to_the_least_loaded_online_agent(shop):
    alice = shop.tokens["alice"]
    presence(shop, alice, "online")
    shop.call("PUT", "/api/v1/admin/sites/site_a/escalation", {"agent_capacity": 2}, token=alice)
    assigned = [customer(shop, "POST", start(shop), "/escalate") for _ in range(5)]
    assert [r.status_code for r in assigned] == [200, 200, 200, 200, 409]
    names = [r.json_body["assigned_agent"]["name"] for r in assigned[:4]]
    assert sorted(names) == ["alice", "alice", "bob", "bob"] and names[0] != names[1]
    assert agents_member(shop.bob.agent_id).active_conversations == 2
    assert agents_member(shop.alice.agent_id).active_conversations == 2


# -- the agent app -------------------------------------------------------------------------------

def test_agent_lists_replies_and_closes_and_the_console_sees_the_same_conversation(shop):
    bob, alice = shop.tokens["bob"], shop.tokens["alice"]
    started = start(shop, name="Jane")
    cid = started["conversation_id"]
    listed = shop.call("GET", "/api/v1/agent/conversations?status=automated", token=bob).json_body
    assert [c["id"] for c in listed["items"]] == [cid]
    assert listed["items"][0]["last_message"]["sender_type"] == "bot" and listed["items"][0]["unread_count"] == 0
    failure(shop.call("POST", f"/api/v1/agent/conversations/{cid}/messages", {"body": "hello"}, token=bob), 409)
    customer(shop, "POST", started, "/escalate")
    customer(shop, "POST", started, "/messages", {"body": "are you there?"})
    in_agent = shop.call("GET", "/api/v1/agent/conversations?status=agent", token=bob).json_body["items"]
    assert [(c["id"], c["assigned_agent"]["id"], c["unread_count"]) for c in in_agent] == [(cid, shop.bob.agent_id, 1)]
    assert shop.call("GET", "/api/v1/agent/conversations?status=automated", token=bob).json_body["items"] == []
    reply = shop.call("POST", f"/api/v1/agent/conversations/{cid}/messages", {"body": "Hi Jane, Bob here"}, token=bob)
    assert reply.status_code == 201 and reply.json_body["sender_type"] == "agent"
    assert reply.json_body["sender_name"] == "bob"
    assert shop.call("POST", f"/api/v1/agent/conversations/{cid}/messages", {"body": "admin"},
                     token=alice).status_code == 201
    page = shop.call("GET", f"/api/v1/agent/conversations/{cid}/messages", token=bob).json_body
    assert [m["sender_type"] for m in page["items"]] == ["bot", "system", "customer", "agent", "agent"]
    assert set(page["read"]) == {"agents_seq", "customer_seq"}
    console = shop.call("GET", f"/api/v1/conversations/{cid}", token=alice)
    assert console.status_code == 200, console.body
    seen = console.json_body["data"]
    assert seen["id"] == cid and [m["content"] for m in seen["messages"]][-3:] == [
        "are you there?", "Hi Jane, Bob here", "admin"]
    closed = shop.call("POST", f"/api/v1/agent/conversations/{cid}/close", token=bob)
    assert closed.status_code == 200 and closed.json_body["conversation"]["mode"] == "closed"
    failure(shop.call("POST", f"/api/v1/agent/conversations/{cid}/close", token=bob), 409)
    failure(customer(shop, "POST", started, "/messages", {"body": "hello?"}), 409)
    failure(customer(shop, "POST", started, "/escalate"), 409)
    view = customer(shop, "GET", started).json_body
    assert (view["mode"], view["status"]) == ("closed", "closed")
    assert [c["id"] for c in shop.call("GET", "/api/v1/agent/conversations?status=closed",
                                       token=bob).json_body["items"]] == [cid]


def test_only_the_assigned_agent_or_an_admin_writes(shop):
    agents.new_agent("dave", PASSWORD, "support_agent", ["site_a"])
    dave = agent_token(shop, "dave")
    started = start(shop)
    customer(shop, "POST", started, "/escalate")
    cid = started["conversation_id"]
    failure(shop.call("POST", f"/api/v1/agent/conversations/{cid}/messages", {"body": "me?"}, token=dave), 403)
    failure(shop.call("POST", f"/api/v1/agent/conversations/{cid}/close", token=dave), 403)
    carol = agent_token(shop, "carol")
    failure(shop.call("POST", f"/api/v1/agent/conversations/{cid}/messages", {"body": "x"}, token=carol), 404)
    failure(shop.call("GET", f"/api/v1/agent/conversations/{cid}/messages", token=carol), 404)
    assert shop.call("GET", "/api/v1/agent/conversations?status=automated", token=carol).json_body["items"] == []
    failure(shop.call("GET", "/api/v1/agent/conversations?status=open", token=dave), 400)
    failure(shop.call("GET", "/api/v1/agent/conversations?status=agent", token="nope"), 401)
    failure(shop.call("GET", "/api/v1/agent/conversations?status=agent&cursor=zzz", token=dave), 400)


def test_the_list_pages_by_cursor_newest_activity_first(shop):
    bob = shop.tokens["bob"]
    ids = [start(shop)["conversation_id"] for _ in range(3)]
    first = shop.call("GET", "/api/v1/agent/conversations?status=automated&limit=2", token=bob).json_body
    assert [c["id"] for c in first["items"]] == ids[::-1][:2] and first["has_more"] is True
    second = shop.call("GET", f"/api/v1/agent/conversations?status=automated&limit=2&cursor={first['next_cursor']}",
                       token=bob).json_body
    assert [c["id"] for c in second["items"]] == [ids[0]] and second["next_cursor"] is None


def test_the_demo_site_is_seeded_with_three_quick_questions_once(aws, tmp_path):
    from local.seed import seed_demo

    seed_demo("site_demo", "admin", "demo-password-1", tmp_path)
    seed_demo("site_demo", "admin", "demo-password-1", tmp_path)
    from chalicelib.domain import customer_flow as flow
    assert [f.slug for f in flow.quick_questions("site_demo")] == ["opening-hours", "shipping", "refunds"]


def test_an_agent_of_two_sites_pages_through_both_newest_first_without_repeats(shop):
    agents.new_agent("zed", PASSWORD, "support_agent", ["site_a", "site_b"])
    zed = agent_token(shop, "zed")
    started = [start(shop, site_id=site)["conversation_id"] for site in ("site_a", "site_b", "site_b", "site_a",
                                                                         "site_b")]
    seen, cursor = [], None
    while True:
        query = "/api/v1/agent/conversations?status=automated&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = shop.call("GET", query, token=zed).json_body
        assert len(page["items"]) <= 2
        seen.extend(c["id"] for c in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == started[::-1]


# -- the contract models (surfaces/customer_flow/schemas.py) ---------------------------------------

def test_texts_are_trimmed_and_a_blank_one_is_refused_naming_the_field(shop):
    started = start(shop, name="  Jane  ", email="  jane@example.com ")
    blank = failure(customer(shop, "POST", started, "/messages", {"body": "   "}), 400, "VALIDATION_ERROR")
    assert blank["errors"] == {"field": "body"}
    said = customer(shop, "POST", started, "/messages", {"body": "  shipping?  ", "client_message_id": " "})
    assert said.status_code == 201 and said.json_body["body"] == "shipping?"
    assert "client_message_id" not in said.json_body  # blank = none
    listed = shop.call("GET", "/api/v1/agent/conversations?status=automated", token=shop.tokens["bob"]).json_body
    assert listed["items"][0]["customer"]["name"] == "Jane"
    wrong_type = failure(shop.call("POST", "/api/v1/customer/conversations/start", {"site_id": "site_a", "name": 7}),
                         400, "VALIDATION_ERROR")
    assert wrong_type["errors"] == {"field": "name"} and "name" in wrong_type["detail"]


def test_query_parameters_are_typed_and_unknown_ones_refused(shop):
    started = start(shop)
    bob = shop.tokens["bob"]
    # the widget names its site on every call (CORS): accepted on the customer's message page
    assert customer(shop, "GET", started, "/messages?after_seq=0&site_id=site_a").status_code == 200
    for query, field in (("limit=0", "limit"), ("limit=abc", "limit"), ("after_seq=-1", "after_seq"),
                         ("page=2", "page")):
        refused = failure(customer(shop, "GET", started, f"/messages?{query}"), 400, "VALIDATION_ERROR")
        assert refused["errors"] == {"field": field}, query
    refused = failure(shop.call("GET", "/api/v1/agent/conversations?status=agent&limit=101", token=bob), 400)
    assert refused["errors"] == {"field": "limit"}
    assert failure(shop.call("GET", "/api/v1/agent/conversations", token=bob), 400)["errors"] == {"field": "status"}


def test_registration_and_faq_bodies_are_checked_before_anything_is_written(shop):
    short = failure(shop.call("POST", "/api/v1/agent/register", {"username": "zed", "password": "short",
                                                                 "site_id": "site_a"}), 400)
    assert short["errors"] == {"field": "password"}
    spaced = shop.call("POST", "/api/v1/agent/register", {"username": " zed ", "password": PASSWORD,
                                                          "site_id": "site_a", "email": ""})
    assert spaced.status_code == 201 and (spaced.json_body["username"], spaced.json_body["email"]) == ("zed", None)
    alice = shop.tokens["alice"]
    base = "/api/v1/admin/sites/site_a/faqs"
    for bad, field in (({"keywords": [""]}, "keywords[0]"), ({"position": True}, "position"),
                       ({"question": None}, "question")):
        refused = failure(shop.call("PATCH", f"{base}/refunds", bad, token=alice), 400, "VALIDATION_ERROR")
        assert refused["errors"] == {"field": field}, bad
    assert shop.call("GET", base, token=alice).json_body["items"][1]["question"] == "How do I get a refund?"
    assert failure(shop.call("PUT", "/api/v1/admin/sites/site_a/escalation", {"agent_capacity": "2"}, token=alice),
                   400)["errors"] == {"field": "agent_capacity"}


def test_the_004_document_says_which_routes_need_the_customers_session():
    from chalicelib.surfaces import descriptions

    document = descriptions.document("004")
    scheme = document["components"]["securitySchemes"]["customerSession"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-Customer-Session-Id")
    customer_routes = {(path, method): item["security"] for path, methods in document["paths"].items()
                       for method, item in methods.items() if path.startswith("/api/v1/customer/")}
    assert customer_routes.pop(("/api/v1/customer/quick-questions", "get")) == []
    assert customer_routes.pop(("/api/v1/customer/conversations/start", "post")) == []
    assert len(customer_routes) == 5
    assert all(security == [{"customerSession": []}] for security in customer_routes.values())
    sent = document["paths"]["/api/v1/customer/conversations/{conversation_id}/messages"]["post"]
    assert set(sent["responses"]) >= {"201", "400", "403", "404", "409"}
