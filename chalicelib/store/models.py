"""PynamoDB models for Parley's two tables, and the access patterns they serve.

These classes *are* the table definitions: the local stack creates the tables
from them and infra/ reads their schema, so keys, indexes and TTL live here only.

Table `chats` (single-table design; `kind` says what an item is)
  entity            pk                     sk                 gsi1pk / gsi1sk
  site              SITE#<site_id>         SITE               -
  agent             AGENT#<agent_id>       AGENT              -
  agent username    USERNAME#<username>    USERNAME           -      (unique lookup)
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

from pynamodb.attributes import (
    DiscriminatorAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

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


class ChatItem(Model):
    """Base of every item in the `chats` table."""

    class Meta:
        table_name = _settings.chats_table
        region = _settings.region

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    created_at = UTCDateTimeAttribute(null=True)

    gsi1 = _Gsi1()
    gsi2 = _Gsi2()


class SiteItem(ChatItem, discriminator="site"):
    site_id = UnicodeAttribute()
    name = UnicodeAttribute()
    domain = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="active")
    widget_config = JSONAttribute(null=True)

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

    @staticmethod
    def key(agent_id: str) -> tuple[str, str]:
        return f"AGENT#{agent_id}", "AGENT"


class AgentUsernameItem(ChatItem, discriminator="agent_username"):
    """Points a username at its agent; written with the agent so names stay unique."""

    agent_id = UnicodeAttribute()

    @staticmethod
    def key(username: str) -> tuple[str, str]:
        return f"USERNAME#{username.lower()}", "USERNAME"


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
    expires_at = TTLAttribute()

    audience_index = _AudienceIndex()


class LiveConnection(ConnectionItem, discriminator="connection"):
    site_id = UnicodeAttribute(null=True)
    role = UnicodeAttribute(null=True)
    principal_id = UnicodeAttribute(null=True)
    connected_at = UTCDateTimeAttribute()
    last_seq = NumberAttribute(null=True)
    data = JSONAttribute(null=True)


class Subscription(ConnectionItem, discriminator="subscription"):
    pass


TABLE_MODELS: tuple[type[Model], ...] = (ChatItem, ConnectionItem)
