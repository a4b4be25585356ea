"""Seed 003's automation trigger rules on plain values: what a trigger may say, which activity on
which page sets off which trigger, and when a visitor is left alone."""
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain import automation_rules as rules
from chalicelib.model.automation import Trigger
from chalicelib.model.conversations import Conversation
from chalicelib.model.errors import ValidationFailed

MOMENT = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def trigger(condition="page_load", url_pattern="*", active=True, trigger_id="t1") -> Trigger:
    return Trigger(trigger_id=trigger_id, site_id="site_a", name="n", condition=condition, delay_seconds=0,
                   message="Need help?", url_pattern=url_pattern, active=active, created_at=MOMENT)


def conversation(status="active", mode="agent", agent=None) -> Conversation:
    return Conversation(conversation_id="conv_1", site_id="site_a", visitor_id="v_1", visitor_name="V",
                        status=status, mode=mode, created_at=MOMENT, updated_at=MOMENT, assigned_agent_id=agent)


def refused(check, *args):
    with pytest.raises(ValidationFailed) as error:
        check(*args)
    return error.value.details


def test_the_documents_example_is_accepted_with_defaults_for_the_rest():
    assert rules.new_trigger({"name": "Exit Intent", "condition": "exit_intent", "delay_seconds": 0,
                              "message": "Ketayapsizmi? Yordam beraylikmi?", "url_pattern": "/pricing",
                              "active": True}) == {
        "name": "Exit Intent", "condition": "exit_intent", "delay_seconds": 0,
        "message": "Ketayapsizmi? Yordam beraylikmi?", "url_pattern": "/pricing", "active": True}
    assert rules.new_trigger({"name": "W", "condition": "page_load", "message": "Hi"}) == {
        "name": "W", "condition": "page_load", "message": "Hi", "delay_seconds": 0, "url_pattern": "*",
        "active": True}


@pytest.mark.parametrize("missing", ["name", "condition", "message"])
def test_name_condition_and_message_are_required(missing):
    body = {"name": "W", "condition": "page_load", "message": "Hi"}
    del body[missing]
    assert refused(rules.new_trigger, body) == {"field": missing}


@pytest.mark.parametrize("field, value", [
    ("condition", "on_scroll"), ("delay_seconds", -1), ("delay_seconds", 901), ("delay_seconds", 1.5),
    ("delay_seconds", True), ("delay_seconds", "3"), ("url_pattern", "pricing"), ("url_pattern", ""),
    ("url_pattern", "/a b"), ("url_pattern", "/" + "x" * 500), ("active", "yes"), ("name", " "),
    ("name", "x" * 121), ("message", "x" * 1001), ("message", 5),
])
def test_bad_values_name_their_field(field, value):
    assert refused(rules.trigger_change, {field: value}) == {"field": field}


def test_unknown_fields_and_an_empty_change_are_refused():
    assert refused(rules.trigger_change, {"id": "x", "active": False}) == {"fields": ["id"]}
    with pytest.raises(ValidationFailed):
        rules.trigger_change({})


@pytest.mark.parametrize("url, path", [
    ("https://shop.uz/pricing?plan=pro#top", "/pricing"), ("http://shop.uz", "/"), ("/pricing?x=1", "/pricing"),
    ("/", "/"),
])
def test_a_page_url_is_read_for_its_path(url, path):
    assert rules.page_path(url) == path


@pytest.mark.parametrize("url", ["pricing", "javascript:alert(1)", "ftp://shop.uz/x", "", None, 5, "/" * 2049])
def test_anything_else_is_no_page_url(url):
    assert refused(rules.page_path, url) == {"field": "page_url"}


@pytest.mark.parametrize("pattern, path, expected", [
    ("*", "/", True), ("*", "/any/deep/page", True), ("/pricing", "/pricing", True),
    ("/pricing", "/pricing/pro", False), ("/pricing", "/", False), ("/blog/*", "/blog/a/b", True),
    ("/blog/*", "/blog", False), ("/p?ge", "/page", True), ("/p?ge", "/pge", False),
    ("/a.b", "/aXb", False), ("/[x]", "/[x]", True), ("/[x]", "/x", False), ("*/checkout", "/shop/checkout", True),
])
def test_url_pattern_is_a_glob_on_the_path(pattern, path, expected):
    assert rules.matches(pattern, path) is expected


def test_a_page_view_sets_off_page_triggers_and_an_exit_intent_exit_triggers():
    triggers = [trigger("page_load", trigger_id="load"), trigger("exit_intent", trigger_id="exit"),
                trigger("time_on_page", trigger_id="time"), trigger("returning_visitor", trigger_id="back"),
                trigger("page_load", url_pattern="/pricing", trigger_id="pricing"),
                trigger("page_load", active=False, trigger_id="off")]
    ids = lambda found: [t.trigger_id for t in found]  # noqa: E731
    assert ids(rules.due(triggers, "page_view", "/", returning=False)) == ["load", "time"]
    assert ids(rules.due(triggers, "page_view", "/", returning=True)) == ["load", "time", "back"]
    assert ids(rules.due(triggers, "page_view", "/pricing", returning=False)) == ["load", "time", "pricing"]
    assert ids(rules.due(triggers, "exit_intent", "/pricing", returning=True)) == ["exit"]
    assert rules.needs_visitor(triggers, "page_view", "/") is True
    assert rules.needs_visitor(triggers, "exit_intent", "/") is False
    assert rules.needs_visitor(triggers[:3], "page_view", "/") is False


def test_a_returning_visitor_was_first_seen_on_an_earlier_day():
    assert rules.is_returning(MOMENT - timedelta(days=1), MOMENT) is True
    assert rules.is_returning(MOMENT.replace(hour=0, minute=0), MOMENT) is False
    assert rules.day_of(MOMENT) == "2026-03-10"


def test_a_visitor_talking_to_people_is_left_alone():
    assert rules.with_an_agent(None) is False
    assert rules.with_an_agent(conversation()) is True  # waiting for an agent
    assert rules.with_an_agent(conversation(agent="agent_1")) is True
    assert rules.with_an_agent(conversation(mode="automated")) is False  # a bot conversation
    assert rules.with_an_agent(conversation(status="closed", agent="agent_1")) is False
