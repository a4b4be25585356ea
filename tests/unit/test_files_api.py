"""Seed 000 section 6 and seed 003's Files API through chalice.test.Client, S3 and SQS on moto."""
import json
from urllib.parse import parse_qs, urlparse

import boto3
from botocore.exceptions import ClientError
import pytest
import requests

import app as app_module
from chalicelib.settings import get_settings
from chalicelib.store import files as file_store
from tests.unit.chat_helpers import as_visitor, data, drain_queue, error, open_conversation, send, visitor_token
from tests.unit.file_helpers import PDF, SVG, WINDOWS_EXE, jpeg, multipart, png
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)
from tests.unit.test_realtime import connect_agent, wire  # noqa: F401  (fixture, helper)

DOCUMENTED = {"id", "filename", "original_name", "mime_type", "size", "url", "thumbnail_url", "is_image",
              "created_at"}




def upload(world, file, *, token=None, headers=None, filename="photo.png", content_type="image/png",
           site_id="site_a", **fields):
    body, header = multipart({"site_id": site_id, **fields}, file, filename, content_type)
    sent = {**(headers or {}), "Content-Type": header}
    if token:
        sent["Authorization"] = f"Bearer {token}"
    return world.client.http.post("/api/v1/files/upload", headers=sent, body=body)


def download(world, url):
    return world.client.http.get(url)


def s3_object(key):
    return boto3.client("s3", region_name="us-east-1").get_object(Bucket=get_settings().files_bucket, Key=key)


def drain_media():
    return drain_queue("media", app_module.process_media)


# -- direct upload (000 6.1) ------------------------------------------------------------------------

