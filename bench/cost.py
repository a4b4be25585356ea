"""What a million visitor messages cost on AWS, from the requests one message is measured to make.

One visitor message, end to end, in-process on moto through the real handlers: the visitor's
WebSocket `message` frame ($default handler: the send, with its events committed as outbox items in
the same transaction, and its fan-out to the visitor's tab and one agent), then the outbox stream
handler on the message's new outbox items (as the deployed mapping's filter passes them; Lambda's
reads of a DynamoDB stream are free) which runs the deferred listeners (notifications, webhook and
analysis jobs), then the events worker on anything still queued, then the analysis worker on its job
(local engine). Every AWS call is counted at botocore:
DynamoDB requests with their capacity units (estimated by DynamoDB's sizing rules, as in
bench/dynamodb_requests.py), SQS requests, and @connections posts (each an outbound WebSocket
message). Lambda duration is the handler's own time (wall clock minus the time spent inside moto)
plus an assumed AWS round trip per call; billed in 1 ms steps at the deployed memory (512 MB).

    .venv/bin/python bench/cost.py [--messages 20]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(PARLEY_STAGE="local", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                  AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1", PARLEY_RATE_LIMITS="off",
                  PARLEY_JWT_SECRET="bench-only-signing-secret-0123456789abcdef", POWERTOOLS_LOG_LEVEL="WARNING")
os.environ.pop("AWS_ENDPOINT_URL", None)

import botocore.client  # noqa: E402

from bench.dynamodb_requests import estimate_capacity  # noqa: E402

# us-east-1 list prices, x86, after free tiers, as published on aws.amazon.com/<service>/pricing
# (DynamoDB on-demand after its November 2024 cut). PRICES_AS_OF is when they were last checked.
PRICES_AS_OF = "2025-06"
PRICE = {
    "dynamodb_write_unit": 0.625 / 1e6,  # per write request unit (1 KB; transactional writes take 2)
    "dynamodb_read_unit": 0.125 / 1e6,  # per read request unit (4 KB strongly consistent, 2 eventually)
    "sqs_request": 0.40 / 1e6,  # standard queue, per request (64 KB chunk)
    "websocket_message": 1.00 / 1e6,  # API Gateway WebSocket, per message (32 KB chunk), first billion
    "websocket_connection_minute": 0.25 / 1e6,
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000166667,
}
LAMBDA_MEMORY_GB = 0.5  # infra/parley_stack.py: lambda_memory_size 512
# Assumptions the bench cannot measure on moto, stated so they can be changed:
AWS_ROUND_TRIP_SECONDS = {"dynamodb": 0.006, "sqs": 0.010, "post": 0.015}  # from inside Lambda, same region
CONNECTION_MINUTES_PER_MESSAGE = 2.0  # visitor and agent sockets open about a minute per message they exchange
SQS_POLLS_PER_MESSAGE = 2 / 10  # Lambda's event source: ReceiveMessage + DeleteMessageBatch per batch of 10


@dataclass
class Stage:
    name: str
    dynamodb: Counter[str] = field(default_factory=Counter)
    read_units: float = 0.0
    write_units: float = 0.0
    sqs: Counter[str] = field(default_factory=Counter)
    posts: int = 0
    invocations: int = 0
    own_seconds: list[float] = field(default_factory=list)


class Recorder:
    """Counts AWS calls (and the seconds spent in them) into the current stage."""

    def __init__(self) -> None:
        self.stage: Stage | None = None
        self.aws_seconds = 0.0
        self.modelled_seconds = 0.0
        original = botocore.client.BaseClient._make_api_call
        recorder = self

        def counting(client, operation, params):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            response: dict = {}
            try:
                response = original(client, operation, params)
                return response
            finally:
                recorder.aws_seconds += time.perf_counter() - started
                service = client.meta.service_model.service_name
                stage = recorder.stage
                if stage is not None and service in ("dynamodb", "sqs"):
                    recorder.modelled_seconds += AWS_ROUND_TRIP_SECONDS[service]
                    if service == "dynamodb":
                        stage.dynamodb[operation] += 1
                        units = estimate_capacity(operation, params, response)
                        if operation in ("GetItem", "Query", "BatchGetItem", "Scan"):
                            stage.read_units += units
                        else:
                            stage.write_units += units
                    else:
                        stage.sqs[operation] += 1

        botocore.client.BaseClient._make_api_call = counting

    def invoke(self, stage: Stage, handler, *args):  # type: ignore[no-untyped-def]
        """Run one Lambda invocation and record its own time (wall clock minus moto) plus modelled AWS time."""
        self.stage, self.aws_seconds, self.modelled_seconds = stage, 0.0, 0.0
        posts_before = stage.posts
        started = time.perf_counter()
        try:
            return handler(*args)
        finally:
            wall = time.perf_counter() - started
            posted = stage.posts - posts_before
            stage.invocations += 1
            stage.own_seconds.append(max(0.0, wall - self.aws_seconds) + self.modelled_seconds
                                     + posted * AWS_ROUND_TRIP_SECONDS["post"])
            self.stage = None


def measure(messages: int) -> list[Stage]:
    from chalice.test import Client
    from moto import mock_aws

    import app as app_module
    from chalicelib.domain import agents
    from chalicelib.integrations import queues
    from chalicelib.integrations import sockets as sender
    from chalicelib.settings import get_settings
    from chalicelib.store import tenants
    from local import apigw, lambdas
    from local.provision import provision
    from local.stream_pump import StreamReader
    from chalicelib.store.outbox import event_of_stream_record

    recorder = Recorder()
    send_stage, outbox_stage = Stage("send + fan-out"), Stage("outbox stream")
    events_stage, analysis_stage = Stage("events worker"), Stage("analysis worker")

    def post(endpoint: str, connection_id: str, data: bytes) -> bool:
        if recorder.stage is not None:
            recorder.stage.posts += 1
        return True

    sender.send = post  # type: ignore[assignment]
    settings = get_settings()

    def handler(route: str):  # type: ignore[no-untyped-def]
        return lambdas.resolve(app_module.app.websocket_handlers[route].handler_string)

    def connect(query: dict[str, str]) -> str:
        connection_id = apigw.new_connection_id()
        event = apigw.ws_connect_event(connection_id=connection_id, headers=[("Host", "localhost")],
                                       query=urlencode(query), stage="local", domain="localhost",
                                       source_ip="127.0.0.1", connected_at=int(time.time() * 1000))
        assert handler("$connect")(event, lambdas.context("ws"))["statusCode"] == 200
        return connection_id

    def drain(short_name: str) -> list[dict]:
        """The queue's messages as the Lambda event source would hand them over (not counted)."""
        sqs = queues._sqs()
        url, records = queues.queue_url(short_name), []
        arn = f"arn:aws:sqs:us-east-1:123456789012:{settings.queue_name(short_name)}"
        while True:
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get("Messages", [])
            if not got:
                return records
            records += [apigw.sqs_record(m, arn, "us-east-1") for m in got]
            sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                            for i, m in enumerate(got)])

    with mock_aws():
        provision(settings)
        stream = StreamReader(settings.chats_table, "us-east-1")

        def new_outbox_records() -> list[dict]:
            """What the deployed mapping's filter passes: new OUTBOX items (reading the stream: not counted)."""
            records, batch = [], stream.read(1000)
            while batch:
                records += [r for r in batch if event_of_stream_record(r) is not None]
                batch = stream.read(1000)
            return records

        tenants.create_site_if_absent("site_a", "A")
        agents.new_agent("alice", "bench-password", "admin", ["site_a"], email="alice@a.example")
        with Client(app_module.app, stage_name="local") as client:
            headers = {"Content-Type": "application/json"}
            token = json.loads(client.http.post("/api/v1/auth/support/login", headers=headers, body=json.dumps(
                {"username": "alice", "password": "bench-password", "site_id": "site_a"})).body)["data"]["token"]
            visitor = json.loads(client.http.post("/api/v1/visitors", headers=headers, body=json.dumps(
                {"site_id": "site_a", "visitor_id": "v_cost", "name": "Vera"})).body)["data"]
        connect({"site_id": "site_a", "role": "support", "token": token})
        tab = connect({"site_id": "site_a", "role": "visitor", "token": visitor["session_token"],
                       "visitor_id": "v_cost"})
        from chalicelib.workers import analysis as analysis_worker
        from chalicelib.workers import events as events_worker

        new_outbox_records()  # the set-up's own changes: not counted
        for i in range(messages + 3):  # the first 3 open the conversation and warm caches: not counted
            stages = ((send_stage, outbox_stage, events_stage, analysis_stage) if i >= 3
                      else (Stage("w"), Stage("w"), Stage("w"), Stage("w")))
            frame = json.dumps({"type": "message", "message": f"Where is my order {i}? It is late."})
            event = apigw.ws_message_event(connection_id=tab, data=frame, stage="local", domain="localhost",
                                           connected_at=0, source_ip="127.0.0.1")
            recorder.invoke(stages[0], handler("$default"), event, lambdas.context("ws"))
            records = new_outbox_records()
            if records:
                recorder.invoke(stages[1], events_worker.handle_stream_batch, {"Records": records},
                                lambdas.context("o"))
            records = drain("events")
            if records:
                recorder.invoke(stages[2], events_worker.handle_batch, {"Records": records}, lambdas.context("e"))
            records = drain("analysis")
            if records:
                recorder.invoke(stages[3], analysis_worker.handle_batch, {"Records": records}, lambdas.context("a"))
    return [send_stage, outbox_stage, events_stage, analysis_stage]


