"""Seed 001 on the running stack: real HTTP, real WebSockets (`Sec-WebSocket-Protocol: Bearer, <token>`),
the gateway emulator's @connections and the SQS pump that delivers the after-connect frames."""
import hashlib
import hmac
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.e2e.realtime_client import login, new_agent
from tests.unit.file_helpers import PDF, png


@pytest.fixture(scope="module")
def admin(stack):
    return login(stack)["token"]


def auth(token):
    return {"Authorization": f"Bearer {token}"} if token else {}


def start(stack, business="site_demo", token=None, **body):
    return requests.post(f"{stack.url}/chat/start-session/", json={"business": business, **body},
                         headers=auth(token), timeout=15)


def started(stack, status=201, **kwargs):
    response = start(stack, **kwargs)
    assert response.status_code == status, response.text
    assert response.json()["message"] == "Chat session started successfully"
    return response.json()["data"]


class Feed:
    """A socket and every frame it received, in order; `next` waits for the first unread one of a kind."""

    def __init__(self, ws):
        self.ws = ws
        self.frames = []
        self.read = 0

    def send(self, **frame):
        self.ws.send(json.dumps(frame))

    def _recv(self, timeout):
        self.frames.append(json.loads(self.ws.recv(timeout=timeout)))

    def next(self, kind, timeout=10.0, sender=None):
        """The first frame of `kind` (from `sender`) after the last one taken."""
        deadline = time.monotonic() + timeout
        while True:
            for i in range(self.read, len(self.frames)):
                frame = self.frames[i]
                if frame["type"] == kind and (sender is None or frame.get("sender_id") == sender):
                    self.read = i + 1
                    return frame
            self._recv(max(0.1, deadline - time.monotonic()))

    def settle(self, seconds=0.7):
        """Whatever else arrives within `seconds` (a duplicate would)."""
        try:
            while True:
                self._recv(seconds)
        except TimeoutError:
            pass

    def until_closed(self, timeout=10.0):
        try:
            while True:
                self._recv(timeout)
        except ConnectionClosed as closed:
            return closed

    def chat(self):
        """The text and file frames, as (type, sender_id, content or file_name)."""
        return [(f["type"], f["sender_id"], f.get("content") or f.get("file_name"))
                for f in self.frames if f["type"] in ("text", "file")]

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.ws.close()


def open_socket(stack, token, session_id=None):
    query = "" if session_id is None else f"?session_id={session_id}"
    # Entered by hand: the Feed owns it and closes it (websockets wants connect() entered).
    ws = connect(f"{stack.ws_url}/ws/visitor-chat/{query}", subprotocols=["Bearer", token] if token else None,
                 open_timeout=5).__enter__()
    if token:
        assert ws.subprotocol == "Bearer"  # the handshake echoes it, as browsers require
    return Feed(ws)


def upload(stack, token, end_user_id, data, name, content_type, **fields):
    return requests.post(f"{stack.url}/chat/upload-file/", headers=auth(token), timeout=15,
                         data={"uploaded_by_end_user": end_user_id, "message": "null", **fields},
                         files={"file": (name, data, content_type)})


def new_business(stack, admin):
    site_id = f"shop_{uuid.uuid4().hex[:8]}"
    created = requests.post(f"{stack.url}/api/v1/admin/sites", json={"site_id": site_id, "name": "Other shop"},
                            headers=auth(admin), timeout=10)
    assert created.status_code == 201, created.text
    return site_id


def test_a_visitor_and_an_agent_chat_through_a_session_until_the_agent_ends_it(stack, admin):
    session = started(stack)
    sid, token, end_user = session["session_id"], session["token"], session["end_user_id"]
    again = started(stack, status=200, token=token)  # the guest's token brings back its one active session
    assert again["session_id"] == sid and again["end_user_id"] == end_user
    agent = new_agent(stack, admin)

    # The session is a conversation of seed 000's console.
    listed = requests.get(f"{stack.url}/api/v1/conversations?site_id=site_demo&limit=100",
                          headers=auth(agent["token"]), timeout=10).json()["data"]["conversations"]
    assert session["conversation_id"] in [c["id"] for c in listed]

    with open_socket(stack, token, sid) as widget, open_socket(stack, agent["token"], sid) as console:
        for feed in (widget, console):
            assert feed.next("connection_established") == {"type": "connection_established", "session_id": sid}

        # Text and a file both ways; each side waits to see a message before the next is sent.
        widget.send(type="text", content="Hello, I need help!")
        console.next("text", sender=end_user)
        console.send(type="text", content="Hi! What happened?")
        widget.next("text", sender=agent["id"])
        mine = upload(stack, token, end_user, PDF, "receipt.pdf", "application/pdf")
        assert mine.status_code == 201, mine.text
        assert mine.json()["message"] == "File uploaded successfully"
        assert mine.json()["data"]["file"].startswith(f"{stack.url}/api/v1/files/")
        widget.send(type="file", file=mine.json()["data"]["file"], is_audio=False)
        console.next("file", sender=end_user)
        theirs = upload(stack, agent["token"], end_user, png(), "label.png", "image/png", uploaded_by_agent=agent["id"])
        assert theirs.status_code == 201, theirs.text
        console.send(type="file", file=theirs.json()["data"]["file"], is_audio=True)
        assert widget.next("file", sender=agent["id"])["is_audio"] is True

        expected = [("text", end_user, "Hello, I need help!"), ("text", agent["id"], "Hi! What happened?"),
                    ("file", end_user, "receipt.pdf"), ("file", agent["id"], "label.png")]
        for feed in (widget, console):
            feed.settle()
            assert feed.chat() == expected  # each exactly once, in order, on both sides

        history = requests.get(f"{stack.url}/chat/history/{sid}/", headers=auth(token), timeout=10)
        assert history.status_code == 200, history.text
        assert history.json()["message"] == "Chat timeline fetched successfully"
        entries = history.json()["data"]
        assert [e["type"] for e in entries] == ["message", "message", "attachment", "attachment"]
        assert [("text" if e["type"] == "message" else "file", e["data"]["sender_id"],
                 e["data"].get("content") or e["data"].get("file_name")) for e in entries] == expected
        for entry in entries[2:]:
            assert requests.get(entry["data"]["file"], allow_redirects=False, timeout=10).status_code == 302
        as_agent = requests.get(f"{stack.url}/chat/history/{sid}", headers=auth(agent["token"]), timeout=10)
        assert [e["type"] for e in as_agent.json()["data"]] == [e["type"] for e in entries]

        # The agent ends it through seed 000's console: both sockets hear it once, then are closed.
        closed = requests.patch(f"{stack.url}/api/v1/conversations/{session['conversation_id']}/close", json={},
                                headers=auth(agent["token"]), timeout=10)
        assert closed.status_code == 200, closed.text
        for feed in (widget, console):
            feed.until_closed()
            ended = [f for f in feed.frames if f["type"] == "session_ended"]
            assert len(ended) == 1 and ended[0]["message"] == "The session has ended." and ended[0]["code"] == 4006
            assert ended[0]["timestamp"].endswith("Z") and feed.frames[-1] == ended[0]

    # Ended: connecting again is refused with 4006 in an error frame, then the close.
    with open_socket(stack, token, sid) as late:
        late.until_closed()
        assert late.frames == [{"type": "error", "code": 4006,
                                "message": "This session has ended. No further communication is allowed."}]
    # A new start for the same guest is a new session.
    assert started(stack, token=token)["session_id"] != sid


