"""The local engine's words: suggested replies (en/ru/uz), next actions, topics and summaries.

Replies are for the visitor, so they follow the visitor's language; next actions,
topics and summaries are for agents and stay in English.
"""
from __future__ import annotations

from typing import Sequence

from chalicelib.domain.analysis.schema import MessageInsight

_REPLIES: dict[str, dict[str, str]] = {
    "en": {
        "Price concern": "I understand price is an important factor. Our {product} offers a lot of value for what "
                         "you pay. Would you like me to walk you through what's included, or see whether another "
                         "option fits your budget better?",
        "Timing": "No rush at all. Shall I send you a short summary so you can pick this up when the timing is right?",
        "Competitor comparison": "Happy to compare. What matters most to you, so I can show how we do on exactly that?",
        "Trust or security": "That's a fair question. I can explain how we protect your data and payments, and share "
                             "our security documentation.",
        "Needs approval": "Of course. I can prepare a short overview for you to share; who else takes part in the "
                          "decision?",
        "Missing feature": "Thanks for telling us what you need. Let me check whether there's a way to do that today, "
                           "or whether it's planned.",
        "refund_request": "I'm sorry this didn't work out. I can help with your refund: could you share your order "
                          "number or the email on your account?",
        "cancellation": "I'm sorry to see you go. I can help with the cancellation; may I ask what made you decide, "
                        "in case there's something we can fix?",
        "complaint": "I'm really sorry about this experience. Could you tell me a bit more about what happened so I "
                     "can put it right?",
        "technical_support": "Sorry for the trouble. Could you tell me what you see (any error message, and on which "
                             "device or browser), so I can get this fixed?",
        "account_help": "I can help with your account. Could you confirm the email address you signed up with?",
        "shipping_inquiry": "Let me check on your delivery. Could you share your order number?",
        "purchase_inquiry": "Great to hear you're interested! What would you like to use the {product} for? I'll "
                            "help you pick the best fit.",
        "pricing_question": "Happy to help with pricing. Could you tell me a little about your needs, so I can point "
                            "you to the option that fits best?",
        "gratitude": "You're very welcome! Is there anything else I can help you with?",
        "greeting": "Hi there! How can I help you today?",
        "general_question": "Good question. Could you share a little more detail so I can give you the right answer?",
        "other": "Thanks for your message. Could you tell me a bit more so I can help?",
        "product": "plan",
    },
    "ru": {
        "Price concern": "Понимаю, цена важна. Давайте я расскажу, что входит в {product}, или подберу вариант, "
                         "который лучше впишется в ваш бюджет?",
        "Timing": "Никакой спешки. Прислать вам краткое описание, чтобы вернуться к этому в удобное время?",
        "Competitor comparison": "С удовольствием сравню. Что для вас важнее всего?",
        "Trust or security": "Хороший вопрос. Расскажу, как мы защищаем ваши данные и платежи.",
        "Needs approval": "Конечно. Могу подготовить краткий обзор, чтобы вы показали его коллегам.",
        "Missing feature": "Спасибо, что рассказали. Проверю, можно ли сделать это уже сейчас или это в планах.",
        "refund_request": "Сожалею, что так вышло. Помогу с возвратом: подскажите номер заказа или email аккаунта?",
        "cancellation": "Жаль, что вы уходите. Помогу с отменой; подскажите, что стало причиной?",
        "complaint": "Приносим извинения. Расскажите, пожалуйста, подробнее, что произошло, чтобы мы всё исправили.",
        "technical_support": "Извините за неудобства. Опишите, пожалуйста, что вы видите (текст ошибки, устройство "
                             "или браузер), и мы всё исправим.",
        "account_help": "Помогу с аккаунтом. Подтвердите, пожалуйста, email, на который он зарегистрирован.",
        "shipping_inquiry": "Проверю вашу доставку. Подскажите номер заказа?",
        "purchase_inquiry": "Отлично, что вам интересно! Для чего вы планируете использовать {product}? Помогу "
                            "выбрать лучший вариант.",
        "pricing_question": "С радостью помогу с ценами. Расскажите немного о ваших задачах, и я подберу вариант.",
        "gratitude": "Пожалуйста! Могу ли я помочь чем-то ещё?",
        "greeting": "Здравствуйте! Чем могу помочь?",
        "general_question": "Хороший вопрос. Уточните, пожалуйста, детали, чтобы я ответил точно.",
        "other": "Спасибо за сообщение. Расскажите подробнее, чтобы я мог помочь.",
        "product": "тариф",
    },
    "uz": {
        "Price concern": "Narx muhim ekanini tushunaman. {product} nimalarni o'z ichiga olishini aytib beraymi yoki "
                         "byudjetingizga mosroq variantni topaylikmi?",
        "Timing": "Shoshilish shart emas. Qulay vaqtda qaytishingiz uchun qisqacha ma'lumot yuboraymi?",
        "Competitor comparison": "Solishtirib beraman. Siz uchun eng muhimi nima?",
        "Trust or security": "Yaxshi savol. Ma'lumotlaringiz va to'lovlaringizni qanday himoya qilishimizni aytib "
                             "beraman.",
        "Needs approval": "Albatta. Hamkasblaringizga ko'rsatish uchun qisqacha ma'lumot tayyorlab beraman.",
        "Missing feature": "Aytganingiz uchun rahmat. Buni hozir qilish mumkinmi yoki rejadami, tekshirib ko'raman.",
        "refund_request": "Shunday bo'lganidan afsusdaman. Pulni qaytarishda yordam beraman: buyurtma raqamingiz yoki "
                          "emailingizni yuborasizmi?",
        "cancellation": "Ketayotganingizdan afsusdaman. Bekor qilishda yordam beraman; sababini aytib bera olasizmi?",
        "complaint": "Uzr so'raymiz. Nima bo'lganini batafsilroq aytib bering, hammasini to'g'rilaymiz.",
        "technical_support": "Noqulaylik uchun uzr. Nimani ko'ryapsiz (xato matni, qurilma yoki brauzer), aytib "
                             "bering, tuzatamiz.",
        "account_help": "Hisobingiz bo'yicha yordam beraman. Ro'yxatdan o'tgan emailingizni tasdiqlaysizmi?",
        "shipping_inquiry": "Yetkazib berishni tekshiraman. Buyurtma raqamingizni yuborasizmi?",
        "purchase_inquiry": "Qiziqishingizdan xursandmiz! {product}dan nima uchun foydalanmoqchisiz? Eng mosini "
                            "tanlashda yordam beraman.",
        "pricing_question": "Narxlar bo'yicha yordam beraman. Ehtiyojlaringiz haqida biroz aytib bering, mos "
                            "variantni taklif qilaman.",
        "gratitude": "Arzimaydi! Yana biror narsada yordam bera olamanmi?",
        "greeting": "Assalomu alaykum! Qanday yordam bera olaman?",
        "general_question": "Yaxshi savol. Aniq javob berishim uchun biroz batafsilroq yozing.",
        "other": "Xabaringiz uchun rahmat. Yordam berishim uchun batafsilroq yozing.",
        "product": "tarif",
    },
}

