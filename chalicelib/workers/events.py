"""The `events` queue's consumer: runs deferred listeners, one record at a time.

Powertools batch processing reports failed records (batchItemFailures), so
one poison event is retried (then dead-lettered) without holding back the rest.
"""
from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib import dispatch
from chalicelib.model.events import Event
from chalicelib.observability import logger


def _handle(record: SQSRecord) -> None:
    event = Event.from_dict(json.loads(record.body))
    logger.info("running deferred listeners", extra={"event": event.name, "event_id": event.id})
    dispatch.run_deferred(event)


def handle_batch(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=raw_event, record_handler=_handle, processor=processor, context=context)
