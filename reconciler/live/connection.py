"""Build the real twilio Client from the environment, or point it at an emulator."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypedDict
from urllib.parse import urlsplit

from requests import PreparedRequest, Session
from requests.adapters import HTTPAdapter
from requests.auth import _basic_auth_str
from requests.hooks import default_hooks, dispatch_hook
from requests.structures import CaseInsensitiveDict
from requests.utils import get_netrc_auth, requote_uri, select_proxy
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from reconciler.emulator import defaults
from reconciler.errors import ConnectionSettingsError
from reconciler.live.transport import ConnectionPool, encode_form

ACCOUNT_SID_PATTERN = re.compile(r"^AC[0-9a-fA-F]{32}$")
API_KEY_PATTERN = re.compile(r"^SK[0-9a-fA-F]{32}$")
REQUEST_TIMEOUT_SECONDS = 30.0
DEFAULT_POOL_SIZE = 16
JSON_CONTENT_TYPES = ("application/json", "application/scim+json")
"""Bodies the SDK sends as JSON rather than as a form (`TwilioHttpClient.request`)."""
_NO_HOOKS = default_hooks()


class _Session(Session):
    """A requests Session that reads proxy and CA-bundle settings from the environment once
    per origin, not on every request (requests scans the whole environment each time; the
    environment does not change during a run), and owns the keep-alive pool that sends what
    needs neither a proxy nor a client certificate (`reconciler.live.transport`)."""

    def __init__(self, pool_size: int) -> None:
        super().__init__()
        self._environment: dict[tuple[Any, ...], Any] = {}
        self._direct: dict[tuple[str, str, tuple[Any, ...]], bool | str | None] = {}
        self.pool = ConnectionPool(idle_per_origin=pool_size)

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> Any:
        parts = urlsplit(str(url))
        key = (
            parts.scheme,
            parts.netloc,
            tuple(sorted((proxies or {}).items())),
            stream,
            verify,
            cert,
        )
        settings = self._environment.get(key)
        if settings is None:
            settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
            self._environment[key] = settings
        return {**settings, "proxies": dict(settings["proxies"])}

    def direct_verify(self, url: str, proxies: Mapping[str, str]) -> bool | str | None:
        """How the keep-alive pool verifies certificates for this URL's origin (True, False or
        a CA bundle path), or None when `requests` must send it: a proxy or a client
        certificate applies."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, tuple(sorted(proxies.items())))
        if key not in self._direct:
            settings = self.merge_environment_settings(url, proxies, None, None, None)
            routed = select_proxy(url, settings["proxies"]) is not None
            self._direct[key] = None if routed or settings["cert"] else settings["verify"]
        return self._direct[key]

    def close(self) -> None:
        super().close()
        self.pool.close()


