"""Seed 000 section 7 and automatic analysis, through chalice.test.Client and the queues on moto."""
import json

import pytest
from botocore.stub import ANY, Stubber

from chalicelib.domain.analysis import engine as engine_module
from chalicelib.integrations import bedrock
from chalicelib.settings import get_settings
from chalicelib.store import conversations as conversation_store
from tests.unit.chat_helpers import (
    as_visitor,
    data,
    drain_analysis,
    drain_events,
    error,
    open_conversation,
    send,
    visitor_token,
)
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)
from tests.unit.test_realtime import connect_agent, connect_visitor, wire  # noqa: F401  (fixtures, helpers)

EXAMPLE = "I'm interested in your premium plan but the price seems a bit high"
FIELDS = {"suggested_reply", "interest_level", "conversion_percentage", "objection", "next_action", "sentiment",
          "intent", "keywords"}




@pytest.fixture
def counted(monkeypatch):
    """Counts the local engine's message and conversation analyses."""
    calls = {"message": 0, "conversation": 0}
    original_message = engine_module.LocalEngine.analyze_message
    original_conversation = engine_module.LocalEngine.analyze_conversation

    def message(self, text, context=()):
        calls["message"] += 1
        return original_message(self, text, context)

    def conversation(self, turns):
        calls["conversation"] += 1
        return original_conversation(self, turns)

    monkeypatch.setattr(engine_module.LocalEngine, "analyze_message", message)
    monkeypatch.setattr(engine_module.LocalEngine, "analyze_conversation", conversation)
    return calls


# -- POST /api/v1/analysis/message -----------------------------------------------------------------

def test_the_documented_example_answers_as_documented(world):
    bob = world.token("bob", "site_a")
    result = data(world.call("POST", "/api/v1/analysis/message", {"message": EXAMPLE, "conversation_id": None},
                             token=bob))
    assert set(result) == FIELDS
    assert (result["objection"], result["interest_level"], result["intent"]) == (
        "Price concern", "High", "purchase_inquiry")
    assert isinstance(result["conversion_percentage"], int) and 0 <= result["conversion_percentage"] <= 100


