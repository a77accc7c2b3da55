"""HTTP/1.1 as clients speak it: chunked bodies, framing errors, methods, auth, size caps.

Raw sockets where the framing is the point (requests and the SDK always send a
Content-Length), and one connection kept alive across requests to prove that nothing is left
on the wire for the next request to trip over.
"""

from __future__ import annotations

import http.client
import socket
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from twilio.rest import Client

from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from tests.emulator.rawhttp import BASIC, RawConnection, chunked

ERROR_KEYS = {"code", "message", "more_info", "status"}
AUTH = (defaults.ACCOUNT_SID, defaults.AUTH_TOKEN)


@pytest.fixture
def conn(emulator: EmulatorServer) -> Iterator[RawConnection]:
    with RawConnection(emulator.url) as connection:
        yield connection


def _split(body: bytes) -> list[bytes]:
    """Chunks of 1, 2, 3, ... bytes: boundaries fall inside names and values."""
    parts, size = [], 1
    while body:
        parts.append(body[:size])
        body, size = body[size:], size + 1
    return parts


def _post_chunked(conn: RawConnection, path: str, form: str, extension: bytes = b"") -> dict:
    response = conn.request(
        "POST",
        path,
        chunked(*_split(form.encode()), extension=extension),
        {"Transfer-Encoding": "chunked", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status in (200, 201), response.body
    body: dict = response.json()
    # The next request on the same connection is read cleanly: nothing was left behind.
    assert conn.request("GET", "/v1/Configuration").status == 200
    return body


def test_chunked_posts_work_on_every_configuration_endpoint(
    conn: RawConnection, sdk_client: Client
) -> None:
    v1 = sdk_client.conversations.v1
    service = _post_chunked(conn, "/v1/Services", "FriendlyName=Chunky+Support")
    sid = service["sid"]
    assert v1.services(sid).fetch().friendly_name == "Chunky Support"

    config = _post_chunked(conn, "/v1/Configuration", "DefaultInactiveTimer=PT5M", b";ext=1")
    assert config["default_inactive_timer"] == "PT5M"
    assert v1.configuration().fetch().default_inactive_timer == "PT5M"

    hooks = _post_chunked(
        conn,
        "/v1/Configuration/Webhooks",
        "PostWebhookUrl=https%3A%2F%2Fh.example.com%2Fpost&Filters=onMessageAdded",
    )
    assert hooks["filters"] == ["onMessageAdded"]

    address = _post_chunked(
        conn, "/v1/Configuration/Addresses", "Type=sms&Address=%2B15017122661&FriendlyName=a"
    )
    _post_chunked(conn, f"/v1/Configuration/Addresses/{address['sid']}", "FriendlyName=renamed")
    assert v1.address_configurations(address["sid"]).fetch().friendly_name == "renamed"

    credential = _post_chunked(conn, "/v1/Credentials", "Type=fcm&Secret=s&FriendlyName=c")
    _post_chunked(conn, f"/v1/Credentials/{credential['sid']}", "FriendlyName=droid")
    assert v1.credentials(credential["sid"]).fetch().friendly_name == "droid"

    _post_chunked(conn, f"/v1/Services/{sid}/Configuration", "ReachabilityEnabled=true")
    assert v1.services(sid).configuration().fetch().reachability_enabled is True
    _post_chunked(
        conn,
        f"/v1/Services/{sid}/Configuration/Notifications",
        "LogEnabled=true&NewMessage.Enabled=true&NewMessage.Template=%24%7BMESSAGE%7D",
    )
    notifications = v1.services(sid).configuration.notifications().fetch()
    assert notifications.log_enabled is True
    assert notifications.new_message["template"] == "${MESSAGE}"
    _post_chunked(conn, f"/v1/Services/{sid}/Configuration/Webhooks", "Method=GET")
    assert v1.services(sid).configuration.webhooks().fetch().method == "GET"

    role = _post_chunked(
        conn,
        f"/v1/Services/{sid}/Roles",
        "FriendlyName=agent&Type=conversation&Permission=sendMessage&Permission=leaveConversation",
    )
    _post_chunked(conn, f"/v1/Services/{sid}/Roles/{role['sid']}", "Permission=sendMessage")
    assert v1.services(sid).roles(role["sid"]).fetch().permissions == ["sendMessage"]
    short = _post_chunked(
        conn, "/v1/Roles", "FriendlyName=short&Type=service&Permission=joinConversation"
    )
    _post_chunked(conn, f"/v1/Roles/{short['sid']}", "Permission=createConversation")
    assert v1.roles(short["sid"]).fetch().permissions == ["createConversation"]

    # A chunked request with no body at all, then a DELETE, on the same connection.
    assert conn.request("POST", "/v1/Configuration", chunked(), {"Transfer-Encoding": "chunked"})
    assert conn.request("DELETE", f"/v1/Credentials/{credential['sid']}").status == 204
    assert conn.request("GET", "/v1/Services").status == 200


def test_chunked_bodies_from_ordinary_clients(emulator: EmulatorServer) -> None:
    """requests sends a generator body chunked, http.client does with encode_chunked."""

    def body() -> Iterator[bytes]:
        yield b"FriendlyName=from"
        yield b"-a-generator"

    with requests.Session() as session:
        session.auth = AUTH
        created = session.post(f"{emulator.url}/v1/Services", data=body(), timeout=5)
        assert created.status_code == 201 and created.json()["friendly_name"] == "from-a-generator"
        assert session.get(f"{emulator.url}/v1/Services", timeout=5).status_code == 200

    parts = urlsplit(emulator.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        headers = {"Authorization": BASIC, "Content-Type": "application/x-www-form-urlencoded"}
        connection.request(
            "POST",
            "/v1/Services",
            body=iter([b"FriendlyName=", b"streamed"]),
            headers=headers,
            encode_chunked=True,
        )
        response = connection.getresponse()
        assert response.status == 201
        assert b'"friendly_name": "streamed"' in response.read()
        connection.request("GET", "/v1/Services", headers=headers)
        assert connection.getresponse().status == 200
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("framing", "body", "status"),
    [
        ({"Transfer-Encoding": "chunked"}, b"zz\r\nabc\r\n0\r\n\r\n", 400),  # not hex
        ({"Transfer-Encoding": "chunked"}, b"3\r\nabcXY0\r\n\r\n", 400),  # no CRLF after data
        ({"Transfer-Encoding": "chunked"}, b"1" * 17 + b"\r\n", 400),  # absurd size
        ({"Transfer-Encoding": "chunked"}, b"-3\r\nabc\r\n0\r\n\r\n", 400),
        ({"Transfer-Encoding": "gzip"}, b"abc", 400),  # chunked is not last
        ({"Transfer-Encoding": "gzip, chunked"}, chunked(b"abc"), 501),  # unknown coding
        ({"Content-Length": "abc"}, b"", 400),
        ({"Content-Length": "-1"}, b"", 400),
        ({"Content-Length": "0x10"}, b"", 400),
        ({"Content-Length": "3, 4"}, b"abc", 400),
    ],
)
def test_malformed_framing_is_refused_with_json_and_closes(
    conn: RawConnection, framing: dict[str, str], body: bytes, status: int
) -> None:
    conn.send(conn.head("POST", "/v1/Services", framing) + body)
    response = conn.response()
    assert response.status == status
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["code"] == 20001 and response.json()["status"] == status
    assert response.headers["connection"] == "close"
    assert conn.closed_by_server()


def test_transfer_encoding_wins_over_content_length_then_closes(conn: RawConnection) -> None:
    body = chunked(b"FriendlyName=", b"both")
    headers = {"Transfer-Encoding": "chunked", "Content-Length": "3"}
    response = conn.request("POST", "/v1/Services", body, headers)
    assert response.status == 201 and response.json()["friendly_name"] == "both"
    assert response.headers["connection"] == "close"
    assert conn.closed_by_server()


def test_repeated_identical_content_length_is_accepted(conn: RawConnection) -> None:
    conn.send(conn.head("POST", "/v1/Services", {"Content-Length": "14, 14"}) + b"FriendlyName=x")
    assert conn.response().status == 201
    assert conn.request("GET", "/v1/Services").status == 200


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "PUT", "PATCH", "TRACE", "BREW"])
def test_unsupported_methods_get_twilio_json_405_with_allow(
    conn: RawConnection, method: str
) -> None:
    response = conn.request(method, "/v1/Services")
    assert response.status == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.headers["content-type"].startswith("application/json")
    if method == "HEAD":
        assert response.body == b""  # never a body on HEAD, and the connection stays usable
    else:
        assert response.json()["code"] == 20004
        assert set(response.json()) == ERROR_KEYS
    assert conn.request("GET", "/v1/Services").status == 200
    role_path = "/v1/Roles/RL" + "0" * 32
    assert conn.request(method, role_path).headers["allow"] == "GET, POST, DELETE"
    assert conn.request(method, "/__emulator/stats").headers["allow"] == "GET, DELETE"


