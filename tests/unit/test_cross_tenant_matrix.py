"""Nobody gets in where they do not belong: every route x every principal of one site, aimed at the other.

DESIGN §7: "Every object access checks the principal's site; a foreign id is a 404 and changes
nothing", and "every route joins the cross-tenant test matrix the day it is added".

`ROUTES` below lists every (method, path) of the Chalice app, classified:
- public: no principal (the route is reached with each principal's headers anyway, which must
  not matter); where a public route names a tenant's object its aims are run like an object
  route's;
- self: acts on the caller only (its own session, status, site, key's workspace); run with each
  principal of each site, the answer must not mention the other site and nothing of it may change;
- object: the path, query or body names a site, conversation, visitor, file, agent, key,
  webhook, notification...; each aim names the *other* site's object (or its site), and every
  principal kind of each site -- admin, support agent, visitor token, API key -- must be denied
  with the status the surface's rules give (a foreign object is a 404, a foreign site named in a
  query or body a 403: model/identity.py require_site_object vs require_site; the wrong kind of
  principal a 401) AND nothing of the other site may change: every item of both tables that
  mentions the other site's ids, every object of its files, and no event queued.
`test_every_route_is_in_the_matrix` fails when the app has a route this table does not list, so a
new route cannot ship without joining the matrix (and when the table lists a route that is gone).

The WebSocket routes ($connect, $default, $disconnect: `WS_ROUTES`, checked against the app's
handlers the same way) run the same matrix: a socket opened on the other site (seed 000's and
seed 001's dialects) is refused and leaves no connection; a frame sent on one's own socket that
names the other site's conversation or visitor answers an error frame, changes nothing, and the
other site's admin, who keeps a socket open throughout, is sent nothing.

Both directions run (site_a's principals at site_b's objects and back). The world is built once
per module (tests/unit/tenancy_world.py); a case that changed anything puts the world back, so
the cases are independent and can be selected with -k. Rate limits are off in this world (each
principal makes a hundred calls a minute here): a 429 would otherwise pass for a denial.

Known holes are marked xfail(strict=True) in HOLES with the finding that closes them; when a fix
lands the case passes, strict xfail turns that into a failure, and the mark comes off.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any, Callable

import boto3
import pytest

import app as app_module
from chalicelib.settings import get_settings
from tests.unit.chat_helpers import drain_events
from tests.unit.file_helpers import PDF, multipart, png
from tests.unit.tenancy_world import KINDS, PASSWORD, Snapshot, Tenant, TenancyWorld, bucket_bytes, tenancy_world

SITES = ("site_a", "site_b")


# -- expectations per principal kind ------------------------------------------------------------
# The status each kind of the *attacking* site gets. A tuple allows several (documented where used).

def agent_only(status) -> dict[str, Any]:
    """Agents' routes (Authorization: Bearer <agent token>): visitors and API keys are not agents."""
    return {"admin": status, "agent": status, "visitor": 401, "api_key": 401}


def admin_only(status) -> dict[str, Any]:
    """require_admin: a support agent is refused (403) before any object is looked at."""
    return {"admin": status, "agent": 403, "visitor": 401, "api_key": 401}


def agent_or_visitor(status, visitor=None) -> dict[str, Any]:
    return {"admin": status, "agent": status, "visitor": status if visitor is None else visitor, "api_key": 401}


def key_only(status) -> dict[str, Any]:
    """Seed 003's API-key routes: an agent's token is not a key."""
    return {"admin": 401, "agent": 401, "visitor": 401, "api_key": status}


def agent_or_key(status, api_key=None) -> dict[str, Any]:
    return {"admin": status, "agent": status, "visitor": 401, "api_key": status if api_key is None else api_key}


def end_user_only(status) -> dict[str, Any]:
    """Seed 002's end-user routes: a visitor token as Bearer; an agent's token or a key is no end user."""
    return {"admin": 401, "agent": 401, "visitor": status, "api_key": 401}


def anyone(status) -> dict[str, Any]:
    return {kind: status for kind in KINDS}


# -- the table ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Aim:
    """One way to name the other site's things through a route.

    Strings in path/body/form are templates over the case's context (see `context`): the other
    site's {site}, {conv}, {file}, {agent}, ... and the attacker's own {own_site}, {own_conv}, ....
    A body value that is exactly "{notifs}" or "{msgs}" becomes the list of those ids; "{int:name}"
    becomes that number.
    """

    name: str
    path: str
    expect: dict[str, Any]
    body: Any = None
    form: dict[str, str] | None = None  # multipart fields (with one small PNG as `file`)
    check: Callable[[Any], None] | None = None  # more about a 2xx answer (what a scoped listing holds)
    # Seeds 001/002: every kind sends its credential as Bearer; the visitor kind sends its seed 001
    # guest token ("guest") or its seed 000 session token ("visitor").
    bearer: str | None = None
    # Seed 004's customer routes: X-Customer-Session-Id (a template, like path and body).
    session: str | None = None


@dataclass(frozen=True)
class Public:
    reason: str
    aims: tuple[Aim, ...] = ()


@dataclass(frozen=True)
class SelfOnly:
    reason: str
    path: str
    expect: dict[str, Any]
    body: Any = None
    fresh: bool = False  # ends or rotates the caller's session: use a session of its own
    bearer: str | None = None  # as Aim.bearer


@dataclass(frozen=True)
class Objects:
    aims: tuple[Aim, ...]


def nothing_marked(response) -> None:
    assert response.json_body["data"]["marked_count"] == 0, response.json_body


def nothing_found(response) -> None:
    data = response.json_body["data"]
    assert data["results"] == [] and data["total"] == 0, data


def no_v1_chats(response) -> None:
    body = response.json_body
    assert body["data"] == [] and body["pagination"]["total"] == 0, body


def no_conversations(response) -> None:
    data = response.json_body["data"]
    assert data["conversations"] == [] and data["pagination"]["total"] == 0, data


SEED_002 = ("/chat/conversations", "/chat/analytics", "/chat/search")
CODEWORDS = {"site_a": "pelican", "site_b": "walrus"}  # each site's end user says its own
UPLOAD_URL = {"filename": "x.pdf", "content_type": "application/pdf", "size_bytes": len(PDF)}