def test_with_a_conversation_the_agent_must_see_it(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    bob, carol = world.token("bob", "site_a"), world.token("carol", "site_b")
    body = {"message": "How much is it?", "conversation_id": conversation_id}
    assert data(world.call("POST", "/api/v1/analysis/message", body, token=bob))["intent"] == "pricing_question"
    assert error(world.call("POST", "/api/v1/analysis/message", body, token=carol), 404) == "NOT_FOUND"
    assert error(world.call("POST", "/api/v1/analysis/message", {**body, "visitor_id": "someone_else"}, token=bob),
                 400) == "VALIDATION_ERROR"


@pytest.mark.parametrize("body", [
    {}, {"message": ""}, {"message": "   "}, {"message": 42}, {"message": "x" * 10_001},
    {"message": "hi", "extra": 1}, {"message": "hi", "conversation_id": 7},
])
def test_bad_requests_are_400s(world, body):
    bob = world.token("bob", "site_a")
    assert error(world.call("POST", "/api/v1/analysis/message", body, token=bob), 400) == "VALIDATION_ERROR"


def test_only_agents_may_ask(world):
    vt = visitor_token(world)
    assert error(world.call("POST", "/api/v1/analysis/message", {"message": "hi"}), 401) == "UNAUTHORIZED"
    assert error(world.call("POST", "/api/v1/analysis/message", {"message": "hi"}, headers=as_visitor(vt)),
                 401) == "UNAUTHORIZED"


def test_the_analysis_rate_limit_is_30_a_minute(world, monkeypatch):
    # Pinned mid-window, so the 31 calls never straddle a minute of the wall clock.
    monkeypatch.setattr("chalicelib.domain.limits.clock", lambda: 1_800_000_030.0)
    bob = world.token("bob", "site_a")
    codes = [world.call("POST", "/api/v1/analysis/message", {"message": "hello"}, token=bob).status_code
             for _ in range(31)]
    assert codes[:30] == [200] * 30 and codes[30] == 429


# -- automatic analysis: events worker -> analysis queue -> analysis worker -> agents' sockets ----------

def test_a_visitor_message_is_analysed_once_and_pushed_to_the_sites_agents(world, wire, counted):
    bob_socket = connect_agent(world)
    carol_socket = connect_agent(world, "carol", "site_b")
    visitor_socket, vt = connect_visitor(world)
    conversation_id = open_conversation(world, vt)
    message = data(send(world, conversation_id, EXAMPLE, headers=as_visitor(vt)), 201)
    bob = world.token("bob", "site_a")
    data(send(world, conversation_id, "Our premium plan includes analytics.", token=bob), 201)  # not analysed

    drain_events()
    jobs = drain_analysis()
    assert [json.loads(job)["message_id"] for job in jobs] == [message["id"]]
    assert counted["message"] == 1

    frames = wire.of(bob_socket, "analysis")
    assert len(frames) == 1
    assert frames[0]["from"] == "visitor" and frames[0]["message_id"] == message["id"]
    assert frames[0]["conversation_id"] == conversation_id
    assert frames[0]["analysis"]["objection"] == "Price concern" and set(frames[0]["analysis"]) == FIELDS
    assert wire.of(carol_socket, "analysis") == [] and wire.of(visitor_socket, "analysis") == []

    # Agents read it with the message; the visitor never does.
    as_agent = data(world.call("GET", f"/api/v1/messages?conversation_id={conversation_id}", token=bob))["messages"]
    assert as_agent[0]["analysis"] == frames[0]["analysis"] and "analysis" not in as_agent[1]
    as_visitor_view = data(world.call("GET", f"/api/v1/messages?conversation_id={conversation_id}",
                                      headers=as_visitor(vt)))["messages"]
    assert all("analysis" not in m for m in as_visitor_view)

    # SQS redelivers the job: nothing is analysed or pushed again.
    from chalicelib.integrations import queues

    queues.send_batch("analysis", jobs)
    assert drain_analysis() == jobs
    assert counted["message"] == 1 and len(wire.of(bob_socket, "analysis")) == 1


def test_a_site_can_turn_automatic_analysis_off(world, counted):
    alice = world.token("alice", "site_a")
    site = data(world.call("PATCH", "/api/v1/admin/sites/site_a", {"ai": {"auto_analysis": False}}, token=alice))
    assert site["ai"]["auto_analysis"] is False
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    data(send(world, conversation_id, EXAMPLE, headers=as_visitor(vt)), 201)
    drain_events()
    assert drain_analysis() == [] and counted["message"] == 0


@pytest.mark.parametrize("ai", [{"auto_analysis": "no"}, {"monthly_token_budget": -1}, {"budget": 5},
                                {"monthly_token_budget": 1.5}, "off"])
def test_bad_ai_settings_are_400s(world, ai):
    alice = world.token("alice", "site_a")
    assert error(world.call("PATCH", "/api/v1/admin/sites/site_a", {"ai": ai}, token=alice), 400) == "VALIDATION_ERROR"


def test_visitors_do_not_see_a_sites_ai_settings(world):
    vt = visitor_token(world)
    assert "ai" not in data(world.call("GET", "/api/v1/sites/site_a", headers=as_visitor(vt)))
    assert data(world.call("GET", "/api/v1/sites/site_a", token=world.token("bob", "site_a")))["ai"] == {
        "auto_analysis": True, "monthly_token_budget": None}


def test_a_malformed_job_is_reported_as_failed_not_swallowed(world):
    import app as app_module
    from local import lambdas

    record = {"messageId": "m1", "receiptHandle": "r", "body": "{not json", "attributes": {},
              "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs", "eventSourceARN": "arn",
              "awsRegion": "us-east-1"}
    result = app_module.analyse_messages({"Records": [record]}, lambdas.context("analysis"))
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}


# -- GET /api/v1/analysis/conversation/{id} --------------------------------------------------------

