"""The `assistant-purge` queue's consumer: deletes a deleted seed 002 conversation's messages, their
search postings and idempotency keys, then the conversation itself (domain/assistant/chats.py
`purge`). A job removes at most settings.assistant.purge_batch messages and queues the rest as a
next job, so any number of messages is deleted within the consumer's timeout. Idempotent: a
redelivered job deletes what is left, or finds nothing.
"""
from __future__ import annotations

import json
from typing import Any

from chalicelib.domain.assistant import chats
from chalicelib.observability import logger
from chalicelib.workers import batch


def _parse(body: str) -> tuple[int, float]:
    job = json.loads(body)
    conversation_id = job["conversation_id"]
    if isinstance(conversation_id, bool) or not isinstance(conversation_id, int):
        raise TypeError("conversation_id must be an integer")
    return conversation_id, float(job.get("requested_at") or 0)


def _run(job: tuple[int, float]) -> None:
    conversation_id, requested_at = job
    outcome = chats.purge(conversation_id, requested_at, lambda: chats.enqueue_purge(conversation_id))
    logger.info("assistant conversation purge", extra={"conversation_id": conversation_id, "outcome": outcome})


def handle_batch(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    return batch.process(raw_event, context, queue=chats.PURGE_QUEUE, parse=_parse, run=_run)
