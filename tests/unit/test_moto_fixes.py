"""The local stack's TransactWriteItems keeps DynamoDB's all-or-nothing rules without copying whole tables."""
import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend

from local import moto_fixes


@pytest.fixture
def table(monkeypatch):
    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", moto_fixes.transact_write_items)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        client.put_item(TableName="t", Item={"pk": {"S": "counter"}, "n": {"N": "1"}})
        client.put_item(TableName="t", Item={"pk": {"S": "words"}, "s": {"S": "text"}})
        yield client


def item(client, pk):
    return client.get_item(TableName="t", Key={"pk": {"S": pk}}).get("Item")


def bump(expected):
    return {"Update": {"TableName": "t", "Key": {"pk": {"S": "counter"}}, "UpdateExpression": "SET n = n + :one",
                       "ConditionExpression": "n = :expected",
                       "ExpressionAttributeValues": {":one": {"N": "1"}, ":expected": {"N": str(expected)}}}}


def put(pk):
    return {"Put": {"TableName": "t", "Item": {"pk": {"S": pk}}}}


def test_all_writes_apply_when_every_condition_holds(table):
    table.transact_write_items(TransactItems=[put("a"), bump(1)])
    assert item(table, "a") is not None
    assert item(table, "counter")["n"] == {"N": "2"}


def test_one_failed_condition_cancels_every_write_and_names_the_failing_item(table):
    with pytest.raises(ClientError) as cancelled:
        table.transact_write_items(TransactItems=[put("a"), bump(5)])
    reasons = [r["Code"] for r in cancelled.value.response["CancellationReasons"]]
    assert reasons == ["None", "ConditionalCheckFailed"]
    assert item(table, "a") is None
    assert item(table, "counter")["n"] == {"N": "1"}


def test_a_write_that_fails_while_applying_rolls_back_the_ones_before_it(table):
    # Its condition holds, so only applying it finds the problem (ADD of a number to a string).
    wrong_type = {"Update": {"TableName": "t", "Key": {"pk": {"S": "words"}}, "UpdateExpression": "ADD s :one",
                             "ConditionExpression": "attribute_exists(pk)",
                             "ExpressionAttributeValues": {":one": {"N": "1"}}}}
    with pytest.raises(ClientError):
        table.transact_write_items(TransactItems=[put("a"), bump(1), wrong_type])
    assert item(table, "a") is None
    assert item(table, "counter") == {"pk": {"S": "counter"}, "n": {"N": "1"}}
    assert item(table, "words") == {"pk": {"S": "words"}, "s": {"S": "text"}}


def test_the_same_item_twice_is_refused(table):
    with pytest.raises(ClientError) as refused:
        table.transact_write_items(TransactItems=[put("a"), put("a")])
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert item(table, "a") is None
