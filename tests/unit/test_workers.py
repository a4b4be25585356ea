"""The five SQS workers share one policy (chalicelib/workers/batch.py): a malformed job is logged
by id and reported in batchItemFailures, a failing use case is reported, the rest of the batch
runs; the webhook worker runs a batch's records side by side."""
import io
import json
import threading

import pytest

from chalicelib import observability
from chalicelib.model import events as ev
from chalicelib.workers import analysis as analysis_worker
from chalicelib.workers import assistant_purge as assistant_purge_worker
from chalicelib.workers import events as events_worker
from chalicelib.workers import media as media_worker
from chalicelib.workers import webhooks as webhooks_worker
from local import lambdas

GOOD_EVENT = ev.Event(name=ev.VISITOR_ONLINE, site_id="site_a", payload={"visitor_id": "v_1"})
WEBHOOK_JOB = {"webhook_id": "wh_1", "event_id": "evt_1", "event_type": "message.created", "body": "{}",
               "attempt": 1}

# worker, the use case it calls (module, attribute), a good body, what the use case returns
WORKERS = {
    "events": (events_worker, (events_worker.dispatch, "run_deferred"), json.dumps(GOOD_EVENT.to_dict()), None),
    "analysis": (analysis_worker, (analysis_worker.service, "analyze_stored_message"),
                 json.dumps({"site_id": "site_a", "conversation_id": "conv_1", "seq": 3}), []),
    "media": (media_worker, (media_worker.service, "make_thumbnail"), json.dumps({"file_id": "file_1"}), False),
    "webhooks": (webhooks_worker, (webhooks_worker.service, "deliver"), json.dumps(WEBHOOK_JOB), "delivered"),
    "assistant-purge": (assistant_purge_worker, (assistant_purge_worker.chats, "purge"),
                        json.dumps({"conversation_id": 42, "requested_at": 1.5}), "gone"),
}
MALFORMED = {"not json": "{not json", "not an object": "[1, 2]", "no fields": "{}",
             "wrong type": '{"seq": "three", "attempt": "one", "name": 7}'}


def record(message_id, body):
    return {"messageId": message_id, "receiptHandle": f"rh-{message_id}", "body": body, "attributes": {},
            "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:q", "awsRegion": "us-east-1"}


def run(worker, *records):
    return worker.handle_batch({"Records": list(records)}, lambdas.context("worker"))


def failed(result):
    return sorted(item["itemIdentifier"] for item in result["batchItemFailures"])


@pytest.fixture
def calls(monkeypatch):
    """Replace each worker's use case with a recorder; returns {worker name: [job argument, ...]}."""
    seen = {name: [] for name in WORKERS}
    for name, (_, (module, attribute), _, returned) in WORKERS.items():
        def fake(*args, _name=name, _returned=returned):
            seen[_name].append(args)
            return _returned
        monkeypatch.setattr(module, attribute, fake)
    return seen


@pytest.fixture
def log_lines():
    """The JSON log lines written while the test runs."""
    stream = io.StringIO()
    handler = observability.logger.registered_handler
    original = handler.stream
    handler.setStream(stream)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        handler.setStream(original)


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
@pytest.mark.parametrize("name", WORKERS)
def test_a_malformed_job_is_reported_while_the_good_one_in_its_batch_runs(aws, calls, name, body):
    worker, _, good, _ = WORKERS[name]
    result = run(worker, record("bad", body), record("good", good))
    assert result == {"batchItemFailures": [{"itemIdentifier": "bad"}]}
    assert len(calls[name]) == 1


def test_each_worker_hands_its_use_case_the_parsed_job(aws, calls):
    for name, (worker, _, good, _) in WORKERS.items():
        assert run(worker, record("m1", good)) == {"batchItemFailures": []}
    (event,), = calls["events"]
    assert event == GOOD_EVENT
    assert calls["analysis"] == [("site_a", "conv_1", 3)]
    assert calls["media"] == [("file_1",)]
    (job,), = calls["webhooks"]
    assert (job.webhook_id, job.event_id, job.attempt) == ("wh_1", "evt_1", 1)
    assert [args[:2] for args in calls["assistant-purge"]] == [(42, 1.5)]


@pytest.mark.parametrize("name", WORKERS)
def test_a_malformed_job_is_logged_by_its_ids_never_its_contents(aws, calls, log_lines, name):
    worker = WORKERS[name][0]
    secret = "jane.doe@example.com"
    assert failed(run(worker, record("m-secret", json.dumps({"seq": secret, "attempt": secret})))) == ["m-secret"]
    lines = [line for line in log_lines() if line["message"].startswith("malformed job")]
    assert [(line["queue"], line["message_id"]) for line in lines] == [(name, "m-secret")]
    assert secret not in json.dumps(log_lines())


@pytest.mark.parametrize("name", WORKERS)
def test_a_job_whose_use_case_fails_is_reported_for_retry(aws, monkeypatch, name):
    worker, (module, attribute), good, returned = WORKERS[name]
    outcomes = iter([RuntimeError("DynamoDB is unavailable"), returned])

    def flaky(*args):
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(module, attribute, flaky)
    # The webhook worker runs records side by side: only one of the two fails, whichever drew the error.
    assert len(failed(run(worker, record("m1", good), record("m2", good)))) == 1


@pytest.mark.parametrize("name", WORKERS)
def test_an_empty_batch_has_nothing_to_report(name):
    assert run(WORKERS[name][0]) == {"batchItemFailures": []}


def test_the_webhook_worker_runs_a_batchs_records_side_by_side(aws, monkeypatch):
    # Both deliveries must be in flight at once to pass the barrier; one by one, the first
    # times out (BrokenBarrierError) and its record is reported, so the test fails rather than hangs.
    barrier = threading.Barrier(2, timeout=10)

    def slow_receiver(job):
        barrier.wait()
        return "delivered"

    monkeypatch.setattr(webhooks_worker.service, "deliver", slow_receiver)
    good = WORKERS["webhooks"][2]
    assert run(webhooks_worker, record("m1", good), record("m2", good)) == {"batchItemFailures": []}


def test_the_webhook_workers_threads_log_with_the_invocations_request_id(aws, calls, log_lines):
    observability.logger.thread_safe_append_keys(request_id="req-1")
    try:
        run(webhooks_worker, record("m1", WORKERS["webhooks"][2]))
    finally:
        observability.logger.thread_safe_remove_keys(["request_id"])
    [line] = [line for line in log_lines() if line["message"] == "webhook job"]
    assert line["request_id"] == "req-1" and line["webhook_id"] == "wh_1"
