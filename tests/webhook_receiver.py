"""A webhook receiver on loopback for tests and benchmarks: records every request, answers
what its `respond` function says, and verifies signatures the way a README reader would."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """`respond(received, nth_time_this_webhook_id_was_seen) -> (status, extra headers)`."""

    respond: Callable[[Received, int], tuple[int, dict[str, str]]] = lambda r, n: (200, {})
    requests: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _seen: dict[str, int] = field(default_factory=dict)

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                got = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with receiver._lock:
                    receiver.requests.append(got)
                    key = got.headers.get("webhook-id", "")
                    receiver._seen[key] = receiver._seen.get(key, 0) + 1
                    nth = receiver._seen[key]
                status, headers = receiver.respond(got, nth)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def with_id(self, webhook_id: str) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.headers.get("webhook-id") == webhook_id]
