"""The HTTP face of the emulator: routing, auth, paging, error bodies, limits, faults, stats.

Conversations requests act on the Conversations state of the account their credentials belong
to (Conversations URLs name no account); the 2010-04-01 Accounts API is accounts_api.py.

Transport-free: `EmulatorApp.dispatch` takes a method, target, headers and the body (or a
function that reads it) and returns an `Outcome` (a response, or an instruction to drop the
connection). server.py does the socket work. The domain rules live in models.py; this module
only translates.

Order of checks, as Twilio's edge does them: credentials before anything else (so an
unauthenticated client cannot make the emulator read, let alone hold, a body), then the body,
then the route and method, then the actions-per-second limit, then the handler.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from reconciler.emulator import accounts_api, catalog, errors, faults
from reconciler.emulator.accounts import ApiKey, Directory, Principal
from reconciler.emulator.apis.conversations.models.account import Account
from reconciler.emulator.errors import ApiError, TwilioCode, error_body
from reconciler.emulator.form import Params, not_found, query_int
from reconciler.emulator.limits import ActionsPerSecond, retry_after_header
from reconciler.emulator.paging import window
from reconciler.emulator.persistence import StateStore
from reconciler.emulator.records import Listing, View
from reconciler.emulator.wire import BodyError

CONTROL_PREFIX = "/__emulator/"
METHOD_ORDER = ("GET", "POST", "DELETE")

BodyReader = Callable[[], bytes]


@dataclass
class Outcome:
    """What to send back; `drop` closes the connection without a response, `close` after it."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    close: bool = False


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    base: str
    principal: Principal
    """Who the credentials are: the account (and kind of credential) the request acts as."""
    account: Account
    """That account's Conversations state: Conversations URLs name no account."""
    args: tuple[str, ...] = ()


Handler = Callable[["EmulatorApp", Request], tuple[int, View | None]]


@dataclass(frozen=True)
class Route:
    template: str
    pattern: re.Pattern[str]
    methods: Mapping[str, Handler]

    @property
    def allow(self) -> str:
        """The Allow header of a 405: the methods this path serves."""
        return ", ".join(method for method in METHOD_ORDER if method in self.methods)


