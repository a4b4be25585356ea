"""The `media` queue's consumer: thumbnails for uploaded images.

Idempotent: a file that already has its thumbnail (or was deleted) is skipped, so
a redelivered job does nothing. Failed records are reported one by one.
"""
from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.domain.media import service
from chalicelib.observability import logger


def _handle(record: SQSRecord) -> None:
    try:
        job = json.loads(record.body)
        file_id = str(job["file_id"])
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"media job is malformed: {error}") from None
    made = service.make_thumbnail(file_id)
    logger.info("thumbnail job", extra={"file_id": file_id, "made": made})


def handle_batch(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=raw_event, record_handler=_handle, processor=processor, context=context)
