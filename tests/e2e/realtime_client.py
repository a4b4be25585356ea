"""A small WebSocket client for seed 000's realtime dialect, as a console or widget would use it."""
from __future__ import annotations

import json
import time
import uuid
from typing import Any, Callable
from urllib.parse import urlencode

import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.e2e.conftest import DEMO_PASSWORD


class Socket:
    """Frames are kept in arrival order; `next` takes the first unread one that matches."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.unread: list[dict[str, Any]] = []
        self.seen: list[dict[str, Any]] = []

    @classmethod
    def open(cls, stack: Any, **query: str) -> "Socket":
        # Entered by hand: the Socket owns it and closes it (websockets wants connect() entered).
        return cls(connect(f"{stack.ws_url}/ws?{urlencode(query)}", open_timeout=5).__enter__())

    def send(self, **frame: Any) -> None:
        self.ws.send(json.dumps(frame))

    def _read(self, timeout: float) -> dict[str, Any] | None:
        try:
            raw = self.ws.recv(timeout=timeout)
        except TimeoutError:
            return None
        frame = json.loads(raw)
        self.seen.append(frame)
        return frame

    def next(self, kind: str, timeout: float = 5.0, where: Callable[[dict[str, Any]], bool] | None = None) -> dict:
        def wanted(frame: dict[str, Any]) -> bool:
            return frame.get("type") == kind and (where is None or where(frame))

        for i, frame in enumerate(self.unread):
            if wanted(frame):
                return self.unread.pop(i)
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            frame = self._read(left)
            if frame is None:
                break
            if wanted(frame):
                return frame
            self.unread.append(frame)
        raise AssertionError(f"no {kind!r} frame within {timeout}s; got {[f.get('type') for f in self.unread]}")

    def drain(self, seconds: float = 0.5) -> list[dict[str, Any]]:
        """Everything that arrives within `seconds` (plus what was unread)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self._read(left) is None:
                break
            self.unread.append(self.seen[-1])
        frames, self.unread = self.unread, []
        return frames

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [f for f in self.seen if f.get("type") == kind]

    def close(self) -> None:
        try:
            self.ws.close()
        except ConnectionClosed:
            pass

    def __enter__(self) -> "Socket":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()


def login(stack: Any, username: str = "admin", password: str = DEMO_PASSWORD, site_id: str = "site_demo") -> dict:
    response = requests.post(f"{stack.url}/api/v1/auth/support/login", json={
        "username": username, "password": password, "site_id": site_id}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def new_agent(stack: Any, admin_token: str, site_id: str = "site_demo") -> dict:
    """A fresh agent of a site, logged in: {id, token, name}."""
    name = f"agent{uuid.uuid4().hex[:8]}"
    password = "agent-password-1"  # TEST ONLY
    created = requests.post(f"{stack.url}/api/v1/admin/agents", json={
        "username": name, "password": password, "site_ids": [site_id]},
        headers={"Authorization": f"Bearer {admin_token}"}, timeout=10)
    assert created.status_code == 201, created.text
    return {"id": created.json()["data"]["id"], "name": name, "token": login(stack, name, password, site_id)["token"]}


def new_visitor(stack: Any, site_id: str = "site_demo", name: str = "Ada Visitor") -> dict:
    visitor_id = f"v_{uuid.uuid4().hex[:10]}"
    response = requests.post(f"{stack.url}/api/v1/visitors", json={
        "site_id": site_id, "visitor_id": visitor_id, "name": name}, timeout=10)
    assert response.status_code == 201, response.text
    return {"visitor_id": visitor_id, "token": response.json()["data"]["session_token"], "name": name,
            "site_id": site_id}


def agent_socket(stack: Any, agent: dict, site_id: str = "site_demo") -> Socket:
    return Socket.open(stack, site_id=site_id, role="support", token=agent["token"])


def visitor_socket(stack: Any, visitor: dict) -> Socket:
    return Socket.open(stack, site_id=visitor["site_id"], role="visitor", token=visitor["token"],
                       visitor_id=visitor["visitor_id"])
