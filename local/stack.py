"""Start the whole product on one machine: embedded AWS, the app, the gateway, the pump.

Order matters: AWS endpoint and gateway port are known before the app is
imported, because settings (and PynamoDB's table names) are read at import.
Shutdown runs the other way: sockets close (their $disconnect still reaches
DynamoDB), the pump finishes its batch, then the last snapshot is written.
"""
from __future__ import annotations

import asyncio
import importlib
import json
import logging
import os
import secrets
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

log = logging.getLogger("local_stack")

# LOCAL ONLY: moto accepts any credentials. These keep boto3 from looking for
# real ones and make it obvious in any log that this is not an AWS account.
LOCAL_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "local-only-not-a-key",
    "AWS_SECRET_ACCESS_KEY": "local-only-not-a-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


@dataclass
class StackOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    demo_port: int | None = None  # the demo host page's origin; None: port + 1 (a free one when port is 0)
    data_dir: Path | None = Path(".parley")
    fresh: bool = False
    test_handlers: bool = False
    ready_file: Path | None = None
    idle_seconds: float = 600.0
    max_lifetime_seconds: float = 7200.0
    concurrency: int = 16
    snapshot_interval: float = 1.0
    demo_site_id: str = "site_demo"
    demo_admin_username: str = "admin"
    demo_admin_password: str | None = None


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.setblocking(False)
    return sock


def _wipe(data_dir: Path) -> None:
    for name in ("aws-state.pickle", "demo-admin-password", "jwt-secret"):
        (data_dir / name).unlink(missing_ok=True)


def _local_signing_secret(data_dir: Path | None) -> str:
    """LOCAL ONLY: a random token-signing secret kept beside the local data, so
    tokens survive a restart. Deployed stages read theirs from Secrets Manager."""
    path = data_dir / "jwt-secret" if data_dir else None
    if path is not None and path.exists():
        return path.read_text().strip()
    secret = secrets.token_urlsafe(48)
    if path is not None:
        path.write_text(secret + "\n")
        path.chmod(0o600)
    return secret


def _banner(url: str, demo_url: str, aws_endpoint: str, options: StackOptions, demo: object, started: float) -> str:
    password = getattr(demo, "admin_password", None) or "(set when first created; FRESH=1 make run starts over)"
    data = str(options.data_dir.resolve()) if options.data_dir else "in memory (nothing kept)"
    return "\n".join(
        [
            "",
            f"Parley local stack ready in {time.monotonic() - started:.1f}s",
            f"  REST API      {url}   (/api/v1, /v1)",
            f"  WebSocket     {url.replace('http', 'ws', 1)}/   (any path; dialect from the query)",
            f"  Health        {url}/health",
            f"  API docs      {url}/docs   (Swagger UI of /openapi/<seed>.json)",
            f"  Metrics       {url}/local/metrics   (CloudWatch EMF counts, LOCAL ONLY)",
            f"  Console       {url}/console/   (agents: log in as the demo admin)",
            f"  Demo page     {demo_url}/demo/   (a web page embedding the widget, on its own origin)",
            f"  AWS (moto)    {aws_endpoint}",
            f"  Data          {data}",
            f"  Demo site     {getattr(demo, 'site_id', '')}",
            f"  Demo admin    {getattr(demo, 'admin_username', '')} / {password}   (LOCAL ONLY)",
            "Press Ctrl-C to stop.",
            "",
        ]
    )


async def _serve(gateway: object, sock: socket.socket, demo: tuple[socket.socket, web.Application],
                 on_ready: "callable", totals: object) -> None:  # type: ignore[valid-type]
    from local import metrics, static

    def before(webapp: web.Application) -> None:
        static.add_app_routes(webapp)
        metrics.add_routes(webapp, totals)  # type: ignore[arg-type]

    webapp = gateway.web_app(before=before)  # type: ignore[attr-defined]
    runner = web.AppRunner(webapp, handle_signals=False, access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock, shutdown_timeout=5).start()
    demo_runner = web.AppRunner(demo[1], handle_signals=False, access_log=None)
    await demo_runner.setup()
    await web.SockSite(demo_runner, demo[0], shutdown_timeout=1).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    on_ready()
    await stop.wait()
    log.info("shutting down")
    await demo_runner.cleanup()
    await runner.cleanup()  # closes sockets with 1001; their $disconnect runs now


