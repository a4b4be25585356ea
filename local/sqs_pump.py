"""The SQS pump: what Lambda's SQS event source mapping does, for the local stack.

For every queue the app consumes (`@app.on_sqs_message`), a thread long-polls
the queue, invokes the handler with an SQS-shaped event, then deletes what
succeeded. Failed records are left alone: they become visible again after the
queue's visibility timeout, and SQS (moto) moves them to the DLQ once their
receive count reaches the redrive policy's maxReceiveCount.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import boto3
from chalice import Chalice
from chalice.app import SQSEventConfig

from local import apigw, lambdas

log = logging.getLogger("local_stack.sqs")


def receipts_to_delete(records: Sequence[Mapping[str, Any]], outcome: Any, failed: bool) -> list[str]:
    """Lambda's ReportBatchItemFailures rules: which records count as processed.

    - the handler raised: none (the whole batch is retried);
    - it returned nothing, or no/empty batchItemFailures: all;
    - an itemIdentifier that is empty or not in the batch: none;
    - otherwise: all but the reported failures.
    """
    if failed:
        return []
    every = [r["receiptHandle"] for r in records]
    if not isinstance(outcome, Mapping) or not outcome.get("batchItemFailures"):
        return every
    ids = {r["messageId"] for r in records}
    failures = set()
    for item in outcome["batchItemFailures"]:
        identifier = item.get("itemIdentifier") if isinstance(item, Mapping) else None
        if not identifier or identifier not in ids:
            return []
        failures.add(identifier)
    return [r["receiptHandle"] for r in records if r["messageId"] not in failures]


@dataclass
class QueueStats:
    batches: int = 0
    records: int = 0
    deleted: int = 0
    failed: int = 0
    errors: int = 0


@dataclass
class Consumer:
    queue_name: str
    handler_string: str
    batch_size: int
    queue_url: str = ""
    queue_arn: str = ""
    stats: QueueStats = field(default_factory=QueueStats)


def consumers_of(app: Chalice) -> list[Consumer]:
    return [
        Consumer(queue_name=source.queue, handler_string=source.handler_string, batch_size=source.batch_size)
        for source in app.event_sources
        if isinstance(source, SQSEventConfig) and source.queue
    ]


class SqsPump:
    def __init__(self, app: Chalice, region: str, wait_seconds: int = 1) -> None:
        self._sqs = boto3.client("sqs")
        self._region = region
        self._wait = wait_seconds
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.consumers = consumers_of(app)

    def start(self) -> None:
        for consumer in self.consumers:
            consumer.queue_url = self._sqs.get_queue_url(QueueName=consumer.queue_name)["QueueUrl"]
            consumer.queue_arn = self._sqs.get_queue_attributes(
                QueueUrl=consumer.queue_url, AttributeNames=["QueueArn"]
            )["Attributes"]["QueueArn"]
            thread = threading.Thread(target=self._run, args=(consumer,), name=f"sqs-{consumer.queue_name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop polling; a batch being processed finishes first."""
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _run(self, consumer: Consumer) -> None:
        handler = lambdas.resolve(consumer.handler_string)
        while not self._stop.is_set():
            try:
                self._poll_once(consumer, handler)
            except Exception:
                consumer.stats.errors += 1
                log.exception("polling %s failed", consumer.queue_name)
                self._stop.wait(1)

    def _poll_once(self, consumer: Consumer, handler: lambdas.Handler) -> None:
        response = self._sqs.receive_message(
            QueueUrl=consumer.queue_url,
            MaxNumberOfMessages=min(consumer.batch_size, 10),
            WaitTimeSeconds=self._wait,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = response.get("Messages", [])
        if not messages:
            return
        records = [apigw.sqs_record(m, consumer.queue_arn, self._region) for m in messages]
        failed, outcome = False, None
        try:
            outcome = handler({"Records": records}, lambdas.context(consumer.handler_string))
        except Exception:
            failed = True
            log.exception("handler %s raised; the batch will be retried", consumer.handler_string)
        done = receipts_to_delete(records, outcome, failed)
        for start in range(0, len(done), 10):
            chunk = done[start : start + 10]
            self._sqs.delete_message_batch(
                QueueUrl=consumer.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": handle} for i, handle in enumerate(chunk)],
            )
        consumer.stats.batches += 1
        consumer.stats.records += len(records)
        consumer.stats.deleted += len(done)
        consumer.stats.failed += len(records) - len(done)