ROUTES: dict[tuple[str, str], Public | SelfOnly | Objects] = {
    # -- public -----------------------------------------------------------------------------------
    ("GET", "/health"): Public("liveness and versions; names no tenant"),
    ("GET", "/openapi.json"): Public("the list of API descriptions; names no tenant"),
    ("GET", "/openapi/{name}"): Public("a seed's OpenAPI document, the same for everyone; names no tenant"),
    ("POST", "/api/v1/auth/support/login"): Public("credentials in the body", aims=(
        Aim("own admin's credentials, the other site", "/api/v1/auth/support/login", anyone(401),
            body={"username": "{own_admin_name}", "password": PASSWORD, "site_id": "{site}"}),
    )),
    ("POST", "/api/v1/auth/refresh"): Public("the refresh token is the credential; it names no other object"),
    ("POST", "/api/v1/agent/auth/login"): Public("credentials only; no site is named (004)"),
    ("POST", "/api/v1/visitors"): Public("the widget registers visitors; naming an existing one needs proof", aims=(
        # Finding 1: without that visitor's token or user_hash, 409 VISITOR_EXISTS and nothing changed.
        # The attacking visitor's token is for the *same visitor_id* on its own site: not proof either.
        Aim("the other site's existing visitor", "/api/v1/visitors", anyone(409),
            body={"site_id": "{site}", "visitor_id": "{visitor}", "name": "Mallory"}),
        # A valid user_hash for the same visitor_id under the attacker's own identity secret.
        Aim("the other site's visitor with own site's user_hash", "/api/v1/visitors", anyone(409),
            body={"site_id": "{site}", "visitor_id": "{visitor}", "name": "Mallory", "user_hash": "{own_user_hash}"}),
    )),
    # -- seed 001: visitor chat sessions (/chat/...) --------------------------------------------------
    ("POST", "/chat/start-session"): Public("anyone may start a chat with a business as a new guest; "
                                            "who they are needs proof", aims=(
        # The credential as Bearer is "the visitor token of an earlier session": not of this business.
        Aim("at the other business with own credential", "/chat/start-session",
            {"admin": 401, "agent": 401, "visitor": 403, "api_key": 401}, body={"business": "{site}"}, bearer="guest"),
        Aim("as the other business's external customer, no hash", "/chat/start-session", anyone(403),
            body={"business": "{site}", "external_customer_id": "{customer}"}, bearer="guest"),
        Aim("as the other business's external customer, own business's hash", "/chat/start-session", anyone(403),
            body={"business": "{site}", "external_customer_id": "{customer}", "customer_hash": "{own_customer_hash}"},
            bearer="guest"),
    )),
    ("POST", "/chat/upload-file"): Objects((
        # 001: a session that is not the caller's is 403 for its visitor (the seed's rule); an agent
        # sees no active session of another business's end user (404).
        Aim("for the other business's end user", "/chat/upload-file",
            {"admin": 404, "agent": 404, "visitor": 403, "api_key": 401},
            form={"uploaded_by_end_user": "{extra_guest}"}, bearer="guest"),
    )),
    ("GET", "/chat/history/{session_id}"): Objects((
        # 001 answers 403 for a session that exists but is not the caller's (not 404 as DESIGN §7).
        Aim("the other business's session", "/chat/history/{extra_session}",
            {"admin": 403, "agent": 403, "visitor": 403, "api_key": 401}, bearer="guest"),
    )),
    ("GET", "/api/v1/files/{file_id}/download"): Public("the link's token is the key (works in <img src>)", aims=(
        Aim("own file's link token on the other site's file", "/api/v1/files/{file}/download?token={own_file_token}",
            anyone(404)),
        Aim("no token", "/api/v1/files/{file}/download", anyone(404)),
    )),
    ("POST", "/api/v1/agent/register"): Public("open on the local stage; an admin of the site elsewhere "
                                               "(run here admin-gated, as deployed)", aims=(
        Aim("join the other site", "/api/v1/agent/register", admin_only(404),
            body={"username": "mallory", "password": PASSWORD, "site_id": "{site}"}),
    )),
    # -- seed 004: the customer flow (X-Customer-Session-Id) and its FAQ admin ---------------------
    ("GET", "/api/v1/customer/quick-questions"): Public("a site's widget shows its quick questions to anyone "
                                                        "(questions only, no answers)"),
    ("POST", "/api/v1/customer/conversations/start"): Public("anyone may start as a new customer at any site; "
                                                             "it names no existing object"),
    **{(method, f"/api/v1/customer/conversations/{{conversation_id}}{route}"): Objects((
        # The customer session secret is the only credential: none, or one's own, on the other
        # site's conversation is 403 (004: customer-session violations), whatever else is sent.
        Aim("the other site's customer conversation, own session", f"/api/v1/customer/conversations/"
            f"{{extra_cust_conv}}{aimed}", anyone(403), body=body, session="{own_extra_cust_session}"),
        Aim("the other site's customer conversation, no session", f"/api/v1/customer/conversations/"
            f"{{extra_cust_conv}}{aimed}", anyone(403), body=body),
    )) for method, route, aimed, body in (
        ("GET", "", "", None), ("GET", "/messages", "/messages", None),
        ("POST", "/messages", "/messages", {"body": "refund please"}),
        ("POST", "/quick-replies/{faq_slug}", "/quick-replies/shipping", None),
        ("POST", "/escalate", "/escalate", None))},
    ("GET", "/api/v1/agent/conversations"): SelfOnly("the caller's sites' conversations (004)",
                                                     "/api/v1/agent/conversations?status=automated",
                                                     agent_only(200)),
    ("GET", "/api/v1/agent/conversations/{conversation_id}/messages"): Objects((
        Aim("the other site's customer conversation", "/api/v1/agent/conversations/{extra_cust_conv}/messages",
            agent_only(404)),
    )),
    ("POST", "/api/v1/agent/conversations/{conversation_id}/messages"): Objects((
        Aim("write in the other site's customer conversation",
            "/api/v1/agent/conversations/{extra_cust_conv}/messages", agent_only(404), body={"body": "hi"}),
    )),
    ("POST", "/api/v1/agent/conversations/{conversation_id}/close"): Objects((
        Aim("close the other site's customer conversation", "/api/v1/agent/conversations/{extra_cust_conv}/close",
            agent_only(404)),
    )),
    ("GET", "/api/v1/admin/sites/{site_id}/faqs"): Objects((
        Aim("the other site's FAQs", "/api/v1/admin/sites/{site}/faqs", admin_only(404)),
    )),
    ("POST", "/api/v1/admin/sites/{site_id}/faqs"): Objects((
        Aim("add a FAQ to the other site", "/api/v1/admin/sites/{site}/faqs", admin_only(404),
            body={"slug": "pwned", "question": "q?", "answer": "a"}),
    )),
    ("PATCH", "/api/v1/admin/sites/{site_id}/faqs/{slug}"): Objects((
        Aim("change the other site's FAQ", "/api/v1/admin/sites/{site}/faqs/shipping", admin_only(404),
            body={"answer": "pwned"}),
    )),
    ("DELETE", "/api/v1/admin/sites/{site_id}/faqs/{slug}"): Objects((
        Aim("delete the other site's FAQ", "/api/v1/admin/sites/{site}/faqs/shipping", admin_only(404)),
    )),
    ("GET", "/api/v1/admin/sites/{site_id}/escalation"): Objects((
        Aim("the other site's escalation capacity", "/api/v1/admin/sites/{site}/escalation", admin_only(404)),
    )),
    ("PUT", "/api/v1/admin/sites/{site_id}/escalation"): Objects((
        Aim("set the other site's escalation capacity", "/api/v1/admin/sites/{site}/escalation", admin_only(404),
            body={"agent_capacity": 1}),
    )),
    # -- self -------------------------------------------------------------------------------------
    ("GET", "/api/v1/auth/validate"): SelfOnly("the caller's token", "/api/v1/auth/validate", agent_only(200)),
    ("POST", "/api/v1/auth/logout"): SelfOnly("the caller's session", "/api/v1/auth/logout", agent_only(200),
                                              fresh=True),
    ("PATCH", "/api/v1/agents/status"): SelfOnly("the caller's status", "/api/v1/agents/status", agent_only(200),
                                                 body={"status": "online"}),
    ("GET", "/api/v1/agent/me"): SelfOnly("the caller (004)", "/api/v1/agent/me", agent_only(200)),
    ("POST", "/api/v1/agent/presence"): SelfOnly("the caller's presence (004)", "/api/v1/agent/presence",
                                                 agent_only(200), body={"status": "away"}),
    ("GET", "/api/v1/sites"): SelfOnly("the caller's sites", "/api/v1/sites", agent_only(200)),
    ("GET", "/api/v1/notifications"): SelfOnly("the caller's notifications", "/api/v1/notifications",
                                               agent_only(200)),
    ("GET", "/v1/agents"): SelfOnly("the key's workspace", "/v1/agents", key_only(200)),
    ("GET", "/v1/webhooks"): SelfOnly("the key's workspace", "/v1/webhooks", key_only(200)),
    ("POST", "/v1/webhooks"): SelfOnly("creates in the key's workspace", "/v1/webhooks", key_only(201),
                                       body={"url": "http://127.0.0.1:9/own", "events": ["chat.created"]}),
    ("GET", "/v1/widget/config"): SelfOnly("the key's workspace", "/v1/widget/config", key_only(200)),
    ("PATCH", "/v1/widget/config"): SelfOnly("changes the key's workspace", "/v1/widget/config", key_only(200),
                                             body={"welcome_message": "hello", "domains": ["shop.example"]}),
    ("GET", "/v1/automation/triggers"): SelfOnly("the key's workspace", "/v1/automation/triggers", key_only(200)),
    ("POST", "/v1/automation/triggers"): SelfOnly("creates in the key's workspace", "/v1/automation/triggers",
                                                  key_only(201), body={"name": "w", "condition": "page_load",
                                                                       "message": "hi"}),
    ("POST", "/api/v1/visitors/activity"): SelfOnly(
        "the visitor's own page view: its own site's triggers only", "/api/v1/visitors/activity",
        {"admin": 401, "agent": 401, "visitor": 202, "api_key": 401},
        body={"type": "page_view", "page_url": "https://shop.example/"}),
    ("GET", "/v1/analytics/agents"): SelfOnly("the key's workspace's agents", "/v1/analytics/agents",
                                              key_only(200)),
    # -- objects: sites ---------------------------------------------------------------------------
    ("GET", "/api/v1/sites/{site_id}"): Objects((
        Aim("the other site", "/api/v1/sites/{site}", agent_or_visitor(404)),
    )),
    ("PATCH", "/api/v1/admin/sites/{site_id}"): Objects((
        Aim("rename the other site", "/api/v1/admin/sites/{site}", admin_only(404), body={"name": "pwned"}),
        Aim("suspend the other site", "/api/v1/admin/sites/{site}", admin_only(404), body={"status": "suspended"}),
    )),
    ("POST", "/api/v1/admin/sites"): Objects((
        Aim("re-create the other site's id", "/api/v1/admin/sites", admin_only(409),
            body={"site_id": "{site}", "name": "pwned"}),
    )),
    ("GET", "/api/v1/analysis/usage"): Objects((
        # require_site_object: 404 although the site is named in the query (403 elsewhere).
        Aim("the other site's AI spend", "/api/v1/analysis/usage?site_id={site}", agent_only(404)),
    )),
    ("GET", "/api/v1/analytics/dashboard"): Objects((
        Aim("the other site's dashboard", "/api/v1/analytics/dashboard?site_id={site}", agent_only(403)),
    )),
    # -- objects: agents and memberships -----------------------------------------------------------
    ("GET", "/api/v1/agents"): Objects((
        Aim("the other site's agents", "/api/v1/agents?site_id={site}", agent_only(403)),
    )),
    ("POST", "/api/v1/admin/agents"): Objects((
        Aim("an agent for the other site", "/api/v1/admin/agents", admin_only(403),
            body={"username": "mallory", "password": PASSWORD, "site_ids": ["{site}"]}),
        Aim("the other site's admin's username", "/api/v1/admin/agents", admin_only(409),
            body={"username": "{admin_name}", "password": PASSWORD, "site_ids": ["{own_site}"]}),
        Aim("the other site's admin's email", "/api/v1/admin/agents", admin_only(409),
            body={"username": "mallory", "email": "{admin_email}", "password": PASSWORD,
                  "site_ids": ["{own_site}"]}),
    )),
    ("PUT", "/api/v1/admin/sites/{site_id}/agents/{agent_id}"): Objects((
        Aim("own agent into the other site", "/api/v1/admin/sites/{site}/agents/{own_agent}", admin_only(404)),
        Aim("the other site's agent, on the other site", "/api/v1/admin/sites/{site}/agents/{agent}",
            admin_only(404)),
        # Finding 2: another team's agent joins by invitation only (before the fix: 200, pulled in).
        Aim("the other site's agent into own site", "/api/v1/admin/sites/{own_site}/agents/{agent}",
            admin_only(404)),
    )),
    ("DELETE", "/api/v1/admin/sites/{site_id}/agents/{agent_id}"): Objects((
        Aim("the other site's agent off the other site", "/api/v1/admin/sites/{site}/agents/{agent}",
            admin_only(404)),
        Aim("the other site's agent off own site", "/api/v1/admin/sites/{own_site}/agents/{agent}",
            admin_only(404)),
    )),
    ("GET", "/api/v1/analytics/agents/{agent_id}"): Objects((
        Aim("the other site's admin's figures", "/api/v1/analytics/agents/{admin}", agent_only(404)),
        Aim("the other site's agent's figures", "/api/v1/analytics/agents/{agent}", agent_only(404)),
    )),
    ("POST", "/api/v1/admin/sites/{site_id}/identity-secret"): Objects((
        Aim("rotate the other site's identity secret", "/api/v1/admin/sites/{site}/identity-secret",
            admin_only(404)),
    )),
    # -- seed 002: the AI assistant (/chat/conversations..., /chat/analytics, /chat/search) ---------
    # End users call with their visitor token as Bearer; the attacking visitor is "v_same", the same
    # visitor id as the other site's end user. Assistant ids are per site: site_a's live one is 1,
    # site_b's is 2 and its 1 is deleted, so the other site's id names nothing usable here.
    ("GET", "/chat/conversations"): SelfOnly("the end user's own conversations", "/chat/conversations",
                                             {"admin": 401, "agent": 401, "visitor": 200, "api_key": 401},
                                             bearer="visitor"),
    ("POST", "/chat/conversations"): Objects((
        Aim("with the other site's assistant", "/chat/conversations",
            {"admin": 401, "agent": 401, "visitor": 404, "api_key": 401},
            body={"title": "pwned", "agent_id": "{int:ref_assistant}"}, bearer="visitor"),
    )),
    ("GET", "/chat/conversations/{conversation_id}"): Objects((
        Aim("the other site's end user's conversation", "/chat/conversations/{extra_assistant_conv}",
            end_user_only(404), bearer="visitor"),
    )),
    ("PUT", "/chat/conversations/{conversation_id}"): Objects((
        Aim("the other site's end user's conversation", "/chat/conversations/{extra_assistant_conv}",
            end_user_only(404), body={"title": "pwned", "is_archived": True}, bearer="visitor"),
    )),
    ("DELETE", "/chat/conversations/{conversation_id}"): Objects((
        Aim("the other site's end user's conversation", "/chat/conversations/{extra_assistant_conv}",
            end_user_only(404), bearer="visitor"),
    )),
    ("GET", "/chat/conversations/{conversation_id}/messages"): Objects((
        Aim("the other site's end user's conversation", "/chat/conversations/{extra_assistant_conv}/messages",
            end_user_only(404), bearer="visitor"),
    )),
    ("POST", "/chat/conversations/{conversation_id}/messages"): Objects((
        Aim("into the other site's end user's conversation", "/chat/conversations/{extra_assistant_conv}/messages",
            end_user_only(404), body={"content": "pwned"}, bearer="visitor"),
    )),
    ("POST", "/chat/conversations/{conversation_id}/ai-response"): Objects((
        Aim("on the other site's end user's conversation (its AI spend)",
            "/chat/conversations/{extra_assistant_conv}/ai-response", end_user_only(404),
            body={"message": "pwned"}, bearer="visitor"),
    )),
    ("GET", "/chat/analytics/dashboard"): SelfOnly("the end user's own figures", "/chat/analytics/dashboard",
                                                   {"admin": 401, "agent": 401, "visitor": 200, "api_key": 401},
                                                   bearer="visitor"),
    ("GET", "/chat/search"): Objects((
        Aim("the other site's end user's words", "/chat/search?query={codeword}", end_user_only(200),
            bearer="visitor", check=nothing_found),
    )),
    ("GET", "/chat/analytics/global"): Objects((
        # An admin of the other site only; a visitor token is refused as "admin only" (403).
        Aim("the other site's figures", "/chat/analytics/global?site_id={site}",
            {"admin": 404, "agent": 403, "visitor": 403, "api_key": 401}, bearer="visitor"),
    )),
    ("GET", "/api/v1/admin/sites/{site_id}/assistants"): Objects((
        Aim("the other site's assistants", "/api/v1/admin/sites/{site}/assistants", admin_only(404)),
    )),
    ("POST", "/api/v1/admin/sites/{site_id}/assistants"): Objects((
        Aim("an assistant on the other site", "/api/v1/admin/sites/{site}/assistants", admin_only(404),
            body={"name": "pwned"}),
    )),
    ("PATCH", "/api/v1/admin/sites/{site_id}/assistants/{agent_id}"): Objects((
        Aim("the other site's assistant", "/api/v1/admin/sites/{site}/assistants/{ref_assistant}", admin_only(404),
            body={"instructions": "pwned", "active": False}),
    )),
    ("DELETE", "/api/v1/admin/sites/{site_id}/assistants/{agent_id}"): Objects((
        Aim("the other site's assistant", "/api/v1/admin/sites/{site}/assistants/{ref_assistant}", admin_only(404)),
    )),
    # -- objects: invitations (finding 2: the one way an existing agent joins another site) -------
    ("POST", "/api/v1/admin/sites/{site_id}/invitations"): Objects((
        Aim("invite oneself into the other site", "/api/v1/admin/sites/{site}/invitations", admin_only(404),
            body={"email": "{own_admin_email}"}),
    )),
    ("GET", "/api/v1/admin/sites/{site_id}/invitations"): Objects((
        Aim("the other site's invitations", "/api/v1/admin/sites/{site}/invitations", admin_only(404)),
    )),
    ("DELETE", "/api/v1/admin/sites/{site_id}/invitations/{invitation_id}"): Objects((
        Aim("the other site's invitation, on the other site",
            "/api/v1/admin/sites/{site}/invitations/{extra_invitation}", admin_only(404)),
        Aim("the other site's invitation, through own site",
            "/api/v1/admin/sites/{own_site}/invitations/{extra_invitation}", admin_only(404)),
    )),
    ("POST", "/api/v1/invitations/{invitation_id}/accept"): Objects((
        # The invitation is for someone else's email: the id alone lets nobody in.
        Aim("accept the other site's invitation", "/api/v1/invitations/{extra_invitation}/accept", agent_only(404)),
    )),
    ("GET", "/api/v1/agents/me/invitations"): SelfOnly("the caller's own invitations (by its email)",
                                                      "/api/v1/agents/me/invitations", agent_only(200)),
    # -- objects: API keys -----------------------------------------------------------------------
    ("POST", "/api/v1/admin/sites/{site_id}/api-keys"): Objects((
        Aim("a key for the other site", "/api/v1/admin/sites/{site}/api-keys", admin_only(404), body={"name": "k"}),
    )),
    ("GET", "/api/v1/admin/sites/{site_id}/api-keys"): Objects((
        Aim("the other site's keys", "/api/v1/admin/sites/{site}/api-keys", admin_only(404)),
    )),
    ("DELETE", "/api/v1/admin/sites/{site_id}/api-keys/{key_id}"): Objects((
        Aim("the other site's key, on the other site", "/api/v1/admin/sites/{site}/api-keys/{key_id}",
            admin_only(404)),
        Aim("the other site's key, through own site", "/api/v1/admin/sites/{own_site}/api-keys/{key_id}",
            admin_only(404)),
    )),
    # -- objects: visitors -------------------------------------------------------------------------
    ("GET", "/api/v1/visitors/active"): Objects((
        Aim("the other site's visitors", "/api/v1/visitors/active?site_id={site}", agent_only(403)),
    )),
    ("GET", "/api/v1/visitors/{visitor_id}"): Objects((
        Aim("the other site's visitor", "/api/v1/visitors/{other_visitor}?site_id={site}", agent_only(403)),
        Aim("the other site's visitor id, on own site", "/api/v1/visitors/{other_visitor}?site_id={own_site}",
            agent_only(404)),
    )),
    # -- objects: conversations ------------------------------------------------------------------
    ("GET", "/api/v1/conversations"): Objects((
        Aim("the other site's inbox", "/api/v1/conversations?site_id={site}", agent_only(403)),
        Aim("own inbox filtered by the other site's agent",
            "/api/v1/conversations?site_id={own_site}&assigned_to={agent}", agent_only(200), check=no_conversations),
    )),
    ("POST", "/api/v1/conversations"): Objects((
        Aim("for the other site's visitor", "/api/v1/conversations", agent_or_visitor(403),
            body={"site_id": "{site}", "visitor_id": "{visitor}"}),
        Aim("own site, the other site's visitor id", "/api/v1/conversations", agent_or_visitor(404),
            body={"site_id": "{own_site}", "visitor_id": "{other_visitor}"}),
    )),
    ("GET", "/api/v1/conversations/{conversation_id}"): Objects((
        Aim("the other site's conversation", "/api/v1/conversations/{conv}", agent_or_visitor(404)),
    )),
    ("PATCH", "/api/v1/conversations/{conversation_id}/assign"): Objects((
        Aim("the other site's conversation to own agent", "/api/v1/conversations/{conv}/assign", agent_only(404),
            body={"agent_id": "{own_agent}"}),
        Aim("own conversation to the other site's agent", "/api/v1/conversations/{own_conv}/assign",
            agent_only(400), body={"agent_id": "{agent}"}),
    )),
    ("PATCH", "/api/v1/conversations/{conversation_id}/close"): Objects((
        Aim("the other site's conversation", "/api/v1/conversations/{conv}/close", agent_only(404),
            body={"resolution": "pwned"}),
    )),
    ("POST", "/api/v1/conversations/{conversation_id}/rating"): Objects((
        Aim("the other site's conversation", "/api/v1/conversations/{conv}/rating", agent_or_visitor(404),
            body={"rating": 1}),
    )),
    ("POST", "/api/v1/typing"): Objects((
        Aim("in the other site's conversation", "/api/v1/typing", agent_or_visitor(404),
            body={"conversation_id": "{conv}", "is_typing": True}),
    )),
    ("GET", "/api/v1/analysis/conversation/{conversation_id}"): Objects((
        Aim("the other site's conversation", "/api/v1/analysis/conversation/{conv}", agent_only(404)),
    )),
    ("POST", "/api/v1/analysis/message"): Objects((
        Aim("in the context of the other site's conversation", "/api/v1/analysis/message", agent_only(404),
            body={"message": "where is my order?", "conversation_id": "{conv}"}),
    )),
    # -- objects: messages -------------------------------------------------------------------------
    ("GET", "/api/v1/messages"): Objects((
        Aim("the other site's conversation", "/api/v1/messages?conversation_id={conv}", agent_or_visitor(404)),
    )),
    ("POST", "/api/v1/messages"): Objects((
        Aim("into the other site's conversation", "/api/v1/messages", agent_or_visitor(404),
            body={"conversation_id": "{conv}", "type": "text", "content": "pwned"}),
        Aim("the other site's file into own conversation", "/api/v1/messages", agent_or_visitor(400),
            body={"conversation_id": "{own_conv}", "type": "image", "file_id": "{file}"}),
    )),
    ("POST", "/api/v1/messages/read"): Objects((
        Aim("the other site's messages", "/api/v1/messages/read", agent_or_visitor(404),
            body={"conversation_id": "{conv}", "message_ids": "{msgs}"}),
    )),
    ("POST", "/api/v1/notifications/read"): Objects((
        # Notifications live under their agent: another's ids are simply not the caller's.
        Aim("the other site's admin's notifications", "/api/v1/notifications/read", agent_only(200),
            body={"notification_ids": "{notifs}"}, check=nothing_marked),
    )),
    # -- objects: files ----------------------------------------------------------------------------
    ("POST", "/api/v1/files/upload"): Objects((
        Aim("to the other site", "/api/v1/files/upload", agent_or_visitor(403), form={"site_id": "{site}"}),
        Aim("own site, the other site's conversation", "/api/v1/files/upload", agent_or_visitor(404),
            form={"site_id": "{own_site}", "conversation_id": "{conv}"}),
    )),
    ("GET", "/api/v1/files/{file_id}"): Objects((
        Aim("the other site's chat file", "/api/v1/files/{file}", agent_or_visitor(404)),
        Aim("the other site's agent's file", "/api/v1/files/{agent_file}", agent_or_visitor(404)),
        Aim("the other site's pending upload", "/api/v1/files/{pending_file}", agent_or_visitor(404)),
    )),
    ("DELETE", "/api/v1/files/{file_id}"): Objects((
        Aim("the other site's chat file", "/api/v1/files/{file}", agent_only(404)),
        Aim("the other site's pending upload", "/api/v1/files/{pending_file}", agent_only(404)),
    )),
    ("POST", "/v1/files/upload-url"): Objects((
        # A key is bound to its workspace: the site named is not even read, the slot is the key's own.
        Aim("to the other site", "/v1/files/upload-url", agent_or_key(403, api_key=200),
            body={**UPLOAD_URL, "site_id": "{site}"}),
        Aim("own site, the other site's chat", "/v1/files/upload-url", agent_or_key(404),
            body={**UPLOAD_URL, "site_id": "{own_site}", "chat_id": "{conv}"}),
    )),
    ("POST", "/v1/files/confirm"): Objects((
        Aim("the other site's pending upload", "/v1/files/confirm", agent_or_key(404),
            body={"file_id": "{pending_file}"}),
        Aim("the other site's file", "/v1/files/confirm", agent_or_key(404), body={"file_id": "{file}"}),
        Aim("own pending upload into the other site's chat", "/v1/files/confirm", agent_or_key(404),
            body={"file_id": "{own_pending_file}", "chat_id": "{conv}"}),
    )),
    # -- objects: seed 003 chats and analytics (issue 19) ------------------------------------------
    ("GET", "/v1/chats"): Objects((
        Aim("own chats filtered by the other site's agent", "/v1/chats?agent_id={agent}", key_only(200),
            check=no_v1_chats),
    )),
    ("GET", "/v1/chats/{chat_id}"): Objects((
        Aim("the other site's chat", "/v1/chats/{conv}", key_only(404)),
    )),
    ("PATCH", "/v1/chats/{chat_id}"): Objects((
        Aim("close and tag the other site's chat", "/v1/chats/{conv}", key_only(404),
            body={"status": "closed", "tags": ["pwned"], "visitor": {"phone": "+100000000"}}),
        Aim("own chat to the other site's agent", "/v1/chats/{own_conv}", key_only(400),
            body={"assigned_to": "{agent}"}),
    )),
    ("POST", "/v1/chats/{chat_id}/messages"): Objects((
        Aim("into the other site's chat", "/v1/chats/{conv}/messages", key_only(404),
            body={"text": "pwned", "agent_id": "{own_admin}"}),
        Aim("into own chat as the other site's agent", "/v1/chats/{own_conv}/messages", key_only(400),
            body={"text": "pwned", "agent_id": "{agent}"}),
        Aim("the other site's file into own chat", "/v1/chats/{own_conv}/messages", key_only(400),
            body={"text": "x", "agent_id": "{own_admin}",
                  "attachments": [{"type": "image", "url": "/api/v1/files/{file}/download"}]}),
    )),
    ("GET", "/v1/agents/{agent_id}/stats"): Objects((
        Aim("the other site's agent", "/v1/agents/{agent}/stats", key_only(404)),
    )),
    ("GET", "/v1/analytics/overview"): Objects((
        Aim("the other site's workspace", "/v1/analytics/overview?workspace_id={site}", key_only(403)),
    )),
    # -- objects: webhooks -------------------------------------------------------------------------
    ("GET", "/v1/webhooks/{webhook_id}"): Objects((
        Aim("the other site's webhook", "/v1/webhooks/{webhook}", key_only(404)),
    )),
    ("PATCH", "/v1/webhooks/{webhook_id}"): Objects((
        Aim("the other site's webhook", "/v1/webhooks/{webhook}", key_only(404),
            body={"url": "http://127.0.0.1:9/stolen", "active": False}),
    )),
    ("DELETE", "/v1/webhooks/{webhook_id}"): Objects((
        Aim("the other site's webhook", "/v1/webhooks/{webhook}", key_only(404)),
    )),
    ("POST", "/v1/webhooks/{webhook_id}/rotate-secret"): Objects((
        Aim("the other site's webhook", "/v1/webhooks/{webhook}/rotate-secret", key_only(404)),
    )),
    ("POST", "/v1/webhooks/{webhook_id}/test"): Objects((
        Aim("the other site's webhook", "/v1/webhooks/{webhook}/test", key_only(404)),
    )),
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"): Objects((
        Aim("the other site's webhook", "/v1/webhooks/{webhook}/deliveries", key_only(404)),
    )),
    # -- objects: seed 003 automation triggers (issue 19) -------------------------------------------
    ("GET", "/v1/automation/triggers/{trigger_id}"): Objects((
        Aim("the other site's trigger", "/v1/automation/triggers/{ref_trigger}", key_only(404)),
    )),
    ("PATCH", "/v1/automation/triggers/{trigger_id}"): Objects((
        Aim("the other site's trigger", "/v1/automation/triggers/{ref_trigger}", key_only(404),
            body={"message": "pwned", "active": False}),
    )),
    ("DELETE", "/v1/automation/triggers/{trigger_id}"): Objects((
        Aim("the other site's trigger", "/v1/automation/triggers/{ref_trigger}", key_only(404)),
    )),
}

