"""The store's one failure contract: a refused conditional write raises ConditionFailed naming
the (pk, sk) of the item that refused, decoded by key, never by its position in a transaction."""
import pytest
from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError

from chalicelib.model.identity import Agent
from chalicelib.store import tenants, visitors, webhooks
from chalicelib.store.base import ConditionFailed, cancelled, now, put_if, transaction, update_if
from chalicelib.store.models import SiteItem


def _site(site_id: str) -> SiteItem:
    pk, sk = SiteItem.key(site_id)
    return SiteItem(pk=pk, sk=sk, site_id=site_id, name=site_id, created_at=now())


def _agent(agent_id: str, username: str, email: str | None) -> Agent:
    return Agent(agent_id=agent_id, username=username, email=email, role="support_agent", site_ids=("s",),
                 status="offline", created_at=now())


NEW = SiteItem.pk.does_not_exist()


# -- single-item writes -------------------------------------------------------------------------

def test_a_refused_put_names_its_item(aws):
    put_if(_site("taken"), NEW)
    with pytest.raises(ConditionFailed) as refused:
        put_if(_site("taken"), NEW)
    assert refused.value.keys == {SiteItem.key("taken")} and not refused.value.contended


def test_a_refused_update_names_its_item_and_writes_nothing(aws):
    with pytest.raises(ConditionFailed) as refused:
        tenants.update_site("missing", {"name": "renamed"})
    assert refused.value.keys == {tenants.site_key("missing")}
    assert tenants.get_site("missing") is None


def test_a_refused_delete_names_its_item(aws):
    with pytest.raises(ConditionFailed) as refused:
        webhooks.delete("webhook_missing")
    assert refused.value.keys == {webhooks.webhook_key("webhook_missing")}


def test_presence_for_a_missing_visitor_is_refused_and_creates_nothing(aws):
    with pytest.raises(ConditionFailed) as refused:
        visitors.set_presence("site_a", "ghost", True, None)
    assert refused.value.keys == {visitors.visitor_key("site_a", "ghost")}
    assert visitors.get_visitor("site_a", "ghost") is None


def test_update_if_leaves_the_new_attributes_on_the_item(aws):
    put_if(_site("s1"), NEW)
    item = SiteItem(*SiteItem.key("s1"))
    update_if(item, [SiteItem.name.set("renamed")], SiteItem.pk.exists())
    assert item.name == "renamed" and tenants.get_site("s1").name == "renamed"


# -- transactions -------------------------------------------------------------------------------

def test_the_second_items_failed_condition_names_the_second_item(aws):
    put_if(_site("taken"), NEW)
    with pytest.raises(ConditionFailed) as refused:
        with transaction() as tx:
            tx.save(_site("fresh"), condition=NEW)
            tx.save(_site("taken"), condition=NEW)
            tx.save(_site("other"), condition=NEW)
    assert refused.value.keys == {SiteItem.key("taken")}
    assert tenants.get_site("fresh") is None and tenants.get_site("other") is None  # all or nothing


def test_an_unconditional_item_added_in_front_does_not_change_the_key_named(aws):
    put_if(_site("taken"), NEW)
    with pytest.raises(ConditionFailed) as refused:
        with transaction() as tx:
            # An update added first is sent after the puts, an unconditional put shifts them by one:
            # a reason read by position would now name "fresh" or "front".
            tx.update(SiteItem(*SiteItem.key("counter")), actions=[SiteItem.name.set("c")])
            tx.save(_site("front"))
            tx.save(_site("fresh"), condition=NEW)
            tx.save(_site("taken"), condition=NEW)
    assert refused.value.keys == {SiteItem.key("taken")}
    assert tenants.get_site("front") is None


def test_a_taken_email_names_the_email_pointer_not_the_username(aws):
    tenants.create_agent(_agent("a1", "alice", "shared@example.com"), "h")
    with pytest.raises(ConditionFailed) as refused:
        tenants.create_agent(_agent("a2", "bob", "shared@example.com"), "h")
    assert refused.value.keys == {tenants.email_key("shared@example.com")}
    assert tenants.find_agent_by_username("bob") is None


def test_several_failed_conditions_are_all_named(aws):
    tenants.create_agent(_agent("a1", "alice", "alice@example.com"), "h")
    with pytest.raises(ConditionFailed) as refused:
        tenants.create_agent(_agent("a1", "alice", "alice@example.com"), "h")
    assert refused.value.keys == {tenants.username_key("alice"), tenants.email_key("alice@example.com"),
                                  tenants.agent_key("a1")}


# -- decoding a cancellation --------------------------------------------------------------------

def _cancellation(*codes: str | None) -> TransactWriteError:
    reasons = [CancellationReason(code=code) if code else None for code in codes]
    cause = VerboseClientError({"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}},
                               "TransactWriteItems", cancellation_reasons=reasons)
    return TransactWriteError("Failed to write transaction items", cause)


KEYS = [("A", "1"), ("B", "2"), ("C", "3")]


def test_a_transaction_conflict_names_its_item_as_contended():
    refused = cancelled(_cancellation(None, "TransactionConflict", None), KEYS)
    assert refused is not None and refused.contended == {("B", "2")} and not refused.keys
    assert refused.involves(("B", "2")) and not refused.involves(("A", "1"))


def test_other_cancellations_are_not_condition_failures():
    assert cancelled(_cancellation(None, "ThrottlingError", None), KEYS) is None


def test_reasons_that_do_not_line_up_with_the_items_name_nothing():
    assert cancelled(_cancellation("ConditionalCheckFailed"), KEYS) is None