class RecordingHttpClient(TwilioHttpClient):
    """The SDK's HTTP client, remembering each thread's last response.

    The SDK raises TwilioRestException without the response headers; the retry layer needs
    Retry-After, so it reads the response recorded here by the same thread.
    """

    def __init__(self, pool_size: int = DEFAULT_POOL_SIZE) -> None:
        super().__init__(timeout=REQUEST_TIMEOUT_SECONDS, pool_connections=True)
        self._thread_state = threading.local()
        sdk_session: Session | None = getattr(self, "session", None)
        if sdk_session is not None:
            sdk_session.close()
            session = _Session(pool_size)
            adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            self.session = session

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """The SDK's request (`TwilioHttpClient.request`): the request carries exactly its own
        `auth` and `headers` over the session's default headers, as `Session.prepare_request`
        makes it, and its answer is the same. It goes on the session's keep-alive pool
        (`reconciler.live.transport`) unless a proxy, a client certificate, a JSON body or
        request hooks apply, in which case the session's adapter sends it. Neither way does
        what `Session` would add on every call (merging the session's empty params, auth and
        hooks into the request, keeping cookies): Twilio's REST API authenticates every
        request and sets no cookie; none is kept, so nothing one answer sets reaches another
        request. Redirects, which the SDK never asks to follow, go the SDK's own way."""
        self._thread_state.last_response = None
        if timeout is None:
            timeout = self.timeout
        elif timeout <= 0:
            raise ValueError(timeout)
        session = self.session
        if session is None or allow_redirects:  # the SDK's own way, which follows redirects
            response = super().request(
                method, url, params, data, headers, auth, timeout, allow_redirects
            )
            self._thread_state.last_response = response
            return response
        method = method.upper()
        json_body = headers is not None and headers.get("Content-Type") in JSON_CONTENT_TYPES
        if self._logging():
            self.log_request(
                {
                    "method": method,
                    "url": url,
                    "params": params,
                    "headers": headers,
                    "auth": auth,
                    "hooks": self.request_hooks,
                    "json" if json_body else "data": data,
                }
            )
        merged = CaseInsensitiveDict(session.headers)
        for name, value in (headers or {}).items():
            merged[name] = value
        if session.trust_env and not auth and not session.auth:
            auth = get_netrc_auth(url)
        credentials: Any = auth or session.auth
        verify = None
        if (
            not json_body
            and self.request_hooks == _NO_HOOKS
            and (credentials is None or isinstance(credentials, tuple))
        ):
            verify = session.direct_verify(url, self.proxy)
        if verify is not None:
            response = self._send_direct(
                session.pool, method, url, params, data, merged, credentials, timeout, verify
            )
        else:
            response = self._send_with_requests(
                session, method, url, params, data, merged, credentials, timeout, json_body
            )
        if self._logging():
            self.log_response(response.status_code, response)
        self._thread_state.last_response = response
        return response

    def _send_direct(
        self,
        pool: ConnectionPool,
        method: str,
        url: str,
        params: dict[str, object] | None,
        data: dict[str, object] | None,
        headers: CaseInsensitiveDict[Any],
        auth: tuple[str, str] | None,
        timeout: float,
        verify: bool | str,
    ) -> Response:
        """On the session's keep-alive pool: the same request `requests` would send (its URL
        quoting, form encoding and Basic authorization), without its per-call work."""
        body = encode_form(data) if data else None
        if params:
            query = encode_form(params)
            if query:
                url = f"{url}{'&' if '?' in url else '?'}{query}"
        sent = {name: value for name, value in headers.items() if value is not None}
        if auth is not None:
            sent["Authorization"] = _basic_auth_str(*auth)
        if body is not None and "Content-Type" not in headers:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        answer = pool.send(
            method,
            requote_uri(url),
            sent,
            None if body is None else body.encode("ascii"),
            timeout,
            verify,
        )
        return Response(answer.status, answer.text, answer.headers)

    def _send_with_requests(
        self,
        session: _Session,
        method: str,
        url: str,
        params: dict[str, object] | None,
        data: dict[str, object] | None,
        headers: CaseInsensitiveDict[Any],
        auth: Any,
        timeout: float,
        json_body: bool,
    ) -> Response:
        """Through the session's adapter (what needs a proxy, a client certificate, a JSON
        body or hooks)."""
        prepared = PreparedRequest()
        prepared.prepare(
            method=method,
            url=url,
            headers={name: value for name, value in headers.items() if value is not None},
            params=params or None,
            data=None if json_body else data,
            json=data if json_body else None,
            auth=auth,
            cookies=session.cookies,
            hooks=self.request_hooks,
        )
        settings = session.merge_environment_settings(prepared.url, self.proxy, None, None, None)
        adapter = session.get_adapter(url=str(prepared.url))
        answer = adapter.send(prepared, timeout=timeout, **settings)
        answer = dispatch_hook(  # type: ignore[no-untyped-call]
            "response", prepared.hooks, answer, timeout=timeout, **settings
        )
        return Response(int(answer.status_code), answer.text, answer.headers)

    def _logging(self) -> bool:
        """The SDK logs each request and response at INFO: only format them when it shows."""
        return bool(self.logger.isEnabledFor(logging.INFO))

    def last_response_headers(self) -> Mapping[str, str]:
        """Headers of the response this thread received last (empty if none)."""
        response = getattr(self._thread_state, "last_response", None)
        return dict(response.headers or {}) if response is not None else {}


