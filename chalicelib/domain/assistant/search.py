"""Seed 002's message search (endpoint 11): the user's messages that contain every word of the
query (a word matches the words it begins: "order" finds "orders"), newest first, case- and
accent-insensitive (domain/assistant/text.py), through the index written with each message.

Cost: 1 Query for the user's deleted-but-not-yet-purged conversations (their postings are
skipped), 1 Query per query word reading that word's postings (keys only, ~100 bytes each; at
most settings.assistant.search_postings per word), and 1 BatchGetItem for the page's messages.
`total` is the number of matching messages. No Scan anywhere.
"""
from __future__ import annotations

from chalicelib.domain.assistant import text
from chalicelib.model.assistant import AssistantMessage
from chalicelib.model.identity import VisitorPrincipal
from chalicelib.settings import get_settings
from chalicelib.store import assistant_chats as store


def search(principal: VisitorPrincipal, query: str, limit: int) -> tuple[list[AssistantMessage], int]:
    terms = text.query_terms(query)
    if not terms:
        return [], 0
    hidden = store.tombstones(principal.site_id, principal.visitor_id)
    cap = get_settings().assistant.search_postings
    matches: dict[tuple[int, int], int] | None = None
    for term in terms:
        found, _ = store.postings(principal.site_id, principal.visitor_id, term, cap)
        these = {(p.conversation_id, p.seq): p.at_ms for p in found if p.conversation_id not in hidden}
        matches = these if matches is None else {k: v for k, v in matches.items() if k in these}
        if not matches:
            return [], 0
    assert matches is not None
    ranked = sorted(matches, key=lambda k: (matches[k], k), reverse=True)
    wanted = ranked[:limit]
    by_key = {(m.conversation_id, m.seq): m for m in store.messages_at(wanted)}
    results = [by_key[k] for k in wanted if k in by_key and text.contains(by_key[k].content, terms)]
    return results, len(ranked) - (len(wanted) - len(results))
