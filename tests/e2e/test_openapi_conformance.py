"""Every operation of every OpenAPI document the stack serves (GET /openapi/<seed>.json), fuzzed by
schemathesis against the running local stack on real sockets: no 5xx, every status documented, the
documented content type, bodies matching the response schemas, and schema-invalid requests refused
with a 4xx. One test per seed (`-k 003`); findings are collected over all operations and reported
together. Budget: PARLEY_FUZZ_EXAMPLES examples per operation and mode (small in `make test`,
larger in `make fuzz`, which also draws new random data each run: PARLEY_FUZZ_RANDOM=1).
See docs/openapi.md."""
from __future__ import annotations

import os
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

import jsonschema_rs
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from local.harness import StackProcess
from tests.e2e.conftest import DEMO_PASSWORD, STACK_ENV
from tests.e2e.realtime_client import login

SEEDS = ("000", "001", "002", "003", "004")
EXAMPLES = int(os.environ.get("PARLEY_FUZZ_EXAMPLES", "4"))
RANDOM = os.environ.get("PARLEY_FUZZ_RANDOM", "") == "1"  # `make fuzz`: fresh data each run
POSITIVE_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
                   response_schema_conformance]
NEGATIVE_CHECKS = [*POSITIVE_CHECKS, negative_data_rejection]
SITE = "site_demo"
LINE_TOO_LONG = "Got more than 8190 bytes when reading"  # aiohttp's own 400 (text/plain) for a long URL

# Operations that would destroy the run's own credentials, never sent: the random run would log
# its agent out, and the rest of the seed would only see 401s (tests/e2e/test_identity_flow.py
# covers logout).
NEVER = {("000", "POST", "/api/v1/auth/logout")}
# Operations sent only with generated path parameters, never with the run's real ids: with them a
# random valid body would switch on identity verification or suspend the run's own site, rotate
# its identity secret, or remove or demote its own admin (their behaviour is asserted in tests/unit).
NOT_ON_OWN_IDS = {
    ("000", "PATCH", "/api/v1/admin/sites/{site_id}"),
    ("000", "POST", "/api/v1/admin/sites/{site_id}/identity-secret"),
    ("000", "PUT", "/api/v1/admin/sites/{site_id}/agents/{agent_id}"),
    ("000", "DELETE", "/api/v1/admin/sites/{site_id}/agents/{agent_id}"),
    ("000", "DELETE", "/api/v1/admin/sites/{site_id}/api-keys/{key_id}"),
}


@dataclass
class Credentials:
    """What a seed's run authenticates with (a value per security scheme of its document), and the
    real ids its path parameters take in the second pass (a random id only meets the 404 branch)."""

    schemes: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def fuzz_stack():
    """A stack of its own: the random writes stay out of the other e2e tests' data, and without
    rate limits (a run that only meets 429s tests nothing; the limits have tests of their own)."""
    process = StackProcess(env={**STACK_ENV, "PARLEY_RATE_LIMITS": "off"})
    process.start()
    yield process
    assert process.stop() == 0, process.log()


