"""Invoking the Chalice app's handlers the way Lambda does: (event, context)."""
from __future__ import annotations

import importlib
from typing import Any, Callable

from chalice import Chalice
from chalice.local import LambdaContext, LocalChalice

Handler = Callable[[dict[str, Any], Any], Any]


def resolve(handler_string: str) -> Handler:
    """'module.attr' -> the wrapped handler object, as the Lambda runtime finds it."""
    module_name, _, attribute = handler_string.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def context(function_name: str, timeout_seconds: int = 60, memory_mb: int = 512) -> LambdaContext:
    return LambdaContext(function_name=function_name, memory_size=memory_mb, max_runtime_ms=timeout_seconds * 1000)


def make_concurrent(app: Chalice) -> None:
    """Let one app object serve several invocations at once, as separate Lambda containers would.

    Chalice keeps `current_request` on the app object; Chalice's own local
    server swaps in a class whose `current_request` is thread-local. Same here.
    """
    if not isinstance(app, LocalChalice):
        app.__class__ = type("ConcurrentLocalChalice", (LocalChalice, app.__class__), {})
