"""WebSocket echo round trip through the emulator and the app, 1,000 frames, p50/p99."""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import requests
from websockets.sync.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.timing import health_round_trips, percentile  # noqa: E402
from local.harness import StackProcess  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=1000)
    args = parser.parse_args()
    stack = StackProcess(test_handlers=True)
    stack.start()
    try:
        session = requests.Session()
        http = health_round_trips(session, stack.url)
        echo = []
        lost = 0
        with connect(f"{stack.ws_url}/ws?dialect=echo", open_timeout=5) as ws:
            for i in range(50):  # warm up
                ws.send(f"w{i}")
                ws.recv(timeout=5)
            for i in range(args.frames):
                payload = f"frame-{i}"
                started = time.perf_counter()
                ws.send(payload)
                if ws.recv(timeout=5) != payload:
                    lost += 1
                echo.append(time.perf_counter() - started)
    finally:
        stack.stop()
    ms = lambda s: s * 1000  # noqa: E731
    print(f"frames: {len(echo)}, mismatched or lost: {lost}")
    print(f"WebSocket echo round trip: p50 {ms(percentile(echo, .5)):.2f} ms, p99 {ms(percentile(echo, .99)):.2f} ms, "
          f"mean {ms(statistics.mean(echo)):.2f} ms")
    print(f"HTTP GET /health round trip: p50 {ms(percentile(http, .5)):.2f} ms, p99 {ms(percentile(http, .99)):.2f} ms")
    print(f"echo p50 / HTTP p50 = {percentile(echo, .5) / percentile(http, .5):.2f} "
          "(an echo is a $default invocation plus an @connections POST: ~2 HTTP hops)")


if __name__ == "__main__":
    main()
