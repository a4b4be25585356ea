"""The rule modules load on their own: importing them pulls in no AWS SDK, no store, no framework."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ("chalicelib.domain.conversations", "chalicelib.domain.bot", "chalicelib.domain.ratelimit", "chalicelib.domain.analytics",
         "chalicelib.domain.presence", "chalicelib.domain.origins")
FORBIDDEN = ("boto3", "botocore", "moto", "pynamodb", "chalice", "aws_lambda_powertools",
             "chalicelib.store", "chalicelib.integrations", "chalicelib.auth")


def test_importing_the_rules_loads_nothing_forbidden():
    script = (f"import importlib, json, sys\n"
              f"for name in {RULES!r}: importlib.import_module(name)\n"
              f"print(json.dumps(sorted(sys.modules)))\n")
    result = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r})\n" + script],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert set(RULES) <= set(loaded)
    offending = [m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    assert offending == []
