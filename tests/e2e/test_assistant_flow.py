"""Seed 002 over real HTTP against the running local stack: the seed's React ChatService, replayed
call for call (same paths, query strings, headers and bodies), the errors a client meets, another
user kept out, and a deletion purged by the worker through the SQS pump."""
import time
from urllib.parse import quote

import pytest
import requests

from tests.e2e.conftest import aws_client
from tests.e2e.realtime_client import login, new_visitor


class ChatService:
    """The seed's `ChatService`, in Python: baseUrl '/chat', the same fetches, `response.json()`."""

    def __init__(self, stack, token):
        self.base_url = f"{stack.url}/chat"
        self.token = token

    def headers(self):
        return {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}

    def get_conversations(self, limit=20, offset=0):
        return requests.get(f"{self.base_url}/conversations?limit={limit}&offset={offset}",
                            headers=self.headers(), timeout=10)

    def create_conversation(self, title, agent_id):
        return requests.post(f"{self.base_url}/conversations", headers=self.headers(),
                             json={"title": title, "agent_id": agent_id}, timeout=10)

    def get_messages(self, conversation_id, limit=50, offset=0):
        return requests.get(f"{self.base_url}/conversations/{conversation_id}/messages?limit={limit}&offset={offset}",
                            headers=self.headers(), timeout=10)

    def send_message(self, conversation_id, content):
        return requests.post(f"{self.base_url}/conversations/{conversation_id}/messages", headers=self.headers(),
                             json={"content": content, "sender_type": "user"}, timeout=10)

    def generate_ai_response(self, conversation_id, message, agent_id):
        return requests.post(f"{self.base_url}/conversations/{conversation_id}/ai-response", headers=self.headers(),
                             json={"message": message, "agent_id": agent_id, "include_context": True}, timeout=30)

    def search_messages(self, query, limit=20):
        return requests.get(f"{self.base_url}/search?query={quote(query)}&limit={limit}", headers=self.headers(),
                            timeout=10)

    def get_analytics(self):
        return requests.get(f"{self.base_url}/analytics/dashboard", headers=self.headers(), timeout=10)


def body(response, status=200):
    assert response.status_code == status, response.text
    payload = response.json()
    assert payload["success"] is True and isinstance(payload["message"], str), payload
    return payload


def refused(response, status):
    assert response.status_code == status, response.text
    payload = response.json()
    assert payload["success"] is False and payload["message"], payload
    return payload


@pytest.fixture(scope="module")
def user(stack):
    return new_visitor(stack, name="Chat User")


