"""PynamoDB models for Parley's two tables, and the access patterns they serve.

These classes *are* the table definitions: the local stack creates the tables
from them and infra/ reads their schema, so keys, indexes and TTL live here only.

Table `chats` (single-table design; `kind` says what an item is)
  entity            pk                     sk                   gsi1pk / gsi1sk
  site              SITE#<site_id>         SITE                 -
  site member       SITE#<site_id>         MEMBER#<agent_id>    -      (agents of a site: one Query)
  FAQ (seed 004)    SITE#<site_id>         FAQ#<slug>           -      (a site's quick questions: one Query)
  visitor           SITE#<site_id>         VISITOR#<visitor_id> SITE#<site_id>#SEEN / <last_seen>#<visitor_id>
  agent             AGENT#<agent_id>       AGENT                -
  agent username    USERNAME#<username>    USERNAME             -      (unique lookup, lower-cased)
  agent email       EMAIL#<email>          EMAIL                -      (unique lookup, lower-cased)
  agent session     SESSION#<session_id>   SESSION              -      (refresh family; TTL)
  invitation        INVITE#<invitation_id> INVITE               gsi1: INVITES#<email> / <created_at>#<id>
                                                                gsi2: SITE#<site>#INVITES / <created_at>#<id>
                                                                (an agent's invitations by its email, a
                                                                site's invitations: one Query each; TTL)
  API key           APIKEY#<sha256(key)>   APIKEY               SITE#<site_id>#APIKEYS / <created_at>#<key_id>
  rate counter      RATE#<key>#<window>    RATE                 -      (TTL)
  failure counter   FAILS#<key>            FAILS                -      (login failures per sha256(name); TTL)
  conversation      CONV#<conv_id>         ~CONV                gsi1: SITE#<site>#CONVS#<status> / <activity>
                                                                gsi2: SITE#<site>#CONVS / <activity>
                                                                gsi3: SITE#<site>#AGENT#<agent> / <status>#<activity>
                                                                gsi4: SITE#<site>#VISITOR#<visitor> / <activity>
  message           CONV#<conv_id>         MSG#<seq:010d>       -      (+ its AI analysis, written once)
  conversation AI   CONV#<conv_id>         ANALYSIS             -      (aggregate, valid for one seq)
  AI usage/month    AIUSAGE#<site_id>      <YYYY-MM>            -      (tokens, cost: the budget ledger)
  webhook           WEBHOOK#<id>           WEBHOOK              SITE#<site_id>#WEBHOOKS / <created_at>#<id>
  webhook delivery  WEBHOOK#<id>           DLV#<event_id>       -      (attempts log; event ids sort by time; TTL 30 days)
  file              FILE#<file_id>         FILE                 -      (TTL while pending: unconfirmed uploads expire)
  idempotency key   CONV#<conv_id>         IDEM#<key>           -      (points at the message's seq)
  list counter      CONVCOUNT#<site>#<s>   COUNT                gsi1 or gsi2: the list's partition / ~COUNT
  site stats/day    STATS#<site>           DAY#<day>            -      (a period, and the one before it: one Query)
  agent stats/day   STATS#AGENT#<a>#<site> DAY#<day>            -      (per site: an admin sees shared sites only;
                                                                one Query per agent for any period)
  notification      NOTIF#<agent_id>       <occurred>#<event>   -      (TTL 30 days)
  unread counter    NOTIF#<agent_id>       ~UNREAD              -
  -- seed 002 (store/assistant_chats.py, store/assistants.py); <cid> is a 16-digit conversation id --
  assistant         SITE#<site_id>         ASSISTANT#<id:016d>  -      (a site's assistants: one Query; soft-deleted)
  assistant ids     SITE#<site_id>         ASSISTANTSEQ         -      (the last id handed out; admins only)
  AI conversation   ACHAT#<cid>            ACHAT                gsi1: ACHATS#<site>#<user>#<live|archived> /
                                                                <pinned 1|0>#<activity>#<cid> (a user's list)
  AI message        ACHAT#<cid>            AMSG#<seq:010d>      -      (gapless seq: an offset page is one range)
  AI idempotency    ACHAT#<cid>            !IDEM#<key>          -      (sorts before the conversation)
  AI list counter   ACHATCOUNT#<site>#<user>#<bucket> COUNT     gsi1: the list's partition / ~COUNT
  search posting    ASEARCH#<site>#<user>  <term>#<ms:013d>#<cid>#<seq:010d>   (a term's messages: one
                                                                Query, prefix = begins_with)
  search tombstone  ASEARCH#<site>#<user>  !DELETED#<cid>       -      (a deleted conversation until purged)
  AI user stats     ASTATS#<site>#U#<user> T | A#<aid> | D#<day> -     (one Query = the dashboard; days TTL 40 d)
  AI site stats     ASTATS#<site>          T#<shard> | A#<aid>#<shard>  (one Query = global; 8 shards)
  -- seed 003 automation (store/automation.py) --
  trigger           TRIGGERS#<site_id>     TRIGGER#<id>         -      (a site's triggers: one Query)
  trigger fired     FIRED#<site>#<visitor> <day>#<trigger_id>   -      (once per visitor, trigger and day; TTL)
  -- the transactional outbox (store/outbox.py) --
  outbox event      OUTBOX#<event_id>      OUTBOX               -      (an event committed with its change; the
                                                                table's stream (NEW_IMAGE) hands it to the
                                                                events worker; TTL 2 days)
  "A conversation and its first page" is one Query (the conversation sorts
  before its messages); a later page is a GetItem and a Query of seq range.
  "Agent + session" on every agent request is one BatchGetItem of two keys.
  A conversation sorts after its messages ("~CONV" > "MSG#..."), so one
  descending Query returns the conversation and its latest messages; a list
  counter sorts first in its list's partition, so one Query returns the total
  and the page.
  Later entities (visitors, conversations, messages, ...) add their rows to
  this list. `gsi1` and `gsi2` are overloaded indexes; every read on a request
  path is a GetItem or a Query on the table or one of them — never a Scan.

Table `connections` (live WebSocket connections, TTL 2 h like API Gateway's cap)
  entity            pk                     sk                 audience (GSI audience-index)
  connection        <connection_id>        #conn              -
  subscription      <connection_id>        aud#<audience>     <audience>
  "Who follows conversation X / which agents of site Y are live" is one Query
  on audience-index; a connection's own rows are one Query on pk.
"""
from __future__ import annotations

