"""Deferred listener: every event integrators can subscribe to becomes one delivery job per
subscribed webhook on the `webhooks` queue. The request that raised the event only queued it on
`events`; nothing here slows a request."""
from __future__ import annotations

from chalicelib.model import events as ev
from chalicelib.domain.webhooks.catalogue import PUBLIC_NAMES
from chalicelib.integrations import queues
from chalicelib.domain.webhooks import service


def enqueue_deliveries(event: ev.Event) -> None:
    jobs = service.jobs_for(event)
    if jobs:
        queues.send_batch("webhooks", [job.to_json() for job in jobs])


LISTENERS = tuple((name, enqueue_deliveries) for name in PUBLIC_NAMES)
