"""The keep-alive pool under the SDK (`reconciler.live.transport`): what it sends is what
`requests` sent, and what it cannot know (a dead idle connection, a refused or silent server,
a compressed answer, TLS, a proxy) ends as it did with `requests`.

Real sockets on 127.0.0.1 throughout: the twilio SDK talks to small servers written here where
the emulator cannot play the part (it never compresses, never stalls, never speaks TLS).
"""

from __future__ import annotations

import gzip
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
import trustme
from requests.hooks import default_hooks
from twilio.rest import Client

from reconciler.emulator import defaults
from reconciler.live.connection import RecordingHttpClient, build_client
from reconciler.live.retry import describe_error, is_transient
from tests.conftest import emulator_settings
from tests.relay import serving

SERVICE = "IS" + "0" * 32
ROLES_PAGE = {"meta": {"key": "roles", "next_page_url": None}, "roles": []}


class Recorder(ThreadingHTTPServer):
    """Answers every request with `body` (JSON), remembering what arrived and on which
    connection; `close_after_answer` closes each connection after its answer without saying
    so (as a server's idle timeout does), `stall` never answers."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[dict[str, Any]] = []
        self.connections = 0
        self.body: Any = {}
        self.gzip = False
        self.close_after_answer = False
        self.stall = threading.Event()
        self.stalling = False
        self.closed = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Recorder

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1

    def finish(self) -> None:
        super().finish()
        self.server.closed.set()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.seen.append(
            {
                "method": self.command,
                "path": self.path,
                "body": self.rfile.read(length).decode() if length else "",
                "headers": {name.lower(): value for name, value in self.headers.items()},
            }
        )
        if self.server.stalling:
            self.server.stall.wait(10)
            self.close_connection = True
            return
        payload = json.dumps(self.server.body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("X-Note", "first")
        self.send_header("X-Note", "second")
        if self.server.gzip:
            payload = gzip.compress(payload)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        self.close_connection = self.server.close_after_answer

    do_GET = do_POST = do_DELETE = _answer


@contextmanager
def recorder(tls: ssl.SSLContext | None = None) -> Iterator[Recorder]:
    server = Recorder()
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    with serving(server):
        try:
            yield server
        finally:
            server.stall.set()  # release a handler held back, so that shutdown ends


def sdk(url: str, through_requests: bool = False) -> Client:
    """The real SDK pointed at `url`; `through_requests` gives its HTTP client a hook, which
    sends every request through `requests` instead of the keep-alive pool."""
    client = build_client(emulator_settings(), url)
    if through_requests:
        http = client.http_client
        assert isinstance(http, RecordingHttpClient)
        hooks = default_hooks()
        hooks["response"].append(lambda response, *args, **kwargs: response)
        http.request_hooks = hooks
    return client


def sdk_calls(client: Client) -> None:
    """A create with a list parameter and text to encode, a list page, a delete."""
    roles = client.conversations.v1.services(SERVICE).roles
    roles.create(
        friendly_name="Support & sales = ünïcode",
        type="conversation",
        permission=["sendMessage", "leaveConversation"],
    )
    roles.list(limit=5)
    client.conversations.v1.services(SERVICE).delete()


def test_the_pool_sends_what_requests_sent() -> None:
    with recorder() as server:
        server.body = ROLES_PAGE
        sdk_calls(sdk(server.url))
        pooled = list(server.seen)
        server.seen.clear()
        sdk_calls(sdk(server.url, through_requests=True))
        sent = list(server.seen)

    compared = [
        "authorization",
        "content-type",
        "content-length",
        "user-agent",
        "accept",
        "accept-charset",
        "accept-encoding",
        "x-twilio-client",
    ]

    def shape(request: dict[str, Any]) -> dict[str, Any]:
        headers = {name: request["headers"].get(name) for name in compared}
        if request["method"] == "DELETE":  # requests says Content-Length: 0; no body either way
            headers.pop("content-length")
        return {**request, "headers": headers}

    assert [shape(request) for request in pooled] == [shape(request) for request in sent]
    create, listing, delete = pooled
    assert "Permission=sendMessage&Permission=leaveConversation" in create["body"]
    assert "FriendlyName=Support+%26+sales+%3D+%C3%BCn%C3%AFcode" in create["body"]
    assert listing["path"] == f"/v1/Services/{SERVICE}/Roles?PageSize=5"
    assert delete["method"] == "DELETE"
    assert create["headers"]["authorization"].startswith("Basic ")


def test_one_connection_is_reused_and_a_connection_the_server_closed_is_not() -> None:
    with recorder() as server:
        server.body = ROLES_PAGE
        client = sdk(server.url)
        roles = client.conversations.v1.services(SERVICE).roles
        for _ in range(3):
            roles.list(limit=5)
        assert server.connections == 1

        server.close_after_answer = True
        server.closed.clear()
        roles.list(limit=5)  # answered on the kept connection, which the server then closes
        assert server.closed.wait(5)
        server.close_after_answer = False
        assert roles.list(limit=5) == []  # not an error: the dead connection is not reused
        assert server.connections == 2


def test_a_refused_connection_is_a_transient_connection_error_naming_only_the_origin() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = sdk(f"http://127.0.0.1:{port}")
    with pytest.raises(requests.ConnectionError) as caught:
        client.http_client.request(
            "GET", f"http://127.0.0.1:{port}/v1/Services", auth=("AC1", defaults.AUTH_TOKEN)
        )
    message = describe_error(caught.value)
    assert is_transient(caught.value)
    assert message.startswith("could not reach the API: ConnectionError: cannot connect to ")
    assert f"127.0.0.1:{port}" in message
    assert defaults.AUTH_TOKEN not in message


def test_a_server_that_never_answers_is_a_transient_read_timeout() -> None:
    with recorder() as server:
        server.stalling = True
        client = sdk(server.url)
        assert isinstance(client.http_client, RecordingHttpClient)
        with pytest.raises(requests.ReadTimeout) as caught:
            client.http_client.request("GET", f"{server.url}/v1/Services", timeout=0.3)
        assert is_transient(caught.value)
        assert "no answer within 0.3 s" in str(caught.value)


def test_a_compressed_answer_is_decompressed_and_repeated_headers_are_joined() -> None:
    with recorder() as server:
        server.body = {"meta": {"key": "roles", "next_page_url": None}, "roles": [{"sid": "RL1"}]}
        server.gzip = True
        client = sdk(server.url)
        roles = client.conversations.v1.services(SERVICE).roles.list(limit=5)
        assert [role.sid for role in roles] == ["RL1"]
        http = client.http_client
        assert isinstance(http, RecordingHttpClient)
        assert http.last_response_headers()["X-Note"] == "first, second"


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


def _tls(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    return context


def test_https_is_verified_against_the_bundle_requests_would_use(
    authority: trustme.CA, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with recorder(_tls(authority)) as server:
        url = server.url.replace("http://", "https://")
        server.body = ROLES_PAGE
        with pytest.raises(requests.exceptions.SSLError) as refused:  # certifi's bundle
            sdk(url).http_client.request("GET", f"{url}/v1/Services")
        assert "certificate verify failed" in str(refused.value)

        bundle = tmp_path / "ca.pem"
        authority.cert_pem.write_to_path(str(bundle))
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
        assert sdk(url).conversations.v1.services(SERVICE).roles.list(limit=5) == []
        assert server.seen[-1]["path"] == f"/v1/Services/{SERVICE}/Roles?PageSize=5"


def test_a_proxy_from_the_environment_is_still_used(monkeypatch: pytest.MonkeyPatch) -> None:
    with recorder() as proxy:
        proxy.body = ROLES_PAGE
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        client = sdk("http://api.example.test")
        assert client.conversations.v1.services(SERVICE).roles.list(limit=5) == []
        assert proxy.seen[-1]["path"] == (
            f"http://api.example.test/v1/Services/{SERVICE}/Roles?PageSize=5"
        )