# CORS preflights (issue 20): every widget route declares OPTIONS (chalicelib/surfaces/cors.py), which
# reads only `?site_id=` and the site's widget `domains`. Aimed at the other site without an Origin, each
# is refused (403 ORIGIN_NOT_ALLOWED, no grant) whoever asks, and changes nothing. Listed from the app so
# a widget route added by another surface brings its preflight along.
ROUTES.update({
    ("OPTIONS", path): Public("CORS preflight of a widget route: names a site only in ?site_id=", aims=(
        Aim("the other site's widget origins", re.sub(r"\{[^}]+\}", "x", path) + "?site_id={site}", anyone(403)),
    ))
    for path, methods in app_module.app.routes.items() if "OPTIONS" in methods
})

# Known holes: (method, path, aim name, attacking kind) -> the finding that closes it. Strict: a
# case that starts passing fails until its entry is removed here.
# On the commit before issue 23's fixes, 10 cases failed here: POST /api/v1/visitors "the other site's
# existing visitor" for every kind in both directions (finding 1: 200, a session token for the other
# site's visitor and its name overwritten) and PUT /api/v1/admin/sites/{own}/agents/{the other site's
# agent} for admins (finding 2: 200, the agent pulled in). Both are fixed; none is open now.
HOLES: dict[tuple[str, str, str, str], str] = {}


