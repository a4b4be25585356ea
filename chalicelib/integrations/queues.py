"""Sending to Parley's SQS queues (names from settings, definitions in resources.py)."""
from __future__ import annotations

import threading
from typing import Any, Iterable

from chalicelib import clients
from chalicelib.observability import REQUEST_ID_ATTRIBUTE, current_request_id
from chalicelib.settings import get_settings

_urls: dict[str, str] = {}
_lock = threading.Lock()


def _sqs() -> Any:
    return clients.client("sqs", region=get_settings().region)


def queue_url(short_name: str) -> str:
    name = get_settings().queue_name(short_name)
    with _lock:
        url = _urls.get(name)
    if url is None:
        url = _sqs().get_queue_url(QueueName=name)["QueueUrl"]
        with _lock:
            _urls[name] = url
    return url


def _attributes() -> dict[str, Any]:
    request_id = current_request_id()
    if request_id is None:
        return {}
    return {"MessageAttributes": {REQUEST_ID_ATTRIBUTE: {"DataType": "String", "StringValue": request_id}}}


def send_batch(short_name: str, bodies: Iterable[str]) -> None:
    """SendMessageBatch in tens; raises if any entry failed, so nothing is silently dropped."""
    pending = list(bodies)
    url = queue_url(short_name)
    for start in range(0, len(pending), 10):
        chunk = pending[start : start + 10]
        result = _sqs().send_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": body, **_attributes()} for i, body in enumerate(chunk)]
        )
        if result.get("Failed"):
            raise RuntimeError(f"SQS refused {len(result['Failed'])} message(s) on {short_name}: {result['Failed']}")


def send(short_name: str, body: str, delay_seconds: int = 0) -> None:
    """One message, visible after `delay_seconds` (SQS allows 0-900)."""
    _sqs().send_message(QueueUrl=queue_url(short_name), MessageBody=body,
                        DelaySeconds=max(0, min(900, int(delay_seconds))), **_attributes())


def send_events(bodies: Iterable[str]) -> None:
    send_batch("events", bodies)


def reset_cache() -> None:
    """Tests create fresh queues per moto context; forget the SQS client and queue URLs."""
    clients.reset("sqs")
    with _lock:
        _urls.clear()
