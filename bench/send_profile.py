"""Where one visitor message's time goes, in-process: moto, botocore, and everything else (Parley,
PynamoDB, Chalice), per AWS operation. The local stack's delivery latency (bench/fanout.py part 2) is
this path plus the gateway's sockets; this says which part could still shrink.

Same set-up as bench/cost.py (a visitor's WebSocket `message` frame through the real $default handler
on moto), with the local stack's moto fixes installed (local/moto_fixes.py), as `make run` has them.

    .venv/bin/python bench/send_profile.py [--messages 30]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import bench.cost as cost  # noqa: E402  (sets the in-process environment first)

import botocore.client  # noqa: E402
from moto.core.botocore_stubber import BotocoreStubber  # noqa: E402

from local import moto_fixes  # noqa: E402

SEND = "send + fan-out"


class Split:
    """Seconds per send: inside moto, inside botocore around it, and the rest."""

    def __init__(self) -> None:
        self.active = False
        self.moto = 0.0
        self.aws = 0.0
        self.by_operation: dict[str, list[float]] = defaultdict(list)
        self.sends: list[tuple[float, float, float]] = []  # (wall, aws, moto)
        stubber_call = BotocoreStubber.__call__
        api_call = botocore.client.BaseClient._make_api_call
        split = self

        def timed_stubber(stubber, event_name, request, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return stubber_call(stubber, event_name, request, **kwargs)
            finally:
                if split.active:
                    split.moto += time.perf_counter() - started

        def timed_call(client, operation, params):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return api_call(client, operation, params)
            finally:
                if split.active:
                    spent = time.perf_counter() - started
                    split.aws += spent
                    split.by_operation[operation].append(spent)

        BotocoreStubber.__call__ = timed_stubber  # type: ignore[method-assign]
        botocore.client.BaseClient._make_api_call = timed_call

    def wrap(self, invoke):  # type: ignore[no-untyped-def]
        split = self

        def invoke_timed(recorder, stage, handler, *args):  # type: ignore[no-untyped-def]
            if stage.name != SEND:
                return invoke(recorder, stage, handler, *args)
            split.active, split.moto, split.aws = True, 0.0, 0.0
            started = time.perf_counter()
            try:
                return invoke(recorder, stage, handler, *args)
            finally:
                split.sends.append((time.perf_counter() - started, split.aws, split.moto))
                split.active = False

        return invoke_timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=30)
    args = parser.parse_args()
    moto_fixes.install()
    split = Split()
    cost.Recorder.invoke = split.wrap(cost.Recorder.invoke)  # type: ignore[method-assign]
    cost.measure(args.messages)
    counted = split.sends[-args.messages:]  # the warm-up sends come first
    wall = statistics.median(s[0] for s in counted)
    moto = statistics.median(s[2] for s in counted)
    botocore_only = statistics.median(s[1] - s[2] for s in counted)
    rest = statistics.median(s[0] - s[1] for s in counted)
    calls = sum(len(v) for v in split.by_operation.values()) / len(split.sends)
    print(f"One visitor message ($default frame: send + fan-out), in-process moto with the local stack's fixes, "
          f"median of {args.messages}")
    print(f"  wall {wall * 1000:.1f} ms, {calls:.1f} AWS calls per send")
    for name, value in (("inside moto", moto), ("botocore around it", botocore_only),
                        ("Parley + PynamoDB + Chalice", rest)):
        print(f"  {name:<30}{value * 1000:8.1f} ms  {value / wall:6.0%}")
    print("  per operation (calls per send, median ms per call incl. moto):")
    for operation, spent in sorted(split.by_operation.items(), key=lambda kv: -sum(kv[1])):
        print(f"    {operation:<22}{len(spent) / len(split.sends):5.1f}  {statistics.median(spent) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
