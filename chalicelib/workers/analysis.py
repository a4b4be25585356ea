"""The `analysis` queue's consumer: analyses visitor messages and pushes the result to agents.

Powertools batch processing reports failed records only; a job is idempotent on
its message (the analysis is stored once, conditionally), so SQS redelivery never
analyses a message twice or pushes a second `analysis` frame.
"""
from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib import dispatch
from chalicelib.domain.analysis import service
from chalicelib.observability import logger


class MalformedJob(ValueError):
    """A job body without its fields: retried, then dead-lettered for a human to look at."""


def _job(body: str) -> tuple[str, str, int]:
    try:
        data = json.loads(body)
        return str(data["site_id"]), str(data["conversation_id"]), int(data["seq"])
    except (ValueError, KeyError, TypeError) as error:
        raise MalformedJob(f"analysis job is malformed: {error}") from None


def _handle(record: SQSRecord) -> None:
    site_id, conversation_id, seq = _job(record.body)
    logger.info("analysing message", extra={"conversation_id": conversation_id, "seq": seq})
    dispatch.publish(service.analyze_stored_message(site_id, conversation_id, seq))


def handle_batch(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=raw_event, record_handler=_handle, processor=processor, context=context)
