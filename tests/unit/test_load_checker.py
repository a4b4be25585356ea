"""bench/load.py's checker catches what it exists to catch: a loss, a duplicate, a reordering, on
each dialect's sockets, and it reads each dialect's real frames (rendered here by the app's own
dialects, so a changed frame shape fails here, not silently in a load run)."""
import json
from argparse import Namespace

import pytest

from bench.load import Listener, Run, Sent, check, parse_mix, verdict
from chalicelib.model import events as ev
from chalicelib.model.connections import Recipient
from chalicelib.realtime import console, customer_flow, visitor_chat


def a_run(agent_frames: list[int], visitor_frames: list[int], resynced: list[int] = ()) -> Run:
    run = Run.__new__(Run)
    run.sent = [Sent("c1", seq, at=0.0) for seq in (1, 2, 3)]
    agent, visitor = Listener("agent-0", "000"), Listener("visitor-0", "000", only="c1")
    for seq in agent_frames:
        agent.take({"type": "message", "conversation_id": "c1", "seq": seq})
    for seq in visitor_frames:
        visitor.take({"type": "message", "conversation_id": "c1", "seq": seq})
    if resynced:
        visitor.take({"type": "state", "conversation": {"id": "c1"}, "messages": [{"seq": s} for s in resynced]})
    run.listeners = [agent, visitor]
    return run


def test_a_clean_run_passes():
    figures = check(a_run([1, 2, 3], [1, 2, 3]))
    assert (figures["delivered_live"], figures["lost"], figures["duplicated"], figures["out_of_order"]) == (6, 0, 0, 0)


def test_a_missing_message_is_lost_unless_the_resync_recovered_it():
    assert check(a_run([1, 3], [1, 2, 3]))["lost"] == 1
    assert check(a_run([1, 2, 3], [1]))["lost"] == 2
    recovered = check(a_run([1, 2, 3], [1], resynced=[2, 3]))
    assert (recovered["lost"], recovered["recovered"]) == (0, 2)


def test_duplicates_and_reordering_are_counted():
    assert check(a_run([1, 2, 2, 3], [1, 2, 3]))["duplicated"] == 1
    assert check(a_run([1, 3, 2], [1, 2, 3]))["out_of_order"] == 1


def message_created(seq: int, conversation_id: str = "c1") -> ev.Event:
    return ev.Event(ev.MESSAGE_CREATED, "site_demo", {
        "conversation": {"id": conversation_id, "visitor_id": "v_1"},
        "message": {"id": f"msg_{seq}", "seq": seq, "from": "visitor", "type": "text", "content": f"hello {seq}",
                    "sender": {"id": "v_1", "name": "J"}, "created_at": "2026-01-01T00:00:00+00:00",
                    "metadata": {}}}, conversation_id)


def hear(listener: Listener, render, recipient: Recipient, *seqs: int) -> None:
    for seq in seqs:
        frame = render(message_created(seq), recipient)
        listener.take(json.loads(frame if isinstance(frame, str) else frame[0]))


AGENT_004 = Recipient("a4", "customer_flow", "http://x", role="agent", audience="visitor#site_demo#v_1")
CUSTOMER_004 = Recipient("c4", "customer_flow", "http://x", role="visitor", audience="visitor#site_demo#v_1")
SESSION_001 = Recipient("s1", "visitor_chat", "http://x", role="visitor", audience="visitor#site_demo#v_1")
AGENT_000 = Recipient("a0", "console", "http://x", role="agent", audience="site#site_demo#agents")


def test_the_listener_reads_every_dialects_message_frames():
    for name, dialect, render, recipient in [
            ("agent-0", "000", console.render, AGENT_000), ("agent004-0", "004", customer_flow.render, AGENT_004),
            ("visitor001-0", "001", visitor_chat.render, SESSION_001)]:
        listener = Listener(name, dialect, only="c1" if dialect == "001" else None)
        hear(listener, render, recipient, 1, 2)
        assert listener.live["c1"] == [1, 2], name
    session = Listener("visitor001-0", "001", only="c1")
    hear(session, visitor_chat.render, SESSION_001, 7)
    assert session.said == {"hello 7": 7}  # a 001 visitor's acknowledgement: its own frame's echo


def test_a_loss_on_one_dialect_shows_in_that_dialects_figures():
    run = Run.__new__(Run)
    run.sent = [Sent("c1", seq, at=0.0, dialect="004") for seq in (1, 2, 3)]
    agent_000, agent_004, customer = (Listener("agent-0", "000"), Listener("agent004-0", "004"),
                                      Listener("customer-0", "004", only="c1"))
    hear(agent_000, console.render, AGENT_000, 1, 2, 3)
    hear(agent_004, customer_flow.render, AGENT_004, 1, 3)
    hear(customer, customer_flow.render, CUSTOMER_004, 1, 2, 3)
    run.listeners = [agent_000, agent_004, customer]
    figures = check(run)
    assert figures["lost"] == 1
    assert (figures["dialects"]["004"]["lost"], figures["dialects"]["000"]["lost"]) == (1, 0)
    assert figures["dialects"]["004"]["deliveries_expected"] == 6


def test_a_004_replay_recovers_what_was_missed_and_a_replayed_duplicate_counts():
    def run_with(live: list[int], replayed: list[int]) -> dict:
        run = Run.__new__(Run)
        run.sent = [Sent("c1", seq, at=0.0, dialect="004") for seq in (1, 2, 3, 4)]
        customer = Listener("customer-0", "004", only="c1")
        hear(customer, customer_flow.render, CUSTOMER_004, *live)
        customer.replaying = True  # reconnected with last_seq: the socket replays
        hear(customer, customer_flow.render, CUSTOMER_004, *replayed)
        run.listeners = [customer]
        return check(run)

    clean = run_with([1, 2], [3, 4])
    assert (clean["recovered"], clean["lost"], clean["duplicated"]) == (2, 0, 0)
    replayed_twice = run_with([1, 2], [2, 3, 4])  # the replay should start after last_seq 2
    assert (replayed_twice["duplicated"], replayed_twice["lost"]) == (1, 0)
    short = run_with([1, 2], [3])
    assert short["lost"] == 1


def test_the_mix_gives_each_kind_its_visitors_and_each_kind_at_least_one_reconnect():
    assert parse_mix("000:2,004:1,001:1") == ["000", "000", "004", "001"]
    with pytest.raises(Exception):
        parse_mix("002:1")
    run = Run.__new__(Run)
    run.args = Namespace(reconnect_share=0.2)
    run.kinds = [parse_mix("000:2,004:1,001:1")[n % 4] for n in range(20)]
    dropping = [run.kinds[n] for n in range(20) if run.drops(n)]
    assert sorted(dropping) == ["000", "000", "001", "004"]


def test_the_exit_code_fails_a_dialect_that_had_nothing_to_check():
    args = Namespace(visitors=1, messages=3)
    clean = dict(sent=3, lost=0, duplicated=0, out_of_order=0, deliveries_expected=6,
                 dialects={"000": {"deliveries_expected": 6}, "004": {"deliveries_expected": 0}})
    assert verdict(clean, args) == 1
    clean["dialects"]["004"]["deliveries_expected"] = 3
    assert verdict(clean, args) == 0
    assert verdict({**clean, "duplicated": 1}, args) == 1
