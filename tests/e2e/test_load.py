"""`make load`'s small run in the suite: 20 visitors x 10 messages on every realtime dialect (ten seed
000 visitors, five 004 customers, five 001 sessions), two 000 agent sockets and one 004 agent socket
following every conversation; a fifth of each kind losing a socket midway and resyncing, and the 004
agent socket dropping, subscribing again and reading what it missed; the checker finds nothing lost,
duplicated or out of order, on each dialect's sockets.

On a stack of its own (as `make load` runs): the messages leave analysis, notification and webhook
jobs behind, which must not slow the suite's shared stack for the tests after this one."""
import json

from bench import load


def test_every_acknowledged_message_reaches_every_socket_of_every_dialect_once_in_order(capsys):
    code = load.main(["--visitors", "20", "--messages", "10", "--agents", "2", "--agents-004", "1"])
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0, figures
    assert figures["sent"] == 200 and figures["reconnects"] == 5  # 2 widgets, 1 customer, 1 001 agent, the 004 agent
    # 004's bot answers each customer message in the same 201: those are acknowledged (and checked) too.
    assert figures["bot_replies"] == 50
    dialects = figures["dialects"]
    assert {d: dialects[d]["visitors"] for d in dialects} == {"000": 10, "001": 5, "004": 5}
    # Every message reaches the two 000 agent sockets, the 004 agent socket and its writer's own socket;
    # a 001 session's also reaches the agent socket in that session.
    assert dialects["000"]["deliveries_expected"] == 250 * 2 + 100  # agents: all; visitors: their own
    assert dialects["004"]["deliveries_expected"] == 250 + 100  # the 004 agent: all; customers: their own
    assert dialects["001"]["deliveries_expected"] == 50 * 2  # each session's visitor and agent sockets
    assert figures["deliveries_expected"] == sum(d["deliveries_expected"] for d in dialects.values())
    for name, mine in dialects.items():
        assert mine["delivered_live"] + mine["recovered"] == mine["deliveries_expected"], name
        assert mine["reconnects"] >= 1 and mine["recovered"] > 0, name  # the dropped socket missed, the resync brought
        assert (mine["lost"], mine["duplicated"], mine["out_of_order"]) == (0, 0, 0), name
