"""1,000 events to a flaky webhook receiver on loopback, through the whole local stack.

Each event is a visitor registration (`visitor.created`), so it travels: REST ->
events queue -> events worker -> webhooks queue -> delivery worker (SQS pump) ->
HTTP POST to the receiver. The receiver fails the first 0-3 attempts of each
event (decided by a hash of its webhook-id, so ~1.5 failures an event on
average), with a mix of 500s, 503s and 429s. The retry schedule is shortened to
1 s steps (the deployed one spans ~28 h). Prints: delivered, duplicated (a
webhook-id accepted twice), lost (never accepted), dead-lettered, attempts per
event, and how long the queue took to drain.

    .venv/bin/python bench/webhooks.py [--events 1000]
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAILURE_STATUSES = (500, 503, 429)


def failures_for(webhook_id: str) -> int:
    return hashlib.sha256(webhook_id.encode()).digest()[0] % 4  # 0-3 failed attempts before success


def main() -> None:
    import requests

    from local.harness import StackProcess
    from tests.webhook_receiver import Receiver

    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()

    def respond(got, nth):  # type: ignore[no-untyped-def]
        wanted = failures_for(got.headers.get("webhook-id", ""))
        return (FAILURE_STATUSES[nth % len(FAILURE_STATUSES)], {}) if nth <= wanted else (200, {})

    receiver = Receiver(respond=respond).start()
    password = "bench-demo-password"  # local bench only
    stack = StackProcess(env={"PARLEY_DEMO_ADMIN_PASSWORD": password, "PARLEY_RATE_LIMITS": "off",
                              "PARLEY_WEBHOOK_RETRY_SCHEDULE": "0,1,1,1,1,1,1,1"})
    stack.start()
    try:
        session = requests.Session()
        admin = session.post(f"{stack.url}/api/v1/auth/support/login", timeout=10, json={
            "username": "admin", "password": password, "site_id": "site_demo"}).json()["data"]["token"]
        key = session.post(f"{stack.url}/api/v1/admin/sites/site_demo/api-keys", json={"name": "bench"},
                           headers={"Authorization": f"Bearer {admin}"}, timeout=10).json()["data"]["key"]
        hook = session.post(f"{stack.url}/v1/webhooks", headers={"Authorization": f"Bearer {key}"}, timeout=10,
                            json={"url": receiver.url, "events": ["visitor.created"]}).json()

        started = time.monotonic()

        def register(i: int) -> int:
            return requests.post(f"{stack.url}/api/v1/visitors", timeout=30, json={
                "site_id": "site_demo", "visitor_id": f"v_bench_{i}", "name": f"Visitor {i}"}).status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = Counter(pool.map(register, range(args.events)))
        raised = time.monotonic() - started

        def accepted() -> set[str]:
            return {r.headers["webhook-id"] for r in list(receiver.requests)
                    if len(receiver.with_id(r.headers["webhook-id"])) > failures_for(r.headers["webhook-id"])}

        deadline = time.monotonic() + 900
        while len(accepted()) < args.events and time.monotonic() < deadline:
            time.sleep(0.5)
        drained = time.monotonic() - started
        time.sleep(3)  # duplicates, if any, would arrive now

        per_id = Counter(r.headers["webhook-id"] for r in receiver.requests)
        successes = Counter()
        for webhook_id, count in per_id.items():
            successes[webhook_id] = max(0, count - failures_for(webhook_id))
        delivered = sum(1 for n in successes.values() if n >= 1)
        duplicated = sum(1 for n in successes.values() if n > 1)
        deliveries = session.get(f"{stack.url}/v1/webhooks/{hook['id']}/deliveries?limit=100",
                                 headers={"Authorization": f"Bearer {key}"}, timeout=10).json()["data"]
        dead = sum(1 for d in deliveries if d["status"] == "dead_lettered")
        print(f"webhook delivery through the local stack: {args.events} events (visitor.created), receiver fails "
              f"the first 0-3 attempts of each (500/503/429), retries 1 s apart")
        print(f"  registrations answered: {dict(statuses)} in {raised:.1f} s")
        print(f"  delivered: {delivered}   duplicated: {duplicated}   lost: {args.events - delivered}   "
              f"dead-lettered (in the latest 100 log rows): {dead}")
        print(f"  POSTs received: {len(receiver.requests)} (expected {sum(failures_for(i) + 1 for i in per_id)} "
              f"for these ids); attempts per event: {dict(sorted(Counter(per_id.values()).items()))}")
        print(f"  all delivered {drained:.1f} s after the first event was raised")
    finally:
        stack.stop()
        receiver.stop()


if __name__ == "__main__":
    main()
