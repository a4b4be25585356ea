"""contract.read: what a client is told when a model refuses its request (no AWS, no app)."""
from typing import Annotated

import pytest

from chalicelib.model.errors import ValidationFailed
from chalicelib.surfaces.contract import UNSET, Body, Meta, Query, UnsetType, given, read


class Note(Body):
    text: Annotated[str, Meta(min_length=1, max_length=5, pattern=r"\S")]
    tags: list[str] | UnsetType = UNSET


class Page(Query):
    limit: Annotated[int, Meta(ge=1, le=100)] = 20


def refusal(model, raw, **options):
    with pytest.raises(ValidationFailed) as refused:
        read(model, raw, **options)
    return str(refused.value.message), refused.value.details


@pytest.mark.parametrize("raw, field, words", [
    ({"text": "   "}, "text", "must not be blank"),
    ({"text": "toolong"}, "text", "length <= 5"),
    ({"text": 5}, "text", "Expected str, got int"),
    ({}, "text", "missing required field"),
    ({"text": "ok", "colour": "red"}, "colour", "unknown field"),
    ({"text": "ok", "tags": ["a", 1]}, "tags[1]", "Expected str, got int"),
])
def test_a_refused_body_names_the_field_and_says_why(raw, field, words):
    message, details = refusal(Note, raw)
    assert details == {"field": field} and message.startswith(f"{field}: ") and words in message


def test_a_body_that_is_not_an_object_is_refused_as_such():
    message, details = refusal(Note, ["text"])
    assert message == "body: the body must be a JSON object" and not details


def test_query_strings_are_converted_and_checked():
    assert read(Page, {"limit": "7"}, where="query", from_strings=True).limit == 7
    assert read(Page, {}, where="query", from_strings=True).limit == 20
    message, details = refusal(Page, {"limit": "101"}, where="query", from_strings=True)
    assert details == {"field": "limit"} and "<= 100" in message
    assert refusal(Page, {"page": "2"}, where="query", from_strings=True)[1] == {"field": "page"}


def test_given_keeps_only_what_was_sent():
    assert given(read(Note, {"text": "hi"})) == {"text": "hi"}
    assert given(read(Note, {"text": "hi", "tags": []})) == {"text": "hi", "tags": []}


class Rating(Body):
    score: Annotated[int, Meta(ge=1, le=5)]
    weight: float = 1.0


def test_a_whole_number_written_as_5_0_is_an_integer_as_json_schema_says():
    assert read(Rating, {"score": 5.0, "weight": 2}).score == 5
    assert read(Rating, {"score": 4, "weight": 2.0}).weight == 2.0
    assert refusal(Rating, {"score": 4.5})[1] == {"field": "score"}