def test_a_visitor_uploads_an_image_typed_by_its_bytes_not_its_name(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    image = png()
    f = data(upload(world, image, headers=as_visitor(vt), filename="holiday.JPG", content_type="image/jpeg",
                    conversation_id=conversation_id), 201)
    assert set(f) == DOCUMENTED | {"conversation_id"}
    assert f["mime_type"] == "image/png" and f["is_image"] is True  # PNG bytes, whatever the name said
    assert f["original_name"] == "holiday.JPG" and f["filename"].endswith(".png")
    assert f["filename"] != "holiday.JPG" and f["size"] == len(image) and f["id"].startswith("file_")
    assert f["created_at"].endswith("Z") and f["conversation_id"] == conversation_id

    stored = file_store.get(f["id"])
    assert s3_object(stored.object_key)["Body"].read() == image

    # The link downloads it: a redirect to a short presigned GET named and typed by the bytes
    # (issue 23 finding 11: an image is shown inline, under its real type's extension).
    redirect = download(world, f["url"])
    assert redirect.status_code == 302
    location = redirect.headers["Location"]
    query = parse_qs(urlparse(location).query)
    assert query["response-content-disposition"][0].startswith('inline; filename="holiday.png"')
    assert query["X-Amz-Expires"] == ["60"]
    fetched = requests.get(location, timeout=5)  # moto answers presigned URLs inside mock_aws
    assert fetched.status_code == 200 and fetched.content == image
    assert fetched.headers["Content-Disposition"].startswith("inline")
    assert fetched.headers["Content-Type"] == "image/png"


def test_documents_and_text_are_accepted_and_typed(world):
    bob = world.token("bob", "site_a")
    pdf = data(upload(world, PDF, token=bob, filename="invoice.bin", content_type="application/octet-stream"), 201)
    assert (pdf["mime_type"], pdf["is_image"], pdf["filename"].rsplit(".", 1)[1]) == ("application/pdf", False, "pdf")
    assert "thumbnail_url" not in pdf
    text = data(upload(world, "Order 123: two items\nthanks\n".encode(), token=bob, filename="notes.txt",
                       content_type="text/plain"), 201)
    assert text["mime_type"] == "text/plain"


@pytest.mark.parametrize("content, filename", [
    (WINDOWS_EXE, "cute-cat.png"),  # a renamed executable
    (b"\x7fELF" + b"\x00" * 100, "report.pdf"),
    (SVG, "logo.svg"),  # script inside: not on the allow-list
    (b"<html><script>alert(1)</script></html>", "page.txt"),
    (b"\x00\x01\x02\x03binary", "data.txt"),
    (b"PK\x03\x04" + b"\x00" * 60, "archive.docx"),  # a zip that is not an Office document
])
def test_files_outside_the_allow_list_are_refused_by_their_bytes(world, content, filename):
    bob = world.token("bob", "site_a")
    assert error(upload(world, content, token=bob, filename=filename, content_type="image/png"),
                 400) == "INVALID_FILE_TYPE"


@pytest.mark.parametrize("text", [b"<p>hello</p>", b"\xef\xbb\xbf  <?xml version='1.0'?><a/>", b"<!DOCTYPE html>"])
def test_markup_is_refused_even_named_txt(world, text):
    bob = world.token("bob", "site_a")
    response = upload(world, text, token=bob, filename="x.txt", content_type="text/plain")
    assert error(response, 400) == "INVALID_FILE_TYPE"


def test_over_10_mb_is_file_too_large(world):
    bob = world.token("bob", "site_a")
    big = png(10, 10) + b"\x00" * (10 * 1024 * 1024)
    response = upload(world, big, token=bob)
    assert error(response, 400) == "FILE_TOO_LARGE"
    assert response.json_body["error"]["message"] == "File size exceeds maximum limit of 10MB"


@pytest.mark.parametrize("build", [
    lambda: (b"not multipart", "text/plain"),
    lambda: (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
    lambda: multipart({"site_id": "site_a"}),  # no file
    lambda: multipart({"site_id": "site_a", "extra": "1"}, png()),
    lambda: multipart({}, png()),  # no site_id
    lambda: multipart({"site_id": "site_a"}, b""),  # empty file
])
def test_malformed_uploads_are_400s(world, build):
    bob = world.token("bob", "site_a")
    body, content_type = build()
    response = world.client.http.post("/api/v1/files/upload", body=body,
                                      headers={"Authorization": f"Bearer {bob}", "Content-Type": content_type})
    assert error(response, 400) == "VALIDATION_ERROR"


def test_uploads_need_a_caller_of_the_site(world):
    carol = world.token("carol", "site_b")
    assert error(upload(world, png(), token=carol), 403) == "FORBIDDEN"
    body, header = multipart({"site_id": "site_a"}, png())
    assert error(world.client.http.post("/api/v1/files/upload", body=body, headers={"Content-Type": header}),
                 401) == "UNAUTHORIZED"


# -- reading: metadata, links, who may ---------------------------------------------------------------

def test_metadata_says_who_uploaded_it_and_only_the_right_people_read_it(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    f = data(upload(world, png(), headers=as_visitor(vt), conversation_id=conversation_id), 201)
    bob, carol = world.token("bob", "site_a"), world.token("carol", "site_b")
    meta = data(world.call("GET", f"/api/v1/files/{f['id']}", token=bob))
    assert meta["uploaded_by"] == {"type": "visitor", "id": "v_1"} and meta["id"] == f["id"]
    assert data(world.call("GET", f"/api/v1/files/{f['id']}", headers=as_visitor(vt)))["id"] == f["id"]

    other_visitor = visitor_token(world, "v_2")
    for response in (world.call("GET", f"/api/v1/files/{f['id']}", token=carol),
                     world.call("GET", f"/api/v1/files/{f['id']}", headers=as_visitor(other_visitor)),
                     world.call("GET", "/api/v1/files/file_missing", token=bob)):
        assert error(response, 404) == "NOT_FOUND"


def test_a_download_token_opens_its_own_file_only(world):
    bob = world.token("bob", "site_a")
    first = data(upload(world, png(), token=bob), 201)
    second = data(upload(world, jpeg(), token=bob, filename="b.jpg"), 201)
    first_token = parse_qs(urlparse(first["url"]).query)["token"][0]
    assert download(world, f"/api/v1/files/{second['id']}/download?token={first_token}").status_code == 404
    assert download(world, f"/api/v1/files/{first['id']}/download").status_code == 404
    assert download(world, f"/api/v1/files/{first['id']}/download?token={bob}").status_code == 401  # a session
    assert download(world, f"/api/v1/files/{first['id']}/download?token=junk").status_code == 401


# -- thumbnails -------------------------------------------------------------------------------------

def test_the_media_worker_makes_the_thumbnail_and_its_link_starts_working(world):
    bob = world.token("bob", "site_a")
    f = data(upload(world, png(1600, 900), token=bob), 201)
    assert download(world, f["thumbnail_url"]).status_code == 404  # not made yet

    jobs = drain_media()
    assert [json.loads(job)["file_id"] for job in jobs] == [f["id"]]
    redirect = download(world, f["thumbnail_url"])
    assert redirect.status_code == 302
    from PIL import Image
    import io

    thumbnail = Image.open(io.BytesIO(requests.get(redirect.headers["Location"], timeout=5).content))
    assert thumbnail.format == "JPEG" and max(thumbnail.size) == 320 and thumbnail.size == (320, 180)

    from chalicelib.integrations import queues

    queues.send_batch("media", jobs)  # redelivered: nothing new is made
    key = file_store.get(f["id"]).thumbnail_key
    assert drain_media() == jobs and file_store.get(f["id"]).thumbnail_key == key


def test_an_image_that_does_not_decode_gets_no_thumbnail_and_no_retry_storm(world):
    bob = world.token("bob", "site_a")
    truncated = png()[:60]  # a PNG signature and header, then nothing
    f = data(upload(world, truncated, token=bob), 201)
    assert f["is_image"] is True
    drain_media()  # handled (no batch failure), logged
    assert file_store.get(f["id"]).thumbnail_key is None


# -- messages with files ------------------------------------------------------------------------------

def test_a_file_message_carries_the_file_in_the_api_and_on_the_websocket(world, wire):
    bob_socket = connect_agent(world)
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    f = data(upload(world, png(), headers=as_visitor(vt), filename="broken-part.png"), 201)  # not yet attached
    sent = data(send(world, conversation_id, "Here is the broken part", headers=as_visitor(vt), type="image",
                     file_id=f["id"]), 201)
    assert sent["type"] == "image" and sent["file"]["id"] == f["id"] and sent["file"]["original_name"] == \
        "broken-part.png"

    bob = world.token("bob", "site_a")
    listed = data(world.call("GET", f"/api/v1/messages?conversation_id={conversation_id}", token=bob))["messages"]
    shown = listed[0]["file"]
    assert shown["mime_type"] == "image/png" and shown["is_image"] is True
    assert download(world, shown["url"]).status_code == 302

    frame = wire.of(bob_socket, "message")[0]
    assert frame["file"]["id"] == f["id"] and frame["file"]["url"].startswith(f"/api/v1/files/{f['id']}/download")

    # The file now belongs to the conversation: the agent reads it, another site does not.
    assert data(world.call("GET", f"/api/v1/files/{f['id']}", token=bob))["conversation_id"] == conversation_id


def test_a_file_cannot_travel_to_another_conversation_or_sender(world):
    vt1, vt2 = visitor_token(world, "v_1"), visitor_token(world, "v_2")
    c1, c2 = open_conversation(world, vt1, "v_1"), open_conversation(world, vt2, "v_2")
    bob = world.token("bob", "site_a")
    mine = data(upload(world, PDF, headers=as_visitor(vt1), filename="a.pdf", conversation_id=c1), 201)
    agents_file = data(upload(world, PDF, token=bob, filename="b.pdf"), 201)

    assert error(send(world, c2, "x", headers=as_visitor(vt2), type="file", file_id=mine["id"]), 400) == \
        "VALIDATION_ERROR"  # another conversation's file
    assert error(send(world, c1, "x", headers=as_visitor(vt1), type="file", file_id=agents_file["id"]), 400) == \
        "VALIDATION_ERROR"  # someone else's unattached upload
    assert error(send(world, c1, "x", headers=as_visitor(vt1), type="image", file_id=mine["id"]), 400) == \
        "VALIDATION_ERROR"  # a PDF is not an image
    assert error(send(world, c1, "x", headers=as_visitor(vt1), type="file", file_id="file_nope"), 400) == \
        "VALIDATION_ERROR"
    data(send(world, c1, "the PDF", headers=as_visitor(vt1), type="file", file_id=mine["id"]), 201)
    data(send(world, c1, "and again", token=bob, type="file", file_id=mine["id"]), 201)  # same conversation: fine


# -- delete ------------------------------------------------------------------------------------------

def test_delete_removes_the_bytes_and_messages_show_the_file_as_deleted(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    bob = world.token("bob", "site_a")
    f = data(upload(world, png(), headers=as_visitor(vt), conversation_id=conversation_id), 201)
    drain_media()
    data(send(world, conversation_id, "photo", headers=as_visitor(vt), type="image", file_id=f["id"]), 201)
    stored = file_store.get(f["id"])

    assert error(world.call("DELETE", f"/api/v1/files/{f['id']}", headers=as_visitor(vt)), 401) == "UNAUTHORIZED"
    assert error(world.call("DELETE", f"/api/v1/files/{f['id']}", token=world.token("carol", "site_b")),
                 404) == "NOT_FOUND"
    deleted = world.call("DELETE", f"/api/v1/files/{f['id']}", token=bob)
    assert deleted.status_code == 200 and deleted.json_body == {"success": True,
                                                                "message": "File deleted successfully"}

    assert download(world, f["url"]).status_code == 404
    assert download(world, f["thumbnail_url"]).status_code == 404
    assert error(world.call("GET", f"/api/v1/files/{f['id']}", token=bob), 404) == "NOT_FOUND"
    assert error(world.call("DELETE", f"/api/v1/files/{f['id']}", token=bob), 404) == "NOT_FOUND"
    for key in (stored.object_key, stored.thumbnail_key):
        with pytest.raises(ClientError):
            s3_object(key)
    message = data(world.call("GET", f"/api/v1/messages?conversation_id={conversation_id}", token=bob))["messages"][0]
    assert message["file"] == {"id": f["id"], "original_name": "photo.png", "deleted": True}


# -- presigned upload (003) ------------------------------------------------------------------------

@pytest.fixture
def api_key(world):
    alice = world.token("alice", "site_a")
    response = world.call("POST", "/api/v1/admin/sites/site_a/api-keys", {"name": "files"}, token=alice)
    assert response.status_code == 201, response.body
    return response.json_body["data"]["key"]


def upload_url(world, key, **body):
    return world.call("POST", "/v1/files/upload-url", body, token=key)


def test_presigned_upload_then_confirm(world, api_key):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    image = png()
    slot = upload_url(world, api_key, filename="screenshot.png", content_type="image/png", size_bytes=len(image))
    assert slot.status_code == 200, slot.body
    slot = slot.json_body
    assert set(slot) >= {"upload_url", "file_id", "expires_at"} and slot["method"] == "PUT"
    signed = parse_qs(urlparse(slot["upload_url"]).query)["X-Amz-SignedHeaders"][0].split(";")
    assert {"content-type", "content-length"} <= set(signed)  # S3 refuses any other type or size

    put = requests.put(slot["upload_url"], data=image, headers=slot["headers"], timeout=5)
    assert put.status_code == 200
    confirmed = world.call("POST", "/v1/files/confirm", {"file_id": slot["file_id"], "chat_id": conversation_id},
                           token=api_key)
    assert confirmed.status_code == 200, confirmed.body
    body = confirmed.json_body
    assert {k: body[k] for k in ("id", "filename", "size_bytes", "content_type")} == {
        "id": slot["file_id"], "filename": "screenshot.png", "size_bytes": len(image), "content_type": "image/png"}
    assert body["chat_id"] == conversation_id
    assert requests.get(download(world, body["url"]).headers["Location"], timeout=5).content == image
    # Confirming twice answers the same file; the thumbnail job was queued once.
    again = world.call("POST", "/v1/files/confirm", {"file_id": slot["file_id"]}, token=api_key)
    assert again.status_code == 200 and again.json_body["id"] == slot["file_id"]
    assert len(drain_media()) == 1


def test_confirm_refuses_a_missing_or_tampered_upload(world, api_key):
    def slot_for(data, content_type="image/png", declared=None):
        response = upload_url(world, api_key, filename="x.png", content_type=content_type,
                              size_bytes=declared or len(data))
        assert response.status_code == 200, response.body
        return response.json_body

    def confirm(file_id):
        return world.call("POST", "/v1/files/confirm", {"file_id": file_id}, token=api_key)

    nothing = slot_for(png())
    response = confirm(nothing["file_id"])
    assert response.status_code == 400 and response.json_body["error"]["code"] == "REQ-001"

    image = png()
    bigger = slot_for(image, declared=len(image) - 10)  # moto lets a different size through; confirm does not
    requests.put(bigger["upload_url"], data=image, headers=bigger["headers"], timeout=5)
    assert confirm(bigger["file_id"]).status_code == 400
    pending_key = file_store.get(bigger["file_id"]).object_key
    with pytest.raises(Exception):
        s3_object(pending_key)  # the refused object is gone

    disguised = WINDOWS_EXE + b"\x00" * (len(png()) - len(WINDOWS_EXE))
    liar = slot_for(disguised)
    requests.put(liar["upload_url"], data=disguised, headers=liar["headers"], timeout=5)
    response = confirm(liar["file_id"])
    assert response.status_code == 400 and response.json_body["error"]["code"] == "FILE-002"

    assert confirm("file_unknown").status_code == 404


@pytest.mark.parametrize("body, code", [
    ({"filename": "a.png", "content_type": "image/png", "size_bytes": 11 * 1024 * 1024}, "FILE-001"),
    ({"filename": "a.exe", "content_type": "application/x-msdownload", "size_bytes": 10}, "FILE-002"),
    ({"filename": "a.svg", "content_type": "image/svg+xml", "size_bytes": 10}, "FILE-002"),
    ({"filename": "a.png", "content_type": "image/png", "size_bytes": "10"}, "REQ-001"),
    ({"filename": "a.png", "content_type": "image/png", "size_bytes": 0}, "REQ-001"),
    ({"content_type": "image/png", "size_bytes": 10}, "REQ-001"),
])
def test_upload_url_refuses_what_it_would_refuse_later(world, api_key, body, code):
    response = upload_url(world, api_key, **body)
    status = 413 if code == "FILE-001" else 400  # 003 lists 413 Payload Too Large for its file routes
    assert response.status_code == status and response.json_body["error"]["code"] == code


def test_presigned_files_stay_in_their_site(world, api_key):
    slot = upload_url(world, api_key, filename="a.pdf", content_type="application/pdf", size_bytes=len(PDF)).json_body
    requests.put(slot["upload_url"], data=PDF, headers=slot["headers"], timeout=5)
    carol = world.token("carol", "site_b")
    response = world.call("POST", "/v1/files/confirm", {"file_id": slot["file_id"]}, token=carol)
    assert response.status_code == 404
    vt = visitor_token(world, "v_b", site_id="site_b")
    foreign_chat = open_conversation(world, vt, "v_b", "site_b")
    response = world.call("POST", "/v1/files/confirm", {"file_id": slot["file_id"], "chat_id": foreign_chat},
                          token=api_key)
    assert response.status_code == 404
    assert world.call("POST", "/v1/files/confirm", {"file_id": slot["file_id"]}, token=api_key).status_code == 200


def test_an_unconfirmed_upload_expires(world, api_key, monkeypatch):
    slot = upload_url(world, api_key, filename="a.pdf", content_type="application/pdf", size_bytes=len(PDF)).json_body
    from datetime import timedelta

    from chalicelib.store import files as store_module

    later = store_module.now() + timedelta(days=1, seconds=1)
    monkeypatch.setattr(store_module, "now", lambda: later)
    response = world.call("POST", "/v1/files/confirm", {"file_id": slot["file_id"]}, token=api_key)
    assert response.status_code == 404  # its row's TTL passed (moto does not delete it; reads ignore it)
    from chalicelib.resources import FILES_BUCKET

    rules = boto3.client("s3", region_name="us-east-1").get_bucket_lifecycle_configuration(
        Bucket=get_settings().files_bucket)["Rules"]
    assert any(r["Filter"]["Prefix"] == FILES_BUCKET.unconfirmed_prefix and r["Expiration"]["Days"] == 1
               for r in rules)  # and S3 deletes the object
