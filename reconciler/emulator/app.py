"""The emulator's front door: auth, body, routing, limits, faults, stats, the journal.

Every API's request passes here: registry.py picks the route (the API's own handler), and the
handler reads the state of the account the credentials belong to (Conversations URLs name no
account). The APIs themselves are in apis/, one package each.

Transport-free: `EmulatorApp.dispatch` takes a method, target, headers and the body (or a
function that reads it) and returns an `Outcome` (a response, or an instruction to drop the
connection). server.py does the socket work.

Order of checks, as Twilio's edge does them: credentials before anything else (so an
unauthenticated client cannot make the emulator read, let alone hold, a body), then the body,
then the route and method, then a restricted key's policy, then the actions-per-second limit,
then the handler.
"""

from __future__ import annotations

import base64
import binascii
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from reconciler.clock import SYSTEM, Clock
from reconciler.emulator import catalog, errors, faults, registry
from reconciler.emulator.apis.accounts.models import ApiKey, Directory, Principal
from reconciler.emulator.apis.conversations.models.account import Account
from reconciler.emulator.errors import ApiError
from reconciler.emulator.limits import ActionsPerSecond, retry_after_header
from reconciler.emulator.persistence import StateStore
from reconciler.emulator.records import stamping
from reconciler.emulator.routing import (
    Outcome,
    Request,
    Route,
    base_url,
    error_outcome,
    json_outcome,
)
from reconciler.emulator.wire import BodyError
from reconciler.permissions.table import grants

CONTROL_PREFIX = "/__emulator/"

BodyReader = Callable[[], bytes]


class Stats:
    """Request counters for /__emulator/stats; tests reset them around one operation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with getattr(self, "_lock", threading.Lock()):
            self._requests = 0
            self._by_method: dict[str, int] = {"GET": 0, "POST": 0, "DELETE": 0}
            self._by_route: dict[str, int] = {}
            self._by_status: dict[str, int] = {}
            self._faults: dict[str, int] = {}
            self._in_flight: int = getattr(self, "_in_flight", 0)  # requests still running
            self._max_in_flight = self._in_flight

    def count_request(self, method: str, route: str | None) -> None:
        with self._lock:
            self._requests += 1
            self._by_method[method] = self._by_method.get(method, 0) + 1
            if route is not None:
                key = f"{method} {route}"
                self._by_route[key] = self._by_route.get(key, 0) + 1

    def begin(self) -> None:
        """A request is being answered (its latency included): clients' concurrency, seen."""
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def end(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def count_status(self, status: int) -> None:
        with self._lock:
            self._by_status[str(status)] = self._by_status.get(str(status), 0) + 1

    def count_fault(self, kind: str) -> None:
        with self._lock:
            self._faults[kind] = self._faults.get(kind, 0) + 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self._requests,
                "by_method": dict(self._by_method),
                "by_route": dict(self._by_route),
                "by_status": dict(self._by_status),
                "faults": dict(self._faults),
                "max_in_flight": self._max_in_flight,
            }


