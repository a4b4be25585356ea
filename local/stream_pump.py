"""The stream pump: what Lambda's DynamoDB Streams event source mapping does, for the local stack.

For every stream the app consumes (`@app.on_dynamodb_record`), a thread reads the table's stream
through the dynamodbstreams API (moto's, with the GetShardIterator/GetRecords calls Lambda's
poller makes), invokes the handler with a Lambda-shaped batch and applies the deployed mapping's
rules (infra/parley_stack.py, chalicelib/resources.py OUTBOX_STREAM):

- ReportBatchItemFailures: a batch is retried from its lowest reported sequence number (the
  whole batch when the handler raised), up to `max_retries` times;
- then the batch's description goes to the on-failure queue (Lambda's on-failure destination
  message: stream, shard, sequence range) and the pump moves on;
- the last sequence number handed off is the checkpoint: with a data directory it is kept in
  `stream-checkpoints.json`, so a restart resumes after it; a new stream starts at TRIM_HORIZON.

Not emulated: bisect on error (a retry starts at the failed record instead), the event filter
(the handler skips the table's other changes itself).
"""
from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, Sequence

import boto3
from botocore.config import Config
from chalice import Chalice
from chalice.app import DynamoDBEventConfig

from chalicelib.resources import StreamSpec
from chalicelib.settings import get_settings
from local import lambdas

log = logging.getLogger("local_stack.streams")


def table_of(stream_arn: str) -> str:
    """The table a stream ARN names: arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>."""
    return stream_arn.split(":", 5)[5].split("/")[1]


