"""Powertools Metrics (CloudWatch EMF): each count a user would look for in CloudWatch is written when
the thing happens, through the app's real handlers (the middleware writes each invocation's counts),
and never carries personal data. The EMF documents are captured where chalicelib/metrics.py writes
them (its sink: stdout in Lambda), exactly as CloudWatch would parse them."""
import json

import pytest
from aws_lambda_powertools.metrics.provider import cold_start
from chalice.app import Request

from chalicelib import metrics, middleware
from chalicelib.integrations import sockets
from local import apigw, lambdas
from local.metrics import MetricTotals
from tests.unit.chat_helpers import (
    as_visitor,
    data,
    drain_analysis,
    drain_events,
    drain_outbox,
    open_conversation,
    send,
    visitor_token,
)
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)
from tests.unit.test_realtime import connect_agent, connect_visitor
from tests.unit.test_webhooks import create, drain_webhooks, fast_retries, keys  # noqa: F401  (fixtures, helpers)
from tests.webhook_receiver import Receiver


@pytest.fixture
def emitted():
    """Every EMF document written while the test runs."""
    documents = []
    previous = metrics.send_to(documents.append)
    yield documents
    metrics.send_to(previous)


def total(documents, name, **dimensions):
    """What CloudWatch would sum for `name` over the documents whose dimensions include `dimensions`."""
    found = 0
    for document in documents:
        [directive] = document["_aws"]["CloudWatchMetrics"]
        if name not in [m["Name"] for m in directive["Metrics"]]:
            continue
        if all(document.get(key) == value for key, value in dimensions.items()):
            found += sum(document[name])
    return found


def rest_request(path="/health"):
    route = apigw.match_route(path, [path])
    event = apigw.rest_event(method="GET", raw_path=path, headers=[], body=b"", route=route, stage="local",
                             domain="d", source_ip="127.0.0.1", binary_types=[])
    request = Request(event, lambdas.context("api_handler"))
    return request


# -- the face --------------------------------------------------------------------------------------------

