"""Tables come from the models; connection and tenant records behave as their callers need."""
from datetime import datetime, timedelta, timezone

import boto3

from chalicelib.model.identity import Agent
from chalicelib.store import connections, tenants
from chalicelib.store.base import now
from chalicelib.store.models import ChatItem, ConnectionItem, LiveConnection
from chalicelib.store.tables import create_tables, table_schema


def test_tables_are_created_once_with_keys_indexes_and_ttl(aws):
    client = boto3.client("dynamodb")
    assert sorted(client.list_tables()["TableNames"]) == ["chats", "connections"]
    chats = client.describe_table(TableName="chats")["Table"]
    assert {i["IndexName"] for i in chats["GlobalSecondaryIndexes"]} == {"gsi1", "gsi2", "gsi3", "gsi4"}
    assert chats["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert client.describe_time_to_live(TableName="chats")["TimeToLiveDescription"]["AttributeName"] == "expires_at"
    conns = client.describe_table(TableName="connections")["Table"]
    assert [i["IndexName"] for i in conns["GlobalSecondaryIndexes"]] == ["audience-index"]
    assert create_tables() == []  # idempotent


def test_table_schema_matches_what_dynamodb_was_given(aws):
    schema = table_schema(ConnectionItem)
    described = boto3.client("dynamodb").describe_table(TableName="connections")["Table"]
    assert schema["key_schema"] == described["KeySchema"]
    assert schema["global_secondary_indexes"][0]["KeySchema"] == described["GlobalSecondaryIndexes"][0]["KeySchema"]
    assert schema["ttl_attribute"] == "expires_at"
    assert table_schema(ChatItem)["table_name"] == "chats"


def _record(cid, dialect="echo"):
    return connections.ConnectionRecord(connection_id=cid, dialect=dialect, endpoint="http://gw", site_id="s1")


def test_connection_round_trip_and_audience_query(aws):
    connections.save_connection(_record("c1"), audiences=["conv#1", "site#s1#agents"])
    connections.save_connection(_record("c2"), audiences=["conv#1"])
    connections.save_connection(_record("c3"), audiences=["conv#2"])
    assert connections.get_connection("c1").site_id == "s1"
    assert sorted(r.connection_id for r in connections.recipients("conv#1")) == ["c1", "c2"]
    assert [r.connection_id for r in connections.recipients("site#s1#agents")] == ["c1"]
    connections.delete_connection("c1")
    assert connections.get_connection("c1") is None
    assert [r.connection_id for r in connections.recipients("conv#1")] == ["c2"]


def test_expired_connections_are_ignored_on_read(aws):
    connections.save_connection(_record("old"), audiences=["conv#1"])
    item = LiveConnection.get("old", "#conn")
    item.update(actions=[LiveConnection.expires_at.set(datetime.now(timezone.utc) - timedelta(seconds=1))])
    assert connections.get_connection("old") is None


def test_site_creation_is_idempotent(aws):
    assert tenants.create_site_if_absent("site_a", "A") is True
    assert tenants.create_site_if_absent("site_a", "renamed") is False
    assert tenants.get_site("site_a").name == "A"
    assert tenants.get_site("missing") is None


def test_usernames_are_unique_case_insensitively(aws):
    first = Agent(agent_id="a1", username="Alice", email=None, role="admin", site_ids=("s",), status="offline",
                  created_at=now())
    second = Agent(agent_id="a2", username="alice", email=None, role="support_agent", site_ids=("s",),
                   status="offline", created_at=now())
    assert tenants.create_agent_if_username_free(first, "h") is True
    assert tenants.create_agent_if_username_free(second, "h") is False
    assert tenants.find_agent_by_username("ALICE").agent_id == "a1"
    assert tenants.list_members("s")[0].username == "Alice"  # listed under its site
    assert tenants.find_agent_by_username("bob") is None
