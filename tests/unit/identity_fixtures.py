"""A small two-site world for identity tests, and helpers to call the API."""
import json
from dataclasses import dataclass

import pytest
from chalice.test import Client

import app as app_module
from chalicelib.domain import agents
from chalicelib.store import tenants

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    client: Client
    alice: object  # admin of site_a
    bob: object  # support agent of site_a
    carol: object  # admin of site_b

    def call(self, method, path, body=None, token=None, headers=None):
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if body is not None:
            sent.setdefault("Content-Type", "application/json")
        payload = body if isinstance(body, (str, bytes)) or body is None else json.dumps(body)
        return getattr(self.client.http, method.lower())(path, headers=sent, body=payload)

    def login(self, username, site_id, password=PASSWORD):
        response = self.call("POST", "/api/v1/auth/support/login",
                             {"username": username, "password": password, "site_id": site_id})
        assert response.status_code == 200, response.body
        return response.json_body["data"]

    def token(self, username, site_id):
        return self.login(username, site_id)["token"]


@pytest.fixture
def world(aws):
    tenants.create_site_if_absent("site_a", "Shop A", "https://a.example")
    tenants.create_site_if_absent("site_b", "Shop B", "https://b.example")
    alice = agents.new_agent("alice", PASSWORD, "admin", ["site_a"], email="alice@a.example")
    bob = agents.new_agent("bob", PASSWORD, "support_agent", ["site_a"], email="bob@a.example")
    carol = agents.new_agent("carol", PASSWORD, "admin", ["site_b"], email="carol@b.example")
    with Client(app_module.app, stage_name="local") as client:
        yield World(client, alice, bob, carol)