# -- the app's routes ----------------------------------------------------------------------------

def app_routes() -> set[tuple[str, str]]:
    return {(method, path) for path, methods in app_module.app.routes.items() for method in methods}


def test_every_route_is_in_the_matrix():
    routes = app_routes()
    missing = sorted(routes - set(ROUTES))
    assert not missing, ("routes not in the cross-tenant matrix: add each to ROUTES in "
                         f"tests/unit/test_cross_tenant_matrix.py: {missing}")
    gone = sorted(set(ROUTES) - routes)
    assert not gone, f"ROUTES lists routes the app no longer has: {gone}"


def test_the_holes_name_real_cases():
    aims = {(method, path, aim.name) for (method, path), entry in ROUTES.items()
            for aim in getattr(entry, "aims", ())}
    assert {hole[:3] for hole in HOLES} <= aims and {hole[3] for hole in HOLES} <= set(KINDS)


# -- the cases -----------------------------------------------------------------------------------

def _cases():
    for (method, path), entry in sorted(ROUTES.items()):
        for aim in getattr(entry, "aims", ()):
            for attacker in SITES:
                for kind in KINDS:
                    hole = HOLES.get((method, path, aim.name, kind))
                    marks = [pytest.mark.xfail(strict=True, reason=hole)] if hole else []
                    yield pytest.param(method, path, aim, attacker, kind, marks=marks,
                                       id=f"{method} {path} | {aim.name} | {attacker}:{kind}")


