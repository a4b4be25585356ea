"""Load with a checker: N visitors x M messages against the local stack, agents listening.

Every visitor registers (seed 000's widget API), opens its conversation, keeps its own socket
open, and sends M messages over REST (`POST /api/v1/messages`, an `Idempotency-Key` each): a
201 is the acknowledgement. A agent sockets of the site listen to everything. Midway, a share
of the visitors drop their socket, keep sending, then reconnect and resync with
`get_state {last_seq}` as the widget does.

The checker, in the spirit of Jepsen's total-queue: every acknowledged message must reach every
recipient socket (each agent socket, and its visitor's socket) exactly once, live or recovered by
the resync, and live frames of a conversation must arrive in sequence order. It prints sent,
delivered, recovered, lost, duplicated, out-of-order, delivery latency (visitor's send -> first
agent socket, p50/p99) and messages/s, and exits 1 on any lost, duplicated or out-of-order.

    .venv/bin/python bench/load.py                       # its own local stack (rate limits off)
    .venv/bin/python bench/load.py --base http://127.0.0.1:8000 --admin-password ...  # a running one
    .venv/bin/python bench/load.py --visitors 200 --messages 50
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parents[1]
SITE = "site_demo"
OPEN_TIMEOUT = 60  # seconds: under load the local stack's handshakes queue behind its moto
LOCAL_ONLY_PASSWORD = "load-demo-admin-password"  # LOCAL ONLY: the throwaway stack this tool starts


@dataclass
class Listener:
    """One recipient socket: what reached it live (in order) and what a resync recovered."""
    name: str
    only: str | None = None  # a visitor's socket hears its own conversation; an agent's, every one
    live: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    recovered: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    arrivals: dict[tuple[str, int], float] = field(default_factory=dict)

    def take(self, frame: dict[str, Any]) -> None:
        if frame.get("type") == "message" and frame.get("seq") is not None:
            key = (frame["conversation_id"], int(frame["seq"]))
            self.live[key[0]].append(key[1])
            self.arrivals.setdefault(key, time.perf_counter())
        elif frame.get("type") == "state" and frame.get("conversation"):
            conversation_id = frame["conversation"]["id"]
            seen = set(self.live[conversation_id])
            self.recovered[conversation_id] |= {int(m["seq"]) for m in frame["messages"]} - seen

    def last_seq(self, conversation_id: str) -> int:
        return max(self.live[conversation_id], default=0)


@dataclass
class Sent:
    conversation_id: str
    seq: int
    at: float


class Http:
    """requests in a thread pool: the stack's REST API as a widget would call it."""

    def __init__(self, base: str, workers: int) -> None:
        self.base, self.pool, self.session = base, ThreadPoolExecutor(workers), requests.Session()

    async def post(self, path: str, body: dict[str, Any], **headers: str) -> dict[str, Any]:
        def call() -> dict[str, Any]:
            response = self.session.post(self.base + path, json=body, headers=headers, timeout=30)
            if response.status_code not in (200, 201):
                raise RuntimeError(f"POST {path} -> {response.status_code} {response.text[:200]}")
            return response.json()["data"]
        return await asyncio.get_running_loop().run_in_executor(self.pool, call)


