"""The local engine's answers to an end user, and token estimates. Pure: no store, no network.

The answer is deterministic and in the user's language (English, Russian, Uzbek): the analysis
engine's suggested reply for what the message asks (chalicelib/domain/analysis), except where the
message or, with context, the conversation gives more to work with:

- an order number ("#12345", "order 12345", "заказ 12345", "buyurtma 12345") is acknowledged
  and echoed back, and a later "where is it?" is answered about that order;
- a message about an order without its number is asked for the number;
- a greeting gets the assistant introducing itself by name.

It cannot follow the assistant's free-text instructions (Bedrock does) and knows nothing of the
site's products. Tokens are estimated as one per four characters, rounded up.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

from chalicelib.domain.analysis.engine import LocalEngine, language_of, normalize

_HASH_REF = re.compile(r"#\s?([A-Za-z0-9][A-Za-z0-9-]{2,24})")
_WORD_REF = re.compile(r"(?:order|заказ\w*|buyurtma\w*)\D{0,24}?(\d{3,20})", re.IGNORECASE)

_THANKS = {
    "en": "Thank you for providing your order number #{ref}. Let me check the status of your order for you.",
    "ru": "Спасибо, что указали номер заказа #{ref}. Сейчас проверю статус вашего заказа.",
    "uz": "Buyurtma raqami #{ref} uchun rahmat. Buyurtmangiz holatini tekshirib beraman.",
}
_ABOUT = {
    "en": "I'm looking into order #{ref} for you. I'll tell you its status as soon as I have it.",
    "ru": "Проверяю заказ #{ref}. Сообщу его статус, как только он будет известен.",
    "uz": "#{ref} buyurtmani tekshiryapman. Holati ma'lum bo'lishi bilan aytaman.",
}
_HELLO = {
    "en": "Hello! I'm {name}. How can I help you today?",
    "ru": "Здравствуйте! Я {name}. Чем могу помочь?",
    "uz": "Assalomu alaykum! Men {name}. Qanday yordam bera olaman?",
}
_ASK = {
    "en": "Hello! I'd be happy to help you with your order. Could you please provide your order number?",
    "ru": "Здравствуйте! С радостью помогу с заказом. Подскажите, пожалуйста, номер заказа?",
    "uz": "Assalomu alaykum! Buyurtmangiz bo'yicha yordam beraman. Buyurtma raqamini yozib yuboring.",
}
_ORDER_WORD = re.compile(r"(?<!\w)(?:orders?|заказ\w*|buyurtma\w*)(?!\w)", re.IGNORECASE)
_ORDER_INTENTS = ("shipping_inquiry", "refund_request", "cancellation", "complaint")


@dataclass(frozen=True)
class Turn:
    sender: str  # user | agent
    text: str


def estimate_tokens(*texts: str) -> int:
    """About one token per four characters (what English averages with common tokenizers)."""
    return sum(math.ceil(len(t) / 4) for t in texts if t)


def order_reference(text: str) -> str | None:
    found = _HASH_REF.search(text) or _WORD_REF.search(text)
    return found.group(1) if found else None


def _earlier_reference(context: Sequence[Turn]) -> str | None:
    for turn in reversed(context):
        if turn.sender == "user":
            ref = order_reference(turn.text)
            if ref:
                return ref
    return None


def answer(assistant_name: str, message: str, context: Sequence[Turn] = ()) -> str:
    """What the assistant says to `message`, given the conversation's recent turns (oldest first)."""
    norm = normalize(message or "")
    language = language_of(norm)
    if language not in _THANKS:
        language = "en"
    if language == "en" and "buyurtma" in norm:
        language = "uz"
    insight, _ = LocalEngine().analyze_message(message or "")
    ref = order_reference(message or "")
    if ref:
        return _THANKS[language].format(ref=ref)
    earlier = _earlier_reference(context)
    mentions_order = _ORDER_WORD.search(message or "") is not None
    if earlier and (insight.intent in _ORDER_INTENTS or mentions_order):
        return _ABOUT[language].format(ref=earlier)
    if mentions_order and insight.intent in ("greeting", "general_question", "other", *_ORDER_INTENTS):
        return _ASK[language]
    if insight.intent == "greeting":
        return _HELLO[language].format(name=assistant_name)
    return insight.suggested_reply
