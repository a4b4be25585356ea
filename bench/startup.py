"""Seconds from `make run` to a healthy /health (installs already cached), median of N runs."""
from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from local.harness import ROOT, StackProcess  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_make_run() -> float:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_ENDPOINT_URL", "FRESH")}
    env.update(PORT=str(port), PARLEY_DATA_DIR=tempfile.mkdtemp(prefix="parley-bench-"))
    started = time.monotonic()
    process = subprocess.Popen(["make", "-s", "run"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError("make run exited early")
            try:
                if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    return time.monotonic() - started
            except requests.RequestException:  # refused, or queued in the backlog while starting
                time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(30)


def time_stack_process() -> float:
    stack = StackProcess(data_dir=Path(tempfile.mkdtemp(prefix="parley-bench-")), test_handlers=False)
    try:
        return stack.start()
    finally:
        stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    # "Installs cached": make sure the venv stamp is current before timing.
    subprocess.run(["make", "-s", ".venv/.local-installed"], cwd=ROOT, check=True)
    make_runs = [time_make_run() for _ in range(args.runs)]
    bare_runs = [time_stack_process() for _ in range(args.runs)]
    print(f"make run -> healthy /health: median {statistics.median(make_runs):.2f}s "
          f"(min {min(make_runs):.2f}s, max {max(make_runs):.2f}s, {args.runs} runs)")
    print(f"python -m local -> healthy /health: median {statistics.median(bare_runs):.2f}s "
          f"(min {min(bare_runs):.2f}s, max {max(bare_runs):.2f}s)")
    print(f"make's own overhead: {statistics.median(make_runs) - statistics.median(bare_runs):+.2f}s")


if __name__ == "__main__":
    main()
