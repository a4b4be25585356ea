"""The `webhooks` queue's consumer: one delivery attempt per record (see webhooks/service.py).

Retries are scheduled by the service (re-queued with a delay), not by SQS redelivery, so a
failed HTTP attempt is a handled record. A record fails (and SQS retries it, then its DLQ
takes it) only when the worker itself could not do its job, e.g. DynamoDB was unavailable.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib.observability import logger
from chalicelib.domain.webhooks import service


def _handle(record: dict[str, Any]) -> bool:
    """True when the record was handled (delivered, retried later, skipped, dead-lettered)."""
    try:
        job = service.Job.from_json(record["body"])
        outcome = service.deliver(job)
    except Exception:
        logger.exception("webhook job failed; SQS will retry it", extra={"message_id": record.get("messageId")})
        return False
    logger.info("webhook job", extra={"webhook_id": job.webhook_id, "event_id": job.event_id,
                                      "attempt": job.attempt, "outcome": outcome})
    return True


def handle_batch(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Records are independent and mostly waiting on receivers, so a batch runs them side by side:
    ten slow receivers cost one timeout, not ten. Failures are reported per record
    (ReportBatchItemFailures), as Powertools' batch processor would."""
    records = list(raw_event.get("Records") or [])
    if not records:
        return {"batchItemFailures": []}
    with ThreadPoolExecutor(max_workers=len(records)) as pool:
        handled = list(pool.map(_handle, records))
    return {"batchItemFailures": [{"itemIdentifier": record["messageId"]}
                                  for record, ok in zip(records, handled) if not ok]}
