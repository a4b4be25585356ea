"""Create the tables from the models, and describe them for infra/."""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import TTLAttribute
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE
from pynamodb.models import Model

from chalicelib import clients
from chalicelib.store.models import TABLE_MODELS


def ttl_attribute_name(model: type[Model]) -> str | None:
    for name, attribute in model.get_attributes().items():
        if isinstance(attribute, TTLAttribute):
            return attribute.attr_name or name
    return None


def table_schema(model: type[Model]) -> dict[str, Any]:
    """Keys, attribute definitions and GSIs exactly as DynamoDB's CreateTable takes them."""
    schema = model._get_schema()  # PynamoDB's own CreateTable arguments
    return {
        "table_name": model.Meta.table_name,
        "attribute_definitions": schema["attribute_definitions"],
        "key_schema": schema["key_schema"],
        "global_secondary_indexes": [
            {
                "IndexName": gsi["index_name"],
                "KeySchema": gsi["key_schema"],
                "Projection": gsi["projection"],
            }
            for gsi in schema["global_secondary_indexes"]
        ],
        "ttl_attribute": ttl_attribute_name(model),
        "stream_view_type": getattr(model.Meta, "stream_view_type", None),
    }


def create_tables() -> list[str]:
    """Create every missing table (on-demand billing, TTL on), and add indexes a
    newer model defines to a table that predates them. Returns the names created."""
    created = []
    for model in TABLE_MODELS:
        if not model.exists():
            model.create_table(billing_mode=PAY_PER_REQUEST_BILLING_MODE, wait=True)
            created.append(model.Meta.table_name)
        else:
            add_missing_indexes(model)
            enable_missing_stream(model)
    return created


def enable_missing_stream(model: type[Model]) -> bool:
    """UpdateTable to turn on the model's stream on a table that predates it (local data from an
    older version). True when it did."""
    view = getattr(model.Meta, "stream_view_type", None)
    if view is None:
        return False
    client = clients.client("dynamodb", region=model.Meta.region)
    table = client.describe_table(TableName=model.Meta.table_name)["Table"]
    if (table.get("StreamSpecification") or {}).get("StreamEnabled"):
        return False
    client.update_table(TableName=model.Meta.table_name,
                        StreamSpecification={"StreamEnabled": True, "StreamViewType": view})
    return True


def add_missing_indexes(model: type[Model]) -> list[str]:
    """UpdateTable for each GSI in the model but not in the table (local data from an older version)."""
    schema = table_schema(model)
    client = clients.client("dynamodb", region=model.Meta.region)
    table = client.describe_table(TableName=schema["table_name"])["Table"]
    present = {index["IndexName"] for index in table.get("GlobalSecondaryIndexes", [])}
    added = []
    for index in schema["global_secondary_indexes"]:
        if index["IndexName"] in present:
            continue
        names = {key["AttributeName"] for key in index["KeySchema"]}
        client.update_table(
            TableName=schema["table_name"],
            AttributeDefinitions=[d for d in schema["attribute_definitions"] if d["AttributeName"] in names],
            GlobalSecondaryIndexUpdates=[{"Create": index}],
        )
        added.append(index["IndexName"])
    return added