@dataclass(frozen=True)
class ConnectionSettings:
    """Where the Conversations calls go and with which credentials."""

    account_sid: str
    username: str
    password: str
    region: str | None = None
    edge: str | None = None
    endpoint: str | None = None
    local_state_dir: Path | None = None

    def __repr__(self) -> str:  # never show the secret half of the credentials
        return (
            f"ConnectionSettings(account_sid={self.account_sid!r}, username={self.username!r}, "
            f"endpoint={self.endpoint!r}, local={self.local_state_dir is not None})"
        )

    @classmethod
    def local(cls, state_dir: Path | None = None) -> ConnectionSettings:
        """The embedded emulator, with its state under `.reconciler/` of the working directory."""
        return cls(
            account_sid=defaults.ACCOUNT_SID,
            username=defaults.ACCOUNT_SID,
            password=defaults.AUTH_TOKEN,
            local_state_dir=state_dir or Path.cwd() / defaults.LOCAL_STATE_DIR,
        )

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, endpoint: str | None = None
    ) -> ConnectionSettings:
        env = os.environ if environ is None else environ
        endpoint = endpoint or env.get("RECONCILER_ENDPOINT") or None
        account_sid = env.get("TWILIO_ACCOUNT_SID", "").strip()
        auth_token = env.get("TWILIO_AUTH_TOKEN", "").strip()
        api_key = env.get("TWILIO_API_KEY", "").strip()
        api_secret = env.get("TWILIO_API_SECRET", "").strip()
        if not account_sid:
            raise ConnectionSettingsError(
                "no Twilio credentials: set TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or "
                "TWILIO_ACCOUNT_SID with TWILIO_API_KEY and TWILIO_API_SECRET "
                "(or use --local to run against the embedded emulator)"
            )
        if not ACCOUNT_SID_PATTERN.match(account_sid):
            raise ConnectionSettingsError(
                "TWILIO_ACCOUNT_SID is malformed: expected 'AC' followed by 32 hex digits"
            )
        if api_key or api_secret:
            if not (api_key and api_secret):
                missing = "TWILIO_API_SECRET" if api_key else "TWILIO_API_KEY"
                raise ConnectionSettingsError(
                    f"{missing} is not set: TWILIO_API_KEY and TWILIO_API_SECRET go together"
                )
            if not API_KEY_PATTERN.match(api_key):
                raise ConnectionSettingsError(
                    "TWILIO_API_KEY is malformed: expected 'SK' followed by 32 hex digits"
                )
            username, password = api_key, api_secret
        elif auth_token:
            username, password = account_sid, auth_token
        else:
            raise ConnectionSettingsError(
                "TWILIO_ACCOUNT_SID is set but neither TWILIO_AUTH_TOKEN nor "
                "TWILIO_API_KEY with TWILIO_API_SECRET is"
            )
        if endpoint and not re.match(r"^https?://[^/\s]+", endpoint):
            raise ConnectionSettingsError(
                f"endpoint {endpoint!r} is not an http(s) URL such as http://127.0.0.1:4010"
            )
        problem = endpoint_path_problem(endpoint, "endpoint") if endpoint else None
        if problem:
            raise ConnectionSettingsError(problem)
        return cls(
            account_sid=account_sid,
            username=username,
            password=password,
            endpoint=endpoint.rstrip("/") if endpoint else None,
            **twilio_location(env),
        )


