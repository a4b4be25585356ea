"""Seed 003: PATCH /v1/widget/config, automation triggers (CRUD, and running them from the widget's
page views and exit intents through the delayed `automation` queue), and 413 on its file routes."""
import boto3
import pytest

import app as app_module
from chalicelib.domain import sites
from chalicelib.settings import get_settings
from tests.unit.chat_helpers import as_visitor, drain_queue, open_conversation, visitor_token
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)
from tests.unit.test_realtime import connect_visitor, ws_send
from tests.unit.wire import wire  # noqa: F401  (fixture)


def new_key(world, site_id="site_a", admin="alice"):
    token = world.token(admin, site_id)
    response = world.call("POST", f"/api/v1/admin/sites/{site_id}/api-keys", {"name": "integration"}, token=token)
    assert response.status_code == 201, response.body
    return response.json_body["data"]["key"]


@pytest.fixture
def key(world):
    return new_key(world)


def error_of(response, status, code):
    assert response.status_code == status, response.body
    error = response.json_body["error"]
    assert error["code"] == code and error["request_id"] == response.headers["X-Request-Id"], error
    return error


# -- widget configuration --------------------------------------------------------------------------

def test_the_documents_patch_changes_what_get_answers(world, key):
    before = world.call("GET", "/v1/widget/config", token=key).json_body
    response = world.call("PATCH", "/v1/widget/config", {"color": "#6366F1", "welcome_message": "Xush kelibsiz!"},
                          token=key)
    assert response.status_code == 200, response.body
    after = world.call("GET", "/v1/widget/config", token=key).json_body
    assert response.json_body == after == {**before, "color": "#6366F1", "welcome_message": "Xush kelibsiz!"}


def test_every_documented_field_is_stored_and_domains_are_what_the_widget_routes_read(world, key):
    change = {"shape": "circle", "position": "bottom-left", "button_text": "Yordam beramizmi?",
              "offline_message": "Hozir offline holatdamiz", "domains": ["Company.uz", "*.company.uz"],
              "branding": {"show_powered_by": False, "logo_url": "https://cdn.chatflow.uz/logos/company_logo.png"}}
    body = world.call("PATCH", "/v1/widget/config", change, token=key).json_body
    assert body["domains"] == ["company.uz", "*.company.uz"] and body["branding"] == change["branding"]
    assert body["shape"] == "circle" and body["offline_message"] == "Hozir offline holatdamiz"
    assert sites.get("site_a").widget_config["domains"] == ["company.uz", "*.company.uz"]
    # branding merges key by key; other fields stay as they were
    later = world.call("PATCH", "/v1/widget/config", {"branding": {"show_powered_by": True}}, token=key).json_body
    assert later["branding"] == {"show_powered_by": True, "logo_url": change["branding"]["logo_url"]}
    assert later["domains"] == ["company.uz", "*.company.uz"]
    assert sites.get("site_b").widget_config.get("domains") is None  # the other workspace is untouched


@pytest.mark.parametrize("body, field", [
    ({"color": "blue"}, "color"), ({"shape": "blob"}, "shape"), ({"position": "center"}, "position"),
    ({"welcome_message": "x" * 501}, "welcome_message"), ({"domains": ["https://company.uz"]}, "domains"),
    ({"branding": {"logo_url": "http://cdn.example.com/x.png"}}, "branding.logo_url"),
])
def test_bad_values_are_a_400_naming_the_field_and_change_nothing(world, key, body, field):
    before = world.call("GET", "/v1/widget/config", token=key).json_body
    error = error_of(world.call("PATCH", "/v1/widget/config", body, token=key), 400, "REQ-001")
    assert error["details"]["field"] == field
    assert world.call("GET", "/v1/widget/config", token=key).json_body == before


def test_unknown_fields_and_non_objects_are_a_400(world, key):
    assert error_of(world.call("PATCH", "/v1/widget/config", {"colour": "#000000"}, token=key), 400,
                    "REQ-001")["details"] == {"field": "colour"}  # the contract names the unknown field
    error_of(world.call("PATCH", "/v1/widget/config", "[1]", token=key), 400, "REQ-001")
    error_of(world.call("PATCH", "/v1/widget/config", {}, token=key), 400, "REQ-001")


