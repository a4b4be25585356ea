"""Realtime fan-out: what one message costs, and how fast it reaches the agent.

Part 1 (in-process, moto): for 1, 10 and 100 recipients among 100, 1,000 and
10,000 unrelated live connection records, one visitor message's DynamoDB
requests, items read and @connections posts — for the send itself and for its
fan-out. The unrelated records sit in other sites' audiences, so the fan-out
figures must not move with them. Posts are counted, not sent. Then, on the same
moto and the same connection counts, the AWS sample chat app's algorithm (one
Scan of the connections table, a post to every connection; bench/reference_chat.py)
beside Parley's fan-out to 10 recipients: items read, requests, posts and time
per message (median of 5, in-process moto, so read the ratio, not the ms).

Part 2 (the local stack, real sockets): visitor -> agent delivery latency, from
the visitor's WebSocket `message` frame to the agent's `message` frame, p50/p99
over N messages, next to the HTTP /health round trip on the same machine; once
back to back (each send shares the one process with the previous message's
outbox stream handler and analysis) and once with a pause between messages.

    .venv/bin/python bench/fanout.py [--messages 200] [--skip-latency]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _in_process_env() -> None:
    os.environ.update(PARLEY_STAGE="local", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                      AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1", PARLEY_RATE_LIMITS="off",
                      PARLEY_JWT_SECRET="bench-only-signing-secret-0123456789abcdef")
    os.environ.pop("AWS_ENDPOINT_URL", None)


class Meter:
    """Counts DynamoDB requests and the items they read, at the botocore call."""

    def __init__(self) -> None:
        import botocore.client

        self.requests: Counter[str] = Counter()
        self.items_read = 0
        original = botocore.client.BaseClient._make_api_call
        meter = self

        def counting(client, operation, params):  # type: ignore[no-untyped-def]
            response = original(client, operation, params)
            if client.meta.service_model.service_name == "dynamodb":
                meter.requests[operation] += 1
                if operation in ("Query", "Scan"):
                    meter.items_read += int(response.get("Count", 0))
                elif operation == "GetItem":
                    meter.items_read += 1 if response.get("Item") else 0
                elif operation == "BatchGetItem":
                    meter.items_read += sum(len(v) for v in response.get("Responses", {}).values())
            return response

        botocore.client.BaseClient._make_api_call = counting

    def reset(self) -> None:
        self.requests.clear()
        self.items_read = 0

    def summary(self) -> tuple[int, int, str]:
        ops = ", ".join(f"{op} x{n}" if n > 1 else op for op, n in sorted(self.requests.items()))
        return sum(self.requests.values()), self.items_read, ops


REPEATS = 5  # messages timed per row; the median is printed


def median_seconds(action: Callable[[], object]) -> float:
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def counts(unrelated_sizes: list[int], recipient_counts: list[int]) -> None:
    _in_process_env()
    meter = Meter()
    from moto import mock_aws

    from chalicelib import dispatch, realtime
    from chalicelib.domain import inbox, messaging
    from chalicelib.integrations import sockets as sender
    from chalicelib.model.identity import Agent, VisitorPrincipal
    from chalicelib.settings import get_settings
    from chalicelib.store import tenants, visitors
    from chalicelib.store.models import LiveConnection, Subscription
    from local.provision import provision

    from bench import reference_chat

    realtime.install()  # the fan-out and seed 000's dialect; deferred listeners are not installed
    posts = Counter[str]()
    sender.send = lambda endpoint, connection_id, data: posts.update([connection_id]) or True  # type: ignore

    def bulk_connections(prefix: str, n: int, site_for: callable, role: str) -> None:  # type: ignore[valid-type]
        with LiveConnection.batch_write() as batch:
            for i in range(n):
                cid, site = f"{prefix}{i}", site_for(i)
                batch.save(LiveConnection(pk=cid, sk="#conn", dialect="console", endpoint="http://bench",
                                          site_id=site, role=role, principal_id=f"{prefix}p{i}",
                                          connected_at=_now(), expires_at=_later()))
                for audience in (f"site#{site}#agents" if role == "agent" else f"site#{site}#visitors",
                                 f"agent#{prefix}p{i}" if role == "agent" else f"visitor#{site}#{prefix}p{i}"):
                    batch.save(Subscription(pk=cid, sk=f"aud#{audience}", audience=audience, dialect="console",
                                            endpoint="http://bench", role=role, principal_id=f"{prefix}p{i}",
                                            expires_at=_later()))

    print("Fan-out of one visitor message (in-process moto; posts counted, not sent)")
    print(f"{'unrelated':>9} {'recipients':>10} | {'send: req':>9} {'read':>5} | {'fan-out: req':>12} {'read':>5} "
          f"{'posts':>5} | fan-out requests")
    side_by_side = []
    for unrelated in unrelated_sizes:
        with mock_aws():
            provision(get_settings())
            tenants.create_site_if_absent("site_a", "A")
            bulk_connections("other", unrelated, lambda i: f"site_other{i % 50}", "agent")
            for recipients in recipient_counts:
                visitor_id = f"v{recipients}"
                visitors.register("site_a", visitor_id, "Vera", None, {})
                principal = VisitorPrincipal(site_id="site_a", visitor_id=visitor_id)
                # One visitor tab, and the site's agents make up the rest of the recipients.
                with Subscription.batch_write() as batch:
                    for audience in ("site#site_a#visitors", f"visitor#site_a#{visitor_id}"):
                        batch.save(Subscription(pk=f"tab{recipients}", sk=f"aud#{audience}", audience=audience,
                                                dialect="console", endpoint="http://bench", role="visitor",
                                                principal_id=visitor_id, expires_at=_later()))
                bulk_connections(f"agent{recipients}_", recipients - 1, lambda i: "site_a", "agent")
                # Fan-out sends only to agents who are still members of the site: make them members.
                for i in range(recipients - 1):
                    tenants.create_agent(Agent(agent_id=f"agent{recipients}_p{i}", username=f"a{recipients}x{i}",
                                               email=None, role="support_agent", site_ids=("site_a",),
                                               status="online", created_at=_now()), "bench-not-a-hash")
                conversation = inbox.open_conversation(principal, "site_a", visitor_id).conversation
                for i in range(3):  # warm-up
                    messaging.send(principal, conversation.conversation_id, kind="text", content=f"w{i}")
                meter.reset()
                sent = messaging.send(principal, conversation.conversation_id, kind="text", content="Where is it?")
                send_req, send_read, _ = meter.summary()
                meter.reset()
                posts.clear()
                dispatch.publish(sent.events)
                fan_req, fan_read, ops = meter.summary()
                fan_posts = sum(posts.values())
                print(f"{unrelated:>9} {recipients:>10} | {send_req:>9} {send_read:>5} | {fan_req:>12} {fan_read:>5} "
                      f"{fan_posts:>5} | {ops}")
                if recipients == REFERENCE_RECIPIENTS:
                    ours_seconds = median_seconds(lambda: dispatch.publish(sent.events))
                    ours = (fan_req, fan_read, fan_posts, ours_seconds)
                # Retire this round's agents so the next round's recipients are exactly its own.
                with Subscription.batch_write() as batch:
                    for item in Subscription.audience_index.query("site#site_a#agents"):
                        batch.delete(item)
            # The reference holds every live socket in one table: the same count of connections.
            reference_chat.create_table(unrelated)
            meter.reset()
            posts.clear()
            reference_chat.send_message(sender.send, b'{"message": "Where is it?"}')
            ref_req, ref_read, _ = meter.summary()
            reference = (ref_req, ref_read, sum(posts.values()),
                         median_seconds(lambda: reference_chat.send_message(sender.send, b"{}")))
            reference_chat.drop_table()
            side_by_side.append((unrelated, ours, reference))
    _print_side_by_side(side_by_side)


REFERENCE_RECIPIENTS = 10


def _print_side_by_side(rows: list[tuple[int, tuple[int, int, int, float], tuple[int, int, int, float]]]) -> None:
    print(f"\nSide by side with the AWS sample chat app (one Scan + a post to every connection), "
          f"one message, Parley to {REFERENCE_RECIPIENTS} recipients")
    print(f"{'connections':>11} {'algorithm':<10} | {'requests':>8} {'items read':>10} {'posts':>6} {'ms/message':>10}")
    for connections, ours, reference in rows:
        for name, (requests_, read, posted, seconds) in (("parley", ours), ("reference", reference)):
            print(f"{connections:>11} {name:<10} | {requests_:>8} {read:>10} {posted:>6} {seconds * 1000:>10.1f}")
        print(f"{'':>11} {'ratio':<10} | {reference[0] / max(ours[0], 1):>7.1f}x {reference[1] / max(ours[1], 1):>9.1f}x "
              f"{reference[2] / max(ours[2], 1):>5.1f}x {reference[3] / ours[3]:>9.1f}x   (reference / parley)")
    print("ms/message is moto's: it answers an index Query by walking the whole table, so Parley's time grows with "
          "unrelated connections here although its items read do not; DynamoDB bills (and spends time) by items read.")


def _now():  # type: ignore[no-untyped-def]
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def _later():  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return _now() + timedelta(hours=2)


def latency(messages: int, pause: float = 0.0) -> None:
    import requests
    from websockets.sync.client import connect

    from bench.timing import health_round_trips, percentile
    from local.harness import StackProcess

    password = "bench-demo-password"  # local bench only
    stack = StackProcess(env={"PARLEY_DEMO_ADMIN_PASSWORD": password, "PARLEY_RATE_LIMIT_MESSAGES": "100000"})
    stack.start()
    try:
        session = requests.Session()
        http = health_round_trips(session, stack.url)
        token = session.post(f"{stack.url}/api/v1/auth/support/login", json={
            "username": "admin", "password": password, "site_id": "site_demo"}, timeout=10).json()["data"]["token"]
        visitor_id = f"v_{uuid.uuid4().hex[:8]}"
        vtoken = session.post(f"{stack.url}/api/v1/visitors", json={
            "site_id": "site_demo", "visitor_id": visitor_id, "name": "Bench"}, timeout=10).json()["data"]["session_token"]
        agent_q = urlencode({"site_id": "site_demo", "role": "support", "token": token})
        visitor_q = urlencode({"site_id": "site_demo", "role": "visitor", "token": vtoken, "visitor_id": visitor_id})
        samples, lost = [], 0
        with connect(f"{stack.ws_url}/ws?{agent_q}", open_timeout=5) as agent, \
                connect(f"{stack.ws_url}/ws?{visitor_q}", open_timeout=5, max_queue=None) as widget:  # its own echoes stay unread
            for i in range(messages + 20):
                time.sleep(pause)  # --pause: let the previous message's deferred work (outbox, analysis) finish
                body = f"bench message {i}"
                started = time.perf_counter()
                widget.send(json.dumps({"type": "message", "message": body}))
                while True:
                    try:
                        frame = json.loads(agent.recv(timeout=10))
                    except TimeoutError:
                        lost += 1
                        break
                    if frame.get("type") == "message" and frame.get("message") == body:
                        if i >= 20:  # the first 20 warm up
                            samples.append(time.perf_counter() - started)
                        break
    finally:
        stack.stop()
    ms = lambda s: s * 1000  # noqa: E731
    print(f"\nVisitor -> agent delivery on the local stack ({len(samples)} messages, {lost} lost)")
    print(f"  WebSocket message frame -> agent's message frame: p50 {ms(percentile(samples, .5)):.2f} ms, "
          f"p99 {ms(percentile(samples, .99)):.2f} ms, mean {ms(statistics.mean(samples)):.2f} ms")
    print(f"  HTTP GET /health round trip: p50 {ms(percentile(http, .5)):.2f} ms")
    print(f"  delivery p50 / HTTP p50 = {percentile(samples, .5) / percentile(http, .5):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--unrelated", default="100,1000,10000")
    parser.add_argument("--idle-messages", type=int, default=40,
                        help="a second latency run, one message every --pause seconds")
    parser.add_argument("--pause", type=float, default=1.5)
    args = parser.parse_args()
    counts([int(n) for n in args.unrelated.split(",")], [1, 10, 100])
    if not args.skip_latency:
        latency(args.messages)  # back to back: each send meets the previous one's outbox and analysis work
        if args.idle_messages:
            print(f"  (the same, one message every {args.pause} s: the previous message's deferred work is done)")
            latency(args.idle_messages, pause=args.pause)


if __name__ == "__main__":
    main()