import types

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    NumberSetAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.model.analytics import StatsKey
from chalicelib.settings import get_settings

_settings = get_settings()


class _Gsi1(GlobalSecondaryIndex["ChatItem"]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class _Gsi2(GlobalSecondaryIndex["ChatItem"]):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class _Gsi3(GlobalSecondaryIndex["ChatItem"]):
    class Meta:
        index_name = "gsi3"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class _Gsi4(GlobalSecondaryIndex["ChatItem"]):
    class Meta:
        index_name = "gsi4"
        projection = AllProjection()

    gsi4pk = UnicodeAttribute(hash_key=True)
    gsi4sk = UnicodeAttribute(range_key=True)


class ChatItem(Model):
    """Base of every item in the `chats` table."""

    class Meta:
        table_name = _settings.chats_table
        region = _settings.region
        stream_view_type = "NEW_IMAGE"  # the outbox's stream (store/outbox.py); infra/ and local/ enable it from here

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi4pk = UnicodeAttribute(null=True)
    gsi4sk = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    created_at = UTCDateTimeAttribute(null=True)

    gsi1 = _Gsi1()
    gsi2 = _Gsi2()
    gsi3 = _Gsi3()
    gsi4 = _Gsi4()


class SiteItem(ChatItem, discriminator="site"):
    site_id = UnicodeAttribute()
    name = UnicodeAttribute()
    domain = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="active")
    widget_config = JSONAttribute(null=True)
    ai_settings = JSONAttribute(null=True)  # {"auto_analysis": bool, "monthly_token_budget": int}
    active_conversations = NumberAttribute(default=0)
    identity_verification = BooleanAttribute(null=True)  # every visitor registration needs a user_hash
    identity_secret_sealed = UnicodeAttribute(null=True)  # Fernet token (auth/vault.py, "identity-secrets")
    agent_capacity = NumberAttribute(null=True)  # seed 004: open conversations per agent for escalation

    @staticmethod
    def key(site_id: str) -> tuple[str, str]:
        return f"SITE#{site_id}", "SITE"