def test_only_an_api_key_may_change_the_widget(world):
    alice = world.token("alice", "site_a")
    error_of(world.call("PATCH", "/v1/widget/config", {"color": "#000000"}, token=alice), 401, "AUTH-002")


# -- automation triggers: the API ------------------------------------------------------------------

EXIT_INTENT = {"name": "Exit Intent", "condition": "exit_intent", "delay_seconds": 0,
               "message": "Ketayapsizmi? Yordam beraylikmi?", "url_pattern": "/pricing", "active": True}


def test_triggers_are_created_listed_changed_and_deleted(world, key):
    created = world.call("POST", "/v1/automation/triggers", EXIT_INTENT, token=key)
    assert created.status_code == 201, created.body
    trigger = created.json_body
    assert {k: trigger[k] for k in EXIT_INTENT} == EXIT_INTENT
    assert trigger["id"].startswith("trigger_") and trigger["created_at"].endswith("Z")
    listed = world.call("GET", "/v1/automation/triggers", token=key).json_body["data"]
    assert listed == [trigger]
    changed = world.call("PATCH", f"/v1/automation/triggers/{trigger['id']}", {"active": False, "delay_seconds": 5},
                         token=key)
    assert changed.status_code == 200 and changed.json_body["active"] is False
    assert changed.json_body["delay_seconds"] == 5 and changed.json_body["name"] == "Exit Intent"
    assert world.call("GET", f"/v1/automation/triggers/{trigger['id']}", token=key).json_body == changed.json_body
    assert world.call("DELETE", f"/v1/automation/triggers/{trigger['id']}", token=key).status_code == 204
    assert world.call("GET", "/v1/automation/triggers", token=key).json_body == {"data": []}
    error_of(world.call("DELETE", f"/v1/automation/triggers/{trigger['id']}", token=key), 404, "RES-001")


def test_another_workspaces_key_finds_no_trigger(world, key):
    trigger = world.call("POST", "/v1/automation/triggers", EXIT_INTENT, token=key).json_body
    other = new_key(world, "site_b", "carol")
    assert world.call("GET", "/v1/automation/triggers", token=other).json_body == {"data": []}
    for method, body in (("GET", None), ("PATCH", {"message": "pwned"}), ("DELETE", None)):
        error_of(world.call(method, f"/v1/automation/triggers/{trigger['id']}", body, token=other), 404, "RES-001")
    assert world.call("GET", f"/v1/automation/triggers/{trigger['id']}", token=key).json_body == trigger


@pytest.mark.parametrize("body, field", [
    ({**EXIT_INTENT, "condition": "scroll"}, "condition"), ({**EXIT_INTENT, "delay_seconds": 901}, "delay_seconds"),
    ({**EXIT_INTENT, "url_pattern": "pricing"}, "url_pattern"), ({"name": "x", "condition": "page_load"}, "message"),
])
def test_a_bad_trigger_is_a_400(world, key, body, field):
    assert error_of(world.call("POST", "/v1/automation/triggers", body, token=key), 400,
                    "REQ-001")["details"] == {"field": field}
    assert world.call("GET", "/v1/automation/triggers", token=key).json_body == {"data": []}


# -- automation triggers: running them -------------------------------------------------------------

def create_trigger(world, key, **fields):
    body = {"name": "Welcome", "condition": "page_load", "delay_seconds": 0, "message": "Sizga yordam kerakmi?",
            "url_pattern": "*", **fields}
    response = world.call("POST", "/v1/automation/triggers", body, token=key)
    assert response.status_code == 201, response.body
    return response.json_body


def report(world, token, kind="page_view", page_url="https://shop.example/pricing"):
    response = world.call("POST", "/api/v1/visitors/activity", {"type": kind, "page_url": page_url},
                          headers=as_visitor(token))
    assert response.status_code == 202, response.body
    return response.json_body["data"]["triggers_queued"]


def run_automation_queue():
    return drain_queue("automation", app_module.send_automation_messages)


def bot_frames(wire, connection_id):
    return [f for f in wire.of(connection_id, "message") if f["from"] == "bot"]