_NEXT_ACTIONS = {
    "Price concern": "Address pricing objection with value proposition",
    "Timing": "Schedule a follow-up and send a summary",
    "Competitor comparison": "Compare key differentiators with the named alternative",
    "Trust or security": "Share security and compliance information",
    "Needs approval": "Offer material for the decision maker",
    "Missing feature": "Confirm the requirement and check the roadmap or a workaround",
    "refund_request": "Verify the order and process the refund per policy",
    "cancellation": "Ask for the reason and offer a retention option",
    "complaint": "Apologise, gather details and escalate if needed",
    "technical_support": "Collect error details and troubleshoot or escalate to technical support",
    "account_help": "Verify identity and help with account access",
    "shipping_inquiry": "Look up the order and share its tracking status",
    "purchase_inquiry": "Qualify needs and recommend a plan",
    "pricing_question": "Share pricing and qualify the budget",
    "gratitude": "Confirm the issue is resolved and close the conversation",
    "greeting": "Greet the visitor and ask how to help",
    "general_question": "Answer the question and check for follow-ups",
    "other": "Ask a clarifying question",
}

_ACTIONS_FOR_OBJECTION = {
    "Price concern": ["Offer trial period", "Highlight ROI benefits"],
    "Timing": ["Schedule a follow-up"],
    "Competitor comparison": ["Send a comparison with the competitor"],
    "Trust or security": ["Share security documentation"],
    "Needs approval": ["Provide a summary for the decision maker"],
    "Missing feature": ["Log the feature request", "Suggest a workaround"],
}

