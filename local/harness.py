"""Start the local stack as a subprocess on a free port: used by e2e tests and benchmarks."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent


class StackProcess:
    def __init__(self, data_dir: Path | None = None, test_handlers: bool = True, extra_args: list[str] | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.test_handlers = test_handlers
        self.extra_args = extra_args or []
        self.env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.info: dict[str, Any] = {}
        self._log = tempfile.NamedTemporaryFile(prefix="parley-stack-", suffix=".log", delete=False)

    @property
    def url(self) -> str:
        return self.info["url"]

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1)

    @property
    def demo_url(self) -> str:
        """The demo host page's origin (a second port: the widget's calls are cross-origin)."""
        return self.info["demo_url"]

    @property
    def aws_endpoint(self) -> str:
        return self.info["aws_endpoint"]

    def start(self, timeout: float = 60.0) -> float:
        """Start and wait for a healthy /health. Returns the seconds that took."""
        ready = Path(tempfile.mkdtemp(prefix="parley-ready-")) / "ready.json"
        args = [sys.executable, "-m", "local", "--port", "0", "--ready-file", str(ready), *self.extra_args]
        args += ["--data-dir", str(self.data_dir)] if self.data_dir else ["--in-memory"]
        if self.test_handlers:
            args.append("--test-handlers")
        env = {k: v for k, v in os.environ.items() if k not in ("AWS_ENDPOINT_URL", "PORT", "DEMO_PORT", "FRESH")}
        env.update(self.env)
        started = time.monotonic()
        self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"local stack exited with {self.process.returncode}:\n{self.log()}")
            if ready.exists() and ready.stat().st_size:
                self.info = json.loads(ready.read_text())
                try:
                    if requests.get(f"{self.url}/health", timeout=2).status_code == 200:
                        return time.monotonic() - started
                except requests.ConnectionError:
                    pass
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"local stack not healthy after {timeout}s:\n{self.log()}")

    def stop(self, sig: int = signal.SIGINT, timeout: float = 30.0) -> int:
        """Stop as Ctrl-C would; returns the exit code."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def log(self) -> str:
        return Path(self._log.name).read_text(errors="replace")
