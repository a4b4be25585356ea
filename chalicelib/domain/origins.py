"""Which browser origins may use a site's widget: the site's widget `domains` as a CORS allow-list.

An entry is a host pattern, optionally with a scheme and a port:
`company.uz` (that host, any scheme and port), `*.company.uz` (its subdomains, not
the bare host), `127.0.0.1:8001` (that port only), `https://shop.example` (that
scheme only). A pure rule: no store, no clock.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int | None


def parse_origin(value: str | None) -> Origin | None:
    """A browser's Origin header (`scheme://host[:port]`); None when absent, `null` or malformed."""
    if not value or value == "null" or len(value) > 300:
        return None
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        return None
    return Origin(parts.scheme, parts.hostname.lower(), port)


def _host_matches(pattern: str, host: str) -> bool:
    if pattern.startswith("*."):
        suffix = pattern[1:]  # ".company.uz"
        return host.endswith(suffix) and len(host) > len(suffix)
    return host == pattern


def entry_allows(entry: str, origin: Origin) -> bool:
    text = entry.strip().lower()
    scheme = None
    if "://" in text:
        scheme, _, text = text.partition("://")
    text = text.rstrip("/")
    host, port = text, None
    if ":" in text:
        host, _, port_text = text.rpartition(":")
        if not port_text.isdigit():
            return False
        port = int(port_text)
    if not host or (scheme is not None and scheme != origin.scheme):
        return False
    if port is not None and port != (origin.port or (443 if origin.scheme == "https" else 80)):
        return False
    return _host_matches(host, origin.host)


def allowed(domains: Any, origin_header: str | None) -> bool:
    """True when the origin matches one of the site's `domains` (a list of strings; anything else allows none)."""
    origin = parse_origin(origin_header)
    if origin is None or not isinstance(domains, list):
        return False
    return any(isinstance(entry, str) and entry_allows(entry, origin) for entry in domains)
