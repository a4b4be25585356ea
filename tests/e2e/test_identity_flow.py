"""Identity on the running stack over real HTTP: the README's walkthrough, and refresh races."""
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.e2e.conftest import DEMO_PASSWORD


def login(stack, username="admin", password=DEMO_PASSWORD, site_id="site_demo"):
    response = requests.post(f"{stack.url}/api/v1/auth/support/login",
                             json={"username": username, "password": password, "site_id": site_id}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_each_kind_of_caller_authenticates(stack):
    agent = login(stack)
    bearer = {"Authorization": f"Bearer {agent['token']}"}
    assert requests.get(f"{stack.url}/api/v1/auth/validate", headers=bearer, timeout=10).json()["data"]["valid"]

    visitor = requests.post(f"{stack.url}/api/v1/visitors", json={
        "site_id": "site_demo", "visitor_id": "v_e2e_1", "name": "Eve Visitor"}, timeout=10)
    assert visitor.status_code in (200, 201)
    visitor_token = visitor.json()["data"]["session_token"]
    site = requests.get(f"{stack.url}/api/v1/sites/site_demo", headers={"X-Visitor-Token": visitor_token}, timeout=10)
    assert site.status_code == 200 and site.json()["data"]["id"] == "site_demo"

    key = requests.post(f"{stack.url}/api/v1/admin/sites/site_demo/api-keys", json={"name": "e2e"},
                        headers=bearer, timeout=10).json()["data"]["key"]
    agents_003 = requests.get(f"{stack.url}/v1/agents", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert agents_003.status_code == 200
    assert "admin" in [a["name"] for a in agents_003.json()["data"]]
    assert int(agents_003.headers["X-RateLimit-Remaining"]) >= 0

    assert requests.post(f"{stack.url}/api/v1/auth/logout", headers=bearer, timeout=10).status_code == 200
    assert requests.get(f"{stack.url}/api/v1/auth/validate", headers=bearer, timeout=10).status_code == 401


def test_twenty_concurrent_refreshes_of_one_token_have_exactly_one_winner(stack):
    session = login(stack)

    def refresh(_):
        return requests.post(f"{stack.url}/api/v1/auth/refresh",
                             json={"refresh_token": session["refresh_token"]}, timeout=30)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(refresh, range(20)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [401] * 19, statuses
    winner = next(a for a in answers if a.status_code == 200).json()["data"]
    # The losers presented a spent token: reuse, so the family is revoked, the winner's tokens included.
    assert requests.post(f"{stack.url}/api/v1/auth/refresh", json={"refresh_token": winner["refresh_token"]},
                         timeout=10).status_code == 401
    assert requests.get(f"{stack.url}/api/v1/auth/validate", headers={"Authorization": f"Bearer {winner['token']}"},
                        timeout=10).status_code == 401


def test_sequential_refreshes_keep_working(stack):
    current = login(stack)
    for _ in range(5):
        response = requests.post(f"{stack.url}/api/v1/auth/refresh",
                                 json={"refresh_token": current["refresh_token"]}, timeout=10)
        assert response.status_code == 200
        current = response.json()["data"]
    assert requests.get(f"{stack.url}/api/v1/auth/validate", headers={"Authorization": f"Bearer {current['token']}"},
                        timeout=10).status_code == 200
