"""Shared test setup: a local-stage environment with fake credentials, set before any app import."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Unit tests run against moto's in-process mock, never against an endpoint URL.
for _key in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "PARLEY_WS_MANAGEMENT_ENDPOINT"):
    os.environ.pop(_key, None)
os.environ.update(
    {
        "PARLEY_STAGE": "local",
        "PARLEY_TEST_HANDLERS": "0",
        "AWS_ACCESS_KEY_ID": "testing-only",
        "AWS_SECRET_ACCESS_KEY": "testing-only",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        # TEST ONLY: a fixed signing secret (>= 32 bytes) so tokens verify within a run.
        "PARLEY_JWT_SECRET": "test-only-signing-secret-0123456789abcdef",
    }
)
