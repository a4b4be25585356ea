"""Outbound HTTP to integrators' URLs, through an SSRF guard.

The guard runs at registration and again at every delivery: https only (plain
http only on the `local` stage), no credentials in the URL, and every address
the name resolves to must be public — no loopback, private, link-local (the
instance metadata service), shared, reserved or multicast ranges, including
IPv4 hidden in IPv6 (IPv4-mapped `::ffff:127.0.0.1`, IPv4-compatible
`::7f00:1`, IPv4-translated `::ffff:0:7f00:1`, 6to4, NAT64 `64:ff9b::/96` and
`64:ff9b:1::/48`, Teredo). Decimal, hex and octal host spellings
(`2130706433`, `0x7f000001`, `0177.0.0.1`) resolve to their real address
first, so they are judged by it. Port 0, control characters (CR/LF
included), spaces and non-ASCII characters (punycode and percent-encoding
spell those) are refused rather than cleaned up. The request then goes
to the address that was checked (never a second lookup), with SNI and Host set
to the name, a timeout, and no redirects followed.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import unicodedata
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

Resolver = Callable[[str, int], list[str]]
MAX_URL = 2048
MAX_RESPONSE_BYTES = 4096  # what is kept of a receiver's answer, for the delivery log
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: the IPv4 address is the last 32 bits here too
_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible (::a.b.c.d), incl. :: and ::1
_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # SIIT IPv4-translated (RFC 2765)


class UnsafeUrl(ValueError):
    """A URL that must not be called (the message says why)."""


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise UnsafeUrl(f"the host does not resolve: {error.strerror}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if any(address in network for network in (_NAT64, _NAT64_LOCAL, _COMPATIBLE, _TRANSLATED)):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(raw: str) -> bool:
    address = ipaddress.ip_address(raw.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_v4(address)
        if embedded is not None:
            return is_public(str(embedded))
    return address.is_global and not address.is_multicast


def is_loopback(raw: str) -> bool:
    address = ipaddress.ip_address(raw.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (address) and what to ask for (host, path)."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def check(url: str, *, allow_loopback_http: bool, resolve: Resolver = system_resolver) -> Target:
    """A Target, or UnsafeUrl. `allow_loopback_http` is the local stage's exception: http, and
    loopback receivers (and nothing else private)."""
    if not isinstance(url, str) or len(url) > MAX_URL:
        raise UnsafeUrl(f"the URL must be a string of at most {MAX_URL} characters")
    if any(unicodedata.category(ch) == "Cc" for ch in url):
        # urlsplit silently drops tabs and CR/LF: the URL stored would not be the URL called.
        raise UnsafeUrl("the URL must not contain control characters (CR, LF, tab, ...)")
    if any(ch == " " or not ch.isascii() for ch in url.strip()):
        raise UnsafeUrl("the URL must be ASCII without spaces (punycode for an international host name, "
                        "percent-encoding elsewhere)")
    try:
        parts = urlsplit(url.strip())
    except ValueError as error:  # e.g. an unclosed "[" in the host
        raise UnsafeUrl(f"the URL is not valid: {error}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or (scheme == "http" and not allow_loopback_http):
        raise UnsafeUrl("the URL must use https")
    if parts.username or parts.password:
        raise UnsafeUrl("the URL must not carry credentials")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeUrl("the URL has no host")
    try:
        port = parts.port
    except ValueError:
        raise UnsafeUrl("the URL's port is not valid") from None
    if port == 0:
        raise UnsafeUrl("the URL's port must be from 1 to 65535")
    port = port or (443 if scheme == "https" else 80)
    addresses = resolve(host, port)
    if not addresses:
        raise UnsafeUrl("the host does not resolve")
    for address in addresses:
        if is_public(address):
            continue
        if allow_loopback_http and is_loopback(address):
            continue
        raise UnsafeUrl(f"the host resolves to a non-public address ({address})")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])


@dataclass(frozen=True)
class Outcome:
    status: int | None  # None: no HTTP answer (timeout, refused, TLS error)
    duration_ms: int
    error: str | None
    body_excerpt: str = ""


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked address, speaks TLS (SNI, certificate) for the name."""

    def __init__(self, target: Target, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    """One POST to the checked address. 3xx answers are failures: redirects are never followed."""
    started = time.monotonic()
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(target, timeout, ssl.create_default_context())
    else:
        connection = _PinnedHTTPConnection(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers={
            **headers, "Content-Type": "application/json", "User-Agent": "Parley-Webhooks/1",
        })
        response = connection.getresponse()
        excerpt = response.read(MAX_RESPONSE_BYTES).decode("utf-8", "replace")
        status = response.status
    except (OSError, http.client.HTTPException) as error:
        return Outcome(None, int((time.monotonic() - started) * 1000), f"{type(error).__name__}: {error}"[:300])
    finally:
        connection.close()
    duration = int((time.monotonic() - started) * 1000)
    if 300 <= status < 400:
        return Outcome(status, duration, "redirects are not followed", excerpt)
    return Outcome(status, duration, None if 200 <= status < 300 else f"HTTP {status}", excerpt)
