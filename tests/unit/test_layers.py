"""The import contracts of .importlinter bite, and app.py (not a package, so lint-imports
cannot see it) keeps the local stack out of what is deployed.

Each check copies chalicelib/, local/ and .importlinter to a temporary directory, adds one
forbidden import there and runs the venv's lint-imports on the copy. Whether the real tree
passes is `make test`'s first step, not asserted here.
"""
import ast
import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _copy_tree(tmp_path: Path) -> Path:
    for package in ("chalicelib", "local"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def _append(path: Path, line: str) -> int:
    """Append `line` to a module; returns its line number."""
    text = path.read_text()
    if text and not text.endswith("\n"):
        text += "\n"
    path.write_text(text + line + "\n")
    return text.count("\n") + 1


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "400", "NO_COLOR": "1"}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def _contract_names(root: Path) -> dict[str, str]:
    config = configparser.ConfigParser()
    config.read(root / ".importlinter")
    prefix = "importlinter:contract:"
    return {section[len(prefix):]: config[section]["name"] for section in config.sections()
            if section.startswith(prefix)}


def _broken_sections(output: str, names: list[str]) -> dict[str, str]:
    """The report's "Broken contracts" part, one flattened text per contract heading (a name
    underlined with dashes), so a violation can be tied to the contract that reported it."""
    flat = " ".join(output.split())  # undo the report's line wrapping
    details = flat.split("Broken contracts", 1)[1] if "Broken contracts" in flat else ""
    headings = sorted((m.start(), m.end(), name) for name in names
                      for m in re.finditer(re.escape(name) + r" -{3,}", details))
    return {name: details[end:headings[i + 1][0] if i + 1 < len(headings) else len(details)]
            for i, (_, end, name) in enumerate(headings)}


def _reported(text: str, importer: str, imported: str) -> set[int]:
    """Line numbers listed for `importer -> imported`, e.g. `a.b -> c.d (l.3, l.9)`."""
    flat = " ".join(text.split())
    lines: set[int] = set()
    for found in re.finditer(rf"(?<![\w.]){re.escape(importer)} -> {re.escape(imported)} \(([^)]*)\)", flat):
        lines.update(int(n) for n in re.findall(r"l\.(\d+)", found.group(1)))
    return lines


@pytest.mark.parametrize("module_file, forbidden, importer, imported, contracts", [
    # An edge reaching down past the domain for storage (the layers allow downward) breaks
    # edges-never-touch-storage.
    ("chalicelib/surfaces/console/analytics.py", "from chalicelib.store import tenants",
     "chalicelib.surfaces.console.analytics", "chalicelib.store.tenants", ("edges-never-touch-storage",)),
    # A lower layer importing a higher one breaks the layers.
    ("chalicelib/model/analytics.py", "from chalicelib.domain import analytics",
     "chalicelib.model.analytics", "chalicelib.domain.analytics", ("layers",)),
    ("chalicelib/store/ratelimits.py", "from chalicelib.surfaces import console",
     "chalicelib.store.ratelimits", "chalicelib.surfaces.console", ("layers",)),
    # A pure rule module reaching for the store (allowed by the layers) breaks pure-rules.
    ("chalicelib/domain/ratelimit.py", "from chalicelib.store import tenants",
     "chalicelib.domain.ratelimit", "chalicelib.store.tenants", ("pure-rules",)),
    # Anything deployed importing the local stack breaks deployed-never-imports-local.
    ("chalicelib/domain/presence.py", "import local",
     "chalicelib.domain.presence", "local", ("deployed-never-imports-local",)),
    # The model leaf importing an AWS SDK breaks model-is-a-leaf.
    ("chalicelib/model/events.py", "import boto3",
     "chalicelib.model.events", "boto3", ("model-is-a-leaf",)),
])
def test_a_forbidden_import_fails_lint_imports_naming_module_and_line(
        tmp_path, module_file, forbidden, importer, imported, contracts):
    root = _copy_tree(tmp_path)
    names = _contract_names(root)
    line = _append(root / module_file, forbidden)

    result = _lint_imports(root)

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    flat = " ".join(output.split())
    sections = _broken_sections(output, list(names.values()))
    for contract in contracts:
        assert f"{names[contract]} BROKEN" in flat, output
        assert line in _reported(sections.get(names[contract], ""), importer, imported), output


def test_the_report_parsers_read_wrapped_lines_and_tell_contracts_apart():
    report = ("Broken contracts\n----------------\n\nFirst rule\n----------\n\n"
              "-   chalicelib.surfaces.console.notifications -> chalicelib.store.notifications \n(l.7)\n\n"
              "Second rule\n-----------\n\n"
              "-   chalicelib.realtime.fanout -> chalicelib.store.connections (l.21, l.22)\n")
    sections = _broken_sections(report, ["First rule", "Second rule"])
    assert _reported(sections["First rule"], "chalicelib.surfaces.console.notifications",
                     "chalicelib.store.notifications") == {7}
    assert _reported(sections["First rule"], "chalicelib.realtime.fanout", "chalicelib.store.connections") == set()
    assert _reported(sections["Second rule"], "chalicelib.realtime.fanout", "chalicelib.store.connections") == {21, 22}
    assert _reported(report, "chalicelib.realtime.fanout", "chalicelib.store") == set()
    assert _reported(report, "realtime.fanout", "chalicelib.store.connections") == set()


# -- app.py ---------------------------------------------------------------------------------------

def _imports_of_local(source: str) -> list[int]:
    """Lines of any `import local...` / `from local... import` anywhere in a module (functions too),
    and of importlib.import_module("local...") / __import__("local...") calls."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called in ("import_module", "__import__"):
                names = [node.args[0].value]
        if any(name == "local" or name.startswith("local.") for name in names):
            found.append(node.lineno)
    return found


def test_app_py_does_not_import_the_local_stack():
    assert _imports_of_local((ROOT / "app.py").read_text()) == []


@pytest.mark.parametrize("source, lines", [
    ("import local\n", [1]),
    ("import os, local.stack\n", [1]),
    ("from local import apigw\n", [1]),
    ("from local.testing import routes\n", [1]),
    ("def mount():\n    from local import testing\n", [2]),
    ("import importlib\nimportlib.import_module('local.testing')\n", [2]),
    ("import localization\nfrom locale import getlocale\nfrom .local import x\n", []),
])
def test_the_app_py_check_finds_every_form_of_importing_local(source, lines):
    assert _imports_of_local(source) == lines
