"""An --endpoint that is not Twilio's API is told as such, never as a parser traceback."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from tests.engine.conftest import Cli, one_line_error

ANSWERS = {
    "html": (200, "text/html", b"<html><body>Welcome to nginx</body></html>"),
    "html-404": (404, "text/html", b"<html><body>Not Found</body></html>"),
    "foreign-json": (200, "application/json", b'{"hello": "world"}'),
}


class _Stub(http.server.BaseHTTPRequestHandler):
    answer = ANSWERS["html"]

    def do_GET(self) -> None:
        status, content_type, body = self.answer
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture(params=sorted(ANSWERS))
def stub_url(request: pytest.FixtureRequest) -> Iterator[str]:
    handler = type("Handler", (_Stub,), {"answer": ANSWERS[request.param]})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_web_server_at_the_endpoint_is_named_as_the_problem(run: Cli, stub_url: str) -> None:
    path = run.config({"version": 1, "services": {"support": {}}})
    message = one_line_error(run("plan", path, "--endpoint", stub_url, endpoint=False))
    assert "did not answer like Twilio's Conversations API" in message
    assert "--endpoint" in message


def test_an_endpoint_ending_in_v1_is_refused_with_the_base_url(run: Cli) -> None:
    path = run.config({"version": 1, "services": {"support": {}}})
    result = run("plan", path, "--endpoint", "http://127.0.0.1:4010/v1/", endpoint=False)
    assert result.exit_code == 1
    assert "without /v1" in result.output and "such as http://127.0.0.1:4010" in result.output
