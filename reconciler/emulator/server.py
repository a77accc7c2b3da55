"""EmulatorServer: the emulator on a real socket, in a background thread.

Used by `reconciler emulator serve`, by `--local` (reconciler.live.connection) and by the
tests. HTTP/1.1 keep-alive so the twilio SDK's connection pool reuses connections; one
daemon thread per connection; all state changes go through EmulatorApp's lock.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from reconciler.emulator import defaults
from reconciler.emulator.api import EmulatorApp
from reconciler.emulator.faults import FaultInjector, FaultSettings
from reconciler.emulator.models import Account
from reconciler.emulator.persistence import StateFileError, load_state, save_state

_UNSET: Any = object()
IDLE_CONNECTION_SECONDS = 60


class _Handler(BaseHTTPRequestHandler):
    """Reads one request at a time off a kept-alive connection and hands it to the app."""

    protocol_version = "HTTP/1.1"
    server_version = "TwilioConversationsEmulator/1"
    sys_version = ""
    timeout = IDLE_CONNECTION_SECONDS
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without NODELAY, Nagle plus the client's
        # delayed ACK would add ~40 ms to every kept-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers = {key: value for key, value in self.headers.items()}
        outcome = self.server.app.dispatch(self.command, self.path, headers, body)
        if outcome.drop:
            # The client sees the connection close with no response: it cannot know
            # whether the request was handled.
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(outcome.status)
        for name, value in outcome.headers.items():
            self.send_header(name, value)
        if outcome.status != 204:
            self.send_header("Content-Length", str(len(outcome.body)))
        self.end_headers()
        if outcome.body and outcome.status != 204:
            self.wfile.write(outcome.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and the CLI print what matters themselves."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: EmulatorApp) -> None:
        self.app = app
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self, timeout: float = 2.0) -> None:
        """Wake every kept-alive connection's thread so it closes its socket, then wait."""
        with self._connections_lock:
            open_now = list(self._connections)
        for connection in open_now:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._connections_lock:
                if not self._connections:
                    return
            time.sleep(0.01)


class EmulatorServer:
    """A running emulator: `start()`, read `.url`, `stop()` (or use it as a context manager)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        state_path: Path | None = None,
        account_sid: str = defaults.ACCOUNT_SID,
        auth_token: str = defaults.AUTH_TOKEN,
        api_key_sid: str = defaults.API_KEY_SID,
        api_key_secret: str = defaults.API_KEY_SECRET,
        latency_ms: int = 0,
        fault_rate: float = 0.0,
        seed: int | None = None,
        retry_after_seconds: int = 1,
    ) -> None:
        if not 0.0 <= fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        if latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        self.host = host
        self.port = port
        self.state_path = Path(state_path) if state_path is not None else None
        self.account_sid = account_sid
        account = self._load_account()
        self.app = EmulatorApp(
            account,
            credentials={account_sid: auth_token, api_key_sid: api_key_secret},
            injector=FaultInjector(
                FaultSettings(
                    fault_rate=fault_rate,
                    seed=seed,
                    latency_ms=latency_ms,
                    retry_after_seconds=retry_after_seconds,
                )
            ),
            state_path=self.state_path,
        )
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def _load_account(self) -> Account:
        """Resume the state file if there is one; otherwise a fresh account, saved at once
        so the default service keeps its SID across restarts."""
        if self.state_path is None:
            return Account.fresh(self.account_sid)
        data = load_state(self.state_path)
        if data is None:
            account = Account.fresh(self.account_sid)
            save_state(self.state_path, account.to_dict())
            return account
        try:
            account = Account.from_dict(data)
        except (KeyError, TypeError, ValueError) as error:
            raise StateFileError(f"{self.state_path}: unusable emulator state ({error})") from None
        if account.account_sid != self.account_sid:
            raise StateFileError(
                f"{self.state_path} holds account {account.account_sid}, not {self.account_sid}"
            )
        return account

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}"

    def start(self) -> EmulatorServer:
        if self._server is not None:
            return self
        server = _Server((self.host, self.port), self.app)
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"emulator:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------ test controls

    def stats(self) -> dict[str, Any]:
        return self.app.stats.snapshot()

    def reset_stats(self) -> None:
        self.app.stats.reset()

    def configure_faults(
        self,
        fault_rate: float = _UNSET,
        seed: int | None = _UNSET,
        latency_ms: int = _UNSET,
        retry_after_seconds: int = _UNSET,
    ) -> None:
        """Change faults at run time; passing `seed` restarts the random sequence."""
        current = self.app.injector.settings
        settings = FaultSettings(
            fault_rate=current.fault_rate if fault_rate is _UNSET else fault_rate,
            seed=current.seed if seed is _UNSET else seed,
            latency_ms=current.latency_ms if latency_ms is _UNSET else latency_ms,
            retry_after_seconds=current.retry_after_seconds
            if retry_after_seconds is _UNSET
            else retry_after_seconds,
        )
        if not 0.0 <= settings.fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        self.app.injector.configure(settings, reseed=seed is not _UNSET)

    def snapshot(self) -> dict[str, Any]:
        """The whole account state as saved to the state file (for tests and debugging)."""
        with self.app.lock:
            return self.app.account.to_dict()
