"""The `media` queue's consumer: thumbnails for uploaded images.

Idempotent: a file that already has its thumbnail (or was deleted) is skipped, so
a redelivered job does nothing.
"""
from __future__ import annotations

import json
from typing import Any

from chalicelib.domain.media import service
from chalicelib.observability import logger
from chalicelib.workers import batch


def _parse(body: str) -> str:
    """The job's file id."""
    return str(json.loads(body)["file_id"])


def _run(file_id: str) -> None:
    made = service.make_thumbnail(file_id)
    logger.info("thumbnail job", extra={"file_id": file_id, "made": made})


def handle_batch(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    return batch.process(raw_event, context, queue="media", parse=_parse, run=_run)