def _self_cases():
    for (method, path), entry in sorted(ROUTES.items()):
        if isinstance(entry, SelfOnly):
            for attacker in SITES:
                for kind in KINDS:
                    yield pytest.param(method, path, entry, attacker, kind, id=f"{method} {path} | {attacker}:{kind}")


CASES = list(_cases())
SELF_CASES = list(_self_cases())


@dataclass
class Matrix:
    world: TenancyWorld
    object_bytes: dict[str, bytes]
    s3: Any


IDENTITY_SECRET = ("POST", "/api/v1/admin/sites/{site_id}/identity-secret")
INVITE = ("POST", "/api/v1/admin/sites/{site_id}/invitations")
START_SESSION = ("POST", "/chat/start-session")
ASSISTANTS = ("POST", "/api/v1/admin/sites/{site_id}/assistants")
CUSTOMER_START = ("POST", "/api/v1/customer/conversations/start")
TRIGGERS = ("POST", "/v1/automation/triggers")
CUSTOMER = "cust-1"  # the same external customer id at both businesses


def hmac_hex(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def furnish_new_surfaces(world: TenancyWorld, tenant: Tenant) -> None:
    """What the newer routes need to find on each site (so an attack on them has something to change)."""
    admin = world.as_kind(tenant, "admin")
    if IDENTITY_SECRET in app_routes():
        response = world.call("POST", f"/api/v1/admin/sites/{tenant.site_id}/identity-secret", headers=admin)
        assert response.status_code in (200, 201), response.body
        secret = response.json_body["data"]["identity_secret"]
        tenant.proofs = {"user_hash": hmac_hex(secret, tenant.visitor_id), "customer_hash": hmac_hex(secret, CUSTOMER)}
    if START_SESSION in app_routes():  # a 001 guest with an open session, and a verified external customer
        guest = world.call("POST", "/chat/start-session", {"business": tenant.site_id})
        assert guest.status_code == 201, guest.body
        data = guest.json_body["data"]
        tenant.tokens["guest"] = data["token"]
        tenant.extra.update(session=data["session_id"], guest=data["end_user_id"])
        customer = world.call("POST", "/chat/start-session", {
            "business": tenant.site_id, "external_customer_id": CUSTOMER,
            "customer_hash": tenant.proofs["customer_hash"]})
        assert customer.status_code == 201, customer.body
        tenant.extra["customer_session"] = customer.json_body["data"]["session_id"]
    if ASSISTANTS in app_routes():  # site_a's live assistant is 1; site_b's is 2 (its 1 is deleted)
        base = f"/api/v1/admin/sites/{tenant.site_id}/assistants"
        ids = []
        for name in ("first", "second")[: 1 if tenant.site_id == "site_a" else 2]:
            created = world.call("POST", base, {"name": f"{name} bot of {tenant.site_id}"}, headers=admin)
            assert created.status_code == 201, created.body
            ids.append(created.json_body["data"]["id"])
        if len(ids) == 2:
            assert world.call("DELETE", f"{base}/{ids[0]}", headers=admin).status_code == 200
        tenant.refs["assistant"] = str(ids[-1])
        user = {"Authorization": f"Bearer {tenant.tokens['visitor']}"}
        conv = world.call("POST", "/chat/conversations", {"title": "order", "agent_id": ids[-1]}, headers=user)
        assert conv.status_code == 201, conv.body
        conv_id = conv.json_body["data"]["conversation_id"]
        tenant.extra["assistant_conv"] = str(conv_id)
        for path, body in ((f"/chat/conversations/{conv_id}/messages", {"content": f"my {CODEWORDS[tenant.site_id]}"}),
                           (f"/chat/conversations/{conv_id}/ai-response", {"message": "where is my order 12345?"})):
            response = world.call("POST", path, body, headers=user)
            assert response.status_code == 201, response.body
        found = world.call("GET", f"/chat/search?query={CODEWORDS[tenant.site_id]}", headers=user)
        assert found.json_body["data"]["total"] == 1, found.body  # what the other site's search must not find
    if TRIGGERS in app_routes():  # a trigger on each site, which any page view of its visitors sets off
        created = world.call("POST", "/v1/automation/triggers", {
            "name": "welcome", "condition": "page_load", "message": f"hello from {tenant.site_id}"},
            headers=world.as_kind(tenant, "api_key"))
        assert created.status_code == 201, created.body
        tenant.refs["trigger"] = created.json_body["id"]
    if INVITE in app_routes():  # a pending invitation to someone who is no agent of either site
        response = world.call("POST", f"/api/v1/admin/sites/{tenant.site_id}/invitations",
                              {"email": f"newhire@{tenant.site_id}.example"}, headers=admin)
        assert response.status_code == 201, response.body
        tenant.extra["invitation"] = response.json_body["data"]["id"]
    if CUSTOMER_START in app_routes():  # a 004 customer conversation (with its session) and a FAQ
        faq = world.call("POST", f"/api/v1/admin/sites/{tenant.site_id}/faqs",
                         {"slug": "shipping", "question": "Shipping?", "answer": "2 days", "keywords": ["shipping"]},
                         headers=admin)
        assert faq.status_code == 201, faq.body
        started = world.call("POST", "/api/v1/customer/conversations/start", {"site_id": tenant.site_id})
        assert started.status_code == 201, started.body
        tenant.extra.update(cust_conv=started.json_body["conversation_id"],
                            cust_session=started.json_body["customer_session_id"])
    # Each site's admin keeps a socket open: an attack must push nothing to it.
    connection_id, result = world.ws_connect({"site_id": tenant.site_id, "role": "support",
                                              "token": tenant.tokens["admin"]})
    assert result["statusCode"] == 200, result
    tenant.extra["listener"] = connection_id


@pytest.fixture(scope="module")
def matrix():
    with tenancy_world(furnish_new_surfaces) as world:
        yield Matrix(world, bucket_bytes(), boto3.client("s3", region_name=get_settings().region))


def context(attacker: Tenant, victim: Tenant) -> dict[str, Any]:
    return {
        "site": victim.site_id, "admin": victim.admin_id, "agent": victim.agent_id,
        "admin_name": victim.admin_name, "admin_email": f"{victim.admin_name}@{victim.site_id}.example",
        "visitor": victim.visitor_id, "other_visitor": victim.other_visitor_id, "conv": victim.conversation_id,
        "file": victim.file_id, "agent_file": victim.agent_file_id, "pending_file": victim.pending_file_id,
        "key_id": victim.key_id, "webhook": victim.webhook_id, "notifs": list(victim.notification_ids),
        "msgs": list(victim.message_ids),
        "own_site": attacker.site_id, "own_admin": attacker.admin_id, "own_agent": attacker.agent_id,
        "own_admin_name": attacker.admin_name,
        "own_admin_email": f"{attacker.admin_name}@{attacker.site_id}.example", "own_conv": attacker.conversation_id,
        "own_file_token": attacker.file_token, "own_pending_file": attacker.pending_file_id, "customer": CUSTOMER,
        "own_user_hash": attacker.proofs.get("user_hash", ""),
        "own_customer_hash": attacker.proofs.get("customer_hash", ""), "codeword": CODEWORDS[victim.site_id],
        **{f"ref_{k}": v for k, v in victim.refs.items()},
        **{f"extra_{k}": v for k, v in victim.extra.items()},
        **{f"own_extra_{k}": v for k, v in attacker.extra.items()},
    }


def fill(value: Any, ctx: dict[str, Any]) -> Any:
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and isinstance(ctx.get(value[1:-1]), list):
            return ctx[value[1:-1]]
        if value.startswith("{int:") and value.endswith("}"):
            return int(ctx[value[5:-1]])
        return value.format_map(ctx)
    if isinstance(value, dict):
        return {k: fill(v, ctx) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [fill(v, ctx) for v in value]
    return value


def send(world: TenancyWorld, method: str, path: str, headers: dict[str, str], body: Any = None,
         form: dict[str, str] | None = None):
    if form is not None:
        raw, content_type = multipart(form, png(8, 8), "x.png", "image/png")
        return world.call(method, path, headers={**headers, "Content-Type": content_type}, raw=raw)
    return world.call(method, path, body, headers=headers)


def headers_for(world: TenancyWorld, tenant: Tenant, kind: str, bearer: str | None) -> dict[str, str]:
    if not bearer:
        return world.as_kind(tenant, kind)
    credential = tenant.tokens[bearer] if kind == "visitor" else tenant.tokens[kind]
    return {"Authorization": f"Bearer {credential}"}


def check_error_shape(path: str, response) -> None:
    """Each surface's own error envelope (seed 000, 001, 003, 004)."""
    body = response.json_body
    assert isinstance(body, dict), response.body
    if path.startswith(SEED_002):
        assert body["success"] is False and isinstance(body["message"], str), body
    elif path.startswith("/chat/"):
        assert isinstance(body["message"], str) and "success" not in body, body
    elif path.startswith("/v1/"):
        assert {"code", "message", "message_en", "request_id"} <= set(body["error"]), body
    elif path.startswith(("/api/v1/agent/", "/api/v1/customer/")) or path.endswith(("/escalation",)) or "/faqs" in path:
        assert {"detail", "code"} <= set(body), body
    else:
        assert body["success"] is False and body["error"]["code"], body


def expected(status) -> tuple[int, ...]:
    return status if isinstance(status, tuple) else (status,)


def run_case(matrix: Matrix, method: str, request_path: str, headers: dict[str, str], victim: Tenant,
             allowed: tuple[int, ...], body: Any = None, form: dict[str, str] | None = None):
    """Call once between two snapshots; assert the status, the envelope and that the victim is
    untouched; put the world back if anything at all changed."""
    before = Snapshot.take(matrix.s3)
    response = send(matrix.world, method, request_path, headers, body, form)
    after = Snapshot.take(matrix.s3)
    try:
        assert response.status_code in allowed, (
            f"{method} {request_path}: {response.status_code} (expected {allowed}): {response.body[:300]!r}")
        if response.status_code >= 400:
            check_error_shape(request_path, response)
            queued = before.queued_since(after)
            assert not queued, f"a refused request queued work: {queued}"
        changes = before.changes_of(after, victim.markers())
        assert not changes, f"{victim.site_id} changed:\n" + "\n".join(changes)
        return response
    finally:
        if after != before:
            before.restore(after, matrix.object_bytes)


@pytest.mark.parametrize("method,path,aim,attacker_site,kind", CASES)
def test_a_principal_of_one_site_cannot_reach_the_other(matrix, method, path, aim, attacker_site, kind):
    world = matrix.world
    attacker = world.sites[attacker_site]
    victim = world.other(attacker)
    ctx = context(attacker, victim)
    headers = headers_for(world, attacker, kind, aim.bearer)
    if aim.session is not None:
        headers = {**headers, "X-Customer-Session-Id": fill(aim.session, ctx)}
    response = run_case(matrix, method, fill(aim.path, ctx), headers, victim,
                        expected(aim.expect[kind]), fill(aim.body, ctx), fill(aim.form, ctx))
    if response.status_code < 300:
        assert not leaks(response, victim), f"the answer mentions {leaks(response, victim)}"
        if aim.check is not None:
            aim.check(response)


def leaks(response, victim: Tenant) -> list[str]:
    text = response.body if isinstance(response.body, str) else response.body.decode("utf-8", "replace")
    return [m for m in victim.markers() if m in text]


@pytest.mark.parametrize("method,path,entry,attacker_site,kind", SELF_CASES)
def test_routes_on_the_caller_stay_in_its_site(matrix, method, path, entry, attacker_site, kind):
    world = matrix.world
    attacker = world.sites[attacker_site]
    victim = world.other(attacker)
    headers = headers_for(world, attacker, kind, entry.bearer)
    if entry.fresh and kind in ("admin", "agent"):
        name = attacker.admin_name if kind == "admin" else attacker.agent_name
        headers = {"Authorization": f"Bearer {world.login(name, attacker.site_id)['token']}"}
    response = run_case(matrix, method, entry.path, headers, victim, expected(entry.expect[kind]), entry.body)
    assert not leaks(response, victim), f"the answer mentions {leaks(response, victim)}"


def test_the_matrix_sees_a_change_and_puts_the_world_back(matrix):
    """The positive control: a legitimate write by the site's own admin is what every case looks for
    (items that mention the site change, its agent's socket is sent a frame), and restore undoes it."""
    world, site = matrix.world, matrix.world.sites["site_b"]
    before = Snapshot.take(matrix.s3)
    pushed_before = len(world.wire.frames.get(site.extra["listener"], []))
    response = world.call("POST", "/api/v1/messages", {"conversation_id": site.conversation_id, "content": "hi"},
                          headers=world.as_kind(site, "admin"))
    assert response.status_code == 201, response.body
    after = Snapshot.take(matrix.s3)
    assert any("MSG#" in change for change in before.changes_of(after, site.markers()))
    assert before.queued_since(after), "the message queued no event"
    assert len(world.wire.frames[site.extra["listener"]]) > pushed_before
    assert not before.changes_of(after, world.other(site).markers())
    before.restore(after, matrix.object_bytes)
    assert Snapshot.take(matrix.s3) == before


def test_the_matrix_is_the_size_the_report_says():
    """Both directions, every principal kind, every aim: printed with -s for the record."""
    aims = sum(len(getattr(e, "aims", ())) for e in ROUTES.values())
    assert len(CASES) == aims * len(SITES) * len(KINDS)
    print(f"\n{len(app_routes())} routes, {aims} aims, {len(CASES)} object cases, {len(SELF_CASES)} self cases")


# -- WebSocket routes ------------------------------------------------------------------------------
# API Gateway has no paths for sockets: the routes are $connect, $default (every frame) and
# $disconnect. $connect names a site (and a visitor); frames name conversations and visitors.

@dataclass(frozen=True)
class WsConnect:
    name: str
    query: dict[str, str]  # templates; {cred} is the attacking principal's credential
    expect: dict[str, int]  # the handshake's status per kind
    protocols: str | None = None  # Sec-WebSocket-Protocol (template)
    # Seed 001 cannot refuse a handshake with its codes: it accepts, sends an `error` frame carrying
    # the code (through the events worker, once the socket is open), then closes.
    refusal_code: int | None = None


@dataclass(frozen=True)
class WsFrame:
    name: str
    frame: dict[str, Any]


WS_ROUTES: dict[str, Any] = {
    "$connect": (
        WsConnect("support socket on the other site", {"site_id": "{site}", "role": "support", "token": "{cred}"},
                  {"admin": 403, "agent": 403, "visitor": 401, "api_key": 401}),
        WsConnect("visitor socket on the other site, the same visitor id",
                  {"site_id": "{site}", "role": "visitor", "token": "{cred}", "visitor_id": "{visitor}"},
                  {"admin": 401, "agent": 401, "visitor": 403, "api_key": 401}),
        WsConnect("visitor socket on the other site, its other visitor",
                  {"site_id": "{site}", "role": "visitor", "token": "{cred}", "visitor_id": "{other_visitor}"},
                  {"admin": 401, "agent": 401, "visitor": 403, "api_key": 401}),
        WsConnect("001 socket on the other business's session", {"session_id": "{extra_session}"}, anyone(200),
                  protocols="Bearer, {cred}", refusal_code=4003),
        WsConnect("001 socket on the other business's customer session", {"session_id": "{extra_customer_session}"},
                  anyone(200), protocols="Bearer, {cred}", refusal_code=4003),
        # seed 004 (WS /api/v1/realtime/ws): refused at the handshake with 004's statuses
        WsConnect("004 customer socket on the other site's conversation, own session",
                  {"role": "customer", "conversation_id": "{extra_cust_conv}",
                   "customer_session_id": "{own_extra_cust_session}"}, anyone(403)),
        WsConnect("004 agent socket subscribed to the other site's conversation",
                  {"role": "agent", "access_token": "{cred}", "conversation_id": "{extra_cust_conv}"},
                  {"admin": 404, "agent": 404, "visitor": 401, "api_key": 401}),
    ),
    "$default": (
        WsFrame("message into the other site's conversation",
                {"type": "message", "conversation_id": "{conv}", "message": "pwned"}),
        WsFrame("message to the other site's visitor", {"type": "message", "to": "{other_visitor}",
                                                        "message": "pwned"}),
        WsFrame("typing in the other site's conversation", {"type": "typing_start", "conversation_id": "{conv}"}),
        WsFrame("state of the other site's conversation", {"type": "get_state", "conversation_id": "{conv}"}),
        WsFrame("resync the other site's conversation", {"type": "get_state", "conversation_id": "{conv}",
                                                         "last_seq": 0}),
    ),
    "$disconnect": "self: API Gateway sends it for the socket that closed; no client names another connection",
}


def test_every_websocket_route_is_in_the_matrix():
    assert set(app_module.app.websocket_handlers) == set(WS_ROUTES)


def own_socket(tenant: Tenant, kind: str) -> dict[str, str]:
    """The query with which `kind` of `tenant` opens a socket on its own site."""
    if kind == "visitor":
        return {"site_id": tenant.site_id, "role": "visitor", "token": tenant.tokens[kind],
                "visitor_id": tenant.visitor_id}
    return {"site_id": tenant.site_id, "role": "support", "token": tenant.tokens[kind]}


def ws_cases(route: str):
    for aim in WS_ROUTES[route]:
        for attacker in SITES:
            for kind in KINDS:
                yield pytest.param(aim, attacker, kind, id=f"{route} | {aim.name} | {attacker}:{kind}")


def settle(matrix: Matrix, before: Snapshot, victim: Tenant, pushed_before: int) -> None:
    after = Snapshot.take(matrix.s3)
    try:
        changes = before.changes_of(after, victim.markers())
        assert not changes, f"{victim.site_id} changed:\n" + "\n".join(changes)
        pushed = matrix.world.wire.frames.get(victim.extra["listener"], [])[pushed_before:]
        assert not pushed, f"the other site's agent socket was sent {pushed}"
    finally:
        if after != before:
            before.restore(after, matrix.object_bytes)


@pytest.mark.parametrize("aim,attacker_site,kind", list(ws_cases("$connect")))
def test_a_socket_cannot_open_on_the_other_site(matrix, aim, attacker_site, kind):
    world = matrix.world
    attacker = world.sites[attacker_site]
    victim = world.other(attacker)
    credential = attacker.tokens["guest" if kind == "visitor" and aim.protocols else kind]
    ctx = {**context(attacker, victim), "cred": credential}
    before = Snapshot.take(matrix.s3)
    pushed_before = len(world.wire.frames.get(victim.extra["listener"], []))
    connection_id, result = world.ws_connect(fill(aim.query, ctx), fill(aim.protocols, ctx) if aim.protocols else None)
    try:
        assert result["statusCode"] == aim.expect[kind], result
        if aim.refusal_code is None:
            refusal = json.loads(result["body"])
            assert refusal.get("success") is False or (aim.query.get("role") in ("customer", "agent")
                                                       and refusal["message"]), result
        else:
            drain_events()  # what the socket hears once open
            frames = world.wire.frames.get(connection_id, [])
            assert [(f["type"], f.get("code")) for f in frames] == [("error", aim.refusal_code)], frames
            assert connection_id in world.wire.closed
        assert before.tables == Snapshot.take(matrix.s3).tables, "a refused socket left a trace"
    finally:
        settle(matrix, before, victim, pushed_before)


@pytest.mark.parametrize("aim,attacker_site,kind", list(ws_cases("$default")))
def test_a_socket_frame_cannot_reach_the_other_site(matrix, aim, attacker_site, kind):
    world = matrix.world
    attacker = world.sites[attacker_site]
    victim = world.other(attacker)
    before = Snapshot.take(matrix.s3)
    pushed_before = len(world.wire.frames.get(victim.extra["listener"], []))
    connection_id, result = world.ws_connect(own_socket(attacker, kind))
    try:
        if kind == "api_key":  # an API key opens no socket, on any site
            assert result["statusCode"] == 401, result
            return
        assert result["statusCode"] == 200, result
        seen = len(world.wire.frames.get(connection_id, []))
        world.ws_send(connection_id, fill(aim.frame, context(attacker, victim)))
        answers = world.wire.frames.get(connection_id, [])[seen:]
        assert [(f["type"], f.get("code") or f.get("error", {}).get("code")) for f in answers] == \
            [("error", "NOT_FOUND")], answers
        assert not [m for m in victim.markers() if m in json.dumps(answers)], answers
        world.ws_disconnect(connection_id)
    finally:
        settle(matrix, before, victim, pushed_before)
