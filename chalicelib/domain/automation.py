"""Seed 003's automation triggers: an integrator's CRUD, and running them.

The widget reports a page view or an exit intent (`POST /api/v1/visitors/activity`, or a
`page_view` / `exit_intent` frame on the 000 visitor socket). Each active trigger it sets off
(automation_rules.due) is claimed for the visitor and the UTC day by a conditional put, so it
fires at most once a day, then queued on the `automation` queue with the trigger's delay as
SQS DelaySeconds: nothing sleeps. When the job comes due, the worker sends the trigger's message
to the visitor's sockets as a bot message (event automation.message), unless the trigger is gone
or off, or the visitor is talking to people by then (automation_rules.with_an_agent).
"""
from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from chalicelib.domain import automation_rules as rules
from chalicelib.domain import inbox
from chalicelib.integrations import queues
from chalicelib.model import events as ev
from chalicelib.model.automation import Trigger, TriggerJob
from chalicelib.model.errors import NotFound, ValidationFailed
from chalicelib.model.identity import ApiKeyPrincipal, VisitorPrincipal
from chalicelib.store import automation as store
from chalicelib.store import visitors
from chalicelib.store.base import ConditionFailed, now

QUEUE = "automation"


# -- the integrator's CRUD (the key's workspace only) --------------------------------------------

def listing(principal: ApiKeyPrincipal) -> list[Trigger]:
    """1 Query."""
    return store.list_for_site(principal.site_id)


def create(principal: ApiKeyPrincipal, body: dict[str, Any]) -> Trigger:
    """1 Query (the site's count) + 1 PutItem."""
    fields = rules.new_trigger(body)
    if len(store.list_for_site(principal.site_id)) >= rules.MAX_TRIGGERS_PER_SITE:
        raise ValidationFailed(f"a workspace has at most {rules.MAX_TRIGGERS_PER_SITE} triggers")
    trigger = Trigger(trigger_id=f"trigger_{uuid.uuid4().hex[:16]}", site_id=principal.site_id,
                      created_at=now(), **fields)
    store.create(trigger)
    return replace(trigger, updated_at=trigger.created_at)


def get(principal: ApiKeyPrincipal, trigger_id: str) -> Trigger:
    """1 GetItem; another workspace's trigger is a 404."""
    trigger = store.get(principal.site_id, trigger_id)
    if trigger is None:
        raise NotFound("Trigger not found")
    return trigger


def update(principal: ApiKeyPrincipal, trigger_id: str, body: dict[str, Any]) -> Trigger:
    """1 UpdateItem (conditional on existence in this workspace)."""
    try:
        return store.update(principal.site_id, trigger_id, rules.trigger_change(body))
    except ConditionFailed:
        raise NotFound("Trigger not found") from None


def delete(principal: ApiKeyPrincipal, trigger_id: str) -> None:
    """1 DeleteItem (conditional on existence in this workspace)."""
    try:
        store.delete(principal.site_id, trigger_id)
    except ConditionFailed:
        raise NotFound("Trigger not found") from None


# -- running them --------------------------------------------------------------------------------

def report(principal: VisitorPrincipal, kind: Any, page_url: Any) -> list[Trigger]:
    """A visitor's page view or exit intent; returns the triggers queued for it. 1 Query (the
    site's triggers); when one is due: +1 Query (the visitor's open conversation), +1 GetItem
    (the visitor) only for a returning_visitor trigger, and per due trigger 1 PutItem (the day's
    claim) + 1 SQS SendMessage."""
    kind, path = rules.activity(kind), rules.page_path(page_url)
    site_id, visitor_id = principal.site_id, principal.visitor_id
    triggers = store.list_for_site(site_id)
    at = now()
    returning = False
    if rules.needs_visitor(triggers, kind, path):
        visitor = visitors.get_visitor(site_id, visitor_id)
        returning = visitor is not None and rules.is_returning(visitor.first_seen, at)
    due = rules.due(triggers, kind, path, returning)
    if not due or rules.with_an_agent(inbox.current_for_visitor(site_id, visitor_id)):
        return []
    day, queued = rules.day_of(at), []
    for trigger in due:
        try:
            store.claim(site_id, visitor_id, day, trigger.trigger_id)
        except ConditionFailed:
            continue  # fired (or queued) for this visitor today already
        queues.send(QUEUE, TriggerJob(site_id, visitor_id, trigger.trigger_id, day).to_json(),
                    delay_seconds=trigger.delay_seconds)
        queued.append(trigger)
    return queued


def fire(job: TriggerJob) -> list[ev.Event]:
    """A queued trigger come due: its message as an event for the visitor's sockets, or nothing
    when the trigger was deleted or turned off, or the visitor is talking to people now.
    1 GetItem + 1 Query."""
    trigger = store.get(job.site_id, job.trigger_id)
    if trigger is None or not trigger.active:
        return []
    if rules.with_an_agent(inbox.current_for_visitor(job.site_id, job.visitor_id)):
        return []
    return [ev.Event(ev.AUTOMATION_MESSAGE, job.site_id, {
        "visitor": {"id": job.visitor_id},
        "trigger": {"id": trigger.trigger_id, "name": trigger.name, "condition": trigger.condition},
        "message": trigger.message,
    })]