class AgentItem(ChatItem, discriminator="agent"):
    agent_id = UnicodeAttribute()
    username = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    role = UnicodeAttribute()  # admin | support_agent
    site_ids = ListAttribute(of=UnicodeAttribute, default=list)
    password_hash = UnicodeAttribute()
    status = UnicodeAttribute(default="offline")
    name = UnicodeAttribute(null=True)
    last_seen = UTCDateTimeAttribute(null=True)
    # The sites it was created into: their admins may add it back (domain/memberships.py).
    origin_site_ids = ListAttribute(of=UnicodeAttribute, null=True)

    @staticmethod
    def key(agent_id: str) -> tuple[str, str]:
        return f"AGENT#{agent_id}", "AGENT"


class AgentUsernameItem(ChatItem, discriminator="agent_username"):
    """Points a username at its agent; written with the agent so names stay unique."""

    agent_id = UnicodeAttribute()

    @staticmethod
    def key(username: str) -> tuple[str, str]:
        return f"USERNAME#{username.lower()}", "USERNAME"


class AgentEmailItem(ChatItem, discriminator="agent_email"):
    agent_id = UnicodeAttribute()

    @staticmethod
    def key(email: str) -> tuple[str, str]:
        return f"EMAIL#{email.lower()}", "EMAIL"


class SiteMemberItem(ChatItem, discriminator="site_member"):
    """An agent listed under a site; presentational fields are copied and kept in step."""

    site_id = UnicodeAttribute()
    agent_id = UnicodeAttribute()
    username = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    role = UnicodeAttribute()
    status = UnicodeAttribute(default="offline")
    last_seen = UTCDateTimeAttribute(null=True)
    active_conversations = NumberAttribute(default=0)
    closed_conversations = NumberAttribute(default=0)

    @staticmethod
    def key(site_id: str, agent_id: str) -> tuple[str, str]:
        return f"SITE#{site_id}", f"MEMBER#{agent_id}"


class VisitorItem(ChatItem, discriminator="visitor"):
    site_id = UnicodeAttribute()
    visitor_id = UnicodeAttribute()
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    metadata = JSONAttribute(null=True)
    status = UnicodeAttribute(default="offline")
    online_until = UTCDateTimeAttribute(null=True)  # presence lease: a missed $disconnect ends with it
    first_seen = UTCDateTimeAttribute()
    last_seen = UTCDateTimeAttribute()
    total_conversations = NumberAttribute(default=0)
    unread_count = NumberAttribute(default=0)
    last_message_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(site_id: str, visitor_id: str) -> tuple[str, str]:
        return f"SITE#{site_id}", f"VISITOR#{visitor_id}"

    @staticmethod
    def seen_index_key(site_id: str) -> str:
        return f"SITE#{site_id}#SEEN"


class SessionItem(ChatItem, discriminator="session"):
    """An agent's login: the refresh-token family. Revoked on logout or on reuse of a rotated token."""

    session_id = UnicodeAttribute()
    agent_id = UnicodeAttribute()
    current_hash = UnicodeAttribute()
    used_hashes = ListAttribute(of=UnicodeAttribute, default=list)
    generation = NumberAttribute(default=0)
    revoked = BooleanAttribute(default=False)
    revoked_reason = UnicodeAttribute(null=True)
    last_used_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(session_id: str) -> tuple[str, str]:
        return f"SESSION#{session_id}", "SESSION"


