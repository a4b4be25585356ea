"""`make load`'s small run in the suite: 20 visitors x 10 messages, two agent sockets, a fifth of the
visitors dropping and resyncing midway; the checker finds nothing lost, duplicated or out of order.

On a stack of its own (as `make load` runs): the 200 messages leave analysis, notification and webhook
jobs behind, which must not slow the suite's shared stack for the tests after this one."""
import json

from bench import load


def test_every_acknowledged_message_reaches_every_socket_once_in_order(capsys):
    code = load.main(["--visitors", "20", "--messages", "10", "--agents", "2"])
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0, figures
    assert figures["sent"] == 200 and figures["reconnects"] == 4
    assert figures["deliveries_expected"] == 200 * 3  # two agent sockets and the visitor's own
    assert figures["delivered_live"] + figures["recovered"] == figures["deliveries_expected"]
    assert figures["recovered"] > 0  # the dropped sockets missed something, and the resync brought it
    assert (figures["lost"], figures["duplicated"], figures["out_of_order"]) == (0, 0, 0)
