"""Integer ids that need no counter: milliseconds since 2024 and 12 random bits.

At most 2^53 - 1 until 2093, so JavaScript reads them exactly. Nothing is read to allocate one,
so no send waits on a shared counter. Conversations are unique for sure: the conversation's
conditional PutItem refuses a taken id and the caller draws again. Messages are strictly
increasing within their conversation (a message never gets an id at or below the previous one,
the conversation's sequence check makes that exact), so (conversation_id, message_id) is always
unique, and across conversations two ids collide only when two messages are written within the
same millisecond and draw the same 12 bits.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Callable

EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
RANDOM_BITS = 12
MAX_ID = 2**53 - 1


def make(at: datetime, draw: Callable[[int], int] = secrets.randbits) -> int:
    elapsed = max(0, int(at.timestamp() * 1000) - EPOCH_MS)
    value = (elapsed << RANDOM_BITS) | draw(RANDOM_BITS)
    if value > MAX_ID:
        raise OverflowError("ids ran out of milliseconds (year 2093)")
    return value


def after(previous: int, at: datetime, draw: Callable[[int], int] = secrets.randbits) -> int:
    """A new id greater than `previous` (a message's id within its conversation)."""
    return max(make(at, draw), previous + 1)


def milliseconds(at: datetime) -> int:
    return int(at.timestamp() * 1000)
