"""Cue words of the local engine, in English, Russian, Uzbek (Latin) and Spanish.

A cue ending in `*` is a stem (matches any word that starts with it: "refund*" finds
"refunds", "дорог*" finds "дорого"); any other cue must end at a word boundary.
Cues are matched on case-folded text whose apostrophes are unified to "'".
Adding a language is adding words here; the engine does not change.
"""
from __future__ import annotations

# intent -> (weight per cue found, cues). Ties go to the intent listed first.
INTENT_CUES: dict[str, tuple[int, tuple[str, ...]]] = {
    "refund_request": (3, (
        "refund*", "money back", "reimburs*", "chargeback*", "return my money",
        "возврат*", "верните деньги", "вернуть деньги", "верните мои деньги", "вернуть мои деньги",
        "pulimni qaytar*", "pulni qaytar*", "qaytarib ber*",
        "reembolso*", "devolución", "devuelvan",
    )),
    "cancellation": (3, (
        "cancel*", "unsubscrib*", "terminate my", "close my account", "delete my account",
        "отмен*", "отпис*", "удалить аккаунт", "расторг*",
        "bekor qil*", "obunani to'xtat*",
        "cancelar*", "darme de baja",
    )),
    "complaint": (2, (
        "complain*", "unacceptable", "worst", "terrible service", "ridiculous", "disgrace*",
        "жалоб*", "претензи*", "безобраз*", "возмутительн*",
        "shikoyat*",
        "queja*", "reclamación", "inaceptable",
    )),
    "technical_support": (2, (
        "error*", "bug*", "not working", "doesn't work", "does not work", "isn't working", "stopped working",
        "broken", "crash*", "can't log*", "cannot log*", "won't load", "not loading", "glitch*", "freez*",
        "ошибк*", "не работает", "сломал*", "не грузит*", "баг*", "зависа*", "не открывается",
        "xato*", "ishlamay*", "ochilmay*", "buzil*",
        "no funciona", "fallo*",
    )),
    "pricing_question": (2, (
        "price*", "pricing", "cost*", "how much", "discount*", "fee*", "quote", "expensive", "cheap*",
        "цен*", "стоимост*", "сколько стоит", "скидк*", "дорог*", "дешев*",
        "narx*", "qancha", "necha pul", "chegirma*", "qimmat*", "arzon*",
        "precio*", "cuánto cuesta", "cuesta", "descuento*", "caro",
    )),
    "purchase_inquiry": (2, (
        "buy*", "purchas*", "interested", "upgrade*", "subscribe", "sign up", "premium", "plan", "plans",
        "trial", "demo", "place an order",
        "купить", "покупк*", "тариф*", "подписк*", "интересует", "заказать", "премиум",
        "sotib ol*", "xarid*", "obuna bo'l*", "tarif*", "qiziq*",
        "comprar", "contratar", "me interesa",
    )),
    "shipping_inquiry": (2, (
        "shipping", "shipped", "deliver*", "tracking", "track my", "parcel", "package arriv*", "where is my order",
        "доставк*", "посылк*", "трек*", "где мой заказ",
        "yetkaz*", "buyurtmam*", "jo'natma*",
        "envío", "entrega*",
    )),
    "account_help": (2, (
        "password*", "log in", "login", "sign in", "my account", "username", "2fa", "verification code",
        "пароль*", "аккаунт*", "войти", "логин*",
        "parol*", "akkaunt*", "hisobim*", "kira olmay*",
        "contraseña*", "mi cuenta",
    )),
    "gratitude": (1, (
        "thank*", "thx", "appreciate*", "спасибо", "благодар*", "rahmat", "tashakkur", "gracias",
    )),
    "greeting": (1, (
        "hello", "hi", "hey", "good morning", "good afternoon", "good evening",
        "привет*", "здравств*", "добрый день", "доброе утро", "добрый вечер",
        "salom*", "assalomu", "hola", "buenos días", "buenas tardes",
    )),
}

QUESTION_OPENERS = (
    "what", "how", "when", "where", "why", "which", "who", "can", "could", "do", "does", "is", "are", "will",
    "как", "что", "где", "когда", "почему", "можно", "есть ли", "какой", "какие",
    "qanday", "qachon", "qayerda", "nima", "nega", "qaysi", "mumkinmi",
    "qué", "cómo", "cuándo", "dónde", "puedo",
)

