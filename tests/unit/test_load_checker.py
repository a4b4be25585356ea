"""bench/load.py's checker catches what it exists to catch: a loss, a duplicate, a reordering."""
from argparse import Namespace

from bench.load import Listener, Run, Sent, check


def a_run(agent_frames: list[int], visitor_frames: list[int], resynced: list[int] = ()) -> Run:
    run = Run.__new__(Run)
    run.args = Namespace(agents=1)
    run.sent = [Sent("c1", seq, at=0.0) for seq in (1, 2, 3)]
    agent, visitor = Listener("agent-0"), Listener("visitor-0", only="c1")
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
