"""Seed 003's contract models (chalicelib/surfaces/public_api/schemas.py) against the domain's own rules:
the enumerations the document shows are the ones the domain accepts, a request the model refuses is a
VALIDATION_ERROR naming the field, and GET /v1/widget/config answers its documented shape whatever
seed 000's admin route stored. No moto: the models and the view are plain code."""
from __future__ import annotations

import typing
from datetime import datetime, timezone

import msgspec
import pytest

from chalicelib.domain import analytics, widget_rules
from chalicelib.domain.webhooks import catalogue
from chalicelib.model.automation import CONDITIONS
from chalicelib.model.errors import ValidationFailed
from chalicelib.model.identity import AGENT_STATUSES, ROLES, Site
from chalicelib.surfaces import contract
from chalicelib.surfaces.public_api import schemas
from chalicelib.surfaces.public_api.agents import ROLE_NAMES
from chalicelib.surfaces.public_api.widget import config_view


def literal_values(annotation: typing.Any) -> set[str]:
    """The values of a Literal, looking through Annotated and `| UnsetType`."""
    found: set[str] = set()
    for arg in typing.get_args(annotation) or ():
        found |= literal_values(arg)
    if typing.get_origin(annotation) is typing.Literal:
        found |= set(typing.get_args(annotation))
    return found


def field_type(model: type, name: str) -> typing.Any:
    return typing.get_type_hints(model, include_extras=True)[name]


@pytest.mark.parametrize("model, name, domain_values", [
    (schemas.TriggerCreate, "condition", CONDITIONS),
    (schemas.Trigger, "condition", CONDITIONS),
    (schemas.WidgetConfigChanges, "shape", widget_rules.SHAPES),
    (schemas.WidgetConfigChanges, "position", widget_rules.POSITIONS),
    (schemas.WidgetConfigChanges, "language", widget_rules.LANGUAGES),
    (schemas.AgentsPerformanceQuery, "sort_by", tuple(analytics.AGENT_SORTS)),
    (schemas.AgentsPerformance, "sort_by", tuple(analytics.AGENT_SORTS)),
    (schemas.Agent, "status", AGENT_STATUSES),
    (schemas.Agent, "role", tuple(ROLE_NAMES[role] for role in ROLES)),
])
def test_the_documented_enumerations_are_the_domains(model, name, domain_values):
    assert literal_values(field_type(model, name)) == set(domain_values)


def test_the_subscribable_events_are_the_catalogues():
    events = field_type(schemas.WebhookCreate, "events")
    assert literal_values(events) == set(catalogue.SUBSCRIBABLE)
    assert "webhook.test" not in literal_values(events)  # sent by POST .../test only


@pytest.mark.parametrize("model, body, field", [
    (schemas.TriggerCreate, {"name": "x", "condition": "page_load"}, "message"),
    (schemas.TriggerCreate, {"name": "x", "condition": "scroll", "message": "hi"}, "condition"),
    (schemas.TriggerCreate, {"name": "x", "condition": "page_load", "message": "hi", "delay_seconds": 901},
     "delay_seconds"),
    (schemas.TriggerCreate, {"name": "x", "condition": "page_load", "message": "hi", "url_pattern": "pricing"},
     "url_pattern"),
    (schemas.TriggerCreate, {"name": "   ", "condition": "page_load", "message": "hi"}, "name"),
    (schemas.TriggerChanges, {"active": "yes"}, "active"),
    (schemas.WebhookCreate, {"url": "https://example.com/h", "events": []}, "events"),
    (schemas.WebhookCreate, {"url": "https://example.com/h", "events": ["webhook.test"]}, "events[0]"),
    (schemas.WebhookCreate, {"url": "https://example.com/h", "events": ["chat.created"], "secret": "short"},
     "secret"),
    (schemas.WebhookCreate, {"events": ["chat.created"]}, "url"),
    (schemas.WebhookChanges, {"url": None}, "url"),
    (schemas.WidgetConfigChanges, {"color": "blue"}, "color"),
    (schemas.WidgetConfigChanges, {"welcome_message": "x" * 501}, "welcome_message"),
    (schemas.WidgetConfigChanges, {"colour": "#000000"}, "colour"),
    (schemas.UploadUrlRequest, {"filename": "a.png", "content_type": "image/png", "size_bytes": True}, "size_bytes"),
    (schemas.UploadUrlRequest, {"filename": "a.png", "content_type": "image/png", "size_bytes": 0}, "size_bytes"),
    (schemas.UploadUrlRequest, {"filename": " ", "content_type": "image/png", "size_bytes": 10}, "filename"),
    (schemas.FileConfirm, {"chat_id": "chat_1"}, "file_id"),
])
def test_a_refused_body_names_its_field(model, body, field):
    with pytest.raises(ValidationFailed) as refused:
        contract.read(model, body)
    assert refused.value.details == {"field": field}


