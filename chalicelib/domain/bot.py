"""Seed 004's bot and escalation choices, as pure rules: which FAQ answers a customer's words, and
which online agent takes a conversation. No store, no clock: tests/domain/ runs them on plain values.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Sequence

from chalicelib.model.conversations import Faq
from chalicelib.model.identity import SiteMember

DEFAULT_GREETING = "Hi! How can we help you?"
NO_ANSWER = ("I'm not sure I have an answer to that. Would you like to talk to an agent? "
             "Choose \"Talk to agent\" and someone from our team will join.")
BOT_NAME = "Bot"
_WORD = re.compile(r"\w+")
DEFAULT_CAPACITY = 5
MAX_CAPACITY = 100


def connected_text(agent_name: str) -> str:
    return f"You are now connected with {agent_name}"


def _words(text: str) -> str:
    """Lower case, accents stripped, punctuation as spaces, padded: ' how do i pay '."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " " + " ".join(_WORD.findall(plain)) + " "


def best_faq(faqs: Sequence[Faq], text: str) -> Faq | None:
    """The FAQ whose keywords the text mentions most (whole words or phrases; ties go to the FAQ
    listed first), or None when the text mentions none of them."""
    said = _words(text)
    best: tuple[int, Faq] | None = None
    for faq in faqs:
        score = sum(1 for keyword in faq.keywords if (k := _words(keyword).strip()) and f" {k} " in said)
        if score and (best is None or score > best[0]):
            best = (score, faq)
    return best[1] if best else None


def escalation_candidates(members: Sequence[SiteMember], capacity: int) -> list[SiteMember]:
    """Online agents under capacity, the least loaded first (then the longest idle, then by id):
    the order escalation tries them in; its conditional write re-checks both online and capacity."""
    online = [m for m in members if m.status == "online" and m.active_conversations < capacity]
    return sorted(online, key=lambda m: (m.active_conversations, m.last_seen.timestamp() if m.last_seen else 0.0,
                                         m.agent_id))


def capacity_of(configured: int | None) -> int:
    return configured if configured is not None else DEFAULT_CAPACITY
