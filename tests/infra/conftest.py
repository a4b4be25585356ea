"""Synthesize the CDK app once per stage (in a subprocess: `chalice package` imports app.py
with the stage's settings, so one stage per process), and hand tests the template."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def synthesize(stage: str, outdir: Path, **context: str) -> tuple[dict, float, Path]:
    env = {**os.environ, "PARLEY_DEPLOY_STAGE": stage, "CDK_OUTDIR": str(outdir), "AWS_DEFAULT_REGION": "us-east-1",
           "CDK_DEFAULT_REGION": "us-east-1", "CDK_DEFAULT_ACCOUNT": "123456789012",
           "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
           "CDK_CONTEXT_JSON": json.dumps(context)}
    env.pop("AWS_ENDPOINT_URL", None)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "main.py"], cwd=ROOT / "infra", env=env, capture_output=True,
                            text=True, timeout=900)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-4000:]
    path = outdir / f"parley-{stage}.template.json"
    return json.loads(path.read_text()), elapsed, path


@pytest.fixture(scope="session")
def dev(tmp_path_factory):
    template, seconds, path = synthesize("dev", tmp_path_factory.mktemp("cdk-dev"),
                                         bedrock_model_id="anthropic.claude-3-haiku-20240307-v1:0")
    print(f"\ncdk synth (dev): {seconds:.1f} s")
    return template, path


@pytest.fixture(scope="session")
def prod(tmp_path_factory):
    template, seconds, path = synthesize("prod", tmp_path_factory.mktemp("cdk-prod"))
    print(f"\ncdk synth (prod): {seconds:.1f} s")
    return template, path
