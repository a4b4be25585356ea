"""Metrics on the running stack: what the app writes as CloudWatch EMF in Lambda, the local stack adds up
and serves at GET /local/metrics (local only), so a developer sees a sent message counted."""

import requests

from tests.e2e.realtime_client import agent_socket, login, new_agent, new_visitor
from tests.waiting import wait_until


def metrics(stack):
    response = requests.get(f"{stack.url}/local/metrics", timeout=5)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    return response.json()


def total(snapshot, name, **dimensions):
    return sum(row["total"] for row in snapshot["metrics"] if row["name"] == name
               and all(row["dimensions"].get(key) == value for key, value in dimensions.items()))




def test_a_sent_message_shows_in_the_local_stacks_metrics(stack):
    agent = new_agent(stack, login(stack)["token"])
    socket = agent_socket(stack, agent)
    try:
        visitor = new_visitor(stack, name="Metrics Tester")
        vt = {"X-Visitor-Token": visitor["token"]}
        chat = requests.post(f"{stack.url}/api/v1/conversations", headers=vt, timeout=5, json={
            "site_id": "site_demo", "visitor_id": visitor["visitor_id"]}).json()["data"]
        before = metrics(stack)
        sent = requests.post(f"{stack.url}/api/v1/messages", headers=vt, timeout=5, json={
            "conversation_id": chat["id"], "content": "Count me"})
        assert sent.status_code == 201, sent.text
        socket.next("message", timeout=5)

        after = metrics(stack)  # an invocation's counts are written before its response is sent
        assert total(after, "MessagesSent", sender="visitor") == total(before, "MessagesSent", sender="visitor") + 1
        assert total(after, "Pushes") > total(before, "Pushes")  # at least the agent's message frame
        # The message's event, committed with it, reaches the outbox consumer through the table's stream.
        assert wait_until(lambda: total(metrics(stack), "OutboxEventsProcessed")
                        > total(before, "OutboxEventsProcessed"))

        final = metrics(stack)
        assert final["namespace"] == "Parley" and final["totals"]["ColdStart"] == 1  # one process, one cold start
        assert all(row["dimensions"]["stage"] == "local" for row in final["metrics"])
        assert final["recent"] and all("_aws" in document for document in final["recent"])
        assert "Metrics Tester" not in str(final) and "Count me" not in str(final) and chat["id"] not in str(final)
    finally:
        socket.close()