class EmulatorApp:
    """A main account and its subaccounts behind Twilio's URL layout."""

    def __init__(
        self,
        account: Account,
        credentials: Mapping[str, str],
        injector: faults.FaultInjector,
        store: StateStore | None = None,
        aps_limit: int = catalog.DEFAULT_APS_LIMIT,
        directory: Directory | None = None,
        clock: Clock = SYSTEM,
    ) -> None:
        """`credentials`: the main account's SID with its auth token, and API keys (Standard)
        with their secrets, as username -> password. A `directory` (subaccounts, key types)
        replaces them when given. `store`: where writes are journaled (None: in memory); it
        must already hold the directory's state (server.py loads and compacts it). `clock`:
        what records are dated by and the actions-per-second window counts in."""
        if directory is None:
            token = credentials.get(account.account_sid, "")
            keys = {
                sid: ApiKey(sid, secret, account.account_sid)
                for sid, secret in credentials.items()
                if sid != account.account_sid
            }
            directory = Directory.fresh(account.account_sid, token, keys)
            directory.main.conversations = account
        self.directory = directory
        self.lock = threading.Lock()
        self.injector = injector
        self.store = store
        self.stats = Stats()
        self.clock = clock
        self.limiter = ActionsPerSecond(aps_limit, clock=clock.monotonic)

    # ------------------------------------------------------------ entry point

    def dispatch(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str],
        body: bytes | BodyReader = b"",
    ) -> Outcome:
        """Answer one request. `body` may be a reader, called only once the request is
        authenticated; if it is never called the caller must close the connection."""
        lowered = {name.lower(): value for name, value in headers.items()}
        read = body if callable(body) else (lambda: body)
        split = urlsplit(target)
        path = split.path.rstrip("/") or "/"
        if path.startswith(CONTROL_PREFIX) or path + "/" == CONTROL_PREFIX:
            return self._control(method, path, read)
        host, api_path = registry.split_host(path)
        route, args = registry.match(host or lowered.get("host", ""), api_path, host is not None)
        prefix = f"/{host}" if host else ""
        self.stats.count_request(method, prefix + route.template if route else None)
        self.stats.begin()
        try:
            outcome = self._api(method, api_path, prefix, split.query, lowered, read, route, args)
        finally:
            self.stats.end()
        if not outcome.drop:
            self.stats.count_status(outcome.status)
        return outcome

    def _api(
        self,
        method: str,
        path: str,
        prefix: str,
        query_string: str,
        headers: Mapping[str, str],
        read: BodyReader,
        route: Route | None,
        args: tuple[str, ...],
    ) -> Outcome:
        """One API request; `path` is the API's own (`/v1/Services`), `prefix` the Twilio host
        the request named before it (`/messaging.twilio.com`, or empty): absolute URLs in the
        answer keep it, so following them reaches the same API."""
        settings = self.injector.settings
        if settings.latency_ms > 0:
            time.sleep(settings.latency_ms / 1000.0)  # outside every lock: requests overlap
        principal = self._authenticate(headers.get("authorization"))
        if principal is None:
            return error_outcome(
                errors.AUTHENTICATION_FAILED,
                "Authenticate",
                {"WWW-Authenticate": 'Basic realm="Twilio API"'},
            )
        try:
            body = read()
        except BodyError as error:
            outcome = error_outcome(error.code, error.message, status=error.status)
            outcome.close = True
            return outcome
        fault = self.injector.draw(method)
        if fault is not None:
            self.stats.count_fault(fault)
            early = self._early_fault(fault, settings.retry_after_seconds)
            if early is not None:
                return early
        if route is None:
            return error_outcome(
                errors.NOT_FOUND, f"The requested resource {prefix}{path} was not found"
            )
        handler = route.methods.get(method)
        if handler is None:
            return error_outcome(
                errors.METHOD_NOT_ALLOWED,
                f"Method {method} not allowed on {path}",
                {"Allow": route.allow},
            )
        refused = _refused_by_policy(principal, route, method, prefix + path)
        if refused is not None:
            return refused
        request = Request(
            method=method,
            path=path,
            query=parse_qs(query_string, keep_blank_values=True),
            form=parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            if method == "POST"
            else {},
            base=base_url(headers) + prefix,
            principal=principal,
            directory=self.directory,
            args=args,
        )
        limited = self._rate_limit(route, request)
        if limited is not None:
            return limited
        try:
            with self.lock, stamping(self.clock):
                try:
                    status, view = handler(request)
                finally:
                    if method in faults.WRITE_METHODS:
                        self._journal()
        except ApiError as error:
            return error_outcome(error.twilio_code, error.message)
        except Exception:  # a bug in the emulator: answer like Twilio would, say why on stderr
            traceback.print_exc(file=sys.stderr)
            return error_outcome(errors.INTERNAL_ERROR, "Internal server error")
        if fault == faults.DROP_AFTER_COMMIT:
            return Outcome(drop=True)
        if view is None:
            return Outcome(status=status)
        return json_outcome(status, view)

    def _journal(self) -> None:
        """Make what the request changed durable before its response leaves (under the lock,
        so the journal's order is the order writes were applied). Only the changed records
        are written; the occasional compaction rewrites the snapshot. Also after a refused
        request: one that changed something before refusing must not lose it on restart."""
        if self.store is None:
            self.directory.discard_changes()
            return
        entry = self.directory.drain_changes()
        if entry is None:
            return
        self.store.append(entry)
        if self.store.compaction_due:
            self.store.compact(self.directory.to_dict())

    def _rate_limit(self, route: Route, request: Request) -> Outcome | None:
        """Writes on a limited route (Conversations' roles and conversations) count against
        their key's actions per second; a refused one does not count."""
        if route.limit is None or request.method not in faults.WRITE_METHODS:
            return None
        with self.lock:
            key = route.limit.key(request)
        wait = self.limiter.admit(key)
        if wait is None:
            return None
        return error_outcome(
            errors.ACTIONS_PER_SECOND,
            f"Actions per second limit exceeded: at most {self.limiter.limit} "
            f"{route.limit.actions} per second on {_limited_thing(key)} {key}",
            {"Retry-After": retry_after_header(wait)},
        )

    def _early_fault(self, kind: str, retry_after: int) -> Outcome | None:
        if kind == faults.SERVER_ERROR:
            return error_outcome(errors.INTERNAL_ERROR, "Internal server error")
        if kind == faults.UNAVAILABLE:
            return error_outcome(errors.UNAVAILABLE, "Service unavailable")
        if kind == faults.TOO_MANY_REQUESTS:
            return error_outcome(
                errors.TOO_MANY_REQUESTS, "Too many requests", {"Retry-After": str(retry_after)}
            )
        if kind == faults.DROP_BEFORE:
            return Outcome(drop=True)
        return None

    @property
    def account(self) -> Account:
        """The main account's Conversations state."""
        return self.directory.main.conversations

    def _authenticate(self, header: str | None) -> Principal | None:
        """HTTP Basic; the scheme name is case-insensitive (RFC 9110 11.1)."""
        scheme, _, credentials = (header or "").strip().partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        username, _, password = decoded.partition(":")
        return self.directory.authenticate(username, password)

    def _control(self, method: str, path: str, read: BodyReader) -> Outcome:
        """Test controls: no auth, never faulted, never counted."""
        try:
            read()
        except BodyError as error:
            outcome = error_outcome(error.code, error.message, status=error.status)
            outcome.close = True
            return outcome
        if path == "/__emulator/stats":
            if method == "GET":
                return json_outcome(200, self.stats.snapshot())
            if method == "DELETE":
                self.stats.reset()
                return Outcome(status=204)
            return error_outcome(
                errors.METHOD_NOT_ALLOWED,
                f"Method {method} not allowed on {path}",
                {"Allow": "GET, DELETE"},
            )
        return error_outcome(errors.NOT_FOUND, f"The requested resource {path} was not found")


def _refused_by_policy(
    principal: Principal, route: Route, method: str, path: str
) -> Outcome | None:
    """A restricted key's request that its policy does not grant: 403 / 20403 (Twilio's 403
    page: "The request used a Restricted API key that does not include permission for the
    resource or endpoint"), the message naming the permission it lacks (docs/emulator.md,
    "Restricted API keys")."""
    if principal.policy is None:
        return None
    permission = registry.needed(route, method)
    if permission is not None and grants(principal.policy, permission):
        return None
    lacking = (
        f"the permission {permission}"
        if permission
        else "a permission (no restricted-key permission grants this endpoint)"
    )
    return error_outcome(
        errors.FORBIDDEN,
        f"The restricted API key lacks {lacking}, needed for {method} {path}",
    )


def _limited_thing(key: str) -> str:
    """What an actions-per-second key is: a conversation (updates count against it) or a
    service (everything else)."""
    return "conversation" if key.startswith("CH") else "service"
