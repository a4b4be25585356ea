"""The widget's CORS allow-list rule: a browser origin against a site's widget `domains` (pure)."""
import pytest

from chalicelib.domain.origins import allowed, parse_origin

DOMAINS = ["company.uz", "*.shop.example", "127.0.0.1:8001", "https://secure.example"]


@pytest.mark.parametrize("origin", [
    "https://company.uz", "http://company.uz:8080",        # a bare host: any scheme and port
    "https://eu.shop.example", "https://a.b.shop.example",  # a wildcard: any subdomain depth
    "http://127.0.0.1:8001",                                # a host with its port
    "https://secure.example", "https://SECURE.example",    # a scheme; host names are case-insensitive
])
def test_origins_on_the_list_are_allowed(origin):
    assert allowed(DOMAINS, origin)


@pytest.mark.parametrize("origin", [
    "https://company.uz.evil.example",  # the listed name as a prefix of another host
    "https://evilcompany.uz",           # ...or as a suffix without the dot
    "https://shop.example",             # "*.x" is the subdomains, not x itself
    "https://evil-shop.example",
    "http://127.0.0.1:8002", "http://localhost:8001",  # another port, another host name
    "http://secure.example",            # the listed scheme only
    "null", "", None, "file://", "https://company.uz/path", "javascript:alert(1)",
])
def test_anything_else_is_refused(origin):
    assert not allowed(DOMAINS, origin)


def test_a_missing_or_malformed_list_allows_nothing():
    assert not allowed(None, "https://company.uz")
    assert not allowed("company.uz", "https://company.uz")  # a string is not a list
    assert not allowed([None, 5, "company.uz:abc"], "https://company.uz")


def test_default_ports_match_an_entry_that_names_them():
    assert allowed(["company.uz:443"], "https://company.uz")
    assert not allowed(["company.uz:443"], "http://company.uz")


def test_parse_origin_reads_scheme_host_and_port():
    parsed = parse_origin("http://127.0.0.1:8001")
    assert parsed is not None and (parsed.scheme, parsed.host, parsed.port) == ("http", "127.0.0.1", 8001)
    assert parse_origin("http://x:99999") is None  # an impossible port
