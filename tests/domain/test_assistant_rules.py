"""Seed 002's pure rules on plain values: ids, search terms, the local engine's answers."""
from datetime import datetime, timedelta, timezone

from chalicelib.domain.assistant import ids, replies, text

MAX_SAFE = 2**53 - 1


def test_ids_are_javascript_safe_time_ordered_and_increase_within_a_conversation():
    at = datetime(2024, 6, 29, 10, 0, tzinfo=timezone.utc)
    first = ids.make(at, draw=lambda bits: (1 << bits) - 1)
    later = ids.make(at + timedelta(milliseconds=1), draw=lambda bits: 0)
    assert 0 < first < later <= MAX_SAFE
    assert ids.make(datetime(2093, 1, 1, tzinfo=timezone.utc), draw=lambda bits: 0) <= MAX_SAFE
    assert ids.after(later + 10, at, draw=lambda bits: 0) == later + 11  # never at or below the previous one
    assert ids.after(0, at, draw=lambda bits: 7) == ids.make(at, draw=lambda bits: 7)


def test_terms_fold_case_accents_and_uzbek_apostrophes():
    assert text.terms("My ORDER #12345 at the Café") == ["my", "order", "12345", "cafe"]
    assert text.terms("Ёлка и ёжик, Йошкар-Ола") == ["елка", "ежик", "йошкар", "ола"]
    assert text.terms("Oʻzbekiston o‘zbek o'zbek ozbek g`alaba") == ["ozbekiston", "ozbek", "galaba"]
    assert text.terms("a I x") == []  # too short or function words
    assert len(text.terms("w" * 100)[0]) == text.MAX_TERM


def test_a_query_needs_every_word_each_may_begin_a_longer_one():
    assert text.query_terms("The ORDER, the number") == ["order", "number"]
    assert text.query_terms("the and") == []
    assert text.contains("Orders of the day: number 5", ["order", "number"])
    assert not text.contains("Orders of the day", ["order", "number"])


def test_the_local_answer_follows_the_order_through_the_conversation():
    assert replies.answer("Customer Service Agent", "My order number is #12345").startswith(
        "Thank you for providing your order number #12345")
    context = [replies.Turn("user", "my order is #555"), replies.Turn("agent", "Thanks!")]
    assert "#555" in replies.answer("Bot", "Where is my order?", context)
    assert "order number" in replies.answer("Bot", "Hello, I need help with my order")
    assert replies.answer("Bot", "Здравствуйте").startswith("Здравствуйте! Я Bot")
    assert "Buyurtma raqami #777" in replies.answer("Bot", "Buyurtma 777 qayerda?")
    assert replies.estimate_tokens("abcd", "abcde") == 3