async def listen(ws: Any, listener: Listener, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            raw = await asyncio.wait_for(ws.recv(), timeout=0.2)
        except TimeoutError:
            continue
        except ConnectionClosed:
            return
        listener.take(json.loads(raw))


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.http = Http(args.base, workers=min(64, args.visitors + 4))
        self.ws_base = args.base.replace("http", "ws", 1) + "/ws?"
        self.sent: list[Sent] = []
        self.listeners: list[Listener] = []
        self.stop = asyncio.Event()
        self.reconnects = 0

    async def agent_sockets(self) -> list[asyncio.Task[None]]:
        login = await self.http.post("/api/v1/auth/support/login",
                                     {"username": "admin", "password": self.args.admin_password, "site_id": SITE})
        tasks = []
        for i in range(self.args.agents):
            listener = Listener(f"agent-{i}")
            self.listeners.append(listener)
            ws = await connect(self.ws_base + urlencode({"site_id": SITE, "role": "support", "token": login["token"]}),
                               open_timeout=OPEN_TIMEOUT)
            tasks.append(asyncio.create_task(self._hold(ws, listener)))
        return tasks

    async def _hold(self, ws: Any, listener: Listener) -> None:
        async with ws:
            await listen(ws, listener, self.stop)

    async def visitor(self, n: int) -> None:
        await asyncio.sleep(n * self.args.ramp_ms / 1000)  # visitors arrive one after another, not all at once
        visitor_id = f"v_load_{uuid.uuid4().hex[:10]}"
        session = await self.http.post("/api/v1/visitors", {"site_id": SITE, "visitor_id": visitor_id,
                                                            "name": f"Load {n}"})
        token = session["session_token"]
        conversation = await self.http.post("/api/v1/conversations", {"site_id": SITE, "visitor_id": visitor_id},
                                            **{"X-Visitor-Token": token})
        conversation_id = conversation["id"]
        listener = Listener(f"visitor-{n}", only=conversation_id)
        self.listeners.append(listener)
        query = self.ws_base + urlencode({"site_id": SITE, "role": "visitor", "token": token, "visitor_id": visitor_id})
        drops = n < self.args.visitors * self.args.reconnect_share
        ws = await connect(query, open_timeout=OPEN_TIMEOUT)
        reader = asyncio.create_task(listen(ws, listener, self.stop))
        for i in range(self.args.messages):
            if drops and i == self.args.messages // 2:
                await ws.close()  # the network drops; the visitor keeps writing over REST
                await reader
                self.reconnects += 1
            started = time.perf_counter()
            message = await self.http.post(
                "/api/v1/messages", {"conversation_id": conversation_id, "content": f"visitor {n} says {i}",
                                     "type": "text"},
                **{"X-Visitor-Token": token, "Idempotency-Key": f"{visitor_id}-{i}"})
            self.sent.append(Sent(conversation_id, int(message["seq"]), started))
            if drops and i == self.args.messages // 2 + 1:  # back online: reconnect and resync
                ws = await connect(query, open_timeout=OPEN_TIMEOUT)
                reader = asyncio.create_task(listen(ws, listener, self.stop))
                await ws.send(json.dumps({"type": "get_state", "conversation_id": conversation_id,
                                          "last_seq": listener.last_seq(conversation_id)}))
            await asyncio.sleep(random.uniform(0, self.args.think_ms / 1000))
        await self.stop.wait()
        reader.cancel()
        await ws.close()

    def expected_everywhere(self) -> int:
        return len(self.sent) * (self.args.agents + 1)

    def delivered_everywhere(self) -> int:
        return sum(len(set(seqs)) for listener in self.listeners for seqs in listener.live.values()) + \
            sum(len(r) for listener in self.listeners for r in listener.recovered.values())

    async def go(self) -> float:
        agents = await self.agent_sockets()
        started = time.perf_counter()
        visitors = [asyncio.create_task(self.visitor(n)) for n in range(self.args.visitors)]
        while len(self.sent) < self.args.visitors * self.args.messages:
            if any(v.done() and v.exception() for v in visitors):
                raise next(v.exception() for v in visitors if v.done() and v.exception())  # type: ignore[misc]
            await asyncio.sleep(0.05)
        sending = time.perf_counter() - started
        deadline = time.monotonic() + self.args.settle_seconds  # let the last pushes land
        while time.monotonic() < deadline and self.delivered_everywhere() < self.expected_everywhere():
            await asyncio.sleep(0.1)
        self.stop.set()
        await asyncio.gather(*visitors, *agents, return_exceptions=True)
        return sending


def check(run: Run) -> dict[str, Any]:
    """The total-queue check over what each recipient socket got."""
    by_conversation: dict[str, list[Sent]] = defaultdict(list)
    for s in run.sent:
        by_conversation[s.conversation_id].append(s)
    figures = dict(sent=len(run.sent), deliveries_expected=0, delivered_live=0, recovered=0, lost=0,
                   duplicated=0, out_of_order=0)
    for listener in run.listeners:
        conversations = [listener.only] if listener.only else list(by_conversation)
        for conversation_id in conversations:
            live = listener.live.get(conversation_id, [])
            acked = {s.seq for s in by_conversation[conversation_id]}
            got_live = [seq for seq in live if seq in acked]
            figures["deliveries_expected"] += len(acked)
            figures["delivered_live"] += len(set(got_live))
            figures["duplicated"] += len(got_live) - len(set(got_live))
            figures["out_of_order"] += sum(1 for a, b in zip(got_live, got_live[1:]) if b < a)
            recovered = (listener.recovered.get(conversation_id, set()) & acked) - set(got_live)
            figures["recovered"] += len(recovered)
            figures["lost"] += len(acked - set(got_live) - recovered)
    first_agent = next(listener for listener in run.listeners if listener.name == "agent-0")
    latencies = sorted((first_agent.arrivals[(s.conversation_id, s.seq)] - s.at) * 1000 for s in run.sent
                       if (s.conversation_id, s.seq) in first_agent.arrivals)
    figures["latency_ms_p50"] = round(statistics.median(latencies), 1) if latencies else None
    figures["latency_ms_p99"] = round(latencies[int(0.99 * (len(latencies) - 1))], 1) if latencies else None
    return figures


def own_stack() -> Any:
    sys.path.insert(0, str(ROOT))
    from local.harness import StackProcess
    stack = StackProcess(env={"PARLEY_DEMO_ADMIN_PASSWORD": LOCAL_ONLY_PASSWORD, "PARLEY_RATE_LIMITS": "off"})
    stack.start()
    return stack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visitors", type=int, default=20)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--agents", type=int, default=2, help="agent sockets listening to the site")
    parser.add_argument("--reconnect-share", type=float, default=0.2, help="share of visitors whose socket drops")
    parser.add_argument("--think-ms", type=float, default=20.0, help="a visitor's pause between messages, at most")
    parser.add_argument("--settle-seconds", type=float, default=20.0)
    parser.add_argument("--ramp-ms", type=float, default=50.0, help="delay between two visitors' arrivals")
    parser.add_argument("--base", help="a running stack (else this tool starts its own, rate limits off)")
    parser.add_argument("--admin-password", default=LOCAL_ONLY_PASSWORD)
    args = parser.parse_args(argv)
    stack = None
    if not args.base:
        stack = own_stack()
        args.base = stack.url
    try:
        run = Run(args)
        sending = asyncio.run(run.go())
    finally:
        if stack is not None:
            stack.stop()
    figures = check(run)
    figures.update(visitors=args.visitors, messages_each=args.messages, agent_sockets=args.agents,
                   reconnects=run.reconnects, messages_per_second=round(len(run.sent) / sending, 1))
    print(json.dumps(figures))
    bad = figures["lost"] + figures["duplicated"] + figures["out_of_order"]
    if figures["sent"] != args.visitors * args.messages or figures["deliveries_expected"] == 0:
        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
