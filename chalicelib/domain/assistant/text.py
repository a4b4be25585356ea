"""Search terms of a text: the words the message search index stores and a query looks for.

Pure: no store, no clock. Case- and accent-insensitive in English, Russian and Uzbek:

- NFKC, then casefold ("Order" = "order", "ß" = "ss");
- Latin letters lose their accents ("café" = "cafe", "Qoʻqon" = "qo'qon" = "qoqon");
- Cyrillic keeps its letters but "ё" is "е" (Russian writes both), and Uzbek Cyrillic's "ў" is
  kept (it is a letter of its own, not an accented "у");
- the apostrophes of Uzbek Latin (ʻ ʼ ‘ ’ ` ') vanish inside a word, so "o'zbek", "oʻzbek" and
  "ozbek" are one term; anything else that is not a letter or digit separates words
  ("#12345" is "12345").

Terms are 2-40 characters; very common function words of the three languages are not indexed
(each would cost an index item on nearly every message and find nothing useful).
"""
from __future__ import annotations

import re
import unicodedata

MIN_TERM = 2
MAX_TERM = 40
MAX_QUERY_TERMS = 8

_APOSTROPHES = "'`\u2018\u2019\u02bb\u02bc\u02b9"
_WORD = re.compile(r"[^\W_]+(?:[" + _APOSTROPHES + r"][^\W_]+)*")
_APOSTROPHE = re.compile("[" + _APOSTROPHES + "]")

STOPWORDS = frozenset("""
a an the and or of to in on at for with by is are was were be been am it its this that these those
и в во на с со что как а то но да же за бы по от из о ли или
va bu u bilan uchun ham yoki
""".split())


def _fold(char: str) -> str:
    if char in "ёЁ":
        return "е"
    if "\u0400" <= char <= "\u04ff":  # Cyrillic: й, ў, қ ... are letters of their own
        return char
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """The text as the index compares it (see the module's docstring)."""
    normal = unicodedata.normalize("NFKC", text).casefold()
    return "".join(_fold(c) for c in normal)


def words(text: str) -> list[str]:
    """The folded words of a text, in order, with repeats; apostrophes removed inside words."""
    return [_APOSTROPHE.sub("", match.group(0)) for match in _WORD.finditer(fold(text))]


def terms(text: str) -> list[str]:
    """The distinct index terms of a text, in order of first appearance."""
    found: dict[str, None] = {}
    for word in words(text):
        if len(word) < MIN_TERM or word in STOPWORDS:
            continue
        found.setdefault(word[:MAX_TERM], None)
    return list(found)


def query_terms(query: str) -> list[str]:
    """The terms a search looks for (every one must occur, each as a word or a word's beginning).
    Function words are not indexed, so they are dropped: a query of nothing else finds nothing."""
    all_words = [w[:MAX_TERM] for w in words(query) if len(w) >= MIN_TERM]
    useful = [w for w in all_words if w not in STOPWORDS]
    return list(dict.fromkeys(useful))[:MAX_QUERY_TERMS]


def contains(text: str, wanted: list[str]) -> bool:
    """Whether every wanted term begins a word of the text (what a search result must satisfy)."""
    present = words(text)
    return all(any(word.startswith(term) for word in present) for term in wanted)
