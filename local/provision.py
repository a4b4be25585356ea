"""Create the app's AWS resources from their one definition (models, resources.py)."""
from __future__ import annotations

import json
from typing import Iterable

import boto3

from chalicelib.resources import FILES_BUCKET, OUTBOX_STREAM, QUEUES, QueueSpec
from chalicelib.settings import Settings
from chalicelib.store.tables import create_tables


def create_queues(settings: Settings, specs: Iterable[QueueSpec]) -> dict[str, str]:
    """Each queue with its DLQ and redrive policy. Returns physical name -> URL."""
    sqs = boto3.client("sqs")
    urls: dict[str, str] = {}
    for spec in specs:
        dlq_name = spec.dlq_physical_name(settings)
        dlq_url = sqs.create_queue(
            QueueName=dlq_name, Attributes={"MessageRetentionPeriod": str(spec.dlq_retention_seconds)}
        )["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        name = spec.physical_name(settings)
        urls[name] = sqs.create_queue(
            QueueName=name,
            Attributes={
                "VisibilityTimeout": str(spec.visibility_timeout),
                "MessageRetentionPeriod": str(spec.retention_seconds),
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": spec.max_receive_count}),
            },
        )["QueueUrl"]
        urls[dlq_name] = dlq_url
    return urls


def create_bucket(settings: Settings) -> None:
    s3 = boto3.client("s3")
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if settings.files_bucket in existing:
        return
    s3.create_bucket(Bucket=settings.files_bucket)
    s3.put_bucket_lifecycle_configuration(
        Bucket=settings.files_bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "expire-unconfirmed-uploads",
                    "Status": "Enabled",
                    "Filter": {"Prefix": FILES_BUCKET.unconfirmed_prefix},
                    "Expiration": {"Days": FILES_BUCKET.unconfirmed_expiry_days},
                }
            ]
        },
    )


def create_failure_queue(settings: Settings) -> str:
    """The outbox stream's on-failure destination (no consumer: an operator reads it)."""
    return boto3.client("sqs").create_queue(
        QueueName=settings.queue_name(OUTBOX_STREAM.failure_queue),
        Attributes={"MessageRetentionPeriod": str(OUTBOX_STREAM.failure_retention_seconds)},
    )["QueueUrl"]


def provision(settings: Settings, extra_queues: Iterable[QueueSpec] = ()) -> dict[str, str]:
    create_tables()
    create_bucket(settings)
    urls = create_queues(settings, tuple(QUEUES) + tuple(extra_queues))
    urls[settings.queue_name(OUTBOX_STREAM.failure_queue)] = create_failure_queue(settings)
    return urls