class InvitationItem(ChatItem, discriminator="invitation"):
    """An admin's invitation of an email address to its site (domain/invitations.py)."""

    invitation_id = UnicodeAttribute()
    site_id = UnicodeAttribute()
    site_name = UnicodeAttribute()
    email = UnicodeAttribute()  # lower-cased
    role = UnicodeAttribute()
    invited_by = UnicodeAttribute()
    status = UnicodeAttribute(default="pending")  # pending | accepted | revoked
    accepted_by = UnicodeAttribute(null=True)
    accepted_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(invitation_id: str) -> tuple[str, str]:
        return f"INVITE#{invitation_id}", "INVITE"

    @staticmethod
    def email_index_key(email: str) -> str:
        return f"INVITES#{email.lower()}"

    @staticmethod
    def site_index_key(site_id: str) -> str:
        return f"SITE#{site_id}#INVITES"


class ApiKeyItem(ChatItem, discriminator="api_key"):
    key_id = UnicodeAttribute()
    site_id = UnicodeAttribute()
    name = UnicodeAttribute()
    prefix = UnicodeAttribute()
    key_hash = UnicodeAttribute()
    created_by = UnicodeAttribute(null=True)
    agent_id = UnicodeAttribute(null=True)  # the agent a key acts as when it sends messages (seed 003)
    last_used_at = UTCDateTimeAttribute(null=True)
    revoked_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(key_hash: str) -> tuple[str, str]:
        return f"APIKEY#{key_hash}", "APIKEY"

    @staticmethod
    def site_index_key(site_id: str) -> str:
        return f"SITE#{site_id}#APIKEYS"


class RateCounterItem(ChatItem, discriminator="rate_counter"):
    hits = NumberAttribute(default=0)

    @staticmethod
    def key(bucket: str, window_start: int, seconds: int) -> tuple[str, str]:
        return f"RATE#{bucket}#{window_start}#{seconds}", "RATE"


class FailureCounterItem(ChatItem, discriminator="failure_counter"):
    """Recent failures of one key (a login name's digest): how many, and when the last one was."""

    failures = NumberAttribute(default=0)
    last_at = NumberAttribute(default=0)  # epoch seconds

    @staticmethod
    def key(bucket: str) -> tuple[str, str]:
        return f"FAILS#{bucket}", "FAILS"


class ConversationItem(ChatItem, discriminator="conversation"):
    conversation_id = UnicodeAttribute()
    site_id = UnicodeAttribute()
    visitor_id = UnicodeAttribute()
    visitor_name = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # active | closed
    mode = UnicodeAttribute(default="agent")  # automated | agent | closed (seed 004)
    assigned_agent_id = UnicodeAttribute(null=True)
    assigned_agent_name = UnicodeAttribute(null=True)
    assigned_at = UTCDateTimeAttribute(null=True)
    title = UnicodeAttribute(null=True)
    is_pinned = BooleanAttribute(default=False)
    is_archived = BooleanAttribute(default=False)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    notes = UnicodeAttribute(null=True)
    seq = NumberAttribute(default=0)
    last_message = JSONAttribute(null=True)
    last_message_at = UTCDateTimeAttribute(null=True)
    unread_for_agents = NumberAttribute(default=0)
    unread_for_visitor = NumberAttribute(default=0)
    agents_read_seq = NumberAttribute(default=0)
    visitor_read_seq = NumberAttribute(default=0)
    agents_delivered_seq = NumberAttribute(default=0)
    visitor_delivered_seq = NumberAttribute(default=0)
    first_visitor_message_at = UTCDateTimeAttribute(null=True)
    first_response_at = UTCDateTimeAttribute(null=True)
    closed_at = UTCDateTimeAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)
    resolution = UnicodeAttribute(null=True)
    rating = NumberAttribute(null=True)
    rating_comment = UnicodeAttribute(null=True)
    customer_session_hash = UnicodeAttribute(null=True)  # seed 004: sha256 of the customer's session secret
    handoffs = NumberAttribute(default=0)  # reassignments from one agent to another
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def key(conversation_id: str) -> tuple[str, str]:
        return f"CONV#{conversation_id}", "~CONV"