def run(options: StackOptions) -> int:
    started = time.monotonic()
    for key, value in LOCAL_AWS_ENV.items():
        os.environ.setdefault(key, value)
    os.environ["PARLEY_STAGE"] = "local"
    os.environ["PARLEY_TEST_HANDLERS"] = "1" if options.test_handlers else "0"
    if options.data_dir:
        options.data_dir.mkdir(parents=True, exist_ok=True)
        if options.fresh:
            _wipe(options.data_dir)
    if not os.environ.get("PARLEY_JWT_SECRET"):
        os.environ["PARLEY_JWT_SECRET"] = _local_signing_secret(options.data_dir)

    from local.aws import EmbeddedAws  # imports moto: after the env is set

    aws = EmbeddedAws(options.data_dir, host=options.host, snapshot_interval=options.snapshot_interval)
    os.environ["AWS_ENDPOINT_URL"] = aws.start()
    sock = _bind(options.host, options.port)
    host, port = sock.getsockname()[:2]
    url = f"http://{host}:{port}"
    demo_port = options.demo_port if options.demo_port is not None else (port + 1 if options.port else 0)
    demo_sock = _bind(options.host, demo_port)
    demo_url = f"http://{host}:{demo_sock.getsockname()[1]}"
    os.environ["PARLEY_WS_MANAGEMENT_ENDPOINT"] = url

    gateway = pump = streams = None
    from local.metrics import MetricTotals

    totals = MetricTotals()
    try:
        app = importlib.import_module("app").app
        from chalicelib import metrics as app_metrics

        app_metrics.send_to(totals.record)  # EMF documents: served at /local/metrics, not printed
        from chalicelib.settings import get_settings
        from local.gateway import Gateway, GatewayLimits
        from local.provision import provision
        from local.seed import seed_demo
        from local.sqs_pump import SqsPump

        settings = get_settings()
        extra = ()
        if settings.test_handlers:
            # The local stack mounts its own test-only routes; app.py never imports local/.
            from local.testing import ECHO_QUEUE
            from local.testing import bp as testing_blueprint

            app.register_blueprint(testing_blueprint)
            extra = (ECHO_QUEUE,)
        provision(settings, extra)
        demo = seed_demo(
            options.demo_site_id, options.demo_admin_username, options.demo_admin_password, options.data_dir,
            widget_origin=demo_url,
        )
        gateway = Gateway(
            app, stage=settings.stage, domain=f"{host}:{port}", concurrency=options.concurrency,
            limits=GatewayLimits(idle_seconds=options.idle_seconds, max_lifetime_seconds=options.max_lifetime_seconds),
        )
        pump = SqsPump(app, region=settings.region)
        pump.start()
        from chalicelib.resources import OUTBOX_STREAM
        from local.stream_pump import StreamPump

        streams = StreamPump(app, region=settings.region, spec=OUTBOX_STREAM,
                             checkpoints=options.data_dir / "stream-checkpoints.json" if options.data_dir else None)
        streams.start()

        def ready() -> None:
            print(_banner(url, demo_url, aws.endpoint, options, demo, started), flush=True)
            if options.ready_file:
                options.ready_file.write_text(
                    json.dumps({"url": url, "demo_url": demo_url, "aws_endpoint": aws.endpoint, "pid": os.getpid()})
                )

        from local.static import demo_app

        asyncio.run(_serve(gateway, sock, (demo_sock, demo_app(url, options.demo_site_id)), ready, totals))
    finally:
        if pump:
            pump.stop()
        if streams:
            streams.stop()
        if gateway:
            gateway.close()
        aws.stop()  # final snapshot
        log.info("stopped; %d AWS write(s) this run", aws.writes)
        log.info("metrics this run (GET /local/metrics while running): %s", totals.summary())
    return 0


def main(argv: list[str] | None = None) -> int:
    import argparse

    env = os.environ
    parser = argparse.ArgumentParser(prog="python -m local", description="Run Parley's local stack.")
    parser.add_argument("--host", default=env.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env.get("PORT", "8000")), help="0 picks a free port")
    parser.add_argument("--demo-port", type=int, default=int(env["DEMO_PORT"]) if env.get("DEMO_PORT") else None,
                        help="the demo host page's port (default: --port + 1; 0 picks a free port)")
    parser.add_argument("--data-dir", default=env.get("PARLEY_DATA_DIR", ".parley"))
    parser.add_argument("--in-memory", action="store_true", help="keep nothing on disk")
    parser.add_argument("--fresh", action="store_true", default=env.get("FRESH", "") not in ("", "0"),
                        help="start empty (deletes the saved local data)")
    parser.add_argument("--test-handlers", action="store_true",
                        default=env.get("PARLEY_TEST_HANDLERS", "") == "1", help="mount the e2e test handlers")
    parser.add_argument("--ready-file", help="write the URLs as JSON here once serving")
    parser.add_argument("--idle-seconds", type=float, default=float(env.get("PARLEY_WS_IDLE_SECONDS", "600")))
    parser.add_argument("--max-lifetime-seconds", type=float,
                        default=float(env.get("PARLEY_WS_MAX_LIFETIME_SECONDS", "7200")))
    parser.add_argument("--concurrency", type=int, default=int(env.get("PARLEY_LOCAL_CONCURRENCY", "16")))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("werkzeug", "botocore", "pynamodb", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    options = StackOptions(
        host=args.host,
        port=args.port,
        demo_port=args.demo_port,
        data_dir=None if args.in_memory else Path(args.data_dir),
        fresh=args.fresh,
        test_handlers=args.test_handlers,
        ready_file=Path(args.ready_file) if args.ready_file else None,
        idle_seconds=args.idle_seconds,
        max_lifetime_seconds=args.max_lifetime_seconds,
        concurrency=args.concurrency,
        demo_site_id=env.get("PARLEY_DEMO_SITE_ID", "site_demo"),
        demo_admin_username=env.get("PARLEY_DEMO_ADMIN_USERNAME", "admin"),
        demo_admin_password=env.get("PARLEY_DEMO_ADMIN_PASSWORD") or None,
    )
    return run(options)
