"""The local stack serves the browser apps (widget, console, demo page) and answers CORS like AWS would."""
import gzip

import requests

WIDGET_BUDGET_GZIPPED = 50 * 1024


def test_the_widget_is_one_small_script(stack):
    response = requests.get(f"{stack.url}/widget/parley.js", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/javascript")
    assert len(gzip.compress(response.content)) < WIDGET_BUDGET_GZIPPED


def test_the_console_is_served_on_the_apis_origin(stack):
    page = requests.get(f"{stack.url}/console/", timeout=10)
    assert page.status_code == 200 and 'id="login"' in page.text
    assert requests.get(f"{stack.url}/console/console.js", timeout=10).status_code == 200
    assert requests.get(f"{stack.url}/console", timeout=10, allow_redirects=False).headers["Location"] == "/console/"


def test_only_the_apps_files_are_served(stack):
    for path in ("/widget/..%2F..%2Fapp.py", "/widget/%2e%2e%2fconsole%2findex.html", "/console/nothing.js"):
        assert requests.get(f"{stack.url}{path}", timeout=10).status_code == 404, path


def test_the_demo_page_on_its_own_origin_embeds_the_widget_with_one_tag(stack):
    assert stack.demo_url != stack.url
    page = requests.get(f"{stack.demo_url}/demo/", timeout=10).text
    assert f'<script src="{stack.url}/widget/parley.js" data-site-id="site_demo" async></script>' in page


def test_the_demo_origin_is_on_the_demo_sites_allow_list(stack):
    response = requests.options(f"{stack.url}/api/v1/visitors?site_id=site_demo", timeout=10, headers={
        "Origin": stack.demo_url, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 204 and response.headers["Access-Control-Allow-Origin"] == stack.demo_url
    refused = requests.options(f"{stack.url}/api/v1/visitors?site_id=site_demo", timeout=10, headers={
        "Origin": "http://localhost:1", "Access-Control-Request-Method": "POST"})
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers


def test_options_on_a_route_without_a_preflight_is_api_gateways_403(stack):
    """No OPTIONS method and no Chalice CORS on the resource: API Gateway has no such method."""
    response = requests.options(f"{stack.url}/api/v1/agents", timeout=10, headers={"Origin": stack.demo_url})
    assert response.status_code == 403 and response.json() == {"message": "Missing Authentication Token"}
    assert "Access-Control-Allow-Origin" not in response.headers
