"""What `import app` spends beyond a hello-world Chalice + boto3 app, by package (python -X importtime).

Each module's own ("self") import time, the smallest of N fresh interpreters, for the modules the
hello-world app does not load; then the API handler's 10 largest cumulative entries. importtime adds
its own overhead: read the shares, and bench/coldstart.py for the ratio.

    .venv/bin/python bench/import_profile.py [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELLO = "import boto3\nfrom chalice import Chalice\napp = Chalice(app_name='hello')\n"


def importtime(code: str, runs: int, cwd: Path) -> tuple[dict[str, int], dict[str, int]]:
    """({module: smallest self µs}, {module: smallest cumulative µs}) over `runs` fresh interpreters."""
    env = {**os.environ, "PARLEY_STAGE": "local", "AWS_DEFAULT_REGION": "us-east-1", "PYTHONPATH": str(ROOT)}
    env.pop("AWS_ENDPOINT_URL", None)
    own: dict[str, int] = {}
    cumulative: dict[str, int] = {}
    for _ in range(runs):
        err = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=cwd, env=env, check=True,
                             capture_output=True, text=True).stderr
        for line in err.splitlines():
            if not line.startswith("import time:") or "[us]" in line:
                continue
            self_us, cumulative_us, name = line[len("import time:"):].split("|", 2)
            module = name.strip()
            own[module] = min(own.get(module, 1 << 60), int(self_us))
            cumulative[module] = min(cumulative.get(module, 1 << 60), int(cumulative_us))
    return own, cumulative


def package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "chalicelib" else parts[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    hello_dir = Path(tempfile.mkdtemp(prefix="parley-hello-"))
    (hello_dir / "hello.py").write_text(HELLO)
    hello, _ = importtime("import hello", args.runs, hello_dir)
    parley, cumulative = importtime("import app", args.runs, ROOT)
    extra = {module: us for module, us in parley.items() if module not in hello}
    by_package: Counter[str] = Counter()
    for module, us in extra.items():
        by_package[package(module)] += us
    total = sum(extra.values())
    print(f"import app beyond hello-world (python -X importtime, self times, min of {args.runs}): "
          f"{total / 1000:.0f} ms in {len(extra)} modules; hello-world's own {sum(hello.values()) / 1000:.0f} ms")
    for name, us in by_package.most_common(14):
        print(f"  {name:<28}{us / 1000:7.1f} ms {us / total:5.0%}")
    parley_share = sum(us for module, us in extra.items() if module.startswith("chalicelib") or module == "app")
    print(f"  Parley's own modules: {parley_share / total:.0%} of the excess "
          f"({sum(1 for m in extra if m.startswith('chalicelib'))} modules)")
    print("Top 10 cumulative entries of `import app`:")
    for module, us in sorted(cumulative.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {us / 1000:7.1f} ms  {module}")


if __name__ == "__main__":
    main()
