"""Definitions of the non-table AWS resources: SQS queues and the files bucket.

One source of truth: the local stack creates these, infra/ deploys them, and
the app reads their physical names through settings. (Tables are defined by
their PynamoDB models in `chalicelib/store/models.py`.)
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.settings import Settings


@dataclass(frozen=True)
class QueueSpec:
    """An SQS queue consumed by a Lambda, with its dead-letter queue."""

    name: str  # logical name; the physical one is settings.queue_name(name)
    visibility_timeout: int  # seconds; AWS advises >= 6x the consumer's timeout
    max_receive_count: int  # receives before a message moves to the DLQ
    consumer_timeout: int  # the consuming Lambda's timeout, seconds
    batch_size: int = 10
    retention_seconds: int = 4 * 24 * 3600
    dlq_retention_seconds: int = 14 * 24 * 3600

    def physical_name(self, settings: Settings) -> str:
        return settings.queue_name(self.name)

    def dlq_physical_name(self, settings: Settings) -> str:
        return settings.queue_name(f"{self.name}-dlq")


# The product's work queues. Consumers are registered in app.py.
QUEUES: tuple[QueueSpec, ...] = (
    # Domain events for deferred listeners (notifications, webhooks, analysis).
    QueueSpec(name="events", visibility_timeout=60, max_receive_count=5, consumer_timeout=10),
    QueueSpec(name="analysis", visibility_timeout=180, max_receive_count=3, consumer_timeout=30, batch_size=5),
    # A batch's deliveries run side by side: about one 10 s receiver timeout per batch, plus bookkeeping.
    QueueSpec(name="webhooks", visibility_timeout=180, max_receive_count=5, consumer_timeout=30),
    QueueSpec(name="media", visibility_timeout=180, max_receive_count=3, consumer_timeout=30),
    # Seed 002: a deleted conversation's messages and search postings, a batch of them per job.
    QueueSpec(name="assistant-purge", visibility_timeout=180, max_receive_count=5, consumer_timeout=30,
              batch_size=5),
    # Seed 003: automation triggers, each sent with its trigger's delay (SQS DelaySeconds).
    QueueSpec(name="automation", visibility_timeout=60, max_receive_count=3, consumer_timeout=10),
)


def queue_spec(name: str, extra: tuple[QueueSpec, ...] = ()) -> QueueSpec:
    for spec in QUEUES + extra:
        if spec.name == name:
            return spec
    raise KeyError(name)


@dataclass(frozen=True)
class StreamSpec:
    """A DynamoDB table's stream consumed by a Lambda: its event source mapping and on-failure queue."""

    batch_size: int
    max_retries: int  # retries of a failing batch (bisected on error) before the on-failure queue gets it
    consumer_timeout: int  # the consuming Lambda's timeout, seconds
    failure_queue: str  # logical name of the on-failure destination; physical: settings.queue_name(...)
    failure_retention_seconds: int = 14 * 24 * 3600


# The chats table's stream: events committed as outbox items (store/outbox.py), consumed by app.py's
# process_outbox. The on-failure queue holds where a failed batch is on the stream (24 h retention).
OUTBOX_STREAM = StreamSpec(batch_size=100, max_retries=5, consumer_timeout=30, failure_queue="outbox-failures")


@dataclass(frozen=True)
class BucketSpec:
    # Uploads that were never confirmed are removed after this many days.
    unconfirmed_prefix: str = "uploads/pending/"
    unconfirmed_expiry_days: int = 1


FILES_BUCKET = BucketSpec()
