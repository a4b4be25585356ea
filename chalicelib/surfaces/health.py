"""GET /health: liveness plus what is running and which AWS endpoint it talks to."""
from __future__ import annotations

import platform
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

from chalice import Blueprint

from chalicelib import __version__
from chalicelib.settings import get_settings

bp = Blueprint(__name__)

_REPORTED_PACKAGES = ("chalice", "boto3", "pynamodb", "aws-lambda-powertools", "pyjwt")


@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    found = {"parley": __version__, "python": platform.python_version()}
    for package in _REPORTED_PACKAGES:
        try:
            found[package] = version(package)
        except PackageNotFoundError:  # e.g. chalice is vendored, not installed, in Lambda
            found[package] = "unknown"
    return found


@bp.route("/health", methods=["GET"])
def health() -> dict[str, object]:
    settings = get_settings()
    return {
        "status": "ok",
        "stage": settings.stage,
        "versions": _versions(),
        "aws": {
            "region": settings.region,
            "endpoint": settings.aws_endpoint_url or "aws",
        },
    }
