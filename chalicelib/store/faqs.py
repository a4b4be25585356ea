"""Seed 004's FAQs (quick questions) per site. Each function names the requests it makes."""
from __future__ import annotations

from chalicelib.model.conversations import Faq
from chalicelib.store.base import Key, delete_if, now, put_if, update_if
from chalicelib.store.models import FaqItem, SiteItem


def faq_key(site_id: str, slug: str) -> Key:
    return FaqItem.key(site_id, slug)


def faq_of(item: FaqItem) -> Faq:
    return Faq(site_id=item.site_id, slug=item.slug, question=item.question, answer=item.answer,
               keywords=tuple(item.keywords or ()), position=int(item.position or 0))


def list_for_site(site_id: str) -> list[Faq]:
    """The site's FAQs in their order (position, then slug): 1 Query."""
    pk, _ = SiteItem.key(site_id)
    found = [faq_of(i) for i in FaqItem.query(pk, FaqItem.sk.startswith("FAQ#"))]
    return sorted(found, key=lambda f: (f.position, f.slug))


def get(site_id: str, slug: str) -> Faq | None:
    """1 GetItem."""
    try:
        return faq_of(FaqItem.get(*FaqItem.key(site_id, slug)))
    except FaqItem.DoesNotExist:
        return None


def create(faq: Faq) -> None:
    """1 PutItem, only if the slug is free. ConditionFailed naming `faq_key` when it is taken."""
    put_if(FaqItem(*FaqItem.key(faq.site_id, faq.slug), site_id=faq.site_id, slug=faq.slug, question=faq.question,
                   answer=faq.answer, keywords=list(faq.keywords), position=faq.position, updated_at=now()),
           FaqItem.pk.does_not_exist())


def replace(faq: Faq) -> None:
    """1 UpdateItem, only if it exists. ConditionFailed naming `faq_key` when it does not."""
    item = FaqItem(*FaqItem.key(faq.site_id, faq.slug))
    update_if(item, [FaqItem.question.set(faq.question), FaqItem.answer.set(faq.answer),
                     FaqItem.keywords.set(list(faq.keywords)), FaqItem.position.set(faq.position),
                     FaqItem.updated_at.set(now())], FaqItem.pk.exists())


def delete(site_id: str, slug: str) -> None:
    """1 DeleteItem, only if it exists. ConditionFailed naming `faq_key` when it does not."""
    delete_if(FaqItem(*FaqItem.key(site_id, slug)), FaqItem.pk.exists())
