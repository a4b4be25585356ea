"""Load with a checker: N visitors x M messages against the local stack, on every realtime dialect.

Visitors come in three kinds, one per realtime dialect (`--mix`, default two 000 for one 004 and
one 001); all of them write to the demo site, whose agents listen:

- seed 000: registers (`POST /api/v1/visitors`), opens a conversation, keeps its own `/ws` socket
  and sends over `POST /api/v1/messages` (an `Idempotency-Key` each): the 201 acknowledges.
- seed 004: starts (`POST /api/v1/customer/conversations/start`), keeps its own customer socket
  (`/api/v1/realtime/ws?role=customer`) and sends over `POST .../conversations/{id}/messages` (a
  `client_message_id` each): the 201 acknowledges the message and the bot's replies it carries.
- seed 001: starts a session (`POST /chat/start-session/`), keeps its own `/ws/visitor-chat/`
  socket and sends `text` frames on it: its own socket's echo (with the seq) acknowledges, one
  frame at a time; an agent of the business joins the session's socket too (001 sockets are per
  session: no site-wide 001 socket exists).

Agent sockets that follow every conversation: `--agents` seed 000 console sockets of the site,
and `--agents-004` seed 004 agent sockets that `subscribe` to each conversation as it is opened
(before its first message). Midway, a share of each kind's visitors lose a socket, keep writing,
then reconnect and resync as that dialect's client does: 000 `get_state {last_seq}`, 004 the
customer socket's `last_seq` replay, 001 the session's agent socket (a 001 visitor writes on its
socket, so it is the agent's that drops) reads `GET /chat/history/{session_id}/`.

The checker, in the spirit of Jepsen's total-queue: every acknowledged message must reach every
recipient socket (each agent socket, the visitor's own, the session's 001 agent socket) exactly
once, live or recovered by the resync, and live frames of a conversation must arrive in sequence
order. It prints one JSON line: sent, deliveries expected, delivered, recovered, lost, duplicated,
out-of-order, delivery latency (send -> first agent socket, p50/p99), messages/s, and the same
figures per dialect under `dialects`; it exits 1 on any lost, duplicated or out-of-order.

    .venv/bin/python bench/load.py                       # its own local stack (rate limits off)
    .venv/bin/python bench/load.py --base http://127.0.0.1:8000 --admin-password ...  # a running one
    .venv/bin/python bench/load.py --visitors 200 --messages 50 --mix 000:1   # seed 000 only
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
from typing import Any, Callable
from urllib.parse import urlencode

import requests
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parents[1]
SITE = "site_demo"
DIALECTS = ("000", "001", "004")
OPEN_TIMEOUT = 60  # seconds: under load the local stack's handshakes queue behind its moto
ACK_TIMEOUT = 60  # seconds a 001 visitor waits for its frame's echo, a 004 agent for system.subscribed
LOCAL_ONLY_PASSWORD = "load-demo-admin-password"  # LOCAL ONLY: the throwaway stack this tool starts


@dataclass
class Listener:
    """One recipient socket: what reached it live (in order), what a resync replayed over the socket
    (seed 004's customer), and what a resync read showed (000's `state`, 001's history, by REST)."""
    name: str
    dialect: str
    only: str | None = None  # a visitor's or a 001 session's socket hears one conversation; an agent's, all
    live: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    replayed: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    read: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    arrivals: dict[tuple[str, int], float] = field(default_factory=dict)
    said: dict[str, int] = field(default_factory=dict)  # 001: a text frame's content -> its seq
    subscribed: set[str] = field(default_factory=set)  # 004 agents: conversations confirmed
    replaying: bool = False  # 004 customer: the frames after a reconnect, until the resync is done
    opened: bool = False  # the dialect's first frame came (system.connected, connection_established)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def take(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "message" and frame.get("seq") is not None:  # 000
            self._heard(frame["conversation_id"], frame["seq"])
        elif kind == "message.created":  # 004
            self._heard(frame["data"]["conversation_id"], frame["data"]["message"]["seq"])
        elif kind in ("text", "file") and frame.get("seq") is not None and self.only:  # 001: one session
            self._heard(self.only, frame["seq"])
            self.said.setdefault(str(frame.get("content")), int(frame["seq"]))
        elif kind == "state" and frame.get("conversation"):  # 000: the answer to get_state
            self.resynced(frame["conversation"]["id"], [m["seq"] for m in frame["messages"]])
        elif kind == "system.subscribed":
            self.subscribed.add(frame["data"]["conversation_id"])
        elif kind in ("system.connected", "connection_established"):
            self.opened = True
        elif kind in ("error", "system.error"):
            self.errors.append(frame)

    def _heard(self, conversation_id: str, seq: Any) -> None:
        key = (conversation_id, int(seq))
        (self.replayed if self.replaying else self.live)[conversation_id].append(key[1])
        self.arrivals.setdefault(key, time.perf_counter())

    def resynced(self, conversation_id: str, seqs: list[Any]) -> None:
        self.read[conversation_id] |= {int(s) for s in seqs}

    def seen(self, conversation_id: str) -> set[int]:
        return set(self.live[conversation_id]) | set(self.replayed[conversation_id])

    def last_seq(self, conversation_id: str) -> int:
        return max(self.seen(conversation_id), default=0)


@dataclass
class AgentSocket:
    """A seed 004 agent socket: its subscriptions go through `ws`, replaced when it reconnects."""
    ws: Any
    listener: Listener


@dataclass
class Sent:
    conversation_id: str
    seq: int
    at: float
    dialect: str = "000"  # the kind of visitor that wrote it
    by: str = "visitor"  # or "bot": seed 004's replies, acknowledged in the same 201


class Http:
    """requests in a thread pool: the stack's REST API as a widget would call it. Answers the JSON
    body as it is (000 and 001 wrap it in `data`, 004 does not)."""

    def __init__(self, base: str, workers: int) -> None:
        self.base, self.pool, self.session = base, ThreadPoolExecutor(workers), requests.Session()

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
        def call() -> Any:
            response = self.session.request(method, self.base + path, json=body, headers=headers, timeout=30)
            if response.status_code not in (200, 201):
                raise RuntimeError(f"{method} {path} -> {response.status_code} {response.text[:200]}")
            return response.json()
        return await asyncio.get_running_loop().run_in_executor(self.pool, call)

    async def post(self, path: str, body: dict[str, Any], **headers: str) -> Any:
        return await self.call("POST", path, body, **headers)


async def listen(ws: Any, listener: Listener, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            raw = await asyncio.wait_for(ws.recv(), timeout=0.2)
        except TimeoutError:
            continue
        except ConnectionClosed:
            return
        listener.take(json.loads(raw))


async def until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def parse_mix(text: str) -> list[str]:
    """`000:2,004:1,001:1` -> the kinds of visitors in arrival order, round-robin by weight."""
    cycle: list[str] = []
    for part in text.split(","):
        dialect, _, weight = part.strip().partition(":")
        if dialect not in DIALECTS or not (weight or "1").isdigit():
            raise argparse.ArgumentTypeError(f"--mix: {part!r} is not DIALECT:WEIGHT with DIALECT in {DIALECTS}")
        cycle += [dialect] * int(weight or "1")
    if not cycle:
        raise argparse.ArgumentTypeError("--mix names no dialect")
    return cycle


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.http = Http(args.base, workers=min(64, args.visitors + 4))
        self.ws_root = args.base.replace("http", "ws", 1)
        self.sent: list[Sent] = []
        self.listeners: list[Listener] = []
        self.agents_004: list[AgentSocket] = []
        self.followed: list[str] = []  # conversations the 004 agent sockets subscribed to, in order
        self.subscribing = asyncio.Lock()  # a reconnecting 004 agent socket re-subscribes before new ones follow
        self.agent_token = self.agent_token_004 = ""
        self.tasks: list[asyncio.Task[None]] = []  # agent sockets' readers
        self.stop = asyncio.Event()
        self.reconnects: dict[str, int] = defaultdict(int)
        self.sending: dict[str, float] = defaultdict(float)
        self.started = time.perf_counter()
        cycle = parse_mix(args.mix)
        self.kinds = [cycle[n % len(cycle)] for n in range(args.visitors)]

    def drops(self, n: int) -> bool:
        """The first share of each kind's visitors lose a socket midway (at least one when share > 0)."""
        kind = self.kinds[n]
        of_kind = self.kinds.count(kind)
        index = self.kinds[:n].count(kind)
        return self.args.reconnect_share > 0 and index < max(1, round(of_kind * self.args.reconnect_share))

    def written(self) -> int:
        return sum(1 for s in self.sent if s.by == "visitor")

    # -- agents ------------------------------------------------------------------------------------

    async def agent_sockets(self) -> None:
        login = await self.http.post("/api/v1/auth/support/login",
                                     {"username": "admin", "password": self.args.admin_password, "site_id": SITE})
        self.agent_token = login["data"]["token"]
        for i in range(self.args.agents):
            listener = self._listener(f"agent-{i}", "000")
            ws = await connect(self.ws_root + "/ws?" + urlencode({"site_id": SITE, "role": "support",
                                                                   "token": self.agent_token}),
                               open_timeout=OPEN_TIMEOUT)
            self.tasks.append(asyncio.create_task(self._hold(ws, listener)))
        if self.args.agents_004:  # seed 004's own login (the demo admin is an agent there too)
            app = await self.http.post("/api/v1/agent/auth/login",
                                       {"username": "admin", "password": self.args.admin_password})
            self.agent_token_004 = app["access_token"]
        for i in range(self.args.agents_004):
            agent = AgentSocket(await self._connect_004_agent(), self._listener(f"agent004-{i}", "004"))
            self.agents_004.append(agent)
            self.tasks.append(asyncio.create_task(self._hold(agent.ws, agent.listener)))

    async def _connect_004_agent(self) -> Any:
        query = urlencode({"role": "agent", "access_token": self.agent_token_004})
        return await connect(self.ws_root + "/api/v1/realtime/ws?" + query, open_timeout=OPEN_TIMEOUT)

    def _listener(self, name: str, dialect: str, only: str | None = None) -> Listener:
        listener = Listener(name, dialect, only=only)
        self.listeners.append(listener)
        return listener

    async def _hold(self, ws: Any, listener: Listener) -> None:
        async with ws:
            await listen(ws, listener, self.stop)

    async def follow(self, conversation_id: str) -> None:
        """Seed 004's agent sockets subscribe to a new conversation before its first message."""
        async with self.subscribing:
            await self._subscribe(self.agents_004, [conversation_id])
            self.followed.append(conversation_id)

    @staticmethod
    async def _subscribe(agents: list[AgentSocket], conversation_ids: list[str]) -> None:
        for agent in agents:
            for conversation_id in conversation_ids:
                await agent.ws.send(json.dumps({"type": "subscribe", "conversation_id": conversation_id}))

        def confirmed() -> int:
            return sum(len(set(conversation_ids) & agent.listener.subscribed) for agent in agents)

        # A socket's frames are handled one after another, seconds each when the stack is saturated (a
        # re-subscription to 100 conversations saw 25 confirmed in 160 s): give up only when no
        # confirmation arrived for ACK_TIMEOUT seconds, not after a fixed total.
        wanted = len(conversation_ids) * len(agents)
        while confirmed() < wanted:
            before = confirmed()
            if not await until(lambda: confirmed() > before or confirmed() >= wanted, ACK_TIMEOUT):
                break
        if confirmed() < wanted:
            per_socket = [len(set(conversation_ids) & agent.listener.subscribed) for agent in agents]
            raise RuntimeError(f"004 agent sockets did not confirm subscribing to {len(conversation_ids)} "
                               f"conversations: none confirmed for {ACK_TIMEOUT} s (confirmed: {per_socket}; "
                               f"last errors: "
                               f"{[agent.listener.errors[-3:] for agent in agents]})")

    async def agent_004_drops(self) -> None:
        """Midway, the first 004 agent socket drops while visitors keep writing, then reconnects,
        subscribes again to every conversation it followed and reads what it missed over REST
        (`GET /api/v1/agent/conversations/{id}/messages?after_seq=`), as the agent app does."""
        total = self.args.visitors * self.args.messages
        await until(lambda: self.written() >= total // 2, timeout=3600)
        agent = self.agents_004[0]
        async with self.subscribing:
            await agent.ws.close()
            self.reconnects["004"] += 1
            # What it saw before the drop: the read starts there (frames heard after the reconnect
            # may be newer than what it missed, so the last seq seen then is no starting point).
            seen = {conversation_id: agent.listener.last_seq(conversation_id) for conversation_id in self.followed}
            await until(lambda: self.written() >= total // 2 + self.args.visitors // 2, timeout=5)
            agent.ws = await self._connect_004_agent()
            agent.listener.subscribed.clear()
            self.tasks.append(asyncio.create_task(self._hold(agent.ws, agent.listener)))
            await self._subscribe([agent], self.followed)
            for conversation_id in self.followed:
                after, more = seen[conversation_id], True
                while more:
                    page = await self.http.call(
                        "GET", f"/api/v1/agent/conversations/{conversation_id}/messages?after_seq={after}&limit=100",
                        Authorization=f"Bearer {self.agent_token_004}")
                    seqs = [int(m["seq"]) for m in page["items"]]
                    agent.listener.resynced(conversation_id, seqs)
                    after, more = max(seqs, default=after), page["has_more"] and bool(seqs)

    # -- visitors, one kind per dialect ------------------------------------------------------------

    async def visitor(self, n: int) -> None:
        await asyncio.sleep(n * self.args.ramp_ms / 1000)  # visitors arrive one after another, not all at once
        kind = {"000": self.visitor_000, "001": self.visitor_001, "004": self.visitor_004}[self.kinds[n]]
        await kind(n, self.drops(n))

    def done_sending(self, dialect: str) -> None:
        """A visitor's last message is acknowledged: how long its kind has been sending."""
        self.sending[dialect] = max(self.sending[dialect], time.perf_counter() - self.started)

    async def _pause(self) -> None:
        await asyncio.sleep(random.uniform(0, self.args.think_ms / 1000))

    async def visitor_000(self, n: int, drops: bool) -> None:
        visitor_id = f"v_load_{uuid.uuid4().hex[:10]}"
        session = (await self.http.post("/api/v1/visitors", {"site_id": SITE, "visitor_id": visitor_id,
                                                             "name": f"Load {n}"}))["data"]
        token = session["session_token"]
        conversation = (await self.http.post("/api/v1/conversations", {"site_id": SITE, "visitor_id": visitor_id},
                                             **{"X-Visitor-Token": token}))["data"]
        conversation_id = conversation["id"]
        listener = self._listener(f"visitor-{n}", "000", only=conversation_id)
        query = self.ws_root + "/ws?" + urlencode({"site_id": SITE, "role": "visitor", "token": token,
                                                   "visitor_id": visitor_id})
        ws = await connect(query, open_timeout=OPEN_TIMEOUT)
        reader = asyncio.create_task(listen(ws, listener, self.stop))
        await self.follow(conversation_id)
        middle = self.args.messages // 2
        for i in range(self.args.messages):
            if drops and i == middle:
                await ws.close()  # the network drops; the visitor keeps writing over REST
                await reader
                self.reconnects["000"] += 1
            started = time.perf_counter()
            message = (await self.http.post(
                "/api/v1/messages", {"conversation_id": conversation_id, "content": f"visitor {n} says {i}",
                                     "type": "text"},
                **{"X-Visitor-Token": token, "Idempotency-Key": f"{visitor_id}-{i}"}))["data"]
            self.sent.append(Sent(conversation_id, int(message["seq"]), started, "000"))
            if drops and i == middle + 1:  # back online: reconnect and resync
                ws = await connect(query, open_timeout=OPEN_TIMEOUT)
                reader = asyncio.create_task(listen(ws, listener, self.stop))
                await ws.send(json.dumps({"type": "get_state", "conversation_id": conversation_id,
                                          "last_seq": listener.last_seq(conversation_id)}))
            await self._pause()
        self.done_sending("000")
        await self.stop.wait()
        reader.cancel()
        await ws.close()

    async def visitor_004(self, n: int, drops: bool) -> None:
        started = await self.http.post("/api/v1/customer/conversations/start", {"site_id": SITE, "name": f"Load {n}"})
        conversation_id, secret = started["conversation_id"], started["customer_session_id"]
        listener = self._listener(f"customer-{n}", "004", only=conversation_id)
        greeted = max((int(m["seq"]) for m in started["messages"]), default=0)  # before anyone listened: unchecked

        def socket(last_seq: int) -> str:
            return self.ws_root + "/api/v1/realtime/ws?" + urlencode({
                "role": "customer", "conversation_id": conversation_id, "customer_session_id": secret,
                "last_seq": last_seq})
        ws = await connect(socket(greeted), open_timeout=OPEN_TIMEOUT)
        reader = asyncio.create_task(listen(ws, listener, self.stop))
        await self.follow(conversation_id)
        middle = self.args.messages // 2
        for i in range(self.args.messages):
            if drops and i == middle:
                await ws.close()
                await reader
                self.reconnects["004"] += 1
            at = time.perf_counter()
            said = await self.http.post(
                f"/api/v1/customer/conversations/{conversation_id}/messages",
                {"body": f"customer {n} says {i}", "client_message_id": f"load-{n}-{i}"},
                **{"X-Customer-Session-Id": secret})
            self.sent.append(Sent(conversation_id, int(said["seq"]), at, "004"))
            self.sent += [Sent(conversation_id, int(r["seq"]), at, "004", by="bot") for r in said["replies"]]
            if drops and i == middle + 1:
                # Back online with the last seq it saw: the socket replays what it missed, in order. The
                # widget shows the replay before writing again, so frames until then are the replay.
                highest = max(s.seq for s in self.sent if s.conversation_id == conversation_id)
                listener.replaying = True
                ws = await connect(socket(listener.last_seq(conversation_id)), open_timeout=OPEN_TIMEOUT)
                reader = asyncio.create_task(listen(ws, listener, self.stop))
                await until(lambda: highest in listener.seen(conversation_id), ACK_TIMEOUT)
                listener.replaying = False
            await self._pause()
        self.done_sending("004")
        await self.stop.wait()
        reader.cancel()
        await ws.close()

    async def visitor_001(self, n: int, drops: bool) -> None:
        session = (await self.http.post("/chat/start-session/", {"business": SITE}))["data"]
        conversation_id, session_id, token = session["conversation_id"], session["session_id"], session["token"]
        own = self._listener(f"visitor001-{n}", "001", only=conversation_id)
        desk = self._listener(f"agent001-{n}", "001", only=conversation_id)  # the business's agent in the session
        url = self.ws_root + "/ws/visitor-chat/?" + urlencode({"session_id": session_id})
        ws = await connect(url, subprotocols=["Bearer", token], open_timeout=OPEN_TIMEOUT)  # type: ignore[list-item]
        reader = asyncio.create_task(listen(ws, own, self.stop))

        async def agent_joins() -> tuple[Any, asyncio.Task[None]]:
            agent_ws = await connect(url, subprotocols=["Bearer", self.agent_token],  # type: ignore[list-item]
                                     open_timeout=OPEN_TIMEOUT)
            return agent_ws, asyncio.create_task(listen(agent_ws, desk, self.stop))
        agent_ws, agent_reader = await agent_joins()
        await self.follow(conversation_id)
        if not await until(lambda: own.opened and desk.opened, ACK_TIMEOUT):
            raise RuntimeError(f"001 session {session_id}: no connection_established ({own.errors + desk.errors})")
        middle = self.args.messages // 2
        for i in range(self.args.messages):
            if drops and i == middle:
                await agent_ws.close()  # the agent's network drops; the visitor keeps writing on its socket
                await agent_reader
                self.reconnects["001"] += 1
            content = f"visitor {n} says {i} ({uuid.uuid4().hex[:8]})"
            at = time.perf_counter()
            await ws.send(json.dumps({"type": "text", "content": content}))
            # The echo on its own socket, with the seq, is the acknowledgement: one frame at a time.
            if not await until(lambda: content in own.said, ACK_TIMEOUT):
                seq = await self._committed(session_id, token, content)  # stored, but its echo never came
            else:
                seq = own.said[content]
            self.sent.append(Sent(conversation_id, seq, at, "001"))
            if drops and i == middle + 1:  # back online: rejoin, then read what was missed
                desk.opened = False
                agent_ws, agent_reader = await agent_joins()
                history = await self.http.call("GET", f"/chat/history/{session_id}/",
                                               Authorization=f"Bearer {self.agent_token}")
                desk.resynced(conversation_id, [entry["data"]["seq"] for entry in history["data"]])
            await self._pause()
        self.done_sending("001")
        await self.stop.wait()
        for task in (reader, agent_reader):
            task.cancel()
        await ws.close()
        await agent_ws.close()

    async def _committed(self, session_id: str, token: str, content: str) -> int:
        history = await self.http.call("GET", f"/chat/history/{session_id}/", Authorization=f"Bearer {token}")
        for entry in history["data"]:
            if entry["data"].get("content") == content:
                return int(entry["data"]["seq"])
        raise RuntimeError(f"001 session {session_id}: a text frame was neither echoed nor stored")

    # -- the run -----------------------------------------------------------------------------------

    async def go(self) -> tuple[float, float]:
        """Seconds spent sending (every visitor's every message acknowledged), then settling (the
        004 agent socket's resync, if still under way, and the last pushes)."""
        await self.agent_sockets()
        started = self.started = time.perf_counter()
        tasks = [asyncio.create_task(self.visitor(n)) for n in range(self.args.visitors)]
        if self.args.agent_drops and self.agents_004:
            tasks.append(asyncio.create_task(self.agent_004_drops()))
        resyncs = tasks[self.args.visitors:]

        def failed() -> BaseException | None:
            return next((t.exception() for t in tasks if t.done() and not t.cancelled() and t.exception()), None)
        while self.written() < self.args.visitors * self.args.messages:
            if failure := failed():
                raise failure
            await asyncio.sleep(0.05)
        sending = time.perf_counter() - started
        while not all(t.done() for t in resyncs):
            await asyncio.sleep(0.05)
        if failure := failed():
            raise failure
        deadline = time.monotonic() + self.args.settle_seconds  # let the last pushes land
        while time.monotonic() < deadline and check(self)["lost"]:
            await asyncio.sleep(0.1)
        settling = time.perf_counter() - started - sending
        self.stop.set()
        await asyncio.gather(*tasks, *self.tasks, return_exceptions=True)
        return sending, settling


_COUNTS = ("deliveries_expected", "delivered_live", "recovered", "lost", "duplicated", "out_of_order")


def check(run: Run) -> dict[str, Any]:
    """The total-queue check over what each recipient socket got, overall and per dialect."""
    by_conversation: dict[str, list[Sent]] = defaultdict(list)
    for s in run.sent:
        by_conversation[s.conversation_id].append(s)
    figures: dict[str, Any] = dict(sent=sum(1 for s in run.sent if s.by == "visitor"),
                                   bot_replies=sum(1 for s in run.sent if s.by == "bot"), **dict.fromkeys(_COUNTS, 0))
    dialects: dict[str, dict[str, Any]] = {}
    for listener in run.listeners:
        mine = dialects.setdefault(listener.dialect, dict(sockets=0, **dict.fromkeys(_COUNTS, 0)))
        mine["sockets"] += 1
        conversations = [listener.only] if listener.only else list(by_conversation)
        for conversation_id in conversations:
            acked = {s.seq for s in by_conversation.get(conversation_id, [])}
            got_live = [seq for seq in listener.live.get(conversation_id, []) if seq in acked]
            replayed = [seq for seq in listener.replayed.get(conversation_id, []) if seq in acked]
            every = got_live + replayed  # each a frame on the socket: more than one of a seq is a duplicate
            recovered = ((listener.read.get(conversation_id, set()) | set(replayed)) & acked) - set(got_live)
            counts = dict(deliveries_expected=len(acked), delivered_live=len(set(got_live)), recovered=len(recovered),
                          lost=len(acked - set(every) - recovered), duplicated=len(every) - len(set(every)),
                          out_of_order=sum(1 for a, b in zip(got_live, got_live[1:]) if b < a))
            for name, value in counts.items():
                figures[name] += value
                mine[name] += value
    for dialect, mine in dialects.items():
        mine["visitors"] = sum(1 for kind in getattr(run, "kinds", []) if kind == dialect)
        mine["latency_ms_p50"], mine["latency_ms_p99"] = _latency(run, [
            listener for listener in run.listeners if listener.dialect == dialect and listener.name.startswith("agent")])
    figures["latency_ms_p50"], figures["latency_ms_p99"] = _latency(run, [
        listener for listener in run.listeners if listener.name == "agent-0"])
    figures["dialects"] = dict(sorted(dialects.items()))
    figures["error_frames"] = sum(len(listener.errors) for listener in run.listeners)
    return figures


def _latency(run: Run, agents: list[Listener]) -> tuple[float | None, float | None]:
    """From the visitor's send to the first of these agent sockets that heard it live, in ms."""
    latencies = sorted(min(arrived) - s.at for s in run.sent if s.by == "visitor" and (arrived := [
        agent.arrivals[(s.conversation_id, s.seq)] for agent in agents if (s.conversation_id, s.seq) in agent.arrivals]))
    if not latencies:
        return None, None
    return round(statistics.median(latencies) * 1000, 1), round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 1)


def verdict(figures: dict[str, Any], args: argparse.Namespace) -> int:
    """The exit code: 1 on any loss, duplicate or reordering, on a short run, or on a dialect that took
    part without a single delivery to check."""
    bad = figures["lost"] + figures["duplicated"] + figures["out_of_order"]
    if figures["sent"] != args.visitors * args.messages or figures["deliveries_expected"] == 0:
        bad += 1
    bad += sum(1 for mine in figures["dialects"].values() if mine["deliveries_expected"] == 0)
    return 1 if bad else 0


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
    parser.add_argument("--mix", default="000:2,004:1,001:1",
                        help="kinds of visitors (their dialect) by weight, e.g. 000:1 for seed 000 only")
    parser.add_argument("--agents", type=int, default=2, help="seed 000 agent sockets listening to the site")
    parser.add_argument("--agents-004", type=int, default=1,
                        help="seed 004 agent sockets subscribing to every conversation")
    parser.add_argument("--agent-drops", type=int, choices=(0, 1), default=1,
                        help="1: the first 004 agent socket drops midway, re-subscribes and reads what it missed")
    parser.add_argument("--reconnect-share", type=float, default=0.2,
                        help="share of each kind's visitors whose socket drops (at least one per kind when > 0)")
    parser.add_argument("--think-ms", type=float, default=20.0, help="a visitor's pause between messages, at most")
    parser.add_argument("--settle-seconds", type=float, default=20.0)
    parser.add_argument("--ramp-ms", type=float, default=50.0, help="delay between two visitors' arrivals")
    parser.add_argument("--base", help="a running stack (else this tool starts its own, rate limits off)")
    parser.add_argument("--admin-password", default=LOCAL_ONLY_PASSWORD)
    args = parser.parse_args(argv)
    try:
        parse_mix(args.mix)
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    stack = None
    if not args.base:
        stack = own_stack()
        args.base = stack.url
    try:
        run = Run(args)
        sending, settling = asyncio.run(run.go())
    finally:
        if stack is not None:
            stack.stop()
    figures = check(run)
    figures.update(visitors=args.visitors, messages_each=args.messages, agent_sockets=args.agents,
                   agent_sockets_004=args.agents_004, reconnects=sum(run.reconnects.values()),
                   messages_per_second=round(figures["sent"] / sending, 1), sending_seconds=round(sending, 1),
                   settling_seconds=round(settling, 1))
    for dialect, mine in figures["dialects"].items():
        mine["reconnects"] = run.reconnects.get(dialect, 0)
        mine["sending_seconds"] = round(run.sending.get(dialect, 0.0), 1)  # until its kind's last ack
    print(json.dumps(figures))
    return verdict(figures, args)


if __name__ == "__main__":
    sys.exit(main())
