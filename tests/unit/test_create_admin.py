"""infra/create_admin.py: a deployed stage's first site and admin, against moto's DynamoDB."""
import importlib.util
from pathlib import Path

from chalicelib.domain import accounts
from chalicelib.settings import get_settings

SCRIPT = Path(__file__).resolve().parents[2] / "infra" / "create_admin.py"


def load():
    spec = importlib.util.spec_from_file_location("create_admin", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_creates_the_site_and_an_admin_who_can_log_in_and_refuses_a_second_time(aws, monkeypatch, capsys):
    monkeypatch.setenv("PARLEY_ADMIN_PASSWORD", "first-admin-password-1")  # TEST ONLY
    # The script names its stage's tables in os.environ (setdefault): give it the tables this test's
    # moto holds, through monkeypatch, so nothing it sets outlives the test.
    monkeypatch.setenv("PARLEY_CHATS_TABLE", get_settings().chats_table)
    monkeypatch.setenv("PARLEY_CONNECTIONS_TABLE", get_settings().connections_table)
    args = ["--site-id", "acme", "--site-name", "Acme", "--username", "founder", "--email", "f@acme.example"]
    assert load().main(args) == 0
    assert "admin founder" in capsys.readouterr().out
    session = accounts.login("founder", "first-admin-password-1", "acme")
    assert session.agent.role == "admin" and session.agent.site_ids == ("acme",)
    assert load().main(args) == 1  # the username is taken
    assert "not created" in capsys.readouterr().err