_TOPICS = {
    "purchase_inquiry": "purchase", "pricing_question": "pricing", "refund_request": "refund",
    "cancellation": "cancellation", "complaint": "complaint", "technical_support": "technical issue",
    "account_help": "account", "shipping_inquiry": "shipping",
}
_OBJECTION_TOPICS = {
    "Price concern": "pricing", "Competitor comparison": "competitors", "Trust or security": "security",
    "Missing feature": "features", "Timing": "timing", "Needs approval": "decision process",
}


def _product(keywords: Sequence[str], language: str) -> str:
    for keyword in keywords:
        if keyword.split()[-1].rstrip("s") in ("plan", "package", "subscription", "tier", "version", "license",
                                               "edition", "bundle"):
            return keyword
    return _REPLIES[language]["product"]


def reply_for(language: str, intent: str, objection: str | None, keywords: Sequence[str]) -> str:
    words = _REPLIES.get(language, _REPLIES["en"])
    template = words.get(objection or "") or words[intent]
    return template.format(product=_product(keywords, language) if language == "en" else words["product"])


def next_action(intent: str, objection: str | None, level: str) -> str:
    if objection:
        return _NEXT_ACTIONS[objection]
    if intent == "purchase_inquiry" and level == "High":
        return "Move to close: propose a plan and the next step"
    return _NEXT_ACTIONS[intent]


def topics_of(insights: Sequence[MessageInsight]) -> list[str]:
    topics: list[str] = []
    for insight in insights:
        if insight.intent in _TOPICS:
            topics.append(_TOPICS[insight.intent])
        if insight.objection in _OBJECTION_TOPICS:
            topics.append(_OBJECTION_TOPICS[insight.objection])
        if any("feature" in k for k in insight.keywords):
            topics.append("features")
    return list(dict.fromkeys(topics))[:6]


def recommended_actions(insights: Sequence[MessageInsight]) -> list[str]:
    actions: list[str] = []
    for insight in insights:
        actions.extend(_ACTIONS_FOR_OBJECTION.get(insight.objection or "", []))
    actions.append(insights[-1].next_action)
    return list(dict.fromkeys(actions))[:5]


def summary(insights: Sequence[MessageInsight], level: str, topics: Sequence[str],
            objections: Sequence[str]) -> str:
    subject = next((k for k in (kw for i in insights for kw in i.keywords) if " " in k), None)
    subject = subject or (", ".join(topics[:3]) if topics else "their request")
    opening = {"High": "Customer is interested in", "Medium": "Customer asked about",
               "Low": "Customer contacted support about"}[level]
    text = f"{opening} {subject}"
    if objections:
        text += f" but has {' and '.join(o.replace(' concern', '') + ' concerns' for o in objections)}"
    first, last = insights[0].sentiment, insights[-1].sentiment
    trend = f"Sentiment stayed {last}" if first == last else f"Sentiment moved from {first} to {last}"
    return f"{text}. {trend} over {len(insights)} visitor message{'s' if len(insights) != 1 else ''}."
