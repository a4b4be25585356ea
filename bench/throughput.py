"""Messages per second the local stack sustains, and which process saturates.

N visitors, each on its own site with its own agent (so each message has one agent to reach), send
in a closed loop over real WebSockets: a visitor sends its next message once its agent has the last
one. Run for a fixed time at N = 20 and N = 100; prints delivered messages per second, p50/p99
delivery, and the CPU of the stack process (gateway, app and moto share it) and of this client
process, as a share of one core: a process near 100% of one core is the GIL-bound bottleneck.

    .venv/bin/python bench/throughput.py [--seconds 15] [--visitors 20,100]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import percentile  # noqa: E402

PASSWORD = "bench-demo-password"  # local bench only


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def provision_pairs(url: str, count: int, tag: str) -> list[dict[str, str]]:
    """`count` sites, each with one agent (logged in) and one visitor; their tokens."""
    import requests

    session = requests.Session()
    admin = session.post(f"{url}/api/v1/auth/support/login", json={
        "username": "admin", "password": PASSWORD, "site_id": "site_demo"}, timeout=30).json()["data"]["token"]
    headers = {"Authorization": f"Bearer {admin}"}
    pairs = []
    for i in range(count):
        site = f"site_{tag}{i}"
        session.post(f"{url}/api/v1/admin/sites", json={"site_id": site, "name": f"Bench {i}"}, headers=headers,
                     timeout=30).raise_for_status()
        session.post(f"{url}/api/v1/admin/agents", json={"username": f"agent_{tag}{i}", "password": PASSWORD,
                                                        "site_ids": [site]}, headers=headers,
                     timeout=30).raise_for_status()
        agent = session.post(f"{url}/api/v1/auth/support/login", json={
            "username": f"agent_{tag}{i}", "password": PASSWORD, "site_id": site}, timeout=30).json()["data"]["token"]
        visitor = session.post(f"{url}/api/v1/visitors", json={
            "site_id": site, "visitor_id": f"v_{tag}{i}", "name": "Bench"}, timeout=30).json()["data"]
        pairs.append({"site": site, "agent": agent, "visitor": visitor["session_token"], "visitor_id": f"v_{tag}{i}"})
    return pairs


async def run_pairs(ws_url: str, pairs: list[dict[str, str]], seconds: float,
                    on_start: Callable[[], None]) -> tuple[list[float], int, float]:
    """Connect every pair, then (after `on_start()`) let all visitors send for `seconds`.
    Returns latencies, lost, elapsed."""
    from websockets.asyncio.client import connect

    latencies: list[float] = []
    lost = 0
    connected = 0
    all_connected, go = asyncio.Event(), asyncio.Event()
    deadline = [0.0]

    async def one(pair: dict[str, str]) -> None:
        nonlocal lost, connected
        agent_q = urlencode({"site_id": pair["site"], "role": "support", "token": pair["agent"]})
        visitor_q = urlencode({"site_id": pair["site"], "role": "visitor", "token": pair["visitor"],
                               "visitor_id": pair["visitor_id"]})
        async with connect(f"{ws_url}/ws?{agent_q}", open_timeout=120) as agent, \
                connect(f"{ws_url}/ws?{visitor_q}", open_timeout=120, max_queue=None) as widget:
            connected += 1
            if connected == len(pairs):
                all_connected.set()
            await go.wait()
            n = 0
            while time.monotonic() < deadline[0]:
                body = f"{pair['visitor_id']} message {n}"
                n += 1
                sent = time.perf_counter()
                await widget.send(json.dumps({"type": "message", "message": body}))
                try:
                    while True:
                        frame = json.loads(await asyncio.wait_for(agent.recv(), timeout=30))
                        if frame.get("type") == "message" and frame.get("message") == body:
                            latencies.append(time.perf_counter() - sent)
                            break
                except asyncio.TimeoutError:
                    lost += 1

    tasks = [asyncio.create_task(one(pair)) for pair in pairs]
    await asyncio.wait_for(all_connected.wait(), timeout=300)
    started = time.monotonic()
    deadline[0] = started + seconds
    on_start()
    go.set()
    await asyncio.gather(*tasks)
    return latencies, lost, time.monotonic() - started


def measure(visitor_counts: list[int], seconds: float) -> None:
    from local.harness import StackProcess

    stack = StackProcess(env={"PARLEY_DEMO_ADMIN_PASSWORD": PASSWORD, "PARLEY_RATE_LIMITS": "off",
                              "POWERTOOLS_LOG_LEVEL": "WARNING"})
    stack.start(timeout=120)
    assert stack.process is not None
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        print(f"Throughput of the local stack (one process: gateway, app, moto), {seconds:.0f} s per row, "
              f"closed loop; load average {load} at start, {os.cpu_count()} CPUs")
        print(f"{'visitors':>8} {'msg/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'lost':>5} | "
              f"{'stack CPU':>9} {'client CPU':>10}  (share of one core)")
        for count in visitor_counts:
            pairs = provision_pairs(stack.url, count, f"t{count}_")
            cpu: dict[str, float] = {}
            pid = stack.process.pid

            def snapshot() -> None:
                cpu.update(stack=process_cpu_seconds(pid), client=time.process_time())

            latencies, lost, elapsed = asyncio.run(run_pairs(stack.ws_url, pairs, seconds, snapshot))
            stack_share = (process_cpu_seconds(pid) - cpu["stack"]) / elapsed
            client_share = (time.process_time() - cpu["client"]) / elapsed
            print(f"{count:>8} {len(latencies) / elapsed:>7.1f} {percentile(latencies, .5) * 1000:>7.0f} "
                  f"{percentile(latencies, .99) * 1000:>7.0f} {lost:>5} | {stack_share:>8.0%} {client_share:>10.0%}")
        print("CPU is over the timed run only (sockets open before it). A stack near 100% of one core is saturated: "
              "moto, the gateway and the handlers share one interpreter.")
    finally:
        stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--visitors", default="20,100")
    args = parser.parse_args()
    measure([int(n) for n in args.visitors.split(",")], args.seconds)


if __name__ == "__main__":
    main()