POSITIVE = (
    "thank*", "great", "awesome", "excellent", "love*", "perfect*", "amazing", "helpful", "happy", "glad",
    "wonderful", "appreciate*", "solved", "fixed", "works now", "fantastic", "good", "nice", "brilliant",
    "спасибо", "благодар*", "отличн*", "супер", "прекрасн*", "хорош*", "помогли", "класс*", "рад", "рада",
    "замечательн*", "решено", "заработал*",
    "rahmat", "tashakkur", "zo'r", "ajoyib", "yaxshi", "a'lo", "mamnun*", "hal bo'ldi", "ishladi",
    "gracias", "excelente", "genial", "perfecto", "encant*", "bueno", "buena",
)
NEGATIVE = (
    "terrible", "awful", "horrible", "worst", "hate*", "angry", "annoy*", "frustrat*", "disappoint*", "useless",
    "broken", "bad", "unacceptable", "ridiculous", "scam*", "waste*", "poor", "sucks", "upset", "problem*",
    "not working", "doesn't work", "still not", "never again", "rude",
    "ужасн*", "плох*", "отвратительн*", "недовол*", "разочарован*", "кошмар*", "бесит*", "обман*", "проблем*",
    "не работает", "злюсь",
    "yomon", "dahshat*", "norozi*", "xafa", "muammo*", "ishlamay*", "aldov*", "g'azab*",
    "pésim*", "problema*", "enojad*", "molest*", "no funciona",
)
NEGATORS = (
    "not", "no", "never", "don't", "doesn't", "didn't", "isn't", "wasn't", "aren't", "can't", "cannot", "won't",
    "не", "нет", "ни", "никогда", "emas", "yo'q", "nunca", "tampoco",
)

# Objections: label -> cues. A price concern is also found when a price word and a "high"
# word share a sentence ("the price seems a bit high").
OBJECTION_CUES: dict[str, tuple[str, ...]] = {
    "Price concern": (
        "expensive", "pricey", "overpriced", "costly", "can't afford", "cannot afford", "too much", "cheaper",
        "out of my budget", "over my budget", "over budget",
        "дорог*", "не по карману", "дешевле", "слишком много",
        "qimmat*", "arzonroq", "juda ko'p",
        "caro", "demasiado", "más barato",
    ),
    "Timing": (
        "not now", "not right now", "later", "next month", "next year", "not ready", "maybe later",
        "позже", "не сейчас", "потом", "в следующем месяце",
        "keyinroq", "hozir emas", "keyingi oy",
        "más tarde", "ahora no",
    ),
    "Competitor comparison": (
        "competitor*", "another provider", "other company", "other companies", "switch to", "alternative*",
        "конкурент*", "у других", "boshqa kompaniya*", "competencia",
    ),
    "Trust or security": (
        "secure", "security", "safe", "trust*", "scam*", "privacy", "gdpr",
        "безопасн*", "мошен*", "xavfsiz*", "ishonch*", "seguridad",
    ),
    "Needs approval": (
        "my boss", "my manager", "ask my team", "approval", "decision maker", "check with my",
        "посоветоваться", "руководител*", "начальник*", "rahbar*", "mi jefe",
    ),
    "Missing feature": (
        "missing", "lacks", "lacking", "doesn't have", "does not have", "no integration", "doesn't support",
        "does not support", "не хватает", "нет функции", "falta",
    ),
}
PRICE_WORDS = ("price*", "pricing", "cost*", "цен*", "стоимост*", "narx*", "precio*")
HIGH_WORDS = (
    "high", "steep", "a lot", "too much", "expensive", "высок*", "большая", "yuqori", "baland", "ko'p",
    "alto", "alta", "elevado",
)

STRONG_INTEREST = (
    "interested", "want to buy", "would like to buy", "ready to", "sign up", "how do i buy", "how do i start",
    "how can i buy", "let's do it", "i'll take", "i will take", "take it",
    "хочу купить", "готов*", "интересует", "оформить", "беру",
    "qiziq*", "sotib olmoqchiman", "xohlayman", "olaman",
    "me interesa", "quiero comprar",
)
DISINTEREST = (
    "not interested", "just looking", "just browsing", "no thanks", "не интересно", "неинтересно",
    "просто смотрю", "qiziq emas", "no me interesa",
)

PRODUCT_NOUNS = ("plan", "package", "subscription", "tier", "version", "license", "edition", "bundle")

STOPWORDS = frozenset("""
a an the and or but if of to in on at for with from by is are was were be been am i you we they he she it my
your our their me us them this that these those do does did have has had can could would should will not no
so very just really please hi hello hey there what how when where why which who about as up out get got im
и в во не на я с со что как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня
еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам
va bu u men sen biz siz ular bilan uchun ham lekin yoki emas bor edi qanday nima
el la los las de que y en un una es por para con no se lo al del mi
""".split())

UZBEK_MARKERS = frozenset(
    "salom rahmat qancha narxi kerak iltimos qanday yordam bilan uchun emas mumkin mumkinmi menga sizning "
    "qilish bo'ladi yo'q ishlamayapti pulimni qaytaring assalomu alaykum tashakkur xohlayman".split()
)
