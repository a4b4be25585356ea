"""Files on the running stack: real multipart uploads, presigned PUTs to the embedded S3, the
thumbnail worker through the SQS pump, and a file message over REST and WebSocket."""
import io
import time

import pytest
import requests
from PIL import Image

from tests.e2e.realtime_client import agent_socket, login, new_agent, new_visitor, visitor_socket
from tests.unit.file_helpers import PDF, WINDOWS_EXE, png


@pytest.fixture(scope="module")
def admin(stack):
    return login(stack)["token"]


def wait_for(url, status=302, seconds=15.0):
    deadline = time.monotonic() + seconds
    while True:
        response = requests.get(url, allow_redirects=False, timeout=5)
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def test_upload_thumbnail_and_a_file_message_reach_the_agent(stack, admin):
    agent = new_agent(stack, admin)
    visitor = new_visitor(stack, name="Photo Sender")
    image = png(1200, 800)
    with agent_socket(stack, agent) as console, visitor_socket(stack, visitor) as widget:
        # A real multipart upload through the gateway emulator (binary body, base64 to the app).
        uploaded = requests.post(f"{stack.url}/api/v1/files/upload", timeout=10,
                                 headers={"X-Visitor-Token": visitor["token"]},
                                 data={"site_id": "site_demo"},
                                 files={"file": ("broken-screen.png", image, "image/png")})
        assert uploaded.status_code == 201, uploaded.text
        f = uploaded.json()["data"]
        assert (f["mime_type"], f["size"], f["is_image"]) == ("image/png", len(image), True)

        # The original downloads byte for byte from the embedded S3; an image (by its bytes) opens
        # inline, everything else is an attachment (issue 23, finding 11).
        redirect = requests.get(f"{stack.url}{f['url']}", allow_redirects=False, timeout=5)
        assert redirect.status_code == 302 and redirect.headers["X-Content-Type-Options"] == "nosniff"
        original = requests.get(redirect.headers["Location"], timeout=5)
        assert original.content == image and original.headers["Content-Disposition"].startswith("inline")
        assert original.headers["Content-Type"] == "image/png"

        # The media worker (SQS pump) makes the thumbnail; its link starts to work.
        thumbnail = wait_for(f"{stack.url}{f['thumbnail_url']}")
        assert thumbnail.status_code == 302, thumbnail.text
        small = Image.open(io.BytesIO(requests.get(thumbnail.headers["Location"], timeout=5).content))
        assert small.format == "JPEG" and small.size == (320, 213)

        # The visitor sends it over the WebSocket; the agent's frame carries the file with a link.
        widget.send(type="message", message="The screen looks like this", file=f["id"])
        frame = console.next("message", where=lambda m: m["sender"]["id"] == visitor["visitor_id"])
        assert frame["file"]["id"] == f["id"] and frame["file"]["original_name"] == "broken-screen.png"
        assert requests.get(f"{stack.url}{frame['file']['url']}", allow_redirects=True, timeout=5).content == image

        listed = requests.get(f"{stack.url}/api/v1/messages", timeout=5,
                              params={"conversation_id": frame["conversation_id"]},
                              headers={"Authorization": f"Bearer {agent['token']}"}).json()["data"]["messages"]
        assert listed[0]["file"]["id"] == f["id"] and listed[0]["type"] == "file"


def test_presigned_upload_to_the_embedded_s3_then_confirm(stack, admin):
    key = requests.post(f"{stack.url}/api/v1/admin/sites/site_demo/api-keys", json={"name": "e2e files"},
                        headers={"Authorization": f"Bearer {admin}"}, timeout=5).json()["data"]["key"]
    auth = {"Authorization": f"Bearer {key}"}
    slot = requests.post(f"{stack.url}/v1/files/upload-url", headers=auth, timeout=5, json={
        "filename": "invoice.pdf", "content_type": "application/pdf", "size_bytes": len(PDF)})
    assert slot.status_code == 200, slot.text
    slot = slot.json()
    assert slot["upload_url"].startswith(stack.aws_endpoint)  # a real URL on the embedded S3
    assert requests.put(slot["upload_url"], data=PDF, headers=slot["headers"], timeout=5).status_code == 200
    confirmed = requests.post(f"{stack.url}/v1/files/confirm", headers=auth, json={"file_id": slot["file_id"]},
                              timeout=5)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["content_type"] == "application/pdf"
    assert requests.get(f"{stack.url}{confirmed.json()['url']}", timeout=5).content == PDF

    # A client that lies: declares a PDF, uploads an executable of the same size.
    disguised = WINDOWS_EXE[: len(PDF)].ljust(len(PDF), b"\x00")
    liar = requests.post(f"{stack.url}/v1/files/upload-url", headers=auth, timeout=5, json={
        "filename": "totally.pdf", "content_type": "application/pdf", "size_bytes": len(disguised)}).json()
    requests.put(liar["upload_url"], data=disguised, headers=liar["headers"], timeout=5)
    refused = requests.post(f"{stack.url}/v1/files/confirm", headers=auth, json={"file_id": liar["file_id"]},
                            timeout=5)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "FILE-002"