class MessageItem(ChatItem, discriminator="message"):
    message_id = UnicodeAttribute()
    conversation_id = UnicodeAttribute()
    site_id = UnicodeAttribute()
    visitor_id = UnicodeAttribute()
    seq = NumberAttribute()
    sender_type = UnicodeAttribute()  # visitor | support | bot | system
    sender_id = UnicodeAttribute(null=True)
    sender_name = UnicodeAttribute(null=True)
    type = UnicodeAttribute()  # text | file | image
    content = UnicodeAttribute(null=True)
    file_id = UnicodeAttribute(null=True)
    file = JSONAttribute(null=True)
    metadata = JSONAttribute(null=True)
    client_message_id = UnicodeAttribute(null=True)
    analysis = JSONAttribute(null=True)  # set once by the analysis worker (visitor text messages)

    @staticmethod
    def key(conversation_id: str, seq: int) -> tuple[str, str]:
        return f"CONV#{conversation_id}", f"MSG#{seq:010d}"


class FaqItem(ChatItem, discriminator="faq"):
    """Seed 004: a site's quick question with its answer; a site's FAQs are one Query (FAQ#...)."""

    site_id = UnicodeAttribute()
    slug = UnicodeAttribute()
    question = UnicodeAttribute()
    answer = UnicodeAttribute()
    keywords = ListAttribute(of=UnicodeAttribute, default=list)
    position = NumberAttribute(default=0)
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def key(site_id: str, slug: str) -> tuple[str, str]:
        return f"SITE#{site_id}", f"FAQ#{slug}"


class ConversationAnalysisItem(ChatItem, discriminator="conversation_analysis"):
    """The conversation-level analysis, valid while the conversation's seq is still `seq`."""

    seq = NumberAttribute()
    data = JSONAttribute()
    provider = UnicodeAttribute()

    @staticmethod
    def key(conversation_id: str) -> tuple[str, str]:
        return f"CONV#{conversation_id}", "ANALYSIS"


class FileItem(ChatItem, discriminator="file"):
    """An uploaded file's metadata; the bytes live in the files bucket under `key`."""

    file_id = UnicodeAttribute()
    site_id = UnicodeAttribute()
    conversation_id = UnicodeAttribute(null=True)  # set when uploaded for, or first sent in, a conversation
    status = UnicodeAttribute()  # pending (presigned, not confirmed) | ready | deleted
    object_key = UnicodeAttribute()  # S3 object key
    thumbnail_key = UnicodeAttribute(null=True)  # set by the media worker once the thumbnail exists
    filename = UnicodeAttribute()  # random, server-chosen
    original_name = UnicodeAttribute()
    mime_type = UnicodeAttribute()
    size = NumberAttribute()
    is_image = BooleanAttribute(default=False)
    uploaded_by_type = UnicodeAttribute()  # visitor | support | api_key
    uploaded_by_id = UnicodeAttribute()
    message_seqs = NumberSetAttribute(null=True)  # messages that carry it (marked deleted with it)

    @staticmethod
    def key_of(file_id: str) -> tuple[str, str]:
        return f"FILE#{file_id}", "FILE"


class WebhookItem(ChatItem, discriminator="webhook"):
    """An integrator's endpoint. gsi1: SITE#<site>#WEBHOOKS / <created_at>#<id> (a site's list)."""

    webhook_id = UnicodeAttribute()
    site_id = UnicodeAttribute()
    url = UnicodeAttribute()
    events = ListAttribute(of=UnicodeAttribute)
    active = BooleanAttribute(default=True)
    description = UnicodeAttribute(null=True)
    secret_sealed = UnicodeAttribute()  # Fernet token (webhooks/vault.py)
    previous_secret_sealed = UnicodeAttribute(null=True)  # still signs until previous_secret_until
    previous_secret_until = UTCDateTimeAttribute(null=True)
    disabled_reason = UnicodeAttribute(null=True)
    failing_since = UTCDateTimeAttribute(null=True)  # first failed attempt since the last success
    updated_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key_of(webhook_id: str) -> tuple[str, str]:
        return f"WEBHOOK#{webhook_id}", "WEBHOOK"

    @staticmethod
    def site_index_key(site_id: str) -> str:
        return f"SITE#{site_id}#WEBHOOKS"


