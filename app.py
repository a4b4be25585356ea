"""Parley's Chalice app: mounts the surfaces, the WebSocket routes and the SQS workers.

No logic lives here; see chalicelib/ (DESIGN: surfaces -> domain -> store).
"""
from chalice import Chalice
from chalice.app import DynamoDBEvent, SQSEvent, WebsocketEvent

from chalicelib import dispatch, middleware
from chalicelib.realtime import entrypoints as realtime
from chalicelib.realtime import install as install_realtime
from chalicelib.resources import OUTBOX_STREAM, queue_spec
from chalicelib.settings import get_settings
from chalicelib.surfaces import assistant, console, customer_flow, descriptions, public_api, visitor_chat
from chalicelib.surfaces.health import bp as health_surface
from chalicelib.workers import analysis as analysis_worker
from chalicelib.workers import assistant_purge as assistant_purge_worker
from chalicelib.workers import automation as automation_worker
from chalicelib.workers import events as events_worker
from chalicelib.workers import media as media_worker
from chalicelib.workers import webhooks as webhooks_worker

settings = get_settings()

app = Chalice(app_name="parley")
app.experimental_feature_flags.update(["WEBSOCKETS"])
# Uploads arrive as multipart; API Gateway must pass them to Lambda base64-encoded, untouched.
app.api.binary_types.append("multipart/form-data")
middleware.install(app)
dispatch.install()  # deferred listeners: analysis jobs, notifications, webhook jobs
install_realtime()  # the fan-out (immediate listener) and the WebSocket dialects (000, 001)
app.register_blueprint(health_surface)
app.register_blueprint(console.bp)
app.register_blueprint(customer_flow.bp)
app.register_blueprint(public_api.bp)
app.register_blueprint(visitor_chat.bp)
app.register_blueprint(assistant.bp)
app.register_blueprint(descriptions.bp)  # GET /openapi.json, /openapi/<seed>.json


@app.on_ws_connect()
def ws_connect(event: WebsocketEvent) -> dict:
    return realtime.on_connect(event)


@app.on_ws_message()
def ws_message(event: WebsocketEvent) -> dict:
    return realtime.on_message(event)


@app.on_ws_disconnect()
def ws_disconnect(event: WebsocketEvent) -> dict:
    return realtime.on_disconnect(event)


@app.on_sqs_message(queue=settings.queue_name("events"), batch_size=queue_spec("events").batch_size)
def process_events(event: SQSEvent) -> dict:
    return events_worker.handle_batch(event.to_dict(), event.context)


# The transactional outbox: events committed with their change reach the same deferred listeners from the
# chats table's stream. infra/ sets the mapping's stream ARN, partial failures, retries and on-failure queue.
@app.on_dynamodb_record(stream_arn=settings.outbox_stream_arn, batch_size=OUTBOX_STREAM.batch_size,
                        starting_position="TRIM_HORIZON")
def process_outbox(event: DynamoDBEvent) -> dict:
    return events_worker.handle_stream_batch(event.to_dict(), event.context)


@app.on_sqs_message(queue=settings.queue_name("analysis"), batch_size=queue_spec("analysis").batch_size)
def analyse_messages(event: SQSEvent) -> dict:
    return analysis_worker.handle_batch(event.to_dict(), event.context)


@app.on_sqs_message(queue=settings.queue_name("media"), batch_size=queue_spec("media").batch_size)
def process_media(event: SQSEvent) -> dict:
    return media_worker.handle_batch(event.to_dict(), event.context)


@app.on_sqs_message(queue=settings.queue_name("webhooks"), batch_size=queue_spec("webhooks").batch_size)
def deliver_webhooks(event: SQSEvent) -> dict:
    return webhooks_worker.handle_batch(event.to_dict(), event.context)


@app.on_sqs_message(queue=settings.queue_name("assistant-purge"), batch_size=queue_spec("assistant-purge").batch_size)
def purge_assistant_conversations(event: SQSEvent) -> dict:
    return assistant_purge_worker.handle_batch(event.to_dict(), event.context)


@app.on_sqs_message(queue=settings.queue_name("automation"), batch_size=queue_spec("automation").batch_size)
def send_automation_messages(event: SQSEvent) -> dict:
    return automation_worker.handle_batch(event.to_dict(), event.context)
