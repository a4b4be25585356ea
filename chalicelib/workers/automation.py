"""The `automation` queue's consumer: a seed 003 trigger come due after its SQS delay.

The domain decides whether it still fires (domain/automation.py fire); its message goes to the
visitor's live sockets through the fan-out. A record fails (SQS retries it, then its DLQ takes
it) only for a malformed job or AWS unavailable.
"""
from __future__ import annotations

from typing import Any

from chalicelib import dispatch
from chalicelib.domain import automation
from chalicelib.model.automation import TriggerJob
from chalicelib.observability import logger
from chalicelib.workers import batch


def _run(job: TriggerJob) -> None:
    raised = automation.fire(job)
    dispatch.publish(raised)
    logger.info("automation job", extra={"site_id": job.site_id, "trigger_id": job.trigger_id,
                                         "visitor_id": job.visitor_id, "sent": bool(raised)})


def handle_batch(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    return batch.process(raw_event, context, queue=automation.QUEUE, parse=TriggerJob.from_json, run=_run)