def test_http_errors_of_the_parser_are_json_too(emulator: EmulatorServer) -> None:
    cases = [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /v1/Services HTTP/9.9\r\nHost: x\r\n\r\n", 505),
        (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET /v1/Services HTTP/1.1\r\n" + b"X-A: b\r\n" * 150 + b"\r\n", 431),
    ]
    for raw, status in cases:
        with RawConnection(emulator.url) as conn:
            conn.send(raw)
            response = conn.response()
            assert response.status == status, raw[:40]
            assert response.json()["status"] == status
            assert set(response.json()) == ERROR_KEYS


@pytest.mark.parametrize("scheme", ["Basic", "basic", "BASIC", "bAsIc"])
def test_basic_scheme_name_is_case_insensitive(conn: RawConnection, scheme: str) -> None:
    headers = {"Authorization": BASIC.replace("Basic", scheme, 1)}
    assert conn.request("GET", "/v1/Services", headers=headers, auth=False).status == 200


def test_urls_keep_the_scheme_the_client_used(conn: RawConnection) -> None:
    plain = conn.request("GET", "/v1/Services").json()
    assert plain["meta"]["url"].startswith(f"http://{conn.host}/v1/Services")
    proxied = conn.request("GET", "/v1/Services", headers={"X-Forwarded-Proto": "https"}).json()
    assert proxied["meta"]["url"].startswith(f"https://{conn.host}/v1/Services")
    assert proxied["services"][0]["url"].startswith(f"https://{conn.host}/v1/Services/IS")
    assert proxied["services"][0]["links"]["roles"].startswith("https://")
    config = conn.request(
        "GET", "/v1/Configuration", headers={"X-Forwarded-Proto": "https, http"}
    ).json()
    assert config["url"] == f"https://{conn.host}/v1/Configuration"
    assert config["links"]["service"].startswith("https://")
    odd = conn.request("GET", "/v1/Configuration", headers={"X-Forwarded-Proto": "gopher"})
    assert odd.json()["url"].startswith("http://")


def test_credentials_are_checked_before_a_body_is_read(conn: RawConnection) -> None:
    """A 100 MB body announced without credentials: refused at once, never read."""
    headers = {"Content-Length": str(100 * 1024 * 1024), "Content-Type": "text/plain"}
    started = time.monotonic()
    conn.send(conn.head("POST", "/v1/Services", headers, auth=False) + b"FriendlyName=")
    response = conn.response()
    assert response.status == 401 and response.json()["code"] == 20003
    assert response.headers["connection"] == "close"
    assert time.monotonic() - started < 1.0
    assert conn.closed_by_server(wait=5)


def test_bodies_over_the_cap_get_413_before_they_are_read(emulator: EmulatorServer) -> None:
    limit = emulator.max_body_bytes
    with RawConnection(emulator.url) as conn:
        conn.send(conn.head("POST", "/v1/Services", {"Content-Length": str(limit + 1)}))
        response = conn.response()
        assert response.status == 413 and response.json()["code"] == 20413
        assert conn.closed_by_server(wait=5)
    with RawConnection(emulator.url) as conn:  # chunked: counted while reading
        conn.send(conn.head("POST", "/v1/Services", {"Transfer-Encoding": "chunked"}))
        conn.send(b"%x\r\n" % (limit + 1))
        response = conn.response()
        assert response.status == 413 and response.json()["code"] == 20413
    # requests sends the whole 2 MB before it reads: the lingering close lets it see the 413.
    with requests.Session() as session:
        session.auth = AUTH
        response = session.post(
            f"{emulator.url}/v1/Services", data={"FriendlyName": "x" * (2 * limit)}, timeout=10
        )
        assert response.status_code == 413 and response.json()["code"] == 20413
        session.auth = None
        response = session.post(f"{emulator.url}/v1/Services", data=b"x" * (2 * limit), timeout=10)
        assert response.status_code == 401
    # At the cap is fine.
    with requests.Session() as session:
        session.auth = AUTH
        body = "FriendlyName=ok&Padding=" + "x" * (limit - 24)
        assert len(body) == limit
        response = session.post(
            f"{emulator.url}/v1/Services",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=10,
        )
        assert response.status_code == 201


def test_expect_100_continue_only_after_authentication(emulator: EmulatorServer) -> None:
    with RawConnection(emulator.url) as conn:
        body = b"FriendlyName=expected"
        headers = {"Content-Length": str(len(body)), "Expect": "100-continue"}
        conn.send(conn.head("POST", "/v1/Services", headers))
        assert conn.response().status == 100
        conn.send(body)
        assert conn.response("POST").status == 201
    with RawConnection(emulator.url) as conn:
        conn.send(conn.head("POST", "/v1/Services", headers, auth=False))
        assert conn.response().status == 401


def test_a_client_hanging_up_mid_answer_is_not_a_traceback(
    emulator: EmulatorServer, capfd: pytest.CaptureFixture[str]
) -> None:
    emulator.configure_faults(latency_ms=30)  # the answer is written after the client left
    parts = urlsplit(emulator.url)
    request = f"GET /v1/Services HTTP/1.1\r\nHost: {parts.netloc}\r\nAuthorization: {BASIC}\r\n\r\n"
    for _ in range(20):
        sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
        sock.sendall(request.encode("latin-1"))
        # Reset, not a polite close: the server's write then fails at once.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    time.sleep(0.3)
    emulator.configure_faults(latency_ms=0)
    with requests.Session() as session:
        session.auth = AUTH
        assert session.get(f"{emulator.url}/v1/Services", timeout=5).status_code == 200
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and "Error" not in captured.err


def test_temporary_files_of_an_interrupted_save_are_swept_at_start(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    EmulatorServer(state_path=state)
    leftovers = [tmp_path / f".state.json.{name}.tmp" for name in ("abc123", "x_y")]
    for leftover in leftovers:
        leftover.write_text(state.read_text())
    unrelated = [
        tmp_path / ".other.json.abc.tmp",
        tmp_path / "state.json.bak",
        tmp_path / ".state.json.journal.abc.tmp",  # a temporary of state.json.journal
    ]
    for path in unrelated:
        path.write_text("keep")
    with EmulatorServer(state_path=state):
        assert not any(path.exists() for path in leftovers)
        assert all(path.read_text() == "keep" for path in unrelated)
