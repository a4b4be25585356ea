"""Accuracy of the local analysis engine on a hand-labelled set of visitor messages.

The set (`bench/data/analysis_labelled.jsonl`) was written for this purpose in
English, Russian, Uzbek and Spanish: each line gives the text and the expected
intent, sentiment, objection (or null) and interest level. Prints per-field
accuracy overall and per language, the misses, and analyses per second (a
ratio to a no-op loop would be meaningless; this is for spotting 10x changes).

    .venv/bin/python bench/analysis_accuracy.py [--misses]
"""
from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.domain.analysis.engine import LocalEngine  # noqa: E402

LABELLED = ROOT / "bench" / "data" / "analysis_labelled.jsonl"
FIELDS = {"intent": "intent", "sentiment": "sentiment", "objection": "objection", "interest": "interest_level"}


def load_labelled() -> list[dict[str, Any]]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(rows: list[dict[str, Any]]) -> tuple[dict[str, float], dict[str, dict[str, float]], list[str]]:
    """(accuracy per field, accuracy per language and field, a line per miss)."""
    engine = LocalEngine()
    hits: dict[str, int] = defaultdict(int)
    per_lang: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    misses = []
    for row in rows:
        insight = engine.analyze_message(row["text"])[0].to_dict()
        for label, attribute in FIELDS.items():
            right = insight[attribute] == row[label]
            hits[label] += right
            per_lang[row["lang"]][label][0] += right
            per_lang[row["lang"]][label][1] += 1
            if not right:
                misses.append(f"  {label:<9} want {row[label]!s:<17} got {insight[attribute]!s:<17} {row['text']}")
    overall = {label: hits[label] / len(rows) for label in FIELDS}
    languages = {lang: {label: h / n for label, (h, n) in fields.items()} for lang, fields in per_lang.items()}
    return overall, languages, misses


def main() -> None:
    rows = load_labelled()
    overall, languages, misses = score(rows)
    print(f"local engine on {len(rows)} labelled messages ({', '.join(sorted(languages))})")
    print(f"  {'field':<10}" + "".join(f"{lang:>8}" for lang in sorted(languages)) + f"{'all':>8}")
    for label in FIELDS:
        cells = "".join(f"{languages[lang].get(label, 0):>8.0%}" for lang in sorted(languages))
        print(f"  {label:<10}{cells}{overall[label]:>8.0%}")
    engine = LocalEngine()
    started = time.perf_counter()
    runs = 0
    while time.perf_counter() - started < 1.0:
        for row in rows:
            engine.analyze_message(row["text"])
            runs += 1
    print(f"  throughput: {runs / (time.perf_counter() - started):,.0f} messages/s on one core")
    if "--misses" in sys.argv:
        print("misses:")
        print("\n".join(misses))


if __name__ == "__main__":
    main()