def _json(status: int, payload: Any, headers: dict[str, str] | None = None) -> Outcome:
    body = json.dumps(payload).encode("utf-8")
    return Outcome(
        status=status,
        body=body,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


def error_outcome(
    code: TwilioCode,
    message: str,
    headers: dict[str, str] | None = None,
    status: int | None = None,
) -> Outcome:
    """Twilio's error body; `status` only for HTTP-level refusals that share a code."""
    answer = status or code.status
    return _json(answer, {**error_body(code, message), "status": answer}, headers)


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
    ) -> None:
        """`credentials`: the main account's SID with its auth token, and API keys (Standard)
        with their secrets, as username -> password. A `directory` (subaccounts, key types)
        replaces them when given. `store`: where writes are journaled (None: in memory); it
        must already hold the directory's state (server.py loads and compacts it)."""
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
        self.limiter = ActionsPerSecond(aps_limit)

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
        route, args = self._match(path)
        self.stats.count_request(method, route.template if route else None)
        self.stats.begin()
        try:
            outcome = self._api(method, path, split.query, lowered, read, route, args)
        finally:
            self.stats.end()
        if not outcome.drop:
            self.stats.count_status(outcome.status)
        return outcome

    def _api(
        self,
        method: str,
        path: str,
        query_string: str,
        headers: Mapping[str, str],
        read: BodyReader,
        route: Route | None,
        args: tuple[str, ...],
    ) -> Outcome:
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
            return error_outcome(errors.NOT_FOUND, f"The requested resource {path} was not found")
        handler = route.methods.get(method)
        if handler is None:
            return error_outcome(
                errors.METHOD_NOT_ALLOWED,
                f"Method {method} not allowed on {path}",
                {"Allow": route.allow},
            )
        request = Request(
            method=method,
            path=path,
            query=parse_qs(query_string, keep_blank_values=True),
            form=parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            if method == "POST"
            else {},
            base=_base_url(headers),
            principal=principal,
            account=self.directory.conversations(principal),
            args=args,
        )
        limited = self._rate_limit(route, request)
        if limited is not None:
            return limited
        try:
            with self.lock:
                try:
                    status, view = handler(self, request)
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
        return _json(status, view)

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
        """Role create/update/delete count against their service's actions per second."""
        if "/Roles" not in route.template or request.method not in faults.WRITE_METHODS:
            return None
        if request.path.startswith("/v1/Roles"):
            with self.lock:
                service_sid = request.account.configuration["default_chat_service_sid"] or ""
        else:
            service_sid = request.args[0]
        wait = self.limiter.admit(service_sid)
        if wait is None:
            return None
        return error_outcome(
            errors.ACTIONS_PER_SECOND,
            f"Actions per second limit exceeded: at most {self.limiter.limit} role creates, "
            f"updates and deletes per second on service {service_sid}",
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
                return _json(200, self.stats.snapshot())
            if method == "DELETE":
                self.stats.reset()
                return Outcome(status=204)
            return error_outcome(
                errors.METHOD_NOT_ALLOWED,
                f"Method {method} not allowed on {path}",
                {"Allow": "GET, DELETE"},
            )
        return error_outcome(errors.NOT_FOUND, f"The requested resource {path} was not found")

    @staticmethod
    def _match(path: str) -> tuple[Route | None, tuple[str, ...]]:
        for route in ROUTES:
            match = route.pattern.match(path)
            if match:
                return route, tuple(unquote(arg) for arg in match.groups())
        return None, ()


def _base_url(headers: Mapping[str, str]) -> str:
    """Scheme and host the client used: behind a TLS-terminating proxy the request arrives as
    http, and X-Forwarded-Proto says what the client spoke (headers are lower-cased here)."""
    host = headers.get("host") or "127.0.0.1"
    forwarded = (headers.get("x-forwarded-proto") or "").split(",")[0].strip().lower()
    scheme = forwarded if forwarded in ("http", "https") else "http"
    return f"{scheme}://{host}"


# ---------------------------------------------------------------- paging


def _page(
    request: Request,
    items: Listing,
    key: str,
    render: Callable[[View], View],
    extra: list[tuple[str, str]] | None = None,
) -> tuple[int, View]:
    """One page of a list, with Twilio's `meta`; tokens carry creation sequence numbers."""
    extra = extra or []
    query = request.query
    maximum = catalog.MAX_PAGE_SIZE[key]
    size = query_int(query, "PageSize", catalog.DEFAULT_PAGE_SIZE, minimum=1)
    size = min(size, maximum)
    page = query_int(query, "Page", 0, minimum=0)
    token = (query.get("PageToken") or [""])[-1]
    chunk, has_next, has_previous = window(items, page, size, token, after="PT")
    url = request.base + request.path

    def link(page_number: int, page_token: str | None) -> str:
        params = [*extra, ("PageSize", str(size)), ("Page", str(page_number))]
        if page_token:
            params.append(("PageToken", page_token))
        return f"{url}?{urlencode(params)}"

    meta = {
        "page": page,
        "page_size": size,
        "first_page_url": link(0, None),
        "previous_page_url": link(max(page - 1, 0), f"PB{chunk[0][0]}")
        if has_previous and chunk
        else None,
        "url": link(page, token or None),
        "next_page_url": link(page + 1, f"PT{chunk[-1][0]}") if has_next and chunk else None,
        "key": key,
    }
    return 200, {key: [render(view()) for _, view in chunk], "meta": meta}


# ---------------------------------------------------------------- rendering


def _with_url(view: View, url: str, links: dict[str, str] | None = None) -> View:
    rendered = dict(view)
    rendered["url"] = url
    if links is not None:
        rendered["links"] = links
    return rendered


def _service(base: str, view: View) -> View:
    url = f"{base}/v1/Services/{view['sid']}"
    links = {
        name: f"{url}/{segment}"
        for name, segment in (
            ("conversations", "Conversations"),
            ("users", "Users"),
            ("roles", "Roles"),
            ("bindings", "Bindings"),
            ("configuration", "Configuration"),
            ("participant_conversations", "ParticipantConversations"),
            ("conversation_with_participants", "ConversationWithParticipants"),
        )
    }
    return _with_url(view, url, links)


def _role(base: str, prefix: str, view: View) -> View:
    return _with_url(view, f"{base}{prefix}/{view['sid']}")


def _address(base: str, view: View) -> View:
    return _with_url(view, f"{base}/v1/Configuration/Addresses/{view['sid']}")


def _credential(base: str, view: View) -> View:
    return _with_url(view, f"{base}/v1/Credentials/{view['sid']}")


def _params(request: Request) -> Params:
    return request.form


# ---------------------------------------------------------------- handlers


def _get_configuration(app: EmulatorApp, request: Request) -> tuple[int, View]:
    view = request.account.get_configuration()
    return 200, _configuration(request.base, view)


def _post_configuration(app: EmulatorApp, request: Request) -> tuple[int, View]:
    view = request.account.update_configuration(_params(request))
    return 200, _configuration(request.base, view)


def _configuration(base: str, view: View) -> View:
    """`links.service` is the default service's *configuration*, as the spec describes it
    ("URLs to access the webhook and default service configurations") and the docs show."""
    links = {"webhooks": f"{base}/v1/Configuration/Webhooks"}
    if view.get("default_chat_service_sid"):
        links["service"] = f"{base}/v1/Services/{view['default_chat_service_sid']}/Configuration"
    return _with_url(view, f"{base}/v1/Configuration", links)


def _get_webhooks(app: EmulatorApp, request: Request) -> tuple[int, View]:
    view = request.account.get_webhooks()
    return 200, _with_url(view, f"{request.base}/v1/Configuration/Webhooks")


def _post_webhooks(app: EmulatorApp, request: Request) -> tuple[int, View]:
    view = request.account.update_webhooks(_params(request))
    return 200, _with_url(view, f"{request.base}/v1/Configuration/Webhooks")


def _list_addresses(app: EmulatorApp, request: Request) -> tuple[int, View]:
    values = request.query.get("Type")
    address_type = values[-1] if values else None
    extra = [("Type", address_type)] if address_type else []
    items = request.account.list_addresses(address_type)
    return _page(
        request, items, "address_configurations", lambda v: _address(request.base, v), extra
    )


def _create_address(app: EmulatorApp, request: Request) -> tuple[int, View]:
    return 201, _address(request.base, request.account.create_address(_params(request)))


def _get_address(app: EmulatorApp, request: Request) -> tuple[int, View]:
    return 200, _address(request.base, request.account.get_address(request.args[0], request.path))


def _update_address(app: EmulatorApp, request: Request) -> tuple[int, View]:
    view = request.account.update_address(request.args[0], request.path, _params(request))
    return 200, _address(request.base, view)


def _delete_address(app: EmulatorApp, request: Request) -> tuple[int, None]:
    request.account.delete_address(request.args[0], request.path)
    return 204, None


def _list_credentials(app: EmulatorApp, request: Request) -> tuple[int, View]:
    items = request.account.list_credentials()
    return _page(request, items, "credentials", lambda v: _credential(request.base, v))


def _create_credential(app: EmulatorApp, request: Request) -> tuple[int, View]:
    return 201, _credential(request.base, request.account.create_credential(_params(request)))


def _get_credential(app: EmulatorApp, request: Request) -> tuple[int, View]:
    view = request.account.get_credential(request.args[0], request.path)
    return 200, _credential(request.base, view)


def _update_credential(app: EmulatorApp, request: Request) -> tuple[int, View]:
    view = request.account.update_credential(request.args[0], request.path, _params(request))
    return 200, _credential(request.base, view)


def _delete_credential(app: EmulatorApp, request: Request) -> tuple[int, None]:
    request.account.delete_credential(request.args[0], request.path)
    return 204, None


def _list_services(app: EmulatorApp, request: Request) -> tuple[int, View]:
    items = request.account.list_services()
    return _page(request, items, "services", lambda v: _service(request.base, v))


def _create_service(app: EmulatorApp, request: Request) -> tuple[int, View]:
    return 201, _service(request.base, request.account.create_service(_params(request)))


def _get_service(app: EmulatorApp, request: Request) -> tuple[int, View]:
    return 200, _service(request.base, request.account.get_service(request.args[0], request.path))


def _delete_service(app: EmulatorApp, request: Request) -> tuple[int, None]:
    request.account.delete_service(request.args[0], request.path)
    return 204, None


def _service_configuration(base: str, view: View) -> View:
    url = f"{base}/v1/Services/{view['chat_service_sid']}/Configuration"
    links = {"notifications": f"{url}/Notifications", "webhooks": f"{url}/Webhooks"}
    return _with_url(view, url, links)


def _get_service_configuration(app: EmulatorApp, request: Request) -> tuple[int, View]:
    view = request.account.get_service_configuration(request.args[0], request.path)
    return 200, _service_configuration(request.base, view)


def _post_service_configuration(app: EmulatorApp, request: Request) -> tuple[int, View]:
    view = request.account.update_service_configuration(
        request.args[0], request.path, _params(request)
    )
    return 200, _service_configuration(request.base, view)


def _get_notifications(app: EmulatorApp, request: Request) -> tuple[int, View]:
    view = request.account.get_notifications(request.args[0], request.path)
    return 200, _with_url(view, request.base + request.path)


def _post_notifications(app: EmulatorApp, request: Request) -> tuple[int, View]:
    view = request.account.update_notifications(request.args[0], request.path, _params(request))
    return 200, _with_url(view, request.base + request.path)


def _get_service_webhooks(app: EmulatorApp, request: Request) -> tuple[int, View]:
    view = request.account.get_service_webhooks(request.args[0], request.path)
    return 200, _with_url(view, request.base + request.path)


def _post_service_webhooks(app: EmulatorApp, request: Request) -> tuple[int, View]:
    view = request.account.update_service_webhooks(request.args[0], request.path, _params(request))
    return 200, _with_url(view, request.base + request.path)


def _role_scope(app: EmulatorApp, request: Request) -> tuple[str, str]:
    """(service SID, URL prefix): /v1/Roles is the default service's roles."""
    if request.path.startswith("/v1/Roles"):
        service_sid = request.account.configuration["default_chat_service_sid"]
        if not service_sid:
            raise not_found(request.path)
        return service_sid, "/v1/Roles"
    service_sid = request.args[0]
    return service_sid, f"/v1/Services/{service_sid}/Roles"


def _role_sid(request: Request) -> str:
    return request.args[-1]


def _list_roles(app: EmulatorApp, request: Request) -> tuple[int, View]:
    service_sid, prefix = _role_scope(app, request)
    items = request.account.list_roles(service_sid, request.path)
    return _page(request, items, "roles", lambda v: _role(request.base, prefix, v))


def _create_role(app: EmulatorApp, request: Request) -> tuple[int, View]:
    service_sid, prefix = _role_scope(app, request)
    view = request.account.create_role(service_sid, request.path, _params(request))
    return 201, _role(request.base, prefix, view)


def _get_role(app: EmulatorApp, request: Request) -> tuple[int, View]:
    service_sid, prefix = _role_scope(app, request)
    view = request.account.get_role(service_sid, _role_sid(request), request.path)
    return 200, _role(request.base, prefix, view)


def _update_role(app: EmulatorApp, request: Request) -> tuple[int, View]:
    service_sid, prefix = _role_scope(app, request)
    view = request.account.update_role(
        service_sid, _role_sid(request), request.path, _params(request)
    )
    return 200, _role(request.base, prefix, view)


def _delete_role(app: EmulatorApp, request: Request) -> tuple[int, None]:
    service_sid, _ = _role_scope(app, request)
    request.account.delete_role(service_sid, _role_sid(request), request.path)
    return 204, None


def _route(template: str, methods: Mapping[str, Handler]) -> Route:
    pattern = "^" + re.escape(template).replace(re.escape("{Sid}"), "([^/]+)") + "$"
    return Route(template=template, pattern=re.compile(pattern), methods=methods)


ROUTES: tuple[Route, ...] = (
    _route("/v1/Configuration", {"GET": _get_configuration, "POST": _post_configuration}),
    _route("/v1/Configuration/Webhooks", {"GET": _get_webhooks, "POST": _post_webhooks}),
    _route("/v1/Configuration/Addresses", {"GET": _list_addresses, "POST": _create_address}),
    _route(
        "/v1/Configuration/Addresses/{Sid}",
        {"GET": _get_address, "POST": _update_address, "DELETE": _delete_address},
    ),
    _route("/v1/Credentials", {"GET": _list_credentials, "POST": _create_credential}),
    _route(
        "/v1/Credentials/{Sid}",
        {"GET": _get_credential, "POST": _update_credential, "DELETE": _delete_credential},
    ),
    _route("/v1/Services", {"GET": _list_services, "POST": _create_service}),
    _route("/v1/Services/{Sid}", {"GET": _get_service, "DELETE": _delete_service}),
    _route(
        "/v1/Services/{Sid}/Configuration",
        {"GET": _get_service_configuration, "POST": _post_service_configuration},
    ),
    _route(
        "/v1/Services/{Sid}/Configuration/Notifications",
        {"GET": _get_notifications, "POST": _post_notifications},
    ),
    _route(
        "/v1/Services/{Sid}/Configuration/Webhooks",
        {"GET": _get_service_webhooks, "POST": _post_service_webhooks},
    ),
    _route("/v1/Services/{Sid}/Roles", {"GET": _list_roles, "POST": _create_role}),
    _route(
        "/v1/Services/{Sid}/Roles/{Sid}",
        {"GET": _get_role, "POST": _update_role, "DELETE": _delete_role},
    ),
    _route("/v1/Roles", {"GET": _list_roles, "POST": _create_role}),
    _route("/v1/Roles/{Sid}", {"GET": _get_role, "POST": _update_role, "DELETE": _delete_role}),
    _route(
        "/2010-04-01/Accounts.json",
        {"GET": accounts_api.list_accounts, "POST": accounts_api.create_account},
    ),
    _route(
        "/2010-04-01/Accounts/{Sid}.json",
        {"GET": accounts_api.fetch_account, "POST": accounts_api.update_account},
    ),
)
