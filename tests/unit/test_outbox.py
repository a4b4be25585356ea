"""The transactional outbox (docs/events.md): a change commits its deferred events in its own
DynamoDB transaction, and the chats table's stream (moto's dynamodbstreams, read as Lambda's event
source mapping reads it) runs their deferred work, even when the request dies right after the commit."""
import json

import boto3
import pytest

import app as app_module
from chalicelib import dispatch
from chalicelib.model import events as ev
from chalicelib.settings import get_settings
from chalicelib.store.outbox import event_of_stream_record
from local import lambdas
from local.stream_pump import StreamReader, retry_from
from tests.unit.chat_helpers import as_visitor, data, drain_events, drain_outbox, drain_queue, open_conversation, \
    send, visitor_token
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)
from tests.unit.test_webhooks import create, drain_webhooks, fast_retries, keys, receiver  # noqa: F401  (fixtures)


class ProcessKilled(BaseException):
    """Lambda's process dying: nothing after the raise runs, and no error answer is sent either."""


def killed(events):
    raise ProcessKilled("the process died between the commit and the enqueue")


def waiting(short_name):
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.get_queue_url(QueueName=get_settings().queue_name(short_name))["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def new_records():
    """The chats table's stream records from the start, as Lambda would hand them over."""
    return StreamReader(get_settings().chats_table, "us-east-1").read(1000)


def outbox_records(records, name=None):
    """The records of new outbox items (of events named `name`)."""
    return [r for r in records if (event := event_of_stream_record(r)) is not None
            and (name is None or event.name == name)]


def notifications(world, agent="alice"):
    response = world.call("GET", "/api/v1/notifications", token=world.token(agent, "site_a"))
    return data(response)["notifications"]


def test_a_request_killed_after_its_commit_loses_no_deferred_work(world, keys, receiver, fast_retries, monkeypatch):
    hook = create(world, keys["site_a"], receiver.url, ["message.sent"]).json_body
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    drain_events()  # the registration's and the opening's
    monkeypatch.setattr(dispatch, "publish", killed)

    with pytest.raises(ProcessKilled):
        send(world, conversation_id, "Where is my parcel?", headers=as_visitor(vt))

    monkeypatch.undo()
    page = data(world.call("GET", f"/api/v1/messages?conversation_id={conversation_id}",
                           token=world.token("alice", "site_a")))
    assert [m["content"] for m in page["messages"]] == ["Where is my parcel?"]  # committed
    assert waiting("events") == 0  # and nothing was queued

    assert drain_events() == 1  # the stream hands over the committed message.created
    [analysis_job] = [json.loads(body) for body in drain_queue("analysis", lambda event, context: {
        "batchItemFailures": []})]
    assert analysis_job["conversation_id"] == conversation_id
    assert [n["type"] for n in notifications(world)] == ["new_message", "new_conversation"]  # newest first
    drain_webhooks()
    [delivered] = receiver.requests
    assert delivered.json["type"] == "message.sent" and delivered.json["data"]["message"]["text"] == \
        "Where is my parcel?"
    log = world.call("GET", f"/v1/webhooks/{hook['id']}/deliveries", token=keys["site_a"]).json_body["data"]
    assert [(d["event"], d["status"]) for d in log] == [("message.sent", "delivered")]


def test_a_send_commits_its_event_in_its_transaction_and_queues_nothing(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    drain_events()
    response = send(world, conversation_id, "Hello", headers=as_visitor(vt))
    sent = data(response, 201)

    [record] = outbox_records(new_records(), ev.MESSAGE_CREATED)
    committed = json.loads(record["dynamodb"]["NewImage"]["event"]["S"])
    assert committed["payload"]["message"]["id"] == sent["id"] and committed["conversation_id"] == conversation_id
    assert "outboxed" not in committed  # a flag of the request's, not part of the event
    assert record["dynamodb"]["NewImage"]["expires_at"]  # TTL: the item goes once its stream record has
    assert waiting("events") == 0


def test_a_refused_send_commits_no_event(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    drain_events()
    first = send(world, conversation_id, "Hi", headers={**as_visitor(vt), "Idempotency-Key": "k-1"})
    again = send(world, conversation_id, "Hi", headers={**as_visitor(vt), "Idempotency-Key": "k-1"})
    assert data(first, 201)["id"] == data(again, 201)["id"]
    assert len(outbox_records(new_records(), ev.MESSAGE_CREATED)) == 1  # the replay's transaction was refused


def test_an_event_without_an_outbox_is_still_queued(world):
    visitor_token(world)  # visitor.created: raised without a transaction of its own
    assert waiting("events") == 1
    assert outbox_records(new_records()) == []


def test_conversation_changes_commit_their_events_too(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    alice = world.token("alice", "site_a")
    assert world.call("PATCH", f"/api/v1/conversations/{conversation_id}/assign",
                      {"agent_id": world.bob.agent_id}, token=alice).status_code == 200
    assert world.call("PATCH", f"/api/v1/conversations/{conversation_id}/close", {}, token=alice).status_code == 200
    names = [json.loads(r["dynamodb"]["NewImage"]["event"]["S"])["name"] for r in outbox_records(new_records())]
    assert names == [ev.CONVERSATION_CREATED, ev.CONVERSATION_ASSIGNED, ev.CONVERSATION_CLOSED]


def test_a_stream_batch_handed_over_twice_does_the_work_once(world, keys, receiver, fast_retries, monkeypatch):
    # One delivery means one HTTP request only if the receiver answers in time: fast_retries' 2 s timeout
    # made a slow moment on a loaded CI machine a retry (a second request of the same job, as it should).
    monkeypatch.setenv("PARLEY_WEBHOOK_TIMEOUT_SECONDS", "15")
    get_settings.cache_clear()
    create(world, keys["site_a"], receiver.url, ["message.sent"])
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    drain_events()
    send(world, conversation_id, "Twice?", headers=as_visitor(vt))
    records = outbox_records(new_records(), ev.MESSAGE_CREATED)
    for _ in range(2):  # at least once: Lambda may hand a batch over again after a timeout
        assert app_module.process_outbox({"Records": records}, lambdas.context("outbox")) == {"batchItemFailures": []}
    drain_webhooks()
    assert [n["type"] for n in notifications(world)] == ["new_message", "new_conversation"]
    assert len(receiver.requests) == 1


def test_a_failing_event_is_reported_by_sequence_number_and_the_others_run(world, monkeypatch):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    drain_events()
    send(world, conversation_id, "first", headers=as_visitor(vt))
    send(world, conversation_id, "second", headers=as_visitor(vt))
    records = new_records()  # every change of the table: messages, conversation, stats, outbox items
    failing, passing = outbox_records(records, ev.MESSAGE_CREATED)
    failing_id = json.loads(failing["dynamodb"]["NewImage"]["event"]["S"])["id"]
    ran = []

    def flaky(event):
        if event.id == failing_id:
            raise RuntimeError("a listener's dependency is down")
        ran.append(event.id)

    monkeypatch.setattr(dispatch, "run_deferred", flaky)
    result = app_module.process_outbox({"Records": records}, lambdas.context("outbox"))

    assert result == {"batchItemFailures": [{"itemIdentifier": failing["dynamodb"]["SequenceNumber"]}]}
    assert json.loads(passing["dynamodb"]["NewImage"]["event"]["S"])["id"] in ran
    assert failing_id not in ran and len(ran) == len(outbox_records(records)) - 1  # other changes: skipped
    # Lambda then retries the shard from the failed record (the local pump's rule, as deployed):
    assert records[retry_from(records, result, failed=False)] is failing


def test_a_malformed_outbox_record_is_reported_not_run(world, monkeypatch):
    ran = []
    monkeypatch.setattr(dispatch, "run_deferred", ran.append)
    record = {"eventID": "1", "eventName": "INSERT", "eventSource": "aws:dynamodb", "dynamodb": {
        "SequenceNumber": "42", "NewImage": {"kind": {"S": "outbox"}, "event": {"S": "{not json"}}}}
    assert app_module.process_outbox({"Records": [record]}, lambdas.context("outbox")) == {
        "batchItemFailures": [{"itemIdentifier": "42"}]}
    assert ran == []


@pytest.mark.parametrize("outcome, failed, start", [
    (None, True, 0),  # the handler raised: the whole batch again
    (None, False, None),
    ({"batchItemFailures": []}, False, None),
    ({"batchItemFailures": [{"itemIdentifier": "12"}, {"itemIdentifier": "11"}]}, False, 1),  # the lowest
    ({"batchItemFailures": [{"itemIdentifier": "99"}]}, False, 0),  # not in the batch: all of it
    ({"batchItemFailures": [{"itemIdentifier": ""}]}, False, 0),
])
def test_the_local_pump_retries_a_stream_batch_from_where_lambda_would(outcome, failed, start):
    records = [{"dynamodb": {"SequenceNumber": str(n)}} for n in (10, 11, 12)]
    assert retry_from(records, outcome, failed) == start
