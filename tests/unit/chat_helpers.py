"""Helpers for conversation tests: visitors, conversations, messages, and draining the events queue."""
import boto3

import app as app_module
from chalicelib.settings import get_settings
from chalicelib.store.outbox import event_of_stream_record
from local import apigw, lambdas
from local.stream_pump import StreamReader


def visitor_token(world, visitor_id="v_1", site_id="site_a", name="John Doe"):
    """Register like the widget: a visitor registered before in this world sends the token it was
    given (X-Visitor-Token), as a returning tab does; a taken visitor_id without it is a 409."""
    issued = world.__dict__.setdefault("visitor_tokens", {})
    previous = issued.get((site_id, visitor_id))
    response = world.call("POST", "/api/v1/visitors", {"site_id": site_id, "visitor_id": visitor_id, "name": name},
                          headers=as_visitor(previous) if previous else None)
    assert response.status_code in (200, 201), response.body
    issued[(site_id, visitor_id)] = response.json_body["data"]["session_token"]
    return issued[(site_id, visitor_id)]


def data(response, status=200):
    """The `data` of a seed 000 success envelope, after checking the status."""
    assert response.status_code == status, response.body
    assert response.json_body["success"] is True
    return response.json_body.get("data")


def error(response, status):
    """The code of a seed 000 error envelope, after checking the status."""
    assert response.status_code == status, response.body
    assert response.json_body["success"] is False
    return response.json_body["error"]["code"]


def as_visitor(token):
    return {"X-Visitor-Token": token}


def open_conversation(world, token, visitor_id="v_1", site_id="site_a"):
    response = world.call("POST", "/api/v1/conversations", {"site_id": site_id, "visitor_id": visitor_id},
                          headers=as_visitor(token))
    assert response.status_code == 201, response.body
    return response.json_body["data"]["id"]


def send(world, conversation_id, content, token=None, headers=None, **extra):
    body = {"conversation_id": conversation_id, "content": content, "type": "text", **extra}
    return world.call("POST", "/api/v1/messages", body, token=token, headers=headers)


def drain_queue(short_name, handler, max_rounds=5):
    """Run a queue's consumer over everything queued, as the SQS pump would. Returns the bodies handled."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.get_queue_url(QueueName=get_settings().queue_name(short_name))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    handled = []
    for _ in range(max_rounds):
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"],
                                       MessageAttributeNames=["All"]).get("Messages", [])
        if not messages:
            break
        records = [apigw.sqs_record(m, arn, "us-east-1") for m in messages]
        result = handler({"Records": records}, lambdas.context(short_name))
        assert result == {"batchItemFailures": []}, result
        for m in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        handled.extend(m["Body"] for m in messages)
    return handled


_stream_readers = {}  # by stream ARN (a new one per moto context): where each drain left off


def _outbox_reader():
    reader = StreamReader(get_settings().chats_table, "us-east-1")
    return _stream_readers.setdefault(reader.stream_arn, reader)


def drain_outbox():
    """Run the outbox consumer over the chats table's stream records it has not seen yet, as Lambda's
    event source mapping would. Returns the number of outboxed events it ran."""
    reader = _outbox_reader()
    ran = 0
    while records := reader.read(1000):
        result = app_module.process_outbox({"Records": records}, lambdas.context("outbox"))
        assert result == {"batchItemFailures": []}, result
        ran += sum(1 for record in records if event_of_stream_record(record) is not None)
    return ran


def skip_outbox():
    """Move past the stream's records so far without running them: what a purge is to a queue (the
    cross-tenant matrix undoes a case's writes, and the events they committed with them)."""
    reader = _outbox_reader()
    while reader.read(1000):
        pass


def drain_events(max_rounds=5):
    """Run the deferred listeners of every event: the committed ones (the outbox's stream), then the
    queued ones (the events worker). Returns the number of events run."""
    return drain_outbox() + len(drain_queue("events", app_module.process_events, max_rounds))


def drain_analysis(max_rounds=5):
    """Run the analysis worker over everything queued. Returns the job bodies handled."""
    return drain_queue("analysis", app_module.analyse_messages, max_rounds)
