"""Embedded AWS: moto's ThreadedMotoServer in this process, with persistence.

DynamoDB tables and S3 buckets are pickled to `<data_dir>/aws-state.pickle`
(moto's models for those two services pickle cleanly; SQS queues hold locks,
so queues are re-created on start instead). A snapshot is taken at most every
`snapshot_interval` seconds after a write, and always on a clean shutdown, so
Ctrl-C loses nothing that was acknowledged; a hard kill loses at most the last
interval. Writes and snapshots share one lock, so a snapshot is consistent.
"""
from __future__ import annotations

import logging
import os
import pickle
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable

import moto
from moto.dynamodb.models import dynamodb_backends
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.s3.models import s3_backends
from werkzeug.serving import make_server

from local import moto_fixes

log = logging.getLogger("local_stack.aws")

SNAPSHOT_FORMAT = 1
_DYNAMODB_READS = frozenset(
    {
        "GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems", "DescribeTable",
        "ListTables", "DescribeTimeToLive", "DescribeContinuousBackups", "ListTagsOfResource",
        "DescribeEndpoints", "DescribeLimits",
    }
)
# Services whose state is not persisted: their (long-polling) calls must not
# wait for, or hold, the snapshot lock.
_UNLOCKED_SERVICES = frozenset({"sqs", "sts", "execute-api"})


def signed_service(environ: dict[str, Any]) -> str | None:
    """The AWS service named in a SigV4 credential scope (header or presigned query)."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    scope = ""
    if "Credential=" in header:
        scope = header.split("Credential=", 1)[1].split(",", 1)[0]
    elif "X-Amz-Credential=" in environ.get("QUERY_STRING", ""):
        from urllib.parse import parse_qs

        scope = parse_qs(environ["QUERY_STRING"]).get("X-Amz-Credential", [""])[0]
    parts = scope.split("/")
    return parts[3] if len(parts) >= 5 else None


def is_write(environ: dict[str, Any]) -> bool:
    """Whether a request to moto may change persisted state (conservative: unknown = write)."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target.startswith("DynamoDB_"):
        return target.split(".", 1)[-1] not in _DYNAMODB_READS
    return environ.get("REQUEST_METHOD", "GET") not in {"GET", "HEAD", "OPTIONS"}


class _GuardedApp:
    """WSGI wrapper: serialises persisted-state requests with snapshots and counts writes."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self._app = app
        self.lock = threading.RLock()
        self.writes = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if signed_service(environ) in _UNLOCKED_SERVICES:
            return self._app(environ, start_response)
        with self.lock:
            result = self._app(environ, start_response)
            try:
                body = b"".join(result)  # finish the work while holding the lock
            finally:
                close = getattr(result, "close", None)
                if close:
                    close()
            if is_write(environ):
                self.writes += 1
        return [body]


class _Server(ThreadedMotoServer):
    def __init__(self, host: str, port: int) -> None:
        super().__init__(ip_address=host, port=port, verbose=False)
        self.guard = _GuardedApp(DomainDispatcherApplication(create_backend_app))

    def _server_entry(self) -> None:  # moto's, with the guard around the app
        self._server = make_server(self._ip_address, self._port, self.guard, True, request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever()


def _capture_state() -> dict[str, Any]:
    return {
        "format": SNAPSHOT_FORMAT,
        "moto": moto.__version__,
        "dynamodb": {
            (account, region): backend.tables
            for account, regions in dynamodb_backends.items()
            for region, backend in regions.items()
        },
        "s3": {
            (account, partition): backend.buckets
            for account, partitions in s3_backends.items()
            for partition, backend in partitions.items()
        },
    }


def _restore_state(state: dict[str, Any]) -> tuple[int, int]:
    tables = buckets = 0
    for (account, region), saved in state["dynamodb"].items():
        backend = dynamodb_backends[account][region]
        backend.tables.clear()
        backend.tables.update(saved)
        tables += len(saved)
    for (account, partition), saved in state["s3"].items():
        backend = s3_backends[account][partition]
        backend.buckets.clear()
        backend.buckets.update(saved)
        for name in saved:
            s3_backends.bucket_accounts[name] = (partition, account)
        buckets += len(saved)
    return tables, buckets


class EmbeddedAws:
    """moto server on a loopback port, persisted under data_dir (None: in memory only)."""

    def __init__(self, data_dir: Path | None, host: str = "127.0.0.1", snapshot_interval: float = 1.0) -> None:
        self._server = _Server(host, 0)
        self._data_dir = data_dir
        self._interval = snapshot_interval
        self._saved_writes = 0
        self._stop = threading.Event()
        self._snapshotter: threading.Thread | None = None
        self.endpoint = ""

    @property
    def snapshot_path(self) -> Path | None:
        return self._data_dir / "aws-state.pickle" if self._data_dir else None

    def start(self) -> str:
        moto_fixes.install()
        restored = self._load()
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        if restored:
            log.info("restored %d table(s) and %d bucket(s) from %s", *restored, self.snapshot_path)
        if self.snapshot_path:
            self._snapshotter = threading.Thread(target=self._snapshot_loop, name="aws-snapshot", daemon=True)
            self._snapshotter.start()
        return self.endpoint

    def stop(self) -> None:
        self._stop.set()
        if self._snapshotter:
            self._snapshotter.join()
        self.snapshot()  # the final, complete one
        self._server.stop()

    @property
    def writes(self) -> int:
        return self._server.guard.writes

    def snapshot(self) -> bool:
        """Write a consistent snapshot if anything changed since the last one."""
        path = self.snapshot_path
        if path is None:
            return False
        with self._server.guard.lock:
            writes = self._server.guard.writes
            if writes == self._saved_writes and path.exists():
                return False
            data = pickle.dumps(_capture_state(), protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".aws-state.")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        self._saved_writes = writes
        return True

    def _snapshot_loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.snapshot()
            except Exception:  # keep serving; the shutdown snapshot will try again
                log.exception("snapshot failed")

    def _load(self) -> tuple[int, int] | None:
        path = self.snapshot_path
        if path is None or not path.exists():
            return None
        try:
            with path.open("rb") as handle:
                state = pickle.load(handle)
            if state.get("format") != SNAPSHOT_FORMAT:
                raise ValueError(f"snapshot format {state.get('format')} is not {SNAPSHOT_FORMAT}")
            return _restore_state(state)
        except Exception as error:
            # Never silently drop a developer's data: keep the file aside and say so.
            kept = path.with_name(f"aws-state.unreadable-{int(time.time())}.pickle")
            path.rename(kept)
            log.error("could not restore %s (%s); kept it as %s and started empty", path, error, kept)
            return None