def lambda_record(record: Mapping[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record as Lambda hands it: with eventSourceARN, its creation time in epoch seconds."""
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = created.timestamp()
    return {**record, "dynamodb": dynamodb, "eventSourceARN": stream_arn}


def sequence_of(record: Mapping[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"])


class StreamReader:
    """Reads one table's stream in order (moto's streams have one shard), from TRIM_HORIZON or
    after a checkpoint."""

    def __init__(self, table_name: str, region: str, after_sequence: str | None = None) -> None:
        # botocore's account-based streams endpoint (<account>.streams-ddb...) is unknown to moto's mock.
        self._streams = boto3.client("dynamodbstreams", region_name=region,
                                     config=Config(account_id_endpoint_mode="disabled"))
        table = boto3.client("dynamodb", region_name=region).describe_table(TableName=table_name)["Table"]
        self.stream_arn: str = table["LatestStreamArn"]
        shards = self._streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        self.shard_id: str = shards[0]["ShardId"]
        position: dict[str, str] = {"ShardIteratorType": "TRIM_HORIZON"}
        if after_sequence:
            position = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after_sequence}
        self._iterator = self._streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=self.shard_id,
                                                          **position)["ShardIterator"]

    def read(self, limit: int) -> list[dict[str, Any]]:
        """The next records (at most `limit`), Lambda-shaped; [] when there are none yet."""
        response = self._streams.get_records(ShardIterator=self._iterator, Limit=limit)
        self._iterator = response["NextShardIterator"]
        return [lambda_record(r, self.stream_arn) for r in response.get("Records", [])]


def retry_from(records: Sequence[Mapping[str, Any]], outcome: Any, failed: bool) -> int | None:
    """Lambda's ReportBatchItemFailures rules for a stream: the index of the record to retry from,
    None when the batch succeeded.

    - the handler raised: 0 (the whole batch);
    - it returned nothing, or no/empty batchItemFailures: None;
    - an itemIdentifier that is empty or not in the batch: 0;
    - otherwise: the record with the lowest reported sequence number.
    """
    if failed:
        return 0
    if not isinstance(outcome, Mapping) or not outcome.get("batchItemFailures"):
        return None
    positions = {sequence_of(r): i for i, r in enumerate(records)}
    found = []
    for item in outcome["batchItemFailures"]:
        identifier = item.get("itemIdentifier") if isinstance(item, Mapping) else None
        if not identifier or str(identifier) not in positions:
            return 0
        found.append(positions[str(identifier)])
    return min(found)


@dataclass
class StreamStats:
    batches: int = 0
    records: int = 0
    retries: int = 0
    to_failure_queue: int = 0
    errors: int = 0


@dataclass
class StreamConsumer:
    stream_arn: str  # as app.py configures it; the table's name is in it
    handler_string: str
    batch_size: int
    stats: StreamStats = field(default_factory=StreamStats)


def consumers_of(app: Chalice) -> list[StreamConsumer]:
    return [StreamConsumer(stream_arn=source.stream_arn, handler_string=source.handler_string,
                           batch_size=source.batch_size)
            for source in app.event_sources if isinstance(source, DynamoDBEventConfig)]


class StreamPump:
    def __init__(self, app: Chalice, region: str, spec: StreamSpec, checkpoints: Path | None = None,
                 poll_seconds: float = 0.2, retry_seconds: float = 0.2) -> None:
        self._region = region
        self._spec = spec
        self._checkpoints = checkpoints
        self._poll = poll_seconds
        self._retry = retry_seconds
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._positions = self._load()  # table -> {"stream_arn", "sequence"}: the last record handed off
        self.consumers = consumers_of(app)

    def start(self) -> None:
        for consumer in self.consumers:
            thread = threading.Thread(target=self._run, args=(consumer,), daemon=True,
                                      name=f"stream-{table_of(consumer.stream_arn)}")
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop reading; a batch being handled finishes first (retries cut short)."""
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _run(self, consumer: StreamConsumer) -> None:
        handler = lambdas.resolve(consumer.handler_string)
        reader: StreamReader | None = None
        while not self._stop.is_set():
            try:
                if reader is None:
                    table = table_of(consumer.stream_arn)
                    reader = StreamReader(table, self._region, self._checkpoint(table))
                records = reader.read(consumer.batch_size)
                if not records:
                    self._stop.wait(self._poll)
                    continue
                if self._deliver(consumer, handler, reader, records):
                    self._save_checkpoint(table_of(consumer.stream_arn), reader.stream_arn, sequence_of(records[-1]))
            except Exception:
                consumer.stats.errors += 1
                log.exception("reading the stream of %s failed", table_of(consumer.stream_arn))
                reader = None  # start again from the checkpoint
                self._stop.wait(1)

    def _deliver(self, consumer: StreamConsumer, handler: lambdas.Handler, reader: StreamReader,
                 records: list[dict[str, Any]]) -> bool:
        """Hand a batch over until it succeeds or its retries run out. False when stopped midway."""
        pending = records
        for attempt in range(self._spec.max_retries + 1):
            if attempt:
                consumer.stats.retries += 1
                if self._stop.wait(self._retry):
                    return False  # stopping: the checkpoint stays before an unfinished batch
            failed, outcome = False, None
            try:
                outcome = handler({"Records": pending}, lambdas.context(consumer.handler_string))
            except Exception:
                failed = True
                log.exception("handler %s raised; Lambda retries the batch", consumer.handler_string)
            consumer.stats.batches += 1
            consumer.stats.records += len(pending)
            start = retry_from(pending, outcome, failed)
            if start is None:
                return True
            pending = pending[start:]
        self._to_failure_queue(consumer, reader, pending)
        return True

    def _to_failure_queue(self, consumer: StreamConsumer, reader: StreamReader,
                          records: list[dict[str, Any]]) -> None:
        """Lambda's on-failure destination message: where the records are, never their contents."""
        body = {"requestContext": {"condition": "RetryAttemptsExhausted",
                                   "approximateInvokeCount": self._spec.max_retries + 1,
                                   "function": consumer.handler_string},
                "DDBStreamBatchInfo": {"streamArn": reader.stream_arn, "shardId": reader.shard_id,
                                       "startSequenceNumber": sequence_of(records[0]),
                                       "endSequenceNumber": sequence_of(records[-1]), "batchSize": len(records)}}
        sqs = boto3.client("sqs", region_name=self._region)
        url = sqs.get_queue_url(QueueName=get_settings().queue_name(self._spec.failure_queue))["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body))
        consumer.stats.to_failure_queue += 1
        log.warning("stream records %s..%s sent to %s after %d retries", sequence_of(records[0]),
                    sequence_of(records[-1]), self._spec.failure_queue, self._spec.max_retries)

    def _checkpoint(self, table: str) -> str | None:
        saved = self._positions.get(table) or {}
        # A checkpoint belongs to one stream: a re-created table's new stream starts at TRIM_HORIZON.
        current = boto3.client("dynamodb", region_name=self._region).describe_table(
            TableName=table)["Table"]["LatestStreamArn"]
        return saved.get("sequence") if saved.get("stream_arn") == current else None

    def _save_checkpoint(self, table: str, stream_arn: str, sequence: str) -> None:
        self._positions[table] = {"stream_arn": stream_arn, "sequence": sequence}
        if self._checkpoints is not None:
            self._checkpoints.write_text(json.dumps(self._positions))

    def _load(self) -> dict[str, Any]:
        if self._checkpoints is None or not self._checkpoints.exists():
            return {}
        try:
            loaded = json.loads(self._checkpoints.read_text())
        except ValueError:
            return {}
        return loaded if isinstance(loaded, dict) else {}