def _post(stack: StackProcess, path: str, body: dict[str, Any], status: int = 201,
          headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = requests.post(f"{stack.url}{path}", json=body, headers=headers or {}, timeout=15)
    assert response.status_code == status, (path, response.status_code, response.text)
    return response.json()


def _visitor(stack: StackProcess) -> tuple[str, str]:
    visitor_id = f"v_fuzz_{uuid.uuid4().hex[:8]}"
    data = _post(stack, "/api/v1/visitors", {"site_id": SITE, "visitor_id": visitor_id, "name": "Fuzz Visitor"})
    return visitor_id, data["data"]["session_token"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def credentials_000(stack: StackProcess) -> Credentials:
    agent = login(stack)
    visitor_id, token = _visitor(stack)
    chat = _post(stack, "/api/v1/conversations", {"site_id": SITE, "visitor_id": visitor_id},
                 headers={"X-Visitor-Token": token})["data"]
    return Credentials(schemes={"agentToken": agent["token"], "visitorToken": token},
                       ids={"site_id": SITE, "visitor_id": visitor_id, "conversation_id": chat["id"],
                            "agent_id": agent["user"]["id"]})


def credentials_001(stack: StackProcess) -> Credentials:
    started = _post(stack, "/chat/start-session/", {"business": SITE})["data"]
    return Credentials(schemes={"visitorBearer": started["token"], "agentToken": login(stack)["token"]},
                       ids={"session_id": str(started["session_id"])})


def credentials_002(stack: StackProcess) -> Credentials:
    _, token = _visitor(stack)
    created = _post(stack, "/chat/conversations", {"title": "fuzz", "agent_id": 5}, headers=_bearer(token))
    return Credentials(schemes={"visitorBearer": token, "agentToken": login(stack)["token"]},
                       ids={"conversation_id": str(created["data"]["conversation_id"])})


def credentials_003(stack: StackProcess) -> Credentials:
    admin = login(stack)["token"]
    key = _post(stack, f"/api/v1/admin/sites/{SITE}/api-keys", {"name": "conformance"},
                headers=_bearer(admin))["data"]["key"]
    visitor_id, token = _visitor(stack)
    chat = _post(stack, "/api/v1/conversations", {"site_id": SITE, "visitor_id": visitor_id},
                 headers={"X-Visitor-Token": token})["data"]
    hook = _post(stack, "/v1/webhooks", {"url": "http://127.0.0.1:9/parley", "events": ["chat.created"]},
                 headers=_bearer(key))
    return Credentials(schemes={"apiKey": key, "agentToken": admin},
                       ids={"chat_id": chat["id"], "webhook_id": hook["id"]})


def credentials_004(stack: StackProcess) -> Credentials:
    agent = _post(stack, "/api/v1/agent/auth/login", {"username": "admin", "password": DEMO_PASSWORD}, status=200)
    started = _post(stack, "/api/v1/customer/conversations/start", {"site_id": SITE, "name": "Fuzz Customer"})
    return Credentials(schemes={"agentToken": agent["access_token"],
                                "customerSession": started["customer_session_id"]},  # its conversation's only
                       ids={"conversation_id": started["conversation_id"], "site_id": SITE, "slug": "shipping",
                            "faq_slug": "shipping"})


CREDENTIALS: dict[str, Callable[[StackProcess], Credentials]] = {
    "000": credentials_000, "001": credentials_001, "002": credentials_002, "003": credentials_003,
    "004": credentials_004,
}


def auth_headers(document: dict[str, Any], operation: dict[str, Any], credentials: Credentials) -> list[dict[str, str]]:
    """One header set per security requirement the operation accepts ([{}] when it is public)."""
    requirements = operation.get("security", document.get("security", []))
    if not requirements:
        return [{}]
    schemes = document.get("components", {}).get("securitySchemes", {})
    choices = []
    for requirement in requirements:
        headers: dict[str, str] = {}
        for name in requirement:
            scheme = schemes[name]
            if scheme["type"] == "http" and scheme.get("scheme") == "bearer":
                value = credentials.schemes.get(name)
                headers["Authorization"] = f"Bearer {value}" if value else ""
            elif scheme["type"] == "apiKey" and scheme.get("in") == "header":
                headers[scheme["name"]] = credentials.schemes.get(name, "")
        if all(headers.values()):
            choices.append(headers)
    assert choices, f"the harness has no credential for {requirements}: add it to credentials_<seed>"
    return choices


@dataclass
class Findings:
    """What schemathesis found, one entry per distinct (operation, check, first line) with a curl to
    replay it (credentials filtered), and the statuses the stack answered, per operation."""

    seen: dict[tuple[str, str, str], str] = field(default_factory=dict)
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    unbreakable: list[str] = field(default_factory=list)  # no schema-invalid request exists
    # Schema-valid requests answered 400, one sample each: a document looser than the route, or a
    # domain rule (an unknown site, a cross-field rule). Reported, not failed: the fuzz cannot tell.
    refused_valid: dict[str, str] = field(default_factory=dict)

    def add(self, label: str, mode: str, failure: BaseException, replay: str) -> None:
        failures = list(failure.exceptions) if isinstance(failure, FailureGroup) else [failure]
        for one in failures:
            title = one.title if isinstance(one, Failure) else type(one).__name__
            message = one.message if isinstance(one, Failure) else str(one)
            key = (label, title, message.splitlines()[0] if message else "")
            self.seen.setdefault(key, f"{label} [{mode}] {title}: {message.strip()[:600]}\n    {replay[:1200]}")

    def report(self) -> str:
        return "\n".join(self.seen.values())

    def summary(self) -> str:
        lines = [f"  {label}: " + ", ".join(f"{status}x{count}" for status, count in sorted(seen.items()))
                 for label, seen in sorted(self.statuses.items())]
        if self.unbreakable:
            lines.append(f"  (no schema-invalid request exists for: {', '.join(self.unbreakable)})")
        lines += [f"  schema-valid, refused: {label}: {sample}" for label, sample in sorted(self.refused_valid.items())]
        return "\n".join(lines)


def fuzz_operation(stack: StackProcess, operation: Any, mode: GenerationMode, auths: list[dict[str, str]],
                   findings: Findings, label: str, path_parameters: dict[str, str] | None = None,
                   query: dict[str, str] | None = None) -> None:
    """EXAMPLES requests of `mode` to one operation, each checked; failures go to `findings`. The
    credentials are fixed headers: schemathesis neither generates nor mutates them, so the negative
    examples break the request's own data rather than only ever dropping the token (a 401)."""
    session = requests.Session()
    strategy = st.one_of([operation.as_strategy(generation_mode=mode, path_parameters=path_parameters, query=query,
                                                headers=auth)
                          for auth in auths])
    checks = NEGATIVE_CHECKS if mode is GenerationMode.NEGATIVE else POSITIVE_CHECKS

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
              verbosity=Verbosity.quiet)
    @given(case=strategy)
    def run(case: Any) -> None:
        response = case.call(base_url=stack.url, session=session, timeout=30)
        findings.statuses[label][response.status_code] += 1
        if response.status_code == 400 and response.text.startswith(LINE_TOO_LONG):
            return  # refused by the local HTTP server before any route (API Gateway: 414 past 10 KB)
        if response.status_code == 400 and mode is GenerationMode.POSITIVE:
            findings.refused_valid.setdefault(label, response.text[:160])
        try:
            case.validate_response(response, checks=checks)
        except (Failure, FailureGroup, AssertionError) as failure:
            answer = f"{response.status_code} {response.text[:200]!r}"
            findings.add(label, mode.value, failure, f"{answer}\n    <- {case.as_curl_command(base_url=stack.url)}")

    try:
        run()
    except Unsatisfiable as error:
        if mode is GenerationMode.POSITIVE:
            findings.add(label, mode.value, error, "(no request: no valid request could be generated)")
        else:  # nothing in the request can be made schema-invalid (free strings, say)
            findings.unbreakable.append(label)
    except Exception as error:  # hypothesis could not generate for this operation: say so, go on
        findings.add(label, mode.value, error, "(no request: generation failed)")


def has_request_data(described: dict[str, Any]) -> bool:
    """Whether an operation takes anything negative examples could break: a body or a query (not its
    credentials; nor its path, whose only invalid string is the empty one, another route's URL)."""
    return "requestBody" in described or any(p["in"] == "query" for p in described.get("parameters", []))


def ends_something(operation: Any) -> bool:
    """Deletions and closings run last: before them, the run's own ids still name something to read."""
    return operation.method.upper() == "DELETE" or operation.path.endswith("/close")


@pytest.mark.parametrize("seed", SEEDS, ids=[f"seed-{seed}" for seed in SEEDS])
def test_every_operation_conforms_to_its_document(fuzz_stack, seed):
    url = f"{fuzz_stack.url}/openapi/{seed}.json"
    document = requests.get(url, timeout=10).json()
    schema = schemathesis.openapi.from_url(url)
    schema.validate()  # the OpenAPI 3.1 meta-schema: raises naming the offending location
    credentials = CREDENTIALS[seed](fuzz_stack)
    findings = Findings()
    operations = 0
    results = list(schema.get_all_operations())
    for error in (result.err() for result in results if isinstance(result, Err)):
        findings.add("(document)", "load", error, "")
    for operation in sorted((result.ok() for result in results if not isinstance(result, Err)), key=ends_something):
        method, path = operation.method.upper(), operation.path
        if (seed, method, path) in NEVER:
            continue
        operations += 1
        label = f"{method} {path}"
        described = document["paths"][path][operation.method.lower()]
        auths = auth_headers(document, described, credentials)
        fuzz_operation(fuzz_stack, operation, GenerationMode.POSITIVE, auths, findings, label)
        if has_request_data(described):
            fuzz_operation(fuzz_stack, operation, GenerationMode.NEGATIVE, auths, findings, label)
        # Again with the run's real ids in the path and the query: a random id only meets the 404 branch.
        names = [p["name"] for p in described.get("parameters", []) if p["in"] == "path"]
        queried = {p["name"]: credentials.ids[p["name"]] for p in described.get("parameters", [])
                   if p["in"] == "query" and p["name"] in credentials.ids}
        known = all(credentials.ids.get(n) for n in names)
        if (names or queried) and known and (seed, method, path) not in NOT_ON_OWN_IDS:
            own = {n: credentials.ids[n] for n in names}
            fuzz_operation(fuzz_stack, operation, GenerationMode.POSITIVE, auths, findings, label, own or None,
                           queried or None)
    print(f"seed {seed}: {operations} operations, statuses answered:\n{findings.summary()}")
    assert operations, f"/openapi/{seed}.json describes no operation"
    answered = Counter(status // 100 for seen in findings.statuses.values() for status in seen.elements())
    assert answered[2], f"seed {seed}: no request succeeded (credentials?):\n{findings.summary()}"
    if findings.seen:
        pytest.fail(f"seed {seed}: {len(findings.seen)} finding(s)\n{findings.report()}", pytrace=False)


def test_the_harness_reports_an_answer_its_document_does_not_describe(fuzz_stack):
    """The checks can fail: the served 003 document, edited to lie about GET /v1/chats/{chat_id}
    (a field the answer lacks made required; then its 200 left out), is caught on both counts; and
    a document that breaks OpenAPI 3.1 is refused."""
    credentials = credentials_003(fuzz_stack)
    document = requests.get(f"{fuzz_stack.url}/openapi/003.json", timeout=10).json()
    described = document["paths"]["/v1/chats/{chat_id}"]["get"]
    name = described["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    component = document["components"]["schemas"][name]
    component["required"] = [*component.get("required", []), "no_such_field"]
    label = "GET /v1/chats/{chat_id}"

    def findings_of(edited: dict[str, Any]) -> set[str]:
        operation = schemathesis.openapi.from_dict(edited)["/v1/chats/{chat_id}"]["GET"]
        findings = Findings()
        fuzz_operation(fuzz_stack, operation, GenerationMode.POSITIVE, [_bearer(credentials.schemes["apiKey"])],
                       findings, label, {"chat_id": credentials.ids["chat_id"]})
        assert findings.statuses[label] == Counter({200: 1})
        return {title for _, title, _ in findings.seen}

    assert findings_of(document) == {"Response violates schema"}
    del described["responses"]["200"]
    assert findings_of(document) == {"Undocumented status code"}
    del described["responses"]["404"]["description"]  # required by OpenAPI 3.1
    with pytest.raises(jsonschema_rs.ValidationError, match="description"):
        schemathesis.openapi.from_dict(document).validate()