def test_a_matching_page_view_sends_the_message_to_the_visitors_socket_once_a_day(world, key, wire):
    trigger = create_trigger(world, key, url_pattern="/pricing")
    connection_id, token = connect_visitor(world)
    assert report(world, token, page_url="https://shop.example/about") == 0  # another page
    assert report(world, token, kind="exit_intent") == 0  # another condition
    assert report(world, token) == 1
    assert len(run_automation_queue()) == 1
    [frame] = bot_frames(wire, connection_id)
    assert frame["message"] == "Sizga yordam kerakmi?" and frame["trigger_id"] == trigger["id"]
    assert frame["conversation_id"] is None and frame["sender"] == {"type": "bot", "name": "Bot"}
    assert report(world, token) == 0  # once per visitor per trigger per day
    assert run_automation_queue() == [] and len(bot_frames(wire, connection_id)) == 1


def test_the_socket_frames_report_like_the_route(world, key, wire):
    create_trigger(world, key, condition="exit_intent", url_pattern="/pricing")
    connection_id, _ = connect_visitor(world)
    ws_send(connection_id, {"type": "exit_intent", "page_url": "/pricing"})
    ws_send(connection_id, {"type": "page_view"})  # no page_url: an error frame, nothing queued
    assert [f["type"] for f in wire.of(connection_id, "error")] == ["error"]
    assert len(run_automation_queue()) == 1
    assert [f["message"] for f in bot_frames(wire, connection_id)] == ["Sizga yordam kerakmi?"]


def test_the_delay_is_the_queues_not_a_sleep(world, key):
    create_trigger(world, key, delay_seconds=30)
    assert report(world, visitor_token(world)) == 1
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.get_queue_url(QueueName=get_settings().queue_name("automation"))["QueueUrl"]
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessagesDelayed"] == "1"
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None


def test_a_visitor_talking_to_support_gets_no_trigger(world, key, wire):
    create_trigger(world, key)
    connection_id, token = connect_visitor(world)
    open_conversation(world, token)
    assert report(world, token) == 0
    assert run_automation_queue() == [] and bot_frames(wire, connection_id) == []


def test_a_trigger_due_after_the_visitor_opened_a_conversation_stays_silent(world, key, wire):
    create_trigger(world, key)
    connection_id, token = connect_visitor(world)
    assert report(world, token) == 1
    open_conversation(world, token)  # during the delay
    assert len(run_automation_queue()) == 1
    assert bot_frames(wire, connection_id) == []


def test_a_trigger_turned_off_during_the_delay_stays_silent(world, key, wire):
    trigger = create_trigger(world, key)
    connection_id, token = connect_visitor(world)
    assert report(world, token) == 1
    world.call("PATCH", f"/v1/automation/triggers/{trigger['id']}", {"active": False}, token=key)
    run_automation_queue()
    assert bot_frames(wire, connection_id) == []


def test_inactive_triggers_and_other_sites_visitors_are_not_set_off(world, key, wire):
    create_trigger(world, key, active=False)
    assert report(world, visitor_token(world)) == 0
    create_trigger(world, key)
    assert report(world, visitor_token(world, "v_b", site_id="site_b")) == 0  # site_b has no trigger


def test_a_bad_report_is_a_400_and_needs_a_visitor_token(world):
    token = visitor_token(world)
    for body in ({"type": "scroll", "page_url": "/"}, {"type": "page_view", "page_url": "pricing"},
                 {"type": "page_view"}, {"type": "page_view", "page_url": "/", "visitor_id": "v_2"}):
        response = world.call("POST", "/api/v1/visitors/activity", body, headers=as_visitor(token))
        assert response.status_code == 400 and response.json_body["error"]["code"] == "VALIDATION_ERROR", body
    assert world.call("POST", "/api/v1/visitors/activity", {"type": "page_view", "page_url": "/"}).status_code == 401


# -- errors and limits ------------------------------------------------------------------------------

def test_a_file_over_the_limit_is_a_413_on_003s_file_routes(world, key):
    too_big = get_settings().files.max_upload_bytes + 1
    body = {"filename": "big.pdf", "content_type": "application/pdf", "size_bytes": too_big}
    error = error_of(world.call("POST", "/v1/files/upload-url", body, token=key), 413, "FILE-001")
    assert "10MB" in error["message_en"]