@pytest.mark.parametrize("model, query, field", [
    (schemas.OverviewQuery, {"period": "month"}, "period"),
    (schemas.AgentsPerformanceQuery, {"sort_by": "name"}, "sort_by"),
    (schemas.PeriodQuery, {"from": "x" * 41}, "from"),
    (schemas.DeliveriesQuery, {"limit": "0"}, "limit"),
    (schemas.DeliveriesQuery, {"limit": "many"}, "limit"),
])
def test_a_refused_query_names_its_parameter(model, query, field):
    with pytest.raises(ValidationFailed) as refused:
        contract.read(model, query, where="query", from_strings=True)
    assert refused.value.details == {"field": field}


def test_a_query_reads_from_and_to_under_their_documented_names():
    query = contract.read(schemas.AgentsPerformanceQuery, {"from": "2026-02-01", "to": "2026-02-11",
                                                           "sort_by": "csat_score"}, where="query", from_strings=True)
    assert (query.first, query.last, query.sort_by) == ("2026-02-01", "2026-02-11", "csat_score")
    assert contract.read(schemas.DeliveriesQuery, {}, where="query", from_strings=True).limit == 20
    assert contract.read(schemas.AgentsPerformanceQuery, {}, where="query", from_strings=True).sort_by == "total_chats"


def test_a_new_trigger_gets_the_documented_defaults():
    body = contract.read(schemas.TriggerCreate, {"name": "Hi", "condition": "page_load", "message": "Hello"})
    assert contract.given(body) == {"name": "Hi", "condition": "page_load", "message": "Hello",
                                    "delay_seconds": 0, "url_pattern": "*", "active": True}


def test_a_patch_hands_on_only_what_was_sent():
    body = contract.read(schemas.WidgetConfigChanges, {"branding": {"logo_url": None}, "color": "#6366F1"})
    assert contract.given(body) == {"branding": {"logo_url": None}, "color": "#6366F1"}


def site_with(widget_config: dict) -> Site:
    return Site(site_id="site_a", name="A", domain=None, status="active", widget_config=widget_config,
                created_at=datetime(2026, 1, 1, tzinfo=timezone.utc))


@pytest.mark.parametrize("stored", [
    {},
    {"primary_color": "#112233", "shape": "circle", "domains": ["a.uz"], "branding": {"logo_url": "https://a.uz/l.png"}},
    # what seed 000's admin route may store: any JSON under the known names
    {"color": 5, "shape": None, "button_text": ["x"], "domains": "a.uz", "branding": {"show_powered_by": "no", "x": 1}},
    {"domains": [1, 2], "branding": "none", "welcome_message": None},
])
def test_the_widget_config_answers_its_documented_shape_whatever_is_stored(stored):
    shown = config_view(site_with(stored))
    msgspec.convert(shown, schemas.WidgetConfig)  # raises on a wrong type or a missing field
    assert set(shown) == {f.encode_name for f in msgspec.structs.fields(schemas.WidgetConfig)}


def test_the_widget_config_keeps_what_was_stored_well():
    stored = {"primary_color": "#112233", "domains": ["a.uz"], "branding": {"show_powered_by": False}}
    shown = config_view(site_with(stored))
    assert shown["color"] == "#112233" and shown["domains"] == ["a.uz"]
    assert shown["branding"] == {"show_powered_by": False, "logo_url": None}
    assert shown["shape"] == "rounded"  # the default for what was never set


def test_the_documented_upload_types_are_the_allowed_ones():
    from chalicelib.domain.media import rules

    described = typing.get_args(field_type(schemas.UploadUrlRequest, "content_type"))[1].description
    names = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WebP",
             "application/pdf": "PDF", "text/plain": "plain text", "text/csv": "CSV"}
    assert all(names.get(mime, extension) in described for mime, extension in rules.ALLOWED.items())