class DeliveryItem(ChatItem, discriminator="webhook_delivery"):
    """One event's delivery to one webhook, with its attempts. sk sorts by the event id, whose
    prefix is its time: a webhook's latest deliveries are one descending Query."""

    webhook_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    status = UnicodeAttribute()  # pending | retrying | delivered | failed | dead_lettered | skipped
    attempts = NumberAttribute(default=0)
    log = ListAttribute(null=True)  # [{at, status_code, duration_ms, error}], the latest 20
    next_retry_at = UTCDateTimeAttribute(null=True)
    delivered_at = UTCDateTimeAttribute(null=True)
    claimed_at = UTCDateTimeAttribute(null=True)  # when the current attempt was taken (a lease)

    @staticmethod
    def key_of(webhook_id: str, event_id: str) -> tuple[str, str]:
        return f"WEBHOOK#{webhook_id}", f"DLV#{event_id}"


class AiUsageItem(ChatItem, discriminator="ai_usage"):
    """A site's AI provider usage in one calendar month (UTC): the budget's ledger."""

    calls = NumberAttribute(default=0)
    input_tokens = NumberAttribute(default=0)
    output_tokens = NumberAttribute(default=0)
    cost_usd = NumberAttribute(default=0)

    @staticmethod
    def key(site_id: str, month: str) -> tuple[str, str]:
        return f"AIUSAGE#{site_id}", month


class IdempotencyItem(ChatItem, discriminator="idempotency"):
    seq = NumberAttribute()

    @staticmethod
    def key(conversation_id: str, client_key: str) -> tuple[str, str]:
        return f"CONV#{conversation_id}", f"IDEM#{client_key}"


class ListCounterItem(ChatItem, discriminator="list_counter"):
    total = NumberAttribute(default=0)

    @staticmethod
    def key(site_id: str, bucket: str) -> tuple[str, str]:
        return f"CONVCOUNT#{site_id}#{bucket}", "COUNT"


COUNTER_SORT_KEY = "~COUNT"
HOURS = tuple(f"h{hour:02d}" for hour in range(24))
STAT_FIELDS = (
    "conversations", "messages", "visitor_messages", "agent_messages", "bot_messages",
    "first_response_seconds", "first_responses", "resolution_seconds", "resolutions",
    "csat_total", "csat_count", "assigned", "closed",
    # first-contact resolution (domain/analytics.py): closes of chats an agent handled, and those of
    # them that one agent handled alone
    "agent_closes", "single_agent_closes",
)


def _stats_namespace(namespace: dict) -> None:
    for name in STAT_FIELDS + HOURS:
        namespace[name] = NumberAttribute(null=True)
    namespace["__module__"] = __name__


# Day counters, maintained at write time; the dashboards add them up (never a scan).
StatsItem = types.new_class("StatsItem", (ChatItem,), {"discriminator": "stats"}, _stats_namespace)


def stats_item_key(key: StatsKey) -> tuple[str, str]:
    """The table key of a day counter (see the access patterns above)."""
    return stats_partition(key.scope, key.owner_id, key.site_id), f"DAY#{key.day}"


def stats_partition(scope: str, owner_id: str, site_id: str = "") -> str:
    """All day counters of one site, or of one agent on one site: a date range is one Query."""
    return f"STATS#AGENT#{owner_id}#{site_id}" if scope == "agent" else f"STATS#{owner_id}"


class NotificationItem(ChatItem, discriminator="notification"):
    notification_id = UnicodeAttribute()
    agent_id = UnicodeAttribute()
    type = UnicodeAttribute()
    title = UnicodeAttribute()
    message = UnicodeAttribute()
    data = JSONAttribute(null=True)
    read = BooleanAttribute(default=False)

    @staticmethod
    def partition(agent_id: str) -> str:
        return f"NOTIF#{agent_id}"


class UnreadCounterItem(ChatItem, discriminator="unread_counter"):
    unread = NumberAttribute(default=0)

    @staticmethod
    def key(agent_id: str) -> tuple[str, str]:
        return f"NOTIF#{agent_id}", "~UNREAD"


# -- seed 002: AI assistants, their conversations with end users, search, analytics --------------

