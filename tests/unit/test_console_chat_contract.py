"""Seed 000's conversation side answers what /openapi/000.json says: a whole chat (register, open, upload,
send, read, assign, type, analyse, close, rate, download, delete) with every answer checked against its
documented status and schema; and the request models refuse what the routes refused before, naming the field."""
import json

import pytest
from jsonschema import Draft202012Validator

from chalicelib.surfaces import descriptions
from tests.unit.chat_helpers import as_visitor, data, error
from tests.unit.file_helpers import multipart, png
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def document():
    import app  # noqa: F401  (registers every route)

    return descriptions.document("000")


def conforms(document, response, method, path):
    """The response's status is one the operation documents, and its body matches that status's schema."""
    operation = document["paths"][path][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], (method, path, status, response.body[:300])
    content = operation["responses"][status].get("content")
    if content is None:
        return None
    body = json.loads(response.body)
    schema = {**content["application/json"]["schema"], "components": document["components"]}
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in Draft202012Validator(schema).iter_errors(body)]
    assert problems == [], (method, path, status, problems)
    return body


def test_a_whole_chat_answers_as_documented(world, document):
    def call(method, path, route, body=None, token=None, headers=None):
        return conforms(document, world.call(method, path, body, token=token, headers=headers), method, route)

    registered = call("POST", "/api/v1/visitors", "/api/v1/visitors",
                      {"site_id": "site_a", "visitor_id": "v_c", "name": " Ann ", "email": "",
                       "metadata": {"page_url": "https://a.example/pricing"}})
    vt = registered["data"]["session_token"]
    assert registered["data"]["name"] == "Ann"  # trimmed, and a blank email is no email
    again = world.call("POST", "/api/v1/visitors", {"site_id": "site_a", "visitor_id": "v_c", "name": "Ann"},
                       headers=as_visitor(vt))
    assert conforms(document, again, "POST", "/api/v1/visitors") and again.status_code == 200
    visitor = as_visitor(vt)
    conversation_id = call("POST", "/api/v1/conversations", "/api/v1/conversations",
                           {"site_id": "site_a", "visitor_id": "v_c"}, headers=visitor)["data"]["id"]

    form, content_type = multipart({"site_id": "site_a", "conversation_id": conversation_id}, png())
    uploaded = world.client.http.post("/api/v1/files/upload", body=form,
                                      headers={**visitor, "Content-Type": content_type})
    file = conforms(document, uploaded, "POST", "/api/v1/files/upload")["data"]
    call("POST", "/api/v1/messages", "/api/v1/messages",
         {"conversation_id": conversation_id, "content": "Hello", "metadata": {"ref": "x"}}, headers=visitor)
    call("POST", "/api/v1/messages", "/api/v1/messages",
         {"conversation_id": conversation_id, "type": "image", "file_id": file["id"]}, headers=visitor)

    bob = world.token("bob", "site_a")
    shown = call("GET", f"/api/v1/conversations/{conversation_id}", "/api/v1/conversations/{conversation_id}",
                 token=bob)["data"]
    assert [m["type"] for m in shown["messages"]] == ["text", "image"] and shown["has_more_messages"] is False
    call("GET", "/api/v1/conversations?site_id=site_a&status=active&limit=5", "/api/v1/conversations", token=bob)
    call("GET", f"/api/v1/messages?conversation_id={conversation_id}&limit=100&site_id=site_a", "/api/v1/messages",
         headers=visitor)  # the widget's own call, naming its site
    call("POST", "/api/v1/messages/read", "/api/v1/messages/read", {"conversation_id": conversation_id}, token=bob)
    call("PATCH", f"/api/v1/conversations/{conversation_id}/assign",
         "/api/v1/conversations/{conversation_id}/assign", {"agent_id": world.bob.agent_id}, token=bob)
    call("POST", "/api/v1/typing", "/api/v1/typing", {"conversation_id": conversation_id, "is_typing": True},
         token=bob)
    call("GET", "/api/v1/visitors/active?site_id=site_a", "/api/v1/visitors/active", token=bob)
    call("GET", "/api/v1/visitors/v_c?site_id=site_a", "/api/v1/visitors/{visitor_id}", token=bob)
    call("GET", f"/api/v1/files/{file['id']}", "/api/v1/files/{file_id}", token=bob)
    link = world.client.http.get(file["url"])
    assert conforms(document, link, "GET", "/api/v1/files/{file_id}/download") is None
    assert link.status_code == 302 and link.headers["Location"]
    call("POST", "/api/v1/analysis/message", "/api/v1/analysis/message",
         {"message": "Is the premium plan worth the price?", "conversation_id": conversation_id}, token=bob)
    call("GET", f"/api/v1/analysis/conversation/{conversation_id}",
         "/api/v1/analysis/conversation/{conversation_id}", token=bob)
    call("GET", "/api/v1/analysis/usage?site_id=site_a", "/api/v1/analysis/usage", token=bob)
    call("POST", "/api/v1/visitors/activity", "/api/v1/visitors/activity",
         {"type": "page_view", "page_url": "/pricing"}, headers=visitor)
    closed = call("PATCH", f"/api/v1/conversations/{conversation_id}/close",
                  "/api/v1/conversations/{conversation_id}/close", {"resolution": "  "}, token=bob)["data"]
    assert closed["status"] == "closed" and closed["closed_by"] == world.bob.agent_id
    call("POST", f"/api/v1/conversations/{conversation_id}/rating",
         "/api/v1/conversations/{conversation_id}/rating", {"rating": 5}, headers=visitor)
    refused = call("POST", "/api/v1/messages", "/api/v1/messages",
                   {"conversation_id": conversation_id, "content": "still there?"}, headers=visitor)
    assert refused["error"]["code"] == "CONFLICT"  # a closed conversation: 409, documented
    alice = world.token("alice", "site_a")
    call("DELETE", f"/api/v1/files/{file['id']}", "/api/v1/files/{file_id}", token=alice)
    after = call("GET", f"/api/v1/messages?conversation_id={conversation_id}", "/api/v1/messages", token=bob)
    assert after["data"]["messages"][1]["file"]["deleted"] is True  # a deleted file, as documented


