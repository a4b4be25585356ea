"""Deferred listener: each visitor text message becomes an analysis job on the `analysis` queue.

It runs in the events worker, not in the request, so a send costs no extra SQS
call; the analysis worker has its own queue, timeout and DLQ because a model
call is slower and fails differently than a notification.
"""
from __future__ import annotations

import json

from chalicelib.model import events as ev
from chalicelib.domain.analysis import service
from chalicelib.domain import sites
from chalicelib.integrations import queues


def job_body(site_id: str, conversation_id: str, seq: int, message_id: str) -> str:
    return json.dumps({"site_id": site_id, "conversation_id": conversation_id, "seq": seq,
                       "message_id": message_id})


def enqueue_analysis(event: ev.Event) -> None:
    message = event.payload["message"]
    if message["from"] != "visitor" or message["type"] != "text" or not message.get("content"):
        return
    if not service.auto_analysis_enabled(sites.get(event.site_id)):
        return
    queues.send_batch("analysis", [job_body(event.site_id, event.conversation_id or "", int(message["seq"]),
                                            message["id"])])


LISTENERS = ((ev.MESSAGE_CREATED, enqueue_analysis),)
