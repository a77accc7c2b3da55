"""Build the real twilio Client from the environment, or point it at an emulator."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from requests import Session
from requests.adapters import HTTPAdapter
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from reconciler.emulator import defaults
from reconciler.errors import ConnectionSettingsError

ACCOUNT_SID_PATTERN = re.compile(r"^AC[0-9a-fA-F]{32}$")
API_KEY_PATTERN = re.compile(r"^SK[0-9a-fA-F]{32}$")
REQUEST_TIMEOUT_SECONDS = 30.0
DEFAULT_POOL_SIZE = 16


class _Session(Session):
    """A requests Session that reads proxy and CA-bundle settings from the environment once
    per origin, not on every request (requests scans the whole environment each time; the
    environment does not change during a run)."""

    def __init__(self) -> None:
        super().__init__()
        self._environment: dict[tuple[Any, ...], Any] = {}

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
            session = _Session()
            adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            self.session = session

    def request(self, *args: Any, **kwargs: Any) -> Response:
        self._thread_state.last_response = None
        response = super().request(*args, **kwargs)
        self._thread_state.last_response = response
        return response

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
        return cls(
            account_sid=account_sid,
            username=username,
            password=password,
            region=env.get("TWILIO_REGION") or None,
            edge=env.get("TWILIO_EDGE") or None,
            endpoint=endpoint.rstrip("/") if endpoint else None,
        )


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


def build_client(settings: ConnectionSettings, endpoint: str | None = None) -> Client:
    """The real SDK client; with an endpoint (an emulator), its Conversations and 2010-04-01
    (Accounts) calls go there instead."""
    http_client = RecordingHttpClient()
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
        client.conversations.base_url = endpoint
        client.api.base_url = endpoint
    return client
