"""Data written before a Ctrl-C is there after a restart; a fresh start is empty."""
import signal

from chalicelib.store.models import AgentUsernameItem
from local.harness import StackProcess
from tests.e2e.conftest import aws_client


def test_data_survives_a_restart_and_fresh_starts_empty(tmp_path):
    first = StackProcess(data_dir=tmp_path)
    first.start()
    try:
        dynamodb, s3 = aws_client(first, "dynamodb"), aws_client(first, "s3")
        dynamodb.put_item(TableName="chats", Item={"pk": {"S": "TEST#1"}, "sk": {"S": "X"}, "kind": {"S": "t"},
                                                   "note": {"S": "kept"}})
        s3.put_object(Bucket="parley-local-files", Key="uploads/a.txt", Body=b"file body")
        admins_before = dynamodb.query(TableName="chats", KeyConditionExpression="pk = :p",
                                       ExpressionAttributeValues={":p": {"S": AgentUsernameItem.key("admin")[0]}})
        assert admins_before["Count"] == 1
    finally:
        # Written and acknowledged just above, then Ctrl-C at once: nothing may be lost.
        assert first.stop(signal.SIGINT) == 0, first.log()
    assert (tmp_path / "aws-state.pickle").exists()

    second = StackProcess(data_dir=tmp_path)
    second.start()
    try:
        dynamodb, s3 = aws_client(second, "dynamodb"), aws_client(second, "s3")
        item = dynamodb.get_item(TableName="chats", Key={"pk": {"S": "TEST#1"}, "sk": {"S": "X"}})["Item"]
        assert item["note"] == {"S": "kept"}
        assert s3.get_object(Bucket="parley-local-files", Key="uploads/a.txt")["Body"].read() == b"file body"
        agents = dynamodb.query(TableName="chats", KeyConditionExpression="pk = :p",
                                ExpressionAttributeValues={":p": {"S": AgentUsernameItem.key("admin")[0]}})
        assert agents["Count"] == 1  # the demo admin was not seeded twice
        assert "Demo admin    admin / " in second.log() and "(set when first created" not in second.log()
    finally:
        assert second.stop(signal.SIGTERM) == 0, second.log()

    fresh = StackProcess(data_dir=tmp_path, extra_args=["--fresh"])
    fresh.start()
    try:
        dynamodb = aws_client(fresh, "dynamodb")
        assert "Item" not in dynamodb.get_item(TableName="chats", Key={"pk": {"S": "TEST#1"}, "sk": {"S": "X"}})
    finally:
        assert fresh.stop() == 0, fresh.log()