class AssistantItem(ChatItem, discriminator="assistant"):
    site_id = UnicodeAttribute()
    assistant_id = NumberAttribute()
    name = UnicodeAttribute()
    instructions = UnicodeAttribute(null=True)
    provider = UnicodeAttribute(default="local")  # local | bedrock
    model_id = UnicodeAttribute(null=True)
    active = BooleanAttribute(default=True)
    updated_at = UTCDateTimeAttribute(null=True)
    deleted_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(site_id: str, assistant_id: int) -> tuple[str, str]:
        return f"SITE#{site_id}", f"ASSISTANT#{assistant_id:016d}"


class AssistantSequenceItem(ChatItem, discriminator="assistant_sequence"):
    last = NumberAttribute(default=0)

    @staticmethod
    def key(site_id: str) -> tuple[str, str]:
        return f"SITE#{site_id}", "ASSISTANTSEQ"


class AssistantChatItem(ChatItem, discriminator="assistant_chat"):
    conversation_id = NumberAttribute()
    site_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    assistant_id = NumberAttribute()
    title = UnicodeAttribute()
    conversation_type = UnicodeAttribute(default="chat")
    status = UnicodeAttribute(default="active")
    is_archived = BooleanAttribute(default=False)
    is_pinned = BooleanAttribute(default=False)
    seq = NumberAttribute(default=0)
    answers = NumberAttribute(default=0)
    answers_read = NumberAttribute(default=0)
    user_read_seq = NumberAttribute(default=0)
    last_answer_seq = NumberAttribute(default=0)
    last_message_id = NumberAttribute(default=0)
    last_message_at = UTCDateTimeAttribute(null=True)
    response_seconds = NumberAttribute(default=0)
    answered = BooleanAttribute(default=False)
    failed = BooleanAttribute(default=False)
    updated_at = UTCDateTimeAttribute()
    deleted_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(conversation_id: int) -> tuple[str, str]:
        return f"ACHAT#{conversation_id:016d}", "ACHAT"

    @staticmethod
    def list_partition(site_id: str, user_id: str, bucket: str) -> str:
        return f"ACHATS#{site_id}#{user_id}#{bucket}"


class AssistantMessageItem(ChatItem, discriminator="assistant_message"):
    message_id = NumberAttribute()
    conversation_id = NumberAttribute()
    site_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    seq = NumberAttribute()
    sender = UnicodeAttribute()  # user | agent
    content = UnicodeAttribute()
    content_type = UnicodeAttribute(default="text")
    message_type = UnicodeAttribute(default="text")
    tokens_used = NumberAttribute(null=True)
    processing_time = NumberAttribute(null=True)
    cost_usd = NumberAttribute(null=True)
    provider = UnicodeAttribute(null=True)
    answers_upto = NumberAttribute(default=0)
    terms = ListAttribute(of=UnicodeAttribute, null=True)  # its search postings, deleted with it

    @staticmethod
    def key(conversation_id: int, seq: int) -> tuple[str, str]:
        return f"ACHAT#{conversation_id:016d}", f"AMSG#{seq:010d}"


class AssistantIdempotencyItem(ChatItem, discriminator="assistant_idempotency"):
    seq = NumberAttribute()
    fingerprint = UnicodeAttribute()  # sha256 of what was asked: a reuse for something else is refused

    @staticmethod
    def key(conversation_id: int, client_key: str) -> tuple[str, str]:
        return f"ACHAT#{conversation_id:016d}", f"!IDEM#{client_key}"


class AssistantListCounterItem(ChatItem, discriminator="assistant_list_counter"):
    total = NumberAttribute(default=0)

    @staticmethod
    def key(site_id: str, user_id: str, bucket: str) -> tuple[str, str]:
        return f"ACHATCOUNT#{site_id}#{user_id}#{bucket}", "COUNT"


class SearchPostingItem(ChatItem, discriminator="search_posting"):
    """A term of one message, for its user's search (keys only)."""

    @staticmethod
    def partition(site_id: str, user_id: str) -> str:
        return f"ASEARCH#{site_id}#{user_id}"

    @staticmethod
    def sort_key(term: str, at_ms: int, conversation_id: int, seq: int) -> str:
        return f"{term}#{at_ms:013d}#{conversation_id:016d}#{seq:010d}"


