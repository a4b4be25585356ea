"""A stand-in for API Gateway's @connections in in-process tests: records frames and closes."""
import json
from collections import defaultdict

import pytest

from chalicelib.integrations import sockets as sender


class Wire:
    """Every frame posted, per connection, and every DeleteConnection.

    A connection in `gone` answers 410 Gone to posts. `drop_on_close`: a DeleteConnection
    makes it gone, as on API Gateway; off, sockets never go away, so a test can see a post
    that should not have been made after a close."""

    def __init__(self, drop_on_close: bool = True):
        self.drop_on_close = drop_on_close
        self.frames = defaultdict(list)
        self.closed = []
        self.gone = set()

    def send(self, endpoint, connection_id, data):
        if connection_id in self.gone:
            return False
        self.frames[connection_id].append(json.loads(data))
        return True

    def close(self, endpoint, connection_id):
        self.closed.append(connection_id)
        if self.drop_on_close:
            self.gone.add(connection_id)
        return True

    def reopen(self):
        """Forget the closes so far: frames that raced a close still arrive."""
        self.closed.clear()
        self.gone.clear()

    def of(self, connection_id, kind=None):
        return [f for f in self.frames[connection_id] if kind is None or f["type"] == kind]


def install(monkeypatch, recorder: Wire) -> Wire:
    monkeypatch.setattr(sender, "send", recorder.send)
    monkeypatch.setattr(sender, "close", recorder.close)
    return recorder


@pytest.fixture
def wire(monkeypatch):
    return install(monkeypatch, Wire())
