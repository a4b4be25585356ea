"""The local analysis engine: deterministic, lexicon and rule based, no network, no model.

What it does: finds the intent, sentiment (with simple negation), objections, interest
and keywords from the cue words in `lexicon.py`, and writes a suggested reply from
templates in the visitor's language (English, Russian, Uzbek). What it cannot do:
understand sarcasm, long reasoning, facts about your product, or languages it has no
words for (those come out neutral / "other"). It never raises on any text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from chalicelib.domain.analysis import lexicon, replies
from chalicelib.domain.analysis.schema import ConversationInsight, MessageInsight, Turn, Usage

MAX_ANALYSED_CHARS = 4000
MAX_KEYWORD_CHARS = 40  # a "word" longer than this is noise (a pasted token, a URL), not a keyword  # longer messages are analysed on their first 4,000 characters
_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bb": "'", "\u02bc": "'", "`": "'"})
_WORD = re.compile(r"[\w']+")
_SENTENCE = re.compile(r"[.!?;\n]+")
_POSITIVE_EMOJI = set("😀😃😄😁😊🙂😍🥰👍❤💯🎉🙏")
_NEGATIVE_EMOJI = set("😠😡🤬😞😢😭👎💔😤😒")
_INTENT_PRIORITY = (
    "refund_request", "cancellation", "complaint", "technical_support", "shipping_inquiry", "account_help",
    "pricing_question", "purchase_inquiry", "gratitude", "greeting",
)
_NEGATIVE_INTENTS = {"refund_request": 1.5, "cancellation": 1.0, "complaint": 1.5, "technical_support": 0.5}


def normalize(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text[:MAX_ANALYSED_CHARS]).casefold().translate(_APOSTROPHES)
    return " ".join(folded.split())


@lru_cache(maxsize=64)
def _pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for cue in sorted(cues, key=len, reverse=True):
        if cue.endswith("*"):
            parts.append(re.escape(cue[:-1]) + r"[\w']*")
        else:
            parts.append(re.escape(cue) + r"(?![\w'])")
    return re.compile(r"(?<![\w'])(?:" + "|".join(parts) + ")")


@dataclass(frozen=True)
class Hit:
    start: int
    text: str


def find(text: str, cues: tuple[str, ...]) -> list[Hit]:
    return [Hit(m.start(), m.group(0)) for m in _pattern(cues).finditer(text)]


def _negated(text: str, position: int) -> bool:
    clause = re.split(r"[,.;:!?]", text[max(0, position - 40):position])[-1]  # negation stops at a comma
    before = _WORD.findall(clause)[-3:]
    return any(word in lexicon.NEGATORS for word in before)


def language_of(text: str) -> str:
    if re.search(r"[а-яё]", text):
        return "ru"
    words = set(_WORD.findall(text))
    if words & lexicon.UZBEK_MARKERS or re.search(r"\b(?:o'|g')\w", text):
        return "uz"
    return "en"


def _sentiment_score(text: str, intent: str, raw: str) -> float:
    score = 0.0
    for hit in find(text, lexicon.POSITIVE):
        score += -1.0 if _negated(text, hit.start) else 1.0
    for hit in find(text, lexicon.NEGATIVE):
        score += 0.5 if _negated(text, hit.start) else -1.0
    score += sum(1 for ch in raw if ch in _POSITIVE_EMOJI) * 0.5
    score -= sum(1 for ch in raw if ch in _NEGATIVE_EMOJI) * 0.5
    return score - _NEGATIVE_INTENTS.get(intent, 0.0)


def _intent(text: str) -> tuple[str, list[Hit]]:
    best, best_score, best_hits = "other", 0, []
    for name in _INTENT_PRIORITY:
        weight, cues = lexicon.INTENT_CUES[name]
        hits = find(text, cues)
        if weight * len(hits) > best_score:
            best, best_score, best_hits = name, weight * len(hits), hits
    if best == "other":
        openers = find(text, lexicon.QUESTION_OPENERS)
        if "?" in text or "¿" in text or (openers and openers[0].start == 0):
            best = "general_question"
    return best, best_hits


def _objection(text: str) -> tuple[str | None, list[Hit]]:
    for label, cues in lexicon.OBJECTION_CUES.items():
        hits = [h for h in find(text, cues) if not _negated(text, h.start)]
        if hits:
            return label, hits
    for sentence in _SENTENCE.split(text):
        prices = find(sentence, lexicon.PRICE_WORDS)
        if prices and find(sentence, lexicon.HIGH_WORDS):
            return "Price concern", [Hit(text.find(sentence) + prices[0].start, prices[0].text)]
    return None, []


def _interest(text: str, intent: str, intent_hits: list[Hit]) -> tuple[int, list[Hit]]:
    if find(text, lexicon.DISINTEREST):
        return -2, []
    strong = [h for h in find(text, lexicon.STRONG_INTEREST) if not _negated(text, h.start)]
    score = 2 * len(strong)
    if intent in ("purchase_inquiry", "pricing_question"):
        score += 1 + (1 if len(intent_hits) >= 2 else 0)
    if intent in ("refund_request", "cancellation"):
        score -= 2
    elif intent == "complaint":
        score -= 1
    return score, strong


def _level(score: int) -> str:
    return "High" if score >= 3 else "Medium" if score >= 1 else "Low"


def _conversion(level: str, sentiment: str, objection: str | None) -> int:
    value = {"Low": 15, "Medium": 40, "High": 70}[level]
    value += {"positive": 10, "neutral": 0, "negative": -15}[sentiment]
    if objection:
        value -= 5
    return max(1, min(99, value))


def _keywords(text: str, hits: Iterable[Hit]) -> list[str]:
    found: list[Hit] = list(hits)
    nouns = "|".join(lexicon.PRODUCT_NOUNS)
    for match in re.finditer(rf"([\w']+) ((?:{nouns})s?)(?![\w'])", text):
        if match.group(1) not in lexicon.STOPWORDS:
            found.append(Hit(match.start(), match.group(0)))
    words = []
    for hit in sorted(found, key=lambda h: h.start):
        tokens = [t for t in _WORD.findall(hit.text)]
        while tokens and tokens[-1] in lexicon.STOPWORDS:
            tokens.pop()
        if tokens and len(" ".join(tokens)) <= MAX_KEYWORD_CHARS:
            words.append(" ".join(tokens))
    if not words:
        words = [w for w in _WORD.findall(text)
                 if 3 < len(w) <= MAX_KEYWORD_CHARS and w not in lexicon.STOPWORDS and not w.isdigit()]
    unique = list(dict.fromkeys(words))
    kept = [w for w in unique if not any(w != other and f" {w} " in f" {other} " for other in unique)]
    return kept[:8]


class LocalEngine:
    """The default analyzer. Pure Python; every call costs nothing and is repeatable."""

    name = "local"
    context_turns = 0  # reads one message at a time

    def analyze_message(self, text: str, context: Sequence[Turn] = ()) -> tuple[MessageInsight, Usage]:
        norm = normalize(text or "")
        intent, intent_hits = _intent(norm)
        objection, objection_hits = _objection(norm)
        score = _sentiment_score(norm, intent, text or "")
        sentiment = "positive" if score > 0 else "negative" if score < 0 else "neutral"
        interest_score, interest_hits = _interest(norm, intent, intent_hits)
        level = _level(interest_score)
        keywords = _keywords(norm, [*interest_hits, *intent_hits, *objection_hits])
        insight = MessageInsight(
            suggested_reply=replies.reply_for(language_of(norm), intent, objection, keywords),
            interest_level=level,
            conversion_percentage=_conversion(level, sentiment, objection),
            objection=objection,
            next_action=replies.next_action(intent, objection, level),
            sentiment=sentiment,
            intent=intent,
            keywords=keywords,
        )
        return insight, Usage(provider=self.name)

    def suggest_reply(self, text: str, context: Sequence[Turn] = ()) -> tuple[str, Usage]:
        insight, usage = self.analyze_message(text, context)
        return insight.suggested_reply, usage

    def analyze_conversation(self, turns: Sequence[Turn]) -> tuple[ConversationInsight, Usage]:
        visitor = [t.insight or self.analyze_message(t.text)[0] for t in turns if t.sender == "visitor"]
        if not visitor:
            return ConversationInsight(
                overall_sentiment="neutral", interest_level="Low", conversion_probability=0, key_topics=[],
                objections_raised=[], recommended_actions=["Wait for the visitor's first message"],
                summary="No visitor messages yet.",
            ), Usage(provider=self.name)
        weights = range(1, len(visitor) + 1)  # later messages count more
        total = sum(weights)
        mood = sum(w * {"positive": 1, "neutral": 0, "negative": -1}[i.sentiment] for w, i in zip(weights, visitor))
        mood /= total
        overall = "positive" if mood > 0.25 else "negative" if mood < -0.25 else "neutral"
        interest = sum(w * {"Low": 0, "Medium": 1, "High": 2}[i.interest_level] for w, i in zip(weights, visitor))
        level = ("Low", "Medium", "High")[min(2, round(interest / total))]
        conversion = sum(w * i.conversion_percentage for w, i in zip(weights, visitor)) / total
        if any(t.sender == "support" for t in turns):
            conversion += 5  # someone answered: conversations with replies convert more often
        objections = list(dict.fromkeys(i.objection.lower() for i in visitor if i.objection))
        topics = replies.topics_of(visitor)
        insight = ConversationInsight(
            overall_sentiment=overall,
            interest_level=level,
            conversion_probability=max(0, min(100, round(conversion))),
            key_topics=topics,
            objections_raised=objections,
            recommended_actions=replies.recommended_actions(visitor),
            summary=replies.summary(visitor, level, topics, objections),
        )
        return insight, Usage(provider=self.name)
