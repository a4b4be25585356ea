"""The local stack's stream pump against moto's dynamodbstreams (in-process): it hands committed
outbox events to app.py's consumer, and a batch whose retries run out is described on the
outbox-failures queue, as the deployed mapping's on-failure destination does."""
import json
from dataclasses import replace

import boto3

import app as app_module
from chalicelib import dispatch
from chalicelib.resources import OUTBOX_STREAM
from chalicelib.settings import get_settings
from local.stream_pump import StreamPump
from tests.unit.chat_helpers import as_visitor, open_conversation, send, visitor_token
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)
from tests.waiting import wait_until




def failure_reports():
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.get_queue_url(QueueName=get_settings().queue_name(OUTBOX_STREAM.failure_queue))["QueueUrl"]
    return [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
            .get("Messages", [])]


def test_the_pump_runs_committed_events_and_reports_a_batch_whose_retries_ran_out(world, monkeypatch):
    ran, failing = [], set()

    def listeners(event):
        if event.name in failing:
            raise RuntimeError("a listener's dependency is down")
        ran.append(event.name)

    monkeypatch.setattr(dispatch, "run_deferred", listeners)
    pump = StreamPump(app_module.app, "us-east-1", replace(OUTBOX_STREAM, max_retries=2), poll_seconds=0.05,
                      retry_seconds=0.01)
    pump.start()
    try:
        vt = visitor_token(world)
        conversation_id = open_conversation(world, vt)
        assert wait_until(lambda: ran == ["conversation.created"]), ran

        failing.add("message.created")
        send(world, conversation_id, "this one fails", headers=as_visitor(vt))
        assert wait_until(lambda: pump.consumers[0].stats.to_failure_queue == 1)
    finally:
        pump.stop()
    [report] = failure_reports()
    info = report["DDBStreamBatchInfo"]
    assert report["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert report["requestContext"]["approximateInvokeCount"] == 3  # the first attempt and 2 retries
    assert info["streamArn"].split("/")[1] == get_settings().chats_table and info["batchSize"] >= 1
    assert "this one fails" not in json.dumps(report)  # where the records are, never what they say
    assert pump.consumers[0].stats.retries == 2 and ran == ["conversation.created"]
