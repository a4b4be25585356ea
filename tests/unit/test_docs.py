"""The documentation stays true: a short README whose links resolve, and a configuration page
that lists exactly the settings the code reads."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
CONFIGURATION = DOCS / "configuration.md"

ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _is_environment(node: ast.AST) -> bool:
    """`env`, `environ`, `os.environ` (whatever mapping a module reads variables from)."""
    if isinstance(node, ast.Name):
        return node.id in {"env", "environ", "environment"}
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def environment_reads(path: Path) -> set[str]:
    """Variable names a module reads: `env.get("X")`, `os.environ.get("X")`, `os.getenv("X")`,
    `env["X"]`, helpers called with the mapping (`_int(env, "X", 3)`), and helpers whose name
    says env (`_env("X")`)."""
    names: set[str] = set()

    def take(node: ast.AST) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and ENV_NAME.fullmatch(node.value):
            names.add(node.value)

    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if ((isinstance(func, ast.Attribute) and func.attr == "get" and _is_environment(func.value))
                    or (isinstance(func, ast.Attribute) and func.attr == "getenv")
                    or (isinstance(func, ast.Name) and "env" in func.id.lower())):
                take(node.args[0])  # the name; later arguments are defaults
            for before, arg in zip(node.args, node.args[1:]):
                if _is_environment(before):
                    take(arg)  # helper(env, "NAME", default)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_environment(node.value):
            take(node.slice)
    return names


def settings_reads() -> set[str]:
    return environment_reads(ROOT / "chalicelib" / "settings.py") | environment_reads(
        ROOT / "chalicelib" / "resources.py")


def every_read() -> set[str]:
    """What the app, the local stack and the CDK app read, together."""
    files = [ROOT / "chalicelib" / "settings.py", ROOT / "chalicelib" / "resources.py",
             *sorted((ROOT / "local").glob("*.py")), *sorted((ROOT / "infra").glob("*.py"))]
    return set().union(*(environment_reads(f) for f in files))


def documented_variables() -> set[str]:
    """Every `NAME` in backticks on docs/configuration.md that looks like a variable."""
    text = CONFIGURATION.read_text()
    return {name for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", text) if ENV_NAME.fullmatch(name)}


def test_the_parser_finds_what_settings_reads():
    # A guard for this test itself: if settings.py changed how it reads, fail here, not vacuously.
    reads = settings_reads()
    assert {"PARLEY_STAGE", "PARLEY_JWT_SECRET", "PARLEY_RATE_LIMIT_AUTH", "PARLEY_WEBHOOK_RETRY_SCHEDULE",
            "AWS_REGION", "POWERTOOLS_LOG_LEVEL"} <= reads
    assert len(reads) >= 30


def test_the_configuration_page_lists_every_setting_the_app_reads():
    missing = sorted(settings_reads() - documented_variables())
    assert not missing, f"add these to docs/configuration.md: {missing}"


def test_every_parley_variable_on_the_configuration_page_is_read():
    listed = {name for name in documented_variables() if name.startswith("PARLEY_")}
    unread = sorted(listed - every_read())
    assert not unread, f"docs/configuration.md lists variables nothing reads: {unread}"


def test_the_readme_is_short_and_starts_with_make_run():
    lines = README.read_text().splitlines()
    assert len(lines) < 250
    assert any("make run" in line for line in lines[:10])


def _relative_links(page: Path) -> list[str]:
    return [target for target in LINK.findall(page.read_text()) if not re.match(r"[a-z]+:", target)]


def test_every_docs_link_in_the_readme_resolves():
    targets = [t.split("#")[0] for t in _relative_links(README) if t.startswith("docs/")]
    assert targets, "the README links no docs/ page"
    missing = sorted({t for t in targets if not (ROOT / t).is_file()})
    assert not missing, f"README links missing pages: {missing}"


def test_the_readme_links_every_docs_page():
    linked = {t.split("#")[0] for t in _relative_links(README)}
    unlinked = sorted(f"docs/{p.name}" for p in DOCS.glob("*.md") if f"docs/{p.name}" not in linked)
    assert not unlinked, f"add to the README's contents: {unlinked}"


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_links_between_docs_pages_resolve(page):
    missing = sorted({t for t in _relative_links(page) if t.split("#")[0]
                      and not (page.parent / t.split("#")[0]).exists()})
    assert not missing, f"{page.name} links missing files: {missing}"


def declared_routes() -> set[tuple[str, str]]:
    routes = set()
    pattern = re.compile(r"\.route\(\s*\"([^\"]+)\"\s*,\s*methods=\[([^\]]*)\]")
    for path in (ROOT / "chalicelib" / "surfaces").rglob("*.py"):
        for route, methods in pattern.findall(path.read_text()):
            for method in re.findall(r"\"(\w+)\"", methods):
                routes.add((method, route))
    return routes


def test_the_readme_names_only_routes_that_exist():
    declared = declared_routes()
    assert ("POST", "/api/v1/messages") in declared  # the parser still understands the surfaces
    named = set(re.findall(r"\b(GET|POST|PUT|PATCH|DELETE) (/[\w/{}.-]*\w)", README.read_text()))
    unknown = sorted(named - declared)
    assert not unknown, f"the README names routes no surface declares: {unknown}"


def test_walkthroughs_and_snippets_each_live_on_one_page():
    seen: dict[str, str] = {}
    for page in [README, *sorted(DOCS.glob("*.md"))]:
        for name in re.findall(r"<!-- readme-(?:walkthrough|snippet):([\w-]+) -->", page.read_text()):
            assert name not in seen, f"{name} is on {seen[name]} and {page.name}"
            seen[name] = page.name
    assert {"auth", "conversation", "realtime", "analysis", "files", "webhook-verify"} <= set(seen)
    assert seen["webhook-verify"] == "webhooks.md"  # tests/unit/test_webhooks.py reads it there
