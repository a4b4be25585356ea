"""The `webhooks` queue's consumer: one delivery attempt per record (see webhooks/service.py).

Retries are scheduled by the service (re-queued with a delay), not by SQS redelivery, so a
failed HTTP attempt is a handled record. A record fails (and SQS retries it, then its DLQ
takes it) only when the worker itself could not do its job: a malformed job, or DynamoDB
unavailable, say.

Records are independent and mostly waiting on receivers, so a batch runs them side by side:
ten slow receivers cost one timeout, not ten.
"""
from __future__ import annotations

from typing import Any

from chalicelib import metrics
from chalicelib.domain.webhooks import service
from chalicelib.observability import logger
from chalicelib.workers import batch


# The outcomes of an HTTP attempt that did not deliver; waiting, skipped and duplicate made none.
FAILED_ATTEMPTS = ("retrying", "gone", "dead_lettered")


def _run(job: service.Job) -> None:
    outcome = service.deliver(job)
    if outcome == "delivered":
        metrics.count("WebhookDeliveries")
    elif outcome in FAILED_ATTEMPTS:
        metrics.count("WebhookFailures", outcome=outcome)
    logger.info("webhook job", extra={"webhook_id": job.webhook_id, "event_id": job.event_id,
                                      "attempt": job.attempt, "outcome": outcome})


def handle_batch(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    return batch.process(raw_event, context, queue="webhooks", parse=service.Job.from_json, run=_run,
                         concurrent=True)
