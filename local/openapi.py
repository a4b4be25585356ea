"""Write (or --check) docs/openapi/<seed>.json: the OpenAPI 3.1 documents the API serves at /openapi/<seed>.json.

    .venv/bin/python -m local.openapi           # after changing a route or a contract model
    .venv/bin/python -m local.openapi --check   # exit 1 when docs/openapi/ is stale (tests/unit/test_openapi.py)
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "openapi"


def rendered() -> dict[str, str]:
    """{file name: text} of every surface's document, as served (keys sorted, 2-space indent)."""
    os.environ.setdefault("PARLEY_STAGE", "local")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    import app  # noqa: F401  (registers every route, as in Lambda)
    from chalicelib.surfaces import descriptions

    return {f"{seed}.json": json.dumps(descriptions.document(seed), indent=2, ensure_ascii=False) + "\n"
            for seed in sorted(descriptions.by_seed())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    documents = rendered()
    stale = [name for name, text in documents.items()
             if not (DOCS / name).is_file() or (DOCS / name).read_text() != text]
    if args.check:
        for name in stale:
            print(f"docs/openapi/{name} is stale: run .venv/bin/python -m local.openapi", file=sys.stderr)
        return 1 if stale else 0
    DOCS.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (DOCS / name).write_text(documents[name])
        print(f"wrote docs/openapi/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