def test_messages_reach_both_sides_once_and_in_order(stack, admin):
    session = started(stack)
    sid, token = session["session_id"], session["token"]
    agent = new_agent(stack, admin)
    with open_socket(stack, token, sid) as widget, open_socket(stack, agent["token"], sid) as console:
        for feed in (widget, console):
            feed.next("connection_established")
        for i in range(6):
            (widget if i % 2 == 0 else console).send(type="text", content=f"m{i}")
            for feed in (widget, console):
                frame = feed.next("text")
                assert frame["content"] == f"m{i}" and frame["seq"] == i + 1
        for feed in (widget, console):
            feed.settle()
            assert [c for _, _, c in feed.chat()] == [f"m{i}" for i in range(6)]  # nothing twice


@pytest.mark.parametrize("case", ["4001", "4002-malformed", "4002-unknown", "4003-bad-token", "4003-other-guest"])
def test_close_codes_travel_in_an_error_frame_before_the_close(stack, case):
    session = started(stack)
    sid, token = session["session_id"], session["token"]
    code, socket_args = {
        "4001": (4001, (token, None)),
        "4002-malformed": (4002, (token, "not-a-uuid")),
        "4002-unknown": (4002, (token, str(uuid.uuid4()))),
        "4003-bad-token": (4003, ("not.a.token", sid)),
        "4003-other-guest": (4003, (started(stack)["token"], sid)),
    }[case]
    with open_socket(stack, *socket_args) as feed:
        closed = feed.until_closed()
    assert len(feed.frames) == 1 and feed.frames[0]["type"] == "error" and feed.frames[0]["code"] == code, feed.frames
    assert closed.rcvd is not None  # the server closed it (with API Gateway's close code, not the documented one)


def test_another_business_agent_is_refused(stack, admin):
    session = started(stack)
    outsider = new_agent(stack, admin, site_id=new_business(stack, admin))
    with open_socket(stack, outsider["token"], session["session_id"]) as feed:
        feed.until_closed()
    assert [f.get("code") for f in feed.frames] == [4003]
    history = requests.get(f"{stack.url}/chat/history/{session['session_id']}/", headers=auth(outsider["token"]),
                           timeout=10)
    assert history.status_code == 403 and set(history.json()) <= {"message", "errors"}


def test_external_customers_need_their_hash_and_twenty_concurrent_starts_make_one_session(stack, admin):
    business = new_business(stack, admin)
    secret = requests.post(f"{stack.url}/api/v1/admin/sites/{business}/identity-secret", json={},
                           headers=auth(admin), timeout=10).json()["data"]["identity_secret"]
    customer = f"crm-{uuid.uuid4().hex[:6]}"
    proof = hmac.new(secret.encode(), customer.encode(), hashlib.sha256).hexdigest()

    missing = start(stack, business=business, external_customer_id=customer)
    wrong = start(stack, business=business, external_customer_id=customer, customer_hash="ab" * 32)
    for refused in (missing, wrong):
        assert refused.status_code == 403, refused.text
        assert set(refused.json()) <= {"message", "errors"}

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: start(stack, business=business, external_customer_id=customer,
                                                customer_hash=proof), range(20)))
    assert all(a.status_code in (200, 201) for a in answers), [a.text for a in answers if a.status_code >= 300]
    assert len({a.json()["data"]["session_id"] for a in answers}) == 1
    assert sorted(a.status_code for a in answers) == [200] * 19 + [201]
    conversations = requests.get(f"{stack.url}/api/v1/conversations?site_id={business}&limit=100",
                                 headers=auth(admin), timeout=10).json()["data"]["conversations"]
    assert len(conversations) == 1  # one conversation too, not twenty
