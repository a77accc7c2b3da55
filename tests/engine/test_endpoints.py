"""An --endpoint that is not Twilio's API is told as such, never as a parser traceback."""

from __future__ import annotations

import http.server
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler.fleet.errors import describe
from reconciler.live.api import LiveApi
from reconciler.live.connection import build_client
from reconciler.plan import plan_account
from tests.conftest import close_client, emulator_settings
from tests.engine.conftest import Cli, one_line_error, write_yaml
from tests.relay import serving

NOT_TWILIO = "did not answer like Twilio's Conversations API"
ANSWERS = {
    "html": (200, "text/html", b"<html><body>Welcome to nginx</body></html>"),
    "html-404": (404, "text/html", b"<html><body>Not Found</body></html>"),
    "foreign-json": (200, "application/json", b'{"hello": "world"}'),
    # Another JSON API: neither carries Twilio's `meta` on a list nor `url` on a resource. The
    # second once read as an empty account, so plan planned creates and apply made them.
    "status-data": (200, "application/json", b'{"status":"ok","data":[1,2]}'),
    "items-total": (200, "application/json", b'{"items":[],"total":0}'),
}
FOREIGN_JSON = ("foreign-json", "status-data", "items-total")
SERVICES = {"version": 1, "services": {"support": {}}}


@dataclass
class Stub:
    url: str
    requests: list[str]

    def writes(self) -> list[str]:
        return [line for line in self.requests if not line.startswith("GET ")]


class _Stub(http.server.BaseHTTPRequestHandler):
    answer = ANSWERS["html"]
    log: list[str]

    def do_GET(self) -> None:
        self.log.append(f"{self.command} {self.path}")
        status, content_type, body = self.answer
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET
    do_DELETE = do_GET

    def log_message(self, *args: object) -> None:
        return


def _serve(answer: str) -> Iterator[Stub]:
    log: list[str] = []
    handler = type("Handler", (_Stub,), {"answer": ANSWERS[answer], "log": log})
    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)) as url:
        yield Stub(url, log)


@pytest.fixture(params=sorted(ANSWERS))
def stub_url(request: pytest.FixtureRequest) -> Iterator[str]:
    for stub in _serve(request.param):
        yield stub.url


@pytest.fixture(params=FOREIGN_JSON)
def json_stub(request: pytest.FixtureRequest) -> Iterator[Stub]:
    yield from _serve(request.param)


def test_a_web_server_at_the_endpoint_is_named_as_the_problem(run: Cli, stub_url: str) -> None:
    path = run.config(SERVICES)
    message = one_line_error(run("plan", path, "--endpoint", stub_url, endpoint=False))
    assert NOT_TWILIO in message
    assert "--endpoint" in message


def test_another_json_api_is_named_and_nothing_is_written(
    run: Cli, json_stub: Stub, tmp_path: Path
) -> None:
    """Plan, apply and export all stop at the first answer without Twilio's shape: apply sends
    no write, export writes no file."""
    path = run.config(SERVICES)
    out = tmp_path / "exported.yaml"
    for command in (
        ["plan", path],
        ["apply", path, "--auto-approve"],
        ["export", "--out", str(out)],
    ):
        result = run(*command, "--endpoint", json_stub.url, endpoint=False)
        assert result.exit_code == 1, result.output
        message = one_line_error(result)
        assert NOT_TWILIO in message and "JSON of another shape" in message, message
        assert "Apply complete" not in result.output and "will be created" not in result.output
    assert json_stub.writes() == [], "apply must not write to an endpoint that is not Twilio's"
    assert not out.exists(), "export must not write a configuration read from a foreign API"


def test_the_fleet_describes_another_json_api_as_the_endpoint_problem(
    json_stub: Stub, tmp_path: Path
) -> None:
    """The error the reads raise is the one a fleet target's report describes, too."""
    from reconciler.config import load_config

    loaded = load_config([write_yaml(tmp_path, SERVICES)], environ={})
    client = build_client(emulator_settings(), json_stub.url)
    try:
        with pytest.raises(Exception) as caught:
            plan_account(loaded, LiveApi(client, concurrency=2))
    finally:
        close_client(client)
    assert NOT_TWILIO in describe(caught.value)
    assert json_stub.writes() == []


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://127.0.0.1:4010/v1",
        "http://127.0.0.1:4010/v1/",
        "http://127.0.0.1:4010/v1/Services",
        "http://127.0.0.1:4010/v1/Configuration/Webhooks",
        "http://127.0.0.1:4010/proxy",
    ],
)
def test_an_endpoint_with_a_path_is_refused_with_the_base_url(run: Cli, endpoint: str) -> None:
    path = run.config(SERVICES)
    for command in (["plan", path], ["apply", path, "--auto-approve"], ["export"]):
        result = run(*command, "--endpoint", endpoint, endpoint=False)
        assert result.exit_code == 1
        message = result.stderr
        assert "Traceback" not in message
        assert "without /v1 or any other path" in message, message
        assert "such as http://127.0.0.1:4010" in message, message
        assert "was not found" not in message


def test_an_endpoint_with_a_path_is_refused_from_the_environment_too(run: Cli) -> None:
    path = run.config(SERVICES)
    result = run(
        "plan",
        path,
        env={"RECONCILER_ENDPOINT": "http://127.0.0.1:4010/v1/Services"},
        endpoint=False,
    )
    assert result.exit_code == 1
    assert "such as http://127.0.0.1:4010" in result.stderr, result.stderr


def test_connection_settings_refuse_an_endpoint_with_a_path() -> None:
    """The settings every client is built from refuse it as well (a fleet's parent, the API)."""
    from reconciler.emulator import defaults
    from reconciler.errors import ConnectionSettingsError
    from reconciler.live.connection import ConnectionSettings

    environ = {"TWILIO_ACCOUNT_SID": defaults.ACCOUNT_SID, "TWILIO_AUTH_TOKEN": "token"}
    with pytest.raises(ConnectionSettingsError, match=r"such as https://example\.test:8443$"):
        ConnectionSettings.from_environment(
            environ, endpoint="https://example.test:8443/v1/Services?PageSize=5"
        )
    settings = ConnectionSettings.from_environment(environ, endpoint="http://127.0.0.1:4010/")
    assert settings.endpoint == "http://127.0.0.1:4010"