def test_an_invocations_counts_are_written_at_its_end_one_emf_document_per_dimension_set(emitted, monkeypatch):
    monkeypatch.setattr(cold_start, "is_cold_start", False)

    def handler(_event):
        metrics.count("Pushes")
        metrics.count("Pushes")
        metrics.count("MessagesSent", sender="visitor")
        assert emitted == []  # nothing is written mid-invocation
        return "ok"

    assert middleware.bind_request_id(rest_request(), handler) == "ok"
    assert len(emitted) == 2
    by_metric = {d["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"]: d for d in emitted}
    pushes, sent = by_metric["Pushes"], by_metric["MessagesSent"]
    assert pushes["Pushes"] == [2.0] and sent["MessagesSent"] == [1.0]
    for document in emitted:
        [directive] = document["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "Parley"
        assert directive["Metrics"][0]["Unit"] == "Count"
        # CloudWatch reads each dimension named in the directive from the document's top level.
        assert all(key in document for key in directive["Dimensions"][0])
        assert (document["service"], document["stage"]) == ("parley", "local")
    assert sent["sender"] == "visitor" and "sender" not in pushes
    # What goes to stdout in Lambda is one JSON line per document.
    assert all("\n" not in json.dumps(d, separators=(",", ":")) for d in emitted)


def test_counts_are_written_even_when_the_invocation_raises(emitted, monkeypatch):
    monkeypatch.setattr(cold_start, "is_cold_start", False)

    def handler(_event):
        metrics.count("JobsFailed", queue="events")
        raise RuntimeError("DynamoDB is unavailable")

    with pytest.raises(RuntimeError):
        middleware.bind_request_id(rest_request(), handler)
    assert total(emitted, "JobsFailed", queue="events") == 1


def test_only_the_first_invocation_of_a_process_counts_a_cold_start(emitted, monkeypatch):
    monkeypatch.setattr(cold_start, "is_cold_start", True)
    for _ in range(3):
        middleware.bind_request_id(rest_request(), lambda event: None)
    assert total(emitted, "ColdStart") == 1
    assert total(emitted, "ColdStart", function_name="api_handler") == 1


def test_a_count_outside_any_invocation_is_written_at_once(emitted):
    metrics.count("Pushes", 3)
    assert total(emitted, "Pushes") == 3


# -- what the app counts ---------------------------------------------------------------------------------

def test_a_sent_message_counts_once_and_its_idempotent_replay_does_not(world, emitted):
    vt = visitor_token(world, name="John Doe")
    conversation_id = open_conversation(world, vt)
    headers = {**as_visitor(vt), "Idempotency-Key": "key-1"}
    first = data(send(world, conversation_id, "Hello, my email is jane@example.com", headers=headers), 201)
    again = send(world, conversation_id, "Hello, my email is jane@example.com", headers=headers)
    assert again.json_body["data"]["id"] == first["id"]
    bob = world.token("bob", "site_a")
    data(send(world, conversation_id, "How can I help?", token=bob), 201)

    assert total(emitted, "MessagesSent", sender="visitor") == 1
    assert total(emitted, "MessagesSent", sender="support") == 1
    # Ids and kinds only: no name, no email, no message text, no conversation id as a dimension.
    written = json.dumps(emitted)
    for personal in ("John Doe", "jane@example.com", "Hello", conversation_id, "alice@a.example"):
        assert personal not in written


class ManagementApi:
    """API Gateway's @connections: records posts; a connection in `gone` answers GoneException."""

    class exceptions:  # noqa: N801 (boto3's attribute name)
        class GoneException(Exception):
            pass

    def __init__(self):
        self.posted = []
        self.gone = set()

    def post_to_connection(self, ConnectionId, Data):  # noqa: N803 (boto3's argument names)
        if ConnectionId in self.gone:
            raise self.exceptions.GoneException()
        self.posted.append(ConnectionId)


def test_pushes_and_gone_connections_count_what_api_gateway_answered(world, emitted, monkeypatch):
    api = ManagementApi()
    monkeypatch.setattr(sockets, "_client", lambda endpoint: api)
    bob = connect_agent(world)
    alice = connect_agent(world, "alice")
    _, vt = connect_visitor(world)
    conversation_id = open_conversation(world, vt)
    data(send(world, conversation_id, "anyone there?", headers=as_visitor(vt)), 201)
    assert bob in api.posted and alice in api.posted
    assert total(emitted, "Pushes") == len(api.posted)
    assert total(emitted, "GoneConnections") == 0

    api.gone.add(bob)  # the socket died; API Gateway never told us
    before = len(api.posted)
    data(send(world, conversation_id, "still there?", headers=as_visitor(vt)), 201)
    assert total(emitted, "Pushes") == len(api.posted) > before
    assert total(emitted, "GoneConnections") == 1


def test_a_webhook_delivery_and_a_failed_attempt_are_counted(world, keys, fast_retries, emitted):  # noqa: F811
    receiver = Receiver(respond=lambda got, nth: (500, {}) if nth == 1 else (200, {})).start()
    try:
        create(world, keys["site_a"], receiver.url, ["chat.created"])
        open_conversation(world, visitor_token(world))
        drain_events()
        drain_webhooks()
    finally:
        receiver.stop()
    assert len(receiver.requests) == 2  # one 500, then the retry delivered
    assert total(emitted, "WebhookFailures", outcome="retrying") == 1
    assert total(emitted, "WebhookFailures") == 1
    assert total(emitted, "WebhookDeliveries") == 1
    assert total(emitted, "JobsProcessed", queue="webhooks") == 2


def test_a_webhook_that_never_succeeds_counts_every_failure_and_no_delivery(world, keys, fast_retries,  # noqa: F811
                                                                            emitted):
    receiver = Receiver(respond=lambda got, nth: (503, {})).start()
    try:
        create(world, keys["site_a"], receiver.url, ["chat.created"])
        open_conversation(world, visitor_token(world))
        drain_events()
        drain_webhooks()
    finally:
        receiver.stop()
    assert len(receiver.requests) == 5
    assert total(emitted, "WebhookFailures", outcome="retrying") == 4
    assert total(emitted, "WebhookFailures", outcome="dead_lettered") == 1
    assert total(emitted, "WebhookDeliveries") == 0


def test_an_analysis_run_and_the_outbox_events_are_counted(world, emitted):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    data(send(world, conversation_id, "The price seems a bit high", headers=as_visitor(vt)), 201)
    outboxed = drain_outbox()  # the events committed with the conversation and the message
    drain_events()  # and the queued ones (visitor.created)
    jobs = drain_analysis()
    assert len(jobs) == 1
    assert total(emitted, "AnalysisRuns", provider="local") == 1
    assert total(emitted, "JobsProcessed", queue="analysis") == 1
    assert total(emitted, "OutboxEventsProcessed") == outboxed == 2

    drain_analysis()  # nothing left: no second run
    assert total(emitted, "AnalysisRuns") == 1


# -- the local stack's totals ----------------------------------------------------------------------------

def test_the_local_stack_adds_up_documents_per_metric_and_dimensions(monkeypatch):
    monkeypatch.setattr(cold_start, "is_cold_start", False)
    totals = MetricTotals()
    previous = metrics.send_to(totals.record)
    try:
        for _ in range(2):
            with metrics.invocation("api_handler"):
                metrics.count("MessagesSent", sender="visitor")
                metrics.count("Pushes", 2)
        with metrics.invocation("api_handler"):
            metrics.count("MessagesSent", sender="support")
    finally:
        metrics.send_to(previous)
    snapshot = totals.snapshot()
    assert snapshot["totals"] == {"MessagesSent": 3, "Pushes": 4}
    rows = {(row["name"], row["dimensions"].get("sender")): row["total"] for row in snapshot["metrics"]}
    assert rows == {("MessagesSent", "support"): 1, ("MessagesSent", "visitor"): 2, ("Pushes", None): 4}
    assert len(snapshot["recent"]) == 5 and snapshot["recent"][0]["_aws"]["CloudWatchMetrics"]
    assert totals.summary() == "MessagesSent=3 Pushes=4"
