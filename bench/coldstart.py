"""Cold start per Lambda function, beside a hello-world Chalice + boto3 app measured in the same run.

Chalice builds every function from app.py, so each one's INIT is `import app`; what a function
then imports on its first invocation (lazily, on its own path) is added as "first call". Each
sample is a fresh interpreter; the rounds interleave every function with the hello-world app, so
a busy machine slows both and the ratio holds. Bytecode is warm (a private pycache, filled by an
uncounted first round), as it is in a package built with precompiled .pyc files.

Also prints each function's deployment size: the app zip every function shares, plus the layers
it alone carries (Pillow, for the media worker only; see docs/benchmarks.md).
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import packages  # noqa: E402
from bench.timing import percentile  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HELLO_APP = '''
import boto3
from chalice import Chalice

app = Chalice(app_name="hello")


@app.route("/")
def index():
    return {"hello": "world"}
'''
# What a first invocation imports beyond app.py, per function (kept in step with the lazy imports:
# tokens.py -> jwt; workers/batch.py -> Powertools batch; webhooks run concurrently -> asyncio and
# sealed secrets; the media worker -> domain/media/thumbnails.py -> Pillow).
BATCH = ("aws_lambda_powertools.utilities.batch",)
FUNCTIONS: dict[str, tuple[str, ...]] = {
    "api": ("jwt",),
    "websocket": ("jwt",),
    "worker: events": BATCH,
    "worker: analysis": BATCH,
    "worker: media": (*BATCH, "chalicelib.domain.media.thumbnails"),
    "worker: webhooks": (*BATCH, "asyncio", "cryptography.fernet"),
    "worker: assistant-purge": BATCH,
    "worker: automation": BATCH,
    "stream: outbox": BATCH,  # the chats table's stream handler (process_outbox)
}
GOALS = {"api": 1.3, "websocket": 1.3}  # workers: 1.5
SOURCE_ONLY = "api, package without .pyc"  # what Lambda did before infra/bytecode.py
PROBE = '''
import importlib, time, sys
started = time.perf_counter()
importlib.import_module(sys.argv[1])
init = time.perf_counter() - started
for name in sys.argv[2:]:
    importlib.import_module(name)
print(init, time.perf_counter() - started)
'''


def sample(module: str, extras: tuple[str, ...], cwd: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """(init seconds, init + first-call imports seconds, whole process seconds) of one fresh interpreter."""
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", PROBE, module, *extras], cwd=cwd, env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1]), time.perf_counter() - started


def environment(pycache: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "AWS_ENDPOINT_URL")}
    env.update(PYTHONPYCACHEPREFIX=pycache, PYTHONPATH=str(ROOT), AWS_DEFAULT_REGION="us-east-1",
               AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", PARLEY_STAGE="local")
    return env


def stats(values: list[float]) -> tuple[float, float]:
    return percentile(values, 0.5), percentile(values, 0.9)


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    hello_dir = Path(tempfile.mkdtemp(prefix="parley-hello-"))
    (hello_dir / "hello.py").write_text(HELLO_APP)
    env = environment(tempfile.mkdtemp(prefix="parley-pycache-"))
    # Lambda without .pyc in the package: only the runtime's own modules (here: what hello-world loads)
    # have bytecode; every package module is compiled on each start (a lower bound: the package's own
    # botocore would compile too).
    source_only = environment(tempfile.mkdtemp(prefix="parley-pycache-runtime-"))
    sample("hello", (), hello_dir, source_only)
    source_only["PYTHONDONTWRITEBYTECODE"] = "1"
    subjects = [("hello", "hello", (), hello_dir, env)]
    subjects += [(name, "app", extras, ROOT, env) for name, extras in FUNCTIONS.items()]
    subjects += [(SOURCE_ONLY, "app", FUNCTIONS["api"], ROOT, source_only)]
    samples: dict[str, list[tuple[float, float, float]]] = {name: [] for name, *_ in subjects}
    load_before = load_average()
    for round_number in range(args.runs + 1):  # round 0 fills the pycache and is not counted
        order = subjects[:]
        random.shuffle(order)
        for name, module, extras, cwd, subject_env in order:
            measured = sample(module, extras, cwd, subject_env)
            if round_number:
                samples[name].append(measured)
    hello_init, _ = stats([s[0] for s in samples["hello"]])
    hello_process, _ = stats([s[2] for s in samples["hello"]])
    print(f"Cold start: {args.runs} fresh interpreters per function, interleaved with hello-world Chalice + boto3 "
          f"(load average {load_before} before, {load_average()} after; {os.cpu_count()} CPUs)")
    print(f"{'function':<28}{'init p50':>10}{'p90':>8}{'x hello':>9}{'+ first call p50':>18}{'p90':>8}{'x hello':>9}"
          f"{'process p50':>13}{'x hello':>9}{'goal':>6}")
    for name, *_ in subjects:
        init_p50, init_p90 = stats([s[0] for s in samples[name]])
        first_p50, first_p90 = stats([s[1] for s in samples[name]])
        process_p50, _ = stats([s[2] for s in samples[name]])
        goal = "" if name in ("hello", SOURCE_ONLY) else f"{GOALS.get(name, 1.5):.1f}"
        print(f"{name:<28}{init_p50 * 1000:>8.0f}ms{init_p90 * 1000:>6.0f}ms{init_p50 / hello_init:>8.2f}x"
              f"{first_p50 * 1000:>16.0f}ms{first_p90 * 1000:>6.0f}ms{first_p50 / hello_init:>8.2f}x"
              f"{process_p50 * 1000:>11.0f}ms{process_p50 / hello_process:>8.2f}x{goal:>6}")
    print("init = `import app` (Lambda's INIT); + first call = what the function's first invocation imports on top; "
          "process = the whole interpreter, start-up included. Ratios are to hello-world's p50 of the same column. "
          f"'{SOURCE_ONLY}': Parley's modules and its dependencies compiled on every start, as on Lambda when the "
          "package carries sources only (the CDK app now adds bytecode: infra/bytecode.py).")
    print()
    packages.print_sizes()


if __name__ == "__main__":
    main()
