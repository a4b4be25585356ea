"""The transactional outbox on the running stack: a message's event is committed with it in the chats
table, the stack's stream pump reads the table's stream (moto's dynamodbstreams, as Lambda's event
source mapping does) and the events worker's listeners turn it into a signed webhook delivery."""
import uuid

import requests

from tests.e2e.conftest import aws_client
from tests.e2e.realtime_client import login
from tests.webhook_receiver import Receiver
from tests.waiting import wait_until




def test_a_message_reaches_a_webhook_through_the_tables_stream(stack):
    admin = login(stack)["token"]
    key = requests.post(f"{stack.url}/api/v1/admin/sites/site_demo/api-keys", json={"name": "e2e outbox"},
                        headers={"Authorization": f"Bearer {admin}"}, timeout=5).json()["data"]["key"]
    receiver = Receiver().start()
    try:
        hook = requests.post(f"{stack.url}/v1/webhooks", json={"url": receiver.url, "events": ["message.sent"]},
                             headers={"Authorization": f"Bearer {key}"}, timeout=5)
        assert hook.status_code == 201, hook.text
        visitor_id = f"v_outbox_{uuid.uuid4().hex[:8]}"
        visitor = requests.post(f"{stack.url}/api/v1/visitors", timeout=5, json={
            "site_id": "site_demo", "visitor_id": visitor_id, "name": "Outbox Tester"}).json()["data"]
        vt = {"X-Visitor-Token": visitor["session_token"]}
        chat = requests.post(f"{stack.url}/api/v1/conversations", headers=vt, timeout=5, json={
            "site_id": "site_demo", "visitor_id": visitor_id}).json()["data"]
        sent = requests.post(f"{stack.url}/api/v1/messages", headers=vt, timeout=5, json={
            "conversation_id": chat["id"], "content": "Committed with its event"})
        assert sent.status_code == 201, sent.text

        assert wait_until(lambda: any(r.json["type"] == "message.sent" for r in receiver.requests)), receiver.requests
        [delivery] = [r for r in receiver.requests if r.json["type"] == "message.sent"]
        assert delivery.json["data"]["message"]["text"] == "Committed with its event"
        # The webhook id is the event id, and the event was committed as an outbox item of the chats table.
        event_id = delivery.headers["webhook-id"]
        dynamodb = aws_client(stack, "dynamodb")
        tables = [t for t in dynamodb.list_tables()["TableNames"] if t.endswith("chats")]
        found = [dynamodb.get_item(TableName=t, Key={"pk": {"S": f"OUTBOX#{event_id}"}, "sk": {"S": "OUTBOX"}})
                 for t in tables]
        assert any("Item" in f and f["Item"]["kind"]["S"] == "outbox" for f in found)
        described = dynamodb.describe_table(TableName=tables[0])["Table"]
        assert described["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    finally:
        receiver.stop()
