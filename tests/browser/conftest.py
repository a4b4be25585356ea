"""Real headless Chromium (Debian's `chromium`, /usr/bin/chromium) driven by Playwright for Python.

Playwright's own browser download is never used (`playwright install` needs hosts this
network does not reach): `executable_path` points at the OS package, which the README and
the Makefile install (`apt-get install -y chromium`). The stack runs on real sockets with
the demo page on a second origin, so the browser applies CORS exactly as on a customer's site.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from local.harness import StackProcess

CHROMIUM = Path(os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium"))
# Flags that work on a closed network: no background calls to Google's hosts, no QUIC.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DEMO_PASSWORD = "browser-demo-admin-password"  # TEST ONLY
STACK_ENV = {"PARLEY_DEMO_ADMIN_PASSWORD": DEMO_PASSWORD, "PARLEY_RATE_LIMIT_AUTH": "1000"}


@pytest.fixture(scope="package")
def stack():
    process = StackProcess(env=STACK_ENV)
    process.start()
    yield process
    assert process.stop() == 0, process.log()


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make test does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def shots(request):
    """shots("step") saves a numbered PNG of a page under tests/browser/artifacts/<test>/."""
    folder = ARTIFACTS / re.sub(r"\W+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def take(page, step: str) -> Path:
        path = folder / f"{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path))
        return path

    return take
