"""CDK entry point: `cd infra && npx cdk synth` (or `python main.py`), stage from PARLEY_DEPLOY_STAGE.

Optional context: `-c bedrock_model_id=<id>` turns on Bedrock analysis (and its IAM grant),
`-c cors_origins=https://app.example.com,https://www.example.com` limits browser uploads.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "infra"))
os.environ.setdefault("AWS_DEFAULT_REGION", os.environ.get("CDK_DEFAULT_REGION", "us-east-1"))

from aws_cdk import App, Environment  # noqa: E402

from parley_stack import ParleyStack, stage_from_environment  # noqa: E402
from web_stack import ParleyWebStack  # noqa: E402


def build(outdir: str | None = None) -> App:
    app = App(outdir=outdir) if outdir else App()
    stage = stage_from_environment()
    # The app module is packaged (and so imported) with the stage's settings: queue names are baked in.
    os.environ["PARLEY_STAGE"] = stage
    origins = app.node.try_get_context("cors_origins")
    env = Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=os.environ.get("CDK_DEFAULT_REGION"))
    api = ParleyStack(app, f"parley-{stage}", stage=stage,
                      bedrock_model_id=app.node.try_get_context("bedrock_model_id"),
                      cors_origins=tuple(origins.split(",")) if origins else ("*",), env=env)
    # The widget and the console (web/) on S3 + CloudFront, in front of the API (docs/web-apps.md).
    ParleyWebStack(app, f"parley-web-{stage}", stage=stage, rest_api_id=api.chalice.get_resource("RestAPI").ref,
                   websocket_api_id=api.chalice.get_resource("WebsocketAPI").ref, env=env)
    return app


if __name__ == "__main__":
    build().synth()