def billed_seconds(seconds: float) -> float:
    return max(0.001, -(-seconds // 0.001) * 0.001)


def print_costs(stages: list[Stage], messages: int) -> None:
    print(f"Cost per million visitor messages on AWS (measured per message over {messages}, in-process moto; "
          f"us-east-1 prices as of {PRICES_AS_OF})")
    print(f"{'stage':<17} | {'DynamoDB requests per message':<72} {'RRU':>5} {'WRU':>5} | {'SQS':>4} | "
          f"{'posts':>5} | {'invocations':>11} {'ms billed':>9}")
    per_million: Counter[str] = Counter()
    for stage in stages:
        per = 1 / messages
        ops = ", ".join(f"{op} {n * per:.1f}" for op, n in sorted(stage.dynamodb.items()))
        sqs_requests = sum(stage.sqs.values()) * per
        duration = statistics.median(stage.own_seconds) if stage.own_seconds else 0.0
        invocations = stage.invocations * per
        print(f"{stage.name:<17} | {ops:<72} {stage.read_units * per:>5.1f} {stage.write_units * per:>5.1f} | "
              f"{sqs_requests:>4.1f} | {stage.posts * per:>5.1f} | {invocations:>11.2f} {billed_seconds(duration) * 1000:>9.0f}")
        per_million["DynamoDB reads"] += stage.read_units * per * 1e6 * PRICE["dynamodb_read_unit"]
        per_million["DynamoDB writes"] += stage.write_units * per * 1e6 * PRICE["dynamodb_write_unit"]
        per_million["SQS"] += sqs_requests * 1e6 * PRICE["sqs_request"]
        per_million["WebSocket messages"] += stage.posts * per * 1e6 * PRICE["websocket_message"]
        per_million["Lambda"] += invocations * 1e6 * (PRICE["lambda_request"] + billed_seconds(duration)
                                                      * LAMBDA_MEMORY_GB * PRICE["lambda_gb_second"])
        if stage.sqs.get("SendMessageBatch") or stage.sqs.get("SendMessage"):
            sent = (stage.sqs.get("SendMessageBatch", 0) + stage.sqs.get("SendMessage", 0)) * per
            per_million["SQS"] += sent * SQS_POLLS_PER_MESSAGE * 1e6 * PRICE["sqs_request"]  # the consumer's polls
    per_million["WebSocket messages"] += 1e6 * PRICE["websocket_message"]  # the visitor's inbound frame
    per_million["WebSocket connection minutes"] += CONNECTION_MINUTES_PER_MESSAGE * 1e6 * PRICE[
        "websocket_connection_minute"]
    print(f"\n{'item':<30}{'USD per 1M messages':>20}")
    for item, dollars in per_million.most_common():
        print(f"{item:<30}{dollars:>20.2f}")
    print(f"{'total':<30}{sum(per_million.values()):>20.2f}")
    print(f"Assumed: AWS round trips {AWS_ROUND_TRIP_SECONDS} s added to each handler's own time; "
          f"{CONNECTION_MINUTES_PER_MESSAGE} connection-minutes per message; SQS consumer polls "
          f"{SQS_POLLS_PER_MESSAGE} per message queued; {int(LAMBDA_MEMORY_GB * 1024)} MB functions; no free tier.")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20)
    args = parser.parse_args()
    print_costs(measure(args.messages), args.messages)


if __name__ == "__main__":
    main()