class SearchTombstoneItem(ChatItem, discriminator="search_tombstone"):
    """A deleted conversation whose postings may still exist: searches skip it until the purge ends."""

    conversation_id = NumberAttribute()

    @staticmethod
    def key(site_id: str, user_id: str, conversation_id: int) -> tuple[str, str]:
        return SearchPostingItem.partition(site_id, user_id), f"!DELETED#{conversation_id:016d}"


class AssistantStatsItem(ChatItem, discriminator="assistant_stats"):
    """Counters written with the messages (model/assistant.py STAT_FIELDS) for the analytics."""

    conversations = NumberAttribute(null=True)
    messages = NumberAttribute(null=True)
    users = NumberAttribute(null=True)
    answers = NumberAttribute(null=True)
    response_seconds = NumberAttribute(null=True)
    answered = NumberAttribute(null=True)
    failed = NumberAttribute(null=True)
    assistant_id = NumberAttribute(null=True)
    day = UnicodeAttribute(null=True)

    @staticmethod
    def user_partition(site_id: str, user_id: str) -> str:
        return f"ASTATS#{site_id}#U#{user_id}"

    @staticmethod
    def site_partition(site_id: str) -> str:
        return f"ASTATS#{site_id}"


# -- seed 003: automation triggers (store/automation.py) ----------------------------------------

class TriggerItem(ChatItem, discriminator="automation_trigger"):
    """A site's proactive message. A site's triggers are its partition: one Query."""

    trigger_id = UnicodeAttribute()
    site_id = UnicodeAttribute()
    name = UnicodeAttribute()
    condition = UnicodeAttribute()
    delay_seconds = NumberAttribute(default=0)
    message = UnicodeAttribute()
    url_pattern = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    updated_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key_of(site_id: str, trigger_id: str) -> tuple[str, str]:
        return f"TRIGGERS#{site_id}", f"TRIGGER#{trigger_id}"


class TriggerFiredItem(ChatItem, discriminator="automation_fired"):
    """A trigger claimed for a visitor on a UTC day: a conditional put makes it once a day. TTL."""

    @staticmethod
    def key_of(site_id: str, visitor_id: str, day: str, trigger_id: str) -> tuple[str, str]:
        return f"FIRED#{site_id}#{visitor_id}", f"{day}#{trigger_id}"


OUTBOX_KIND = "outbox"  # the deployed stream mapping's filter matches it (infra/parley_stack.py)


class OutboxItem(ChatItem, discriminator=OUTBOX_KIND):
    """A domain event committed in the transaction of the change that raised it (store/outbox.py)."""

    event = JSONAttribute()
    request_id = UnicodeAttribute(null=True)  # the request that committed it (observability.REQUEST_ID_ATTRIBUTE)

    @staticmethod
    def key(event_id: str) -> tuple[str, str]:
        return f"OUTBOX#{event_id}", "OUTBOX"


class _AudienceIndex(GlobalSecondaryIndex["ConnectionItem"]):
    class Meta:
        index_name = "audience-index"
        projection = AllProjection()

    audience = UnicodeAttribute(hash_key=True)
    pk = UnicodeAttribute(range_key=True)


class ConnectionItem(Model):
    """Base of every item in the `connections` table."""

    class Meta:
        table_name = _settings.connections_table
        region = _settings.region

    pk = UnicodeAttribute(hash_key=True)  # the API Gateway connection id
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    audience = UnicodeAttribute(null=True)
    dialect = UnicodeAttribute()
    endpoint = UnicodeAttribute()  # the @connections endpoint to post back to
    role = UnicodeAttribute(null=True)  # the principal's kind: agent | visitor
    principal_id = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()

    audience_index = _AudienceIndex()


class LiveConnection(ConnectionItem, discriminator="connection"):
    site_id = UnicodeAttribute(null=True)
    connected_at = UTCDateTimeAttribute()
    last_seq = NumberAttribute(null=True)
    data = JSONAttribute(null=True)


class Subscription(ConnectionItem, discriminator="subscription"):
    pass


TABLE_MODELS: tuple[type[Model], ...] = (ChatItem, ConnectionItem)