def endpoint_path_problem(endpoint: str, name: str = "--endpoint") -> str | None:
    """Why the http(s) URL `endpoint` is not a base URL (it has a path, such as /v1 or
    /v1/Services, or a query), or None. The client appends the API's own /v1/... paths to the
    base URL, so any path there would be doubled ("/v1/Services/v1/Services was not found").
    A URL that is not http(s) at all is left to the caller's own check."""
    parts = urlsplit(endpoint.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if parts.path.strip("/") == "" and not parts.query and not parts.fragment:
        return None
    return (
        f"{name} {endpoint}: give the base URL, without /v1 or any other path (the client adds "
        f"the API's /v1/... paths itself), such as {parts.scheme}://{parts.netloc}"
    )


class TwilioLocation(TypedDict):
    region: str | None
    edge: str | None


def twilio_location(env: Mapping[str, str]) -> TwilioLocation:
    """The region and edge the twilio library's own variables name (None where unset)."""
    return {"region": env.get("TWILIO_REGION") or None, "edge": env.get("TWILIO_EDGE") or None}


class Connection:
    """An open connection: the twilio Client, and the embedded emulator when one runs."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        self._embedded: Any = None
        endpoint = settings.endpoint
        if settings.local_state_dir is not None:
            from reconciler.emulator.server import EmulatorServer

            settings.local_state_dir.mkdir(parents=True, exist_ok=True)
            self._embedded = EmulatorServer(
                host="127.0.0.1",
                port=0,
                state_path=settings.local_state_dir / defaults.LOCAL_STATE_FILE,
                account_sid=defaults.ACCOUNT_SID,
                auth_token=defaults.AUTH_TOKEN,
            )
            self._embedded.start()
            endpoint = self._embedded.url
        self.client = build_client(settings, endpoint)

    @property
    def description(self) -> str:
        if self.settings.local_state_dir is not None:
            return f"local emulator (state in {self.settings.local_state_dir})"
        if self.settings.endpoint:
            return f"{self.settings.endpoint} (account {self.settings.account_sid})"
        return f"Twilio account {self.settings.account_sid}"

    def close(self) -> None:
        if self._embedded is not None:
            self._embedded.stop()
            self._embedded = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def build_client(
    settings: ConnectionSettings,
    endpoint: str | None = None,
    http_client: RecordingHttpClient | None = None,
) -> Client:
    """The real SDK client; with an endpoint (an emulator), its calls go there instead: see
    `aim_at_emulator`. `http_client` (a connection pool that other clients share) is its own
    one unless given; the credentials are always the client's own, sent by the SDK with each
    of its requests."""
    http_client = http_client or RecordingHttpClient()
    client = Client(
        username=settings.username,
        password=settings.password,
        account_sid=settings.account_sid,
        region=None if endpoint else settings.region,
        edge=None if endpoint else settings.edge,
        http_client=http_client,
        environment={},
    )
    if endpoint:
        aim_at_emulator(client, endpoint)
    return client


HOST_PREFIXED_DOMAINS = ("messaging", "studio")
"""The SDK domains whose requests name their Twilio host in the path (docs/emulator.md,
"Hosts"): Messaging's /v1/Services is also a Conversations path, and Studio is kept apart the
same way."""


def aim_at_emulator(client: Client, endpoint: str) -> None:
    """Send the SDK's calls to one emulator URL. Conversations and the 2010-04-01 API (Accounts,
    IncomingPhoneNumbers) go to the endpoint itself, as they always have; the other products go
    to `{endpoint}/{their Twilio host}` (`http://127.0.0.1:4010/messaging.twilio.com`), which
    the emulator routes to that product. A path prefix, rather than a header or the Host,
    survives proxies and every HTTP client, and comes back in the URLs the emulator answers
    with, so the SDK's next-page requests reach the same product."""
    client.conversations.base_url = endpoint
    client.api.base_url = endpoint
    for name in HOST_PREFIXED_DOMAINS:
        domain = getattr(client, name)
        host = urlsplit(domain.base_url).netloc
        domain.base_url = f"{endpoint}/{host}"
