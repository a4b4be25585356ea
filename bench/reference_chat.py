"""The AWS sample chat app's fan-out (aws-samples/simple-websockets-chat-app, `sendmessage`), for comparison.

Its connections table holds one item per socket ({connectionId}); a message is one Scan of the whole
table (projecting connectionId, following LastEvaluatedKey) and one @connections post per item.
Run on the same moto as Parley's fan-out in bench/fanout.py, with posts counted the same way.
"""
from __future__ import annotations

from typing import Any, Callable

from chalicelib import clients

TABLE = "reference-chat-connections"


def create_table(connection_count: int) -> None:
    dynamodb = clients.client("dynamodb")
    dynamodb.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "connectionId", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "connectionId", "KeyType": "HASH"}])
    ids = [f"ref-{i:06d}" for i in range(connection_count)]
    for start in range(0, len(ids), 25):
        dynamodb.batch_write_item(RequestItems={TABLE: [
            {"PutRequest": {"Item": {"connectionId": {"S": cid}}}} for cid in ids[start:start + 25]]})


def drop_table() -> None:
    clients.client("dynamodb").delete_table(TableName=TABLE)


def send_message(post: Callable[[str, str, bytes], Any], data: bytes) -> int:
    """The sample's sendmessage handler: Scan every connection, post `data` to each. Returns posts made."""
    dynamodb = clients.client("dynamodb")
    posts = 0
    scan: dict[str, Any] = {"TableName": TABLE, "ProjectionExpression": "connectionId"}
    while True:
        page = dynamodb.scan(**scan)
        for item in page["Items"]:
            post("http://bench", item["connectionId"]["S"], data)
            posts += 1
        if "LastEvaluatedKey" not in page:
            return posts
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]
