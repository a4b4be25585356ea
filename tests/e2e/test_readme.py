"""The documentation's walkthroughs (README.md and docs/*.md) run, as written, against the running stack."""
import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"<!-- readme-walkthrough:(?P<name>[\w-]+) -->\s*```(?P<lang>bash|python)\n(?P<script>.*?)```", re.S)


def walkthroughs():
    found: dict[str, tuple[str, str]] = {}
    for page in PAGES:
        if not page.exists():
            continue
        for m in BLOCK.finditer(page.read_text()):
            assert m.group("name") not in found, f"walkthrough {m.group('name')!r} appears twice ({page.name})"
            found[m.group("name")] = (m.group("lang"), m.group("script"))
    return found


def test_the_readme_has_walkthroughs():
    assert {"auth", "conversation", "realtime", "analysis", "files", "assistant"} <= set(walkthroughs())


@pytest.mark.parametrize("name", sorted(walkthroughs()))
def test_walkthrough_runs(stack, name):
    lang, script = walkthroughs()[name]
    if lang == "python":  # with the venv's Python: what `make run` installed
        script = script.replace('BASE = "http://127.0.0.1:8000"', f'BASE = "{stack.url}"')
        script = script.replace('ADMIN_PASSWORD = "the password make run printed"', f'ADMIN_PASSWORD = "{DEMO_PASSWORD}"')
        command = [sys.executable, "-c", script]
    else:
        script = script.replace("BASE=http://127.0.0.1:8000", f"BASE={stack.url}")
        script = script.replace("ADMIN_PASSWORD='the password make run printed'", f"ADMIN_PASSWORD='{DEMO_PASSWORD}'")
        command = ["bash", "-euo", "pipefail", "-c", script]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    if name == "widget-cors":  # the shop's origin was granted, the other refused (docs/web-apps.md)
        lines = result.stdout.strip().splitlines()
        assert lines[0].lower().strip() == "access-control-allow-origin: https://www.shop.example" and lines[-1] == "403"
    if name == "auth":  # its last command checks that a logged-out token is refused
        assert result.stdout.strip().endswith("401")
    if name == "files":  # the download matched the upload (cmp), and after the delete the link is a 404
        assert result.stdout.strip().endswith("404")
    if name == "analysis":  # the worker's analysis was read back with the message
        assert result.stdout.count('"objection":"Price concern"') == 1  # the on-demand example
        assert re.search(r"Price concern$", result.stdout, re.M)  # what `pick ...analysis.objection` printed
    if name == "visitor-chat":  # the ended session refused the late socket with 4006 in an error frame
        assert "'code': 4006" in result.stdout.strip().splitlines()[-1]
        assert "'type': 'session_ended'" in result.stdout
    if name == "assistant":  # the answer echoed the order; the answer was read; deleted is a 404
        lines = result.stdout.strip().splitlines()
        assert any(line.startswith("Thank you for providing your order number #12345") for line in lines)
        assert lines[-1] == "404" and lines[-3] == "Customer Service Agent"  # the top assistant, site-wide
    if name == "integrator-chats":  # seed 003: the chat was answered, closed, and counted; a foreign workspace 403
        lines = result.stdout.strip().splitlines()
        assert lines[1:5] == ["+998901234567", "agent", "assigned", "closed"], lines
        stats = ast.literal_eval(lines[5])
        assert stats["total_chats"] == 1 and stats["resolved_chats"] == 1 and stats["csat_score"] == 5.0, stats
        assert json.loads(lines[6])["metrics"]["first_contact_resolution_rate"] > 0, lines[6]
        assert lines[-1] == "403"
    if name == "integrator-automation":  # seed 003: the trigger fired once, after its delay, on /pricing only
        lines = result.stdout.strip().splitlines()
        assert lines[:2] == ["200 #6366F1 Xush kelibsiz!", "400 REQ-001 demo-1 demo-1"], lines
        assert [ast.literal_eval(line)["triggers_queued"] for line in lines[2:5]] == [0, 1, 0], lines
        assert lines[5:] == ["bot Sizga yordam kerakmi? True", "204"], lines
    if name == "customer-flow":  # seed 004: bot answers, escalation once, the resync, chat.closed, then 409
        lines = result.stdout.strip().splitlines()
        assert lines[1:4] == ["201 automated bot", "201 ['customer', 'bot']", "201 refunds"], lines
        assert lines[4:7] == ["403", "200 agent", "True"], lines
        assert lines[7:] == ["['system.connected', 'conversation.updated', 'message.created']",
                             "Hi Jane, how can I help?", "200", "chat.closed", "409"], lines
    if name == "realtime":  # the resync printed exactly the message after seq 1
        assert result.stdout.strip().splitlines()[-1] == "['On its way!']"
