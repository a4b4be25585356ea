"""The `analysis` queue's consumer: analyses visitor messages and pushes the result to agents.

A job is idempotent on its message (the analysis is stored once, conditionally), so SQS
redelivery never analyses a message twice or pushes a second `analysis` frame.
"""
from __future__ import annotations

import json
from typing import Any, NamedTuple

from chalicelib import dispatch
from chalicelib.domain.analysis import service
from chalicelib.observability import logger
from chalicelib.workers import batch


class Job(NamedTuple):
    site_id: str
    conversation_id: str
    seq: int


def _parse(body: str) -> Job:
    data = json.loads(body)
    return Job(str(data["site_id"]), str(data["conversation_id"]), int(data["seq"]))


def _run(job: Job) -> None:
    logger.info("analysing message", extra={"conversation_id": job.conversation_id, "seq": job.seq})
    dispatch.publish(service.analyze_stored_message(job.site_id, job.conversation_id, job.seq))


def handle_batch(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    return batch.process(raw_event, context, queue="analysis", parse=_parse, run=_run)