def test_the_conversation_aggregate_is_cached_until_the_conversation_changes(world, counted):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    bob = world.token("bob", "site_a")
    data(send(world, conversation_id, EXAMPLE, headers=as_visitor(vt)), 201)
    data(send(world, conversation_id, "It includes analytics and priority support.", token=bob), 201)
    data(send(world, conversation_id, "Great, that helps a lot, thank you!", headers=as_visitor(vt)), 201)

    path = f"/api/v1/analysis/conversation/{conversation_id}"
    first = data(world.call("GET", path, token=bob))
    assert set(first) == {"conversation_id", "overall_sentiment", "interest_level", "conversion_probability",
                          "key_topics", "objections_raised", "recommended_actions", "summary"}
    assert first["conversation_id"] == conversation_id and first["objections_raised"] == ["price concern"]
    assert first["overall_sentiment"] == "positive" and "pricing" in first["key_topics"]
    assert counted["conversation"] == 1

    assert data(world.call("GET", path, token=bob)) == first
    assert counted["conversation"] == 1  # nothing changed: served from the cache

    data(send(world, conversation_id, "Actually, I want a refund, this is terrible", headers=as_visitor(vt)), 201)
    changed = data(world.call("GET", path, token=bob))
    assert counted["conversation"] == 2 and "refund" in changed["key_topics"]


def test_another_sites_conversation_analysis_is_a_404(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    carol = world.token("carol", "site_b")
    assert error(world.call("GET", f"/api/v1/analysis/conversation/{conversation_id}", token=carol),
                 404) == "NOT_FOUND"
    assert error(world.call("GET", "/api/v1/analysis/conversation/conv_missing", token=carol), 404) == "NOT_FOUND"


# -- Bedrock: budget and usage ledger -----------------------------------------------------------------

@pytest.fixture
def bedrock_provider(monkeypatch):
    monkeypatch.setenv("PARLEY_ANALYSIS_PROVIDER", "bedrock")
    monkeypatch.setenv("PARLEY_ANALYSIS_MONTHLY_TOKENS", "1000")
    get_settings.cache_clear()
    bedrock.reset_cache()
    with Stubber(bedrock.client(get_settings().region)) as stubber:
        yield stubber
    bedrock.reset_cache()
    monkeypatch.undo()
    get_settings.cache_clear()


def stub_answer(stubber, tokens_in, tokens_out):
    answer = {"suggested_reply": "Happy to help!", "interest_level": "High", "conversion_percentage": 70,
              "objection": "Price concern", "next_action": "Explain the value", "sentiment": "neutral",
              "intent": "purchase_inquiry", "keywords": ["price"]}
    stubber.add_response("converse", {
        "output": {"message": {"role": "assistant", "content": [{"text": json.dumps(answer)}]}},
        "stopReason": "end_turn", "metrics": {"latencyMs": 5},
        "usage": {"inputTokens": tokens_in, "outputTokens": tokens_out, "totalTokens": tokens_in + tokens_out},
    }, {"modelId": ANY, "system": ANY, "messages": ANY, "inferenceConfig": ANY})


def test_bedrock_usage_is_ledgered_and_a_spent_budget_falls_back_to_the_local_engine(world, bedrock_provider,
                                                                                    counted):
    bob = world.token("bob", "site_a")
    stub_answer(bedrock_provider, 700, 400)  # 1,100 tokens: more than the 1,000 budget
    first = data(world.call("POST", "/api/v1/analysis/message", {"message": EXAMPLE}, token=bob))
    assert first["suggested_reply"] == "Happy to help!" and counted["message"] == 0  # the model answered

    usage = data(world.call("GET", "/api/v1/analysis/usage?site_id=site_a", token=bob))
    assert (usage["calls"], usage["input_tokens"], usage["output_tokens"]) == (1, 700, 400)
    assert usage["cost_usd"] == pytest.approx((700 * 0.25 + 400 * 1.25) / 1e6)
    assert usage["provider"] == "bedrock" and usage["monthly_token_budget"] == 1000

    second = data(world.call("POST", "/api/v1/analysis/message", {"message": EXAMPLE}, token=bob))
    assert counted["message"] == 1 and second["suggested_reply"] != "Happy to help!"  # no call: Stubber had none
    bedrock_provider.assert_no_pending_responses()

    carol = world.token("carol", "site_b")
    assert error(world.call("GET", "/api/v1/analysis/usage?site_id=site_a", token=carol), 404) == "NOT_FOUND"


def test_a_sites_own_budget_of_zero_never_calls_bedrock(world, bedrock_provider, counted):
    alice = world.token("alice", "site_a")
    data(world.call("PATCH", "/api/v1/admin/sites/site_a", {"ai": {"monthly_token_budget": 0}}, token=alice))
    data(world.call("POST", "/api/v1/analysis/message", {"message": EXAMPLE}, token=alice))
    assert counted["message"] == 1  # the local engine answered; an unexpected Converse call would have raised