def test_the_react_chat_service_works_against_the_stack(stack, user):
    service = ChatService(stack, user["token"])
    assert body(service.get_conversations())["data"] == {"conversations": [], "total": 0, "limit": 20, "offset": 0}

    created = body(service.create_conversation("New Customer Inquiry", 5), 201)
    assert created["message"] == "Conversation created successfully"
    cid = created["data"]["conversation_id"]
    assert isinstance(cid, int) and cid < 2**53

    sent = body(service.send_message(cid, "Hello, I need help with my order"), 201)
    assert sent["data"]["sender"] == "user" and sent["data"]["conversation_id"] == cid
    first = body(service.generate_ai_response(cid, "Hello, I need help with my order", 5), 201)["data"]
    assert "order number" in first["ai_response"] and first["tokens_used"] > 0 and first["cost"] == 0.0

    body(service.send_message(cid, "My order number is #12345"), 201)
    second = body(service.generate_ai_response(cid, "My order number is #12345", 5), 201)
    assert second["message"] == "AI response generated"
    assert second["data"]["ai_response"].startswith("Thank you for providing your order number #12345")

    listed = body(service.get_conversations())
    assert listed["message"] == "Found 1 conversation"
    [item] = listed["data"]["conversations"]
    assert (item["id"], item["agent_id"], item["total_messages"], item["unread_count"]) == (cid, 5, 4, 2)
    assert item["user_id"] == user["visitor_id"] and item["last_message_at"].endswith("Z")

    messages = body(service.get_messages(cid))
    assert messages["message"] == "Found 4 messages"
    assert [m["sender"] for m in messages["data"]["messages"]] == ["user", "agent", "user", "agent"]
    assert messages["data"]["messages"][3]["tokens_used"] == second["data"]["tokens_used"]
    assert body(service.get_conversations())["data"]["conversations"][0]["unread_count"] == 0
    page = body(service.get_messages(cid, limit=2, offset=2))["data"]
    assert [m["content"] for m in page["messages"]][0] == "My order number is #12345"
    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 2)

    found = body(service.search_messages("ORDER number"))
    assert found["data"]["query"] == "ORDER number" and found["data"]["total"] == 3
    assert found["data"]["results"][0]["sender"] == "agent"

    analytics = body(service.get_analytics())["data"]
    assert (analytics["total_conversations"], analytics["total_messages"]) == (1, 4)
    assert analytics["most_active_agent"]["name"] == "Customer Service Agent"
    assert len(analytics["daily_stats"]) == 30

    updated = requests.put(f"{stack.url}/chat/conversations/{cid}", headers=service.headers(),
                           json={"title": "Updated Conversation Title", "is_pinned": True}, timeout=10)
    assert body(updated)["data"] == {"conversation_id": cid}
    assert body(service.get_conversations())["data"]["conversations"][0]["is_pinned"] is True

    admin = login(stack)["token"]
    overall = body(requests.get(f"{stack.url}/chat/analytics/global?site_id=site_demo", timeout=10,
                                headers={"Authorization": f"Bearer {admin}"}))["data"]
    assert overall["total_conversations_all_users"] >= 1
    assert any(a["agent_id"] == 5 for a in overall["top_performing_agents"])


def test_errors_a_client_meets(stack, user):
    service = ChatService(stack, user["token"])
    refused(requests.get(f"{stack.url}/chat/conversations", timeout=10), 401)
    refused(requests.get(f"{stack.url}/chat/analytics/global", headers=service.headers(), timeout=10), 403)
    assert "agent_id" in refused(service.create_conversation("t", "five"), 400)["errors"]
    refused(service.create_conversation("t", 999), 404)
    refused(service.get_messages(123456789), 404)
    cid = body(service.create_conversation("errors", 5), 201)["data"]["conversation_id"]
    assert "sender_type" in refused(requests.post(f"{stack.url}/chat/conversations/{cid}/messages", timeout=10,
                                                  headers=service.headers(),
                                                  json={"content": "x", "sender_type": "agent"}), 400)["errors"]
    raw = requests.post(f"{stack.url}/chat/conversations", data="{not json", headers=service.headers(), timeout=10)
    refused(raw, 400)


def test_another_user_sees_nothing_and_a_deletion_is_purged(stack, user):
    owner = ChatService(stack, user["token"])
    cid = body(owner.create_conversation("to delete", 5), 201)["data"]["conversation_id"]
    body(owner.send_message(cid, "kiwifruit delivery question"), 201)
    other = ChatService(stack, new_visitor(stack)["token"])
    refused(other.get_messages(cid), 404)
    refused(requests.delete(f"{stack.url}/chat/conversations/{cid}", headers=other.headers(), timeout=10), 404)
    assert body(other.search_messages("kiwifruit"))["data"]["total"] == 0
    assert body(owner.search_messages("kiwifruit"))["data"]["total"] == 1

    deleted = requests.delete(f"{stack.url}/chat/conversations/{cid}", headers=owner.headers(), timeout=10)
    assert body(deleted)["message"] == "Conversation deleted successfully"
    refused(owner.get_messages(cid), 404)
    assert body(owner.search_messages("kiwifruit"))["data"]["total"] == 0

    table = aws_client(stack, "dynamodb")
    pk = f"ACHAT#{cid:016d}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the purge worker runs through the SQS pump
        left = table.query(TableName="chats", KeyConditionExpression="pk = :pk",
                           ExpressionAttributeValues={":pk": {"S": pk}})["Count"]
        if left == 0:
            break
        time.sleep(0.5)
    assert left == 0
