"""EmulatorServer: the emulator on a real socket, in a background thread.

Used by `reconciler emulator serve`, by `--local` (reconciler.live.connection), by
`reconciler.testing` and by the tests. HTTP/1.1 keep-alive so the twilio SDKs' connection
pools reuse connections; one daemon thread per connection; all state changes go through
EmulatorApp's lock.

The standard library's request handler is kept for parsing request lines and headers, but
every method reaches the app (so HEAD, OPTIONS or PUT get Twilio's JSON 405, not an HTML page),
every error it raises itself is JSON too, bodies are read only after the app has authenticated
the request (wire.py reads them, chunked or not, within a size cap), and a client that hangs up
is the client's business, not a traceback.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from reconciler import clock as process_clock
from reconciler.emulator import catalog, defaults, errors, wire
from reconciler.emulator.apis.accounts.models import API_KEY_TYPES, PREFIX, ApiKey, Directory
from reconciler.emulator.app import EmulatorApp
from reconciler.emulator.faults import FaultInjector, FaultSettings
from reconciler.emulator.persistence import MIN_JOURNAL_BYTES, StateFileError, StateStore
from reconciler.emulator.records import stamping
from reconciler.emulator.routing import Outcome, error_outcome

_UNSET: Any = object()
IDLE_CONNECTION_SECONDS = 60
# After refusing a request whose body was not read, keep reading (and discarding) for this
# long before closing, so the client gets to read the answer instead of a connection reset.
LINGER_SECONDS = 2.0
MAX_REQUEST_LINE = 65536


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
        self._expect_continue = False

    def handle_one_request(self) -> None:
        """The standard library's loop step, with every method handled by `_handle`."""
        try:
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if len(self.raw_requestline) > MAX_REQUEST_LINE:
                self.requestline = self.request_version = self.command = ""
                self.send_error(414)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            self._expect_continue = False
            if not self.parse_request():
                return
            if self.request_version == "HTTP/0.9":
                self.send_error(400, "HTTP/0.9 requests are not supported")
                return
            self._handle()
            self.wfile.flush()
        except (ConnectionError, TimeoutError):
            # The client hung up or went quiet: nothing to answer, nobody to tell.
            self.close_connection = True

    def handle_expect_100(self) -> bool:
        """Send 100 Continue only when the body is wanted (after authentication)."""
        self._expect_continue = True
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors the standard library raises itself (bad request line, headers too long):
        JSON like every other answer, never an HTML page."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # the parser's default: answer with headers
            self.request_version = "HTTP/1.1"
        text = message or self.responses.get(code, ("Error",))[0]
        self._send(error_outcome(errors.INVALID_PARAMETER, text, status=code))

    def _handle(self) -> None:
        try:
            frame = wire.framing(self.headers)
        except wire.BodyError as error:
            self.close_connection = True
            self._send(error_outcome(error.code, error.message, status=error.status))
            self._linger()
            return
        consumed = not frame.has_body

        def read_body() -> bytes:
            nonlocal consumed
            if consumed:
                return b""
            consumed = True
            if self._expect_continue:
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                self.wfile.flush()
            return wire.read_body(self.rfile, frame, self.server.max_body_bytes)

        headers = dict(self.headers.items())
        outcome = self.server.app.dispatch(self.command, self.path, headers, read_body)
        if outcome.drop:
            # The client sees the connection close with no response: it cannot know
            # whether the request was handled.
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        unread = not consumed
        if unread or outcome.close or frame.close_after:
            self.close_connection = True
        self._send(outcome)
        if unread or outcome.close:
            self._linger()

    def _send(self, outcome: Outcome) -> None:
        self.send_response(outcome.status)
        for name, value in outcome.headers.items():
            self.send_header(name, value)
        if outcome.status != 204:
            self.send_header("Content-Length", str(len(outcome.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if outcome.body and outcome.status != 204 and self.command != "HEAD":
            self.wfile.write(outcome.body)

    def _linger(self) -> None:
        """Close gently after answering without reading the body: stop writing, discard
        what the client is still sending for a moment, then let the socket close."""
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(0.2)
            deadline = time.monotonic() + LINGER_SECONDS
            while time.monotonic() < deadline:
                if not self.connection.recv(65536):
                    break

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header, by the emulator's clock (what records are dated by)."""
        return super().date_time_string(
            self.server.app.clock.time() if timestamp is None else timestamp
        )

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and the CLI print what matters themselves."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 overflows when many clients connect at once; the
    # kernel then drops SYNs and each such client waits a second to retransmit.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: EmulatorApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
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

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up mid-answer is routine; anything else is a bug worth a trace."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def shutdown(self) -> None:
        """Stop `serve_forever` without waiting out its poll: once asked to stop, the loop is
        woken by a connection of our own (it notices the request only when its wait ends)."""
        stopped = threading.Event()

        def request_stop() -> None:
            super(_Server, self).shutdown()
            stopped.set()

        threading.Thread(target=request_stop, name="emulator-stop", daemon=True).start()
        host, port = self.server_address[:2]
        address = (str(host), int(port))
        while not stopped.wait(0.005):
            with contextlib.suppress(OSError), socket.create_connection(address, timeout=0.5):
                pass

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
        aps_limit: int = catalog.DEFAULT_APS_LIMIT,
        max_body_bytes: int = catalog.MAX_BODY_BYTES,
        subaccounts: int = 0,
        api_key_type: str = "standard",
        min_journal_bytes: int = MIN_JOURNAL_BYTES,
        clock: process_clock.Clock | None = None,
    ) -> None:
        """`aps_limit`: role and conversation writes per second per service (conversation
        updates: per conversation), Twilio's 30 by default (0 turns the limit off).
        `max_body_bytes`: larger request bodies are refused with 413.
        `subaccounts`: make sure subaccounts tenant-001 ... tenant-N exist (kept in the state
        file, so restarting with the same N adds none). `api_key_type`: "standard" (the
        default; it cannot manage subaccounts) or "main". `min_journal_bytes`: with a state
        file, fold the journal into it once the journal holds this many bytes (or as many as
        the state file, if that is more); tests set it low to compact often. `clock`: what
        records' dates, the Date header and the actions-per-second window go by: the
        process's (`reconciler.clock.current()`, the system clock outside tests) unless given,
        such as a clock a test moves (`reconciler.testing.FastClock`)."""
        if not 0.0 <= fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        if latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        if aps_limit < 0:
            raise ValueError("aps_limit must not be negative (0 disables the limit)")
        if max_body_bytes < 0:
            raise ValueError("max_body_bytes must not be negative")
        if subaccounts < 0:
            raise ValueError("subaccounts must not be negative")
        if api_key_type not in API_KEY_TYPES:
            raise ValueError(f"api_key_type must be one of {', '.join(API_KEY_TYPES)}")
        self.host = host
        self.port = port
        self.state_path = Path(state_path) if state_path is not None else None
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.api_key_sid = api_key_sid
        self.api_key_secret = api_key_secret
        self.max_body_bytes = max_body_bytes
        self.api_key_type = api_key_type
        self.clock = clock if clock is not None else process_clock.current()
        self.store = (
            StateStore(self.state_path, min_journal_bytes) if self.state_path is not None else None
        )
        try:
            with stamping(self.clock):
                directory = self._load_directory(subaccounts)
        except BaseException:
            if self.store is not None:
                self.store.release()
            raise
        self.app = EmulatorApp(
            directory.main.conversations,
            credentials={},
            directory=directory,
            injector=FaultInjector(
                FaultSettings(
                    fault_rate=fault_rate,
                    seed=seed,
                    latency_ms=latency_ms,
                    retry_after_seconds=retry_after_seconds,
                )
            ),
            store=self.store,
            aps_limit=aps_limit,
            clock=self.clock,
        )
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def _load_directory(self, subaccounts: int) -> Directory:
        """Resume the state file if there is one, with its journal replayed; otherwise a fresh
        main account, saved at once so the default service keeps its SID across restarts. A
        state file written before the emulator served subaccounts (version 1: one account's
        Conversations state) loads as the main account with no subaccounts. Whatever the
        start changed (a replayed journal, seeded subaccounts, an older format) is compacted
        into the state file before the first request."""
        keys = {
            self.api_key_sid: ApiKey(
                self.api_key_sid, self.api_key_secret, self.account_sid, self.api_key_type
            )
        }
        if self.store is None:
            directory = Directory.fresh(self.account_sid, self.auth_token, keys)
            directory.seed_subaccounts(subaccounts)
            directory.discard_changes()
            return directory
        loaded = self.store.load()
        data = loaded.snapshot
        if data is None:
            directory = Directory.fresh(self.account_sid, self.auth_token, keys)
        else:
            holds = data.get("account_sid")
            if isinstance(holds, str) and holds != self.account_sid:
                raise StateFileError(
                    f"{self.state_path} holds account {holds}, not {self.account_sid}"
                )
            try:
                directory = Directory.from_dict(data, self.auth_token, keys)
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                raise StateFileError(
                    f"{self.state_path}: unusable emulator state ({error})"
                ) from None
        for number, entry in loaded.entries:
            try:
                directory.replay(entry)
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                raise StateFileError(
                    f"{self.store.journal}, line {number}: unusable journal entry ({error!r})"
                ) from None
        directory.seed_subaccounts(subaccounts)
        seeded = directory.drain_changes() is not None
        if loaded.needs_compaction or seeded:
            self.store.compact(directory.to_dict())
        return directory

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}"

    def start(self) -> EmulatorServer:
        if self._server is not None:
            return self
        server = _Server((self.host, self.port), self.app, self.max_body_bytes)
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
            if self.store is not None:
                self.store.release()  # never started: nothing written, the lock only
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self.store is not None:
            with self.app.lock:  # a request still being answered finishes its write first
                self.store.close(self.app.directory.to_dict)

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

    @property
    def aps_limit(self) -> int:
        return self.app.limiter.limit

    def configure_aps_limit(self, aps_limit: int) -> None:
        """Change the per-service actions-per-second limit at run time (0 turns it off)."""
        self.app.limiter.configure(aps_limit)

    def snapshot(self, account_sid: str | None = None) -> dict[str, Any]:
        """One account's Conversations state (the main account's by default), for tests and
        debugging."""
        with self.app.lock:
            record = self.app.directory.records[account_sid or self.account_sid]
            return record.conversations.to_dict()

    def snapshot_all(self) -> dict[str, Any]:
        """Every account, as saved to the state file."""
        with self.app.lock:
            return self.app.directory.to_dict()

    def subaccounts(self) -> list[dict[str, Any]]:
        """The subaccounts' 2010-04-01 views, oldest first (their auth tokens included: for
        tests and the `serve` banner, which prints none of them)."""
        with self.app.lock:
            records = sorted(self.app.directory.subaccounts(), key=lambda item: item.seq)
            return [record.view() for record in records]

    @property
    def accounts_url(self) -> str:
        """The Accounts API's list URL, e.g. http://127.0.0.1:4010/2010-04-01/Accounts.json."""
        return f"{self.url}{PREFIX}.json"
