"""The one way Parley consumes an SQS batch: Powertools batch processing, one malformed-job policy.

A worker gives a parser (body -> job) and a runner (job -> a domain use case, then a log
line of ids). Failed records are reported as batchItemFailures, so SQS redelivers only
those and, after the queue's maxReceiveCount, its DLQ takes them:

- a body that is not a job is logged by queue and message id (never its contents: logs
  carry ids, not personal data) and reported;
- a runner that raises (DynamoDB unavailable, say) is logged and reported.

Each record counts as JobsProcessed or JobsFailed by queue (OutboxEventsProcessed/Failed for the
stream; chalicelib/metrics.py).

`concurrent=True` runs a batch's records side by side, each in its own thread, through
Powertools' AsyncBatchProcessor: for work that mostly waits on others (webhook receivers),
ten slow records then cost one timeout, not ten.
"""
from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from chalicelib import metrics
from chalicelib.observability import REQUEST_ID_ATTRIBUTE, logger, on_behalf_of

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

Job = TypeVar("Job")
RecordHandler = Callable[["SQSRecord"], None]

# What parsing a body that is not a job raises: bad JSON, a missing field, a value of the wrong type.
PARSE_ERRORS = (ValueError, KeyError, TypeError, AttributeError)


class MalformedJob(ValueError):
    """A body that is not its queue's job. The message names ids only, never the body."""


def process(raw_event: dict[str, Any], context: Any, *, queue: str, parse: Callable[[str], Job],
            run: Callable[[Job], None], concurrent: bool = False) -> dict[str, Any]:
    """Consume one SQS batch; returns the partial batch response ({"batchItemFailures": [...]})."""
    if not raw_event.get("Records"):
        return {"batchItemFailures": []}  # Powertools refuses an empty batch; there is nothing to fail
    handle = _record_handler(queue, parse, run)
    if concurrent:
        return _process_concurrently(raw_event, context, handle)
    # Imported on first batch: every function loads app.py, and only workers need Powertools' batch (~50 ms).
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=raw_event, record_handler=handle, processor=processor, context=context)


def process_stream(raw_event: dict[str, Any], context: Any, *, stream: str,
                   parse: Callable[[dict[str, Any]], Job | None], run: Callable[[Job], None]) -> dict[str, Any]:
    """Consume one DynamoDB Streams batch, the same way: `parse` turns a record (Lambda's shape) into a
    job, or None for a change that is not one (skipped, not failed). Failures are reported by sequence
    number; Lambda retries the shard from the lowest one (bisecting on error), then hands the batch to
    the mapping's on-failure queue. A new image's REQUEST_ID_ATTRIBUTE (the request that wrote it) is
    bound while its job runs, as a queued message's is. Returns {"batchItemFailures": [...]}."""
    if not raw_event.get("Records"):
        return {"batchItemFailures": []}
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    def handle(record: DynamoDBRecord) -> None:
        raw = record.raw_event
        change = raw.get("dynamodb") or {}
        ids = {"stream": stream, "event_id": raw.get("eventID"), "sequence_number": change.get("SequenceNumber")}
        try:
            job = parse(raw)
        except PARSE_ERRORS:
            logger.warning("malformed stream record; Lambda retries it, then its on-failure queue takes it",
                           extra=ids)
            metrics.count("OutboxEventsFailed")
            raise MalformedJob(f"malformed {stream} stream record ({ids['sequence_number']})") from None
        if job is None:
            return
        written_by = ((change.get("NewImage") or {}).get(REQUEST_ID_ATTRIBUTE) or {}).get("S")
        with on_behalf_of(written_by):
            try:
                run(job)
            except Exception:
                logger.exception("stream record failed; Lambda will retry from it", extra=ids)
                metrics.count("OutboxEventsFailed")
                raise
        metrics.count("OutboxEventsProcessed")

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
    return process_partial_response(event=raw_event, record_handler=handle, processor=processor, context=context)


def _record_handler(queue: str, parse: Callable[[str], Job], run: Callable[[Job], None]) -> RecordHandler:
    def handle(record: SQSRecord) -> None:
        ids = {"queue": queue, "message_id": record.message_id}
        attribute = (record.raw_event.get("messageAttributes") or {}).get(REQUEST_ID_ATTRIBUTE) or {}
        with on_behalf_of(attribute.get("stringValue")):
            _handle(record, ids)

    def _handle(record: SQSRecord, ids: dict[str, str]) -> None:
        try:
            job = parse(record.body)
        except PARSE_ERRORS:
            # The parse error's text can quote the body, so neither it nor the body is logged.
            logger.warning("malformed job; SQS retries it, then its DLQ takes it", extra=ids)
            metrics.count("JobsFailed", queue=queue)
            raise MalformedJob(f"malformed {queue} job (message {record.message_id})") from None
        try:
            run(job)
        except Exception:
            logger.exception("job failed; SQS will retry it", extra=ids)
            metrics.count("JobsFailed", queue=queue)
            raise
        metrics.count("JobsProcessed", queue=queue)
    return handle


def _process_concurrently(raw_event: dict[str, Any], context: Any, handle: RecordHandler) -> dict[str, Any]:
    import asyncio

    from aws_lambda_powertools.utilities.batch import AsyncBatchProcessor, EventType, async_process_partial_response

    # The work is blocking (HTTP, PynamoDB), so each record gets a thread of a pool sized to the
    # batch (the default executor has as few as 5 on Lambda); asyncio gathers them for Powertools.
    with ThreadPoolExecutor(max_workers=len(raw_event["Records"]), thread_name_prefix="record") as pool:

        async def handle_in_thread(record: SQSRecord) -> None:
            # A copy of the context keeps the invocation's log keys (request_id) in the thread.
            run_in_context = contextvars.copy_context().run
            await asyncio.get_running_loop().run_in_executor(pool, run_in_context, handle, record)

        processor = AsyncBatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
        return async_process_partial_response(event=raw_event, record_handler=handle_in_thread,
                                              processor=processor, context=context)