@pytest.mark.parametrize("path,body,field", [
    ("/api/v1/conversations", {"site_id": "site_a", "visitor_id": "v_r", "priority": "high"}, "priority"),
    ("/api/v1/conversations", {"site_id": "site_a", "visitor_id": "   "}, "visitor_id"),
    ("/api/v1/messages", {"conversation_id": "conv_x", "content": "hi", "metadata": "x"}, "metadata"),
    ("/api/v1/messages", {"conversation_id": "conv_x", "content": "hi", "type": "video"}, "type"),
    ("/api/v1/messages/read", {"conversation_id": "conv_x", "message_ids": [""]}, "message_ids[0]"),
    ("/api/v1/typing", {"conversation_id": "conv_x", "is_typing": "yes"}, "is_typing"),
    ("/api/v1/visitors/activity", {"type": "click", "page_url": "/"}, "type"),
])
def test_a_refused_body_names_its_field(world, document, path, body, field):
    vt = data(world.call("POST", "/api/v1/visitors", {"site_id": "site_a", "visitor_id": "v_r", "name": "R"}),
              201)["session_token"]
    response = world.call("POST", path, body, headers=as_visitor(vt))
    assert error(response, 400) == "VALIDATION_ERROR"
    assert response.json_body["error"]["details"] == {"field": field}
    assert response.json_body["error"]["message"].startswith(f"{field}: ")
    conforms(document, response, "POST", path)


def test_a_refused_query_names_its_parameter(world, document):
    bob = world.token("bob", "site_a")
    for query, field in [("status=open", "status"), ("limit=0", "limit"), ("page=x", "page"),
                         ("sort=newest", "sort")]:
        response = world.call("GET", f"/api/v1/conversations?site_id=site_a&{query}", token=bob)
        assert error(response, 400) == "VALIDATION_ERROR" and response.json_body["error"]["details"] == {
            "field": field}, query
        conforms(document, response, "GET", "/api/v1/conversations")


def test_a_field_of_the_wrong_kind_is_named_with_its_own_problem(world):
    vt = data(world.call("POST", "/api/v1/visitors", {"site_id": "site_a", "visitor_id": "v_k", "name": "K"}),
              201)["session_token"]
    response = world.call("POST", "/api/v1/messages", {"conversation_id": "conv_x", "metadata": [1]},
                          headers=as_visitor(vt))
    assert error(response, 400) == "VALIDATION_ERROR"
    assert response.json_body["error"]["message"] == "metadata: Expected object | null, got array"
