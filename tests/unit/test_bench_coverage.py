"""The cold-start and package-size benchmarks (issue 21) keep up with app.py: a worker added
without its row would silently drop out of `make bench`. No timing is asserted here."""
import app as app_module
from bench import coldstart, packages
from chalicelib.settings import get_settings


def test_every_sqs_consumer_has_a_cold_start_row():
    prefix = get_settings().queue_name("")
    consumed = {source.queue.removeprefix(prefix) for source in app_module.app.event_sources
                if hasattr(source, "queue")}
    benched = {name.removeprefix("worker: ") for name in coldstart.FUNCTIONS if name.startswith("worker: ")}
    assert consumed == benched


def test_every_stream_consumer_has_a_cold_start_row():
    streams = [source.name for source in app_module.app.event_sources if hasattr(source, "stream_arn")]
    assert streams == ["process_outbox"] and "stream: outbox" in coldstart.FUNCTIONS


def test_every_function_has_a_package_size_row():
    # Chalice's logical ids: the SQS handler's name in CamelCase, APIHandler, Websocket{Connect,Message,Disconnect}.
    consumers = {"".join(part.title() for part in source.name.split("_")) for source in app_module.app.event_sources
                 if hasattr(source, "queue") or hasattr(source, "stream_arn")}
    assert set(packages.FUNCTION_LAYERS) == consumers | {"APIHandler", "Websocket*"}


def test_pillow_is_not_in_the_shared_package_but_in_the_media_layer():
    shared = packages.closure(packages.top_level(packages.APP_REQUIREMENTS), packages.LAMBDA_RUNTIME_PROVIDES)
    assert "pillow" not in shared and {"pyjwt", "pynamodb", "cryptography"} <= shared
    assert packages.top_level(packages.MEDIA_LAYER_REQUIREMENTS) == ["pillow"]
    assert [f for f, layers in packages.FUNCTION_LAYERS.items() if layers] == ["ProcessMedia"]
