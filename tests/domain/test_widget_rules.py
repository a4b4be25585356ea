"""Seed 003's widget configuration rules on plain values: what PATCH accepts and how it merges."""
import pytest

from chalicelib.domain import widget_rules as rules
from chalicelib.model.errors import ValidationFailed


def refused(body):
    with pytest.raises(ValidationFailed) as error:
        rules.validate_patch(body)
    return error.value


def test_the_documents_example_is_accepted_as_sent():
    assert rules.validate_patch({"color": "#6366F1", "welcome_message": "Xush kelibsiz!"}) == {
        "color": "#6366F1", "welcome_message": "Xush kelibsiz!"}


@pytest.mark.parametrize("color", ["#6366f", "6366F1", "#6366F1F", "#GGGGGG", "red", 6366, None, "#6366F1\n"])
def test_a_colour_must_be_hash_and_six_hex_digits(color):
    assert refused({"color": color}).details == {"field": "color"}


def test_colours_are_stored_upper_case():
    assert rules.validate_patch({"color": "#abcdef"})["color"] == "#ABCDEF"


@pytest.mark.parametrize("field, value", [("shape", "triangle"), ("position", "middle"), ("shape", None),
                                          ("language", "fr")])
def test_shape_position_and_language_come_from_their_sets(field, value):
    assert refused({field: value}).details == {"field": field}


@pytest.mark.parametrize("field", rules.TEXTS)
def test_texts_are_at_most_500_characters_and_not_empty(field):
    assert rules.validate_patch({field: "x" * 500})[field] == "x" * 500
    assert refused({field: "x" * 501}).details == {"field": field}
    assert refused({field: "  "}).details == {"field": field}
    assert refused({field: 5}).details == {"field": field}


def test_domains_are_host_patterns_lower_cased_without_duplicates():
    assert rules.validate_patch({"domains": ["Company.uz", "*.company.uz", "company.uz", "localhost"]})["domains"] == [
        "company.uz", "*.company.uz", "localhost"]


@pytest.mark.parametrize("domain", ["https://company.uz", "company.uz:8080", "company.uz/path", "*.uz.*",
                                    "shop.*.uz", "*", "company", "-bad.uz", "a..uz", "", 5, "comp any.uz"])
def test_anything_but_a_host_pattern_is_refused(domain):
    assert refused({"domains": [domain]}).details["field"] == "domains"


def test_domains_must_be_a_bounded_list():
    assert refused({"domains": "company.uz"}).details == {"field": "domains"}
    assert refused({"domains": [f"s{i}.company.uz" for i in range(rules.MAX_DOMAINS + 1)]}).details == {
        "field": "domains"}


def test_the_logo_must_be_an_https_url():
    assert rules.validate_patch({"branding": {"logo_url": "https://cdn.example.com/l.png"}})["branding"] == {
        "logo_url": "https://cdn.example.com/l.png"}
    for bad in ("http://cdn.example.com/l.png", "javascript:alert(1)", "https://", "https://u:p@cdn.example.com/",
                "ftp://cdn.example.com/l.png"):
        assert refused({"branding": {"logo_url": bad}}).details == {"field": "branding.logo_url"}
    assert rules.validate_patch({"branding": {"logo_url": None}})["branding"] == {"logo_url": None}


def test_branding_fields_are_checked_too():
    assert refused({"branding": {"show_powered_by": "no"}}).details == {"field": "branding.show_powered_by"}
    assert refused({"branding": {"theme": "dark"}}).details == {"fields": ["branding.theme"]}
    assert refused({"branding": []}).details == {"field": "branding"}


def test_unknown_fields_and_an_empty_change_are_refused():
    assert refused({"color": "#000000", "colour": "#000000"}).details == {"fields": ["colour"]}
    assert refused({}).message == "nothing to change"


def test_a_change_replaces_fields_and_merges_branding_key_by_key():
    stored = {"color": "#111111", "primary_color": "#111111", "welcome_message": "Hi",
              "branding": {"show_powered_by": False, "logo_url": "https://cdn.example.com/a.png"}}
    after = rules.merged(stored, {"color": "#222222", "branding": {"logo_url": None}})
    assert after == {"color": "#222222", "primary_color": "#222222", "welcome_message": "Hi",
                     "branding": {"show_powered_by": False, "logo_url": None}}
    assert stored["color"] == "#111111"  # the stored value is not modified in place
