"""Each target's own credentials: from the environment variables it names, or, for a subaccount,
read with the parent's credentials through the 2010-04-01 Accounts API.

Twilio's rule: Conversations (like every API on its own subdomain) must be called with the
account's own credentials; a parent reaches a subaccount only through the Accounts API, which
returns each subaccount's auth token to its parent. So a subaccount target costs one listing
of the parent's accounts for the whole run (1,000 per page: one call for a default-sized
fleet), not one call per target, and every token read is registered for masking before
anything else happens with it. The listing runs in the background while the targets load
their configurations; a subaccount target waits for it only when it needs its credentials.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from http.cookiejar import DefaultCookiePolicy
from typing import Any

from twilio.rest import Client

from reconciler import redact
from reconciler.errors import ReconcilerError
from reconciler.fleet.errors import TargetError, describe
from reconciler.fleet.model import (
    ACCOUNT_SID,
    DEFAULT_PARENT,
    CredentialVariables,
    Fleet,
    SubaccountRef,
    Target,
)
from reconciler.kinds.base import list_records
from reconciler.live.connection import (
    API_KEY_PATTERN,
    ConnectionSettings,
    RecordingHttpClient,
    build_client,
    twilio_location,
)
from reconciler.live.retry import call_with_retry, http_status
from reconciler.plan.pin import unconfirmed

LIST_PAGE_SIZE = 1000
"""The Accounts list's largest page (its default is 50)."""
FORBIDDEN = 403


@dataclass(frozen=True)
class Subaccount:
    """What the parent's listing says about one account (the token is masked everywhere)."""

    sid: str
    friendly_name: str
    status: str
    owner_account_sid: str
    auth_token: str = field(repr=False)


def close_client(client: Client) -> None:
    """Close the SDK's pooled connections now rather than at garbage collection (a shared
    pool is closed by its run, not by each target)."""
    if isinstance(client.http_client, SharedHttpClient):
        return
    session = getattr(client.http_client, "session", None)
    if session is not None:
        session.close()


class SharedHttpClient(RecordingHttpClient):
    """One connection pool for every target of a run: a target's first calls reuse warm
    connections instead of opening its own (the SDK sends each request's credentials itself).
    Cookies are never kept, so nothing one account's answer sets reaches another's request."""

    def __init__(self, pool_size: int) -> None:
        super().__init__(pool_size=pool_size)
        session = getattr(self, "session", None)
        if session is not None:
            session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))

    def close(self) -> None:
        if self.session is not None:
            self.session.close()


def open_client(
    settings: ConnectionSettings, endpoint: str | None, http: SharedHttpClient | None = None
) -> Client:
    """The real twilio Client for these credentials (on the run's shared connection pool when
    given). With an endpoint (an emulator) both the Conversations API and the 2010-04-01 API
    go there."""
    return build_client(settings, endpoint, http)


def _value(environ: Mapping[str, str], name: str, who: str, where: str | None) -> str:
    value = environ.get(name, "").strip()
    if not value:
        named = f" (named at {where})" if where else ""
        raise TargetError(f"{who}: environment variable {name} is not set{named}")
    return value


def settings_from_variables(
    variables: CredentialVariables,
    environ: Mapping[str, str],
    who: str,
    endpoint: str | None,
) -> ConnectionSettings:
    """Credentials from the variables a target (or the parent) names; their secrets are
    registered for masking as soon as they are read."""
    sid = _value(environ, variables.account_sid, who, variables.where)
    if not ACCOUNT_SID.match(sid):
        raise TargetError(
            f"{who}: {variables.account_sid} is malformed: expected 'AC' followed by 32 hex digits"
        )
    if variables.api_key and variables.api_secret:
        username = _value(environ, variables.api_key, who, variables.where)
        password = _value(environ, variables.api_secret, who, variables.where)
        redact.register([password])
        if not API_KEY_PATTERN.match(username):
            raise TargetError(
                f"{who}: {variables.api_key} is malformed: expected 'SK' followed by 32 hex digits"
            )
    else:
        assert variables.auth_token is not None
        username = sid
        password = _value(environ, variables.auth_token, who, variables.where)
        redact.register([password])
    return ConnectionSettings(
        account_sid=sid,
        username=username,
        password=password,
        endpoint=endpoint,
        **twilio_location(environ),
    )


def parent_settings(
    fleet: Fleet, environ: Mapping[str, str], endpoint: str | None
) -> ConnectionSettings:
    """The parent's credentials: the twilio library's own variables unless the targets file
    names others under `parent: credentials:`."""
    if fleet.parent == DEFAULT_PARENT:
        redact.register_environment(environ)
        return ConnectionSettings.from_environment(environ, endpoint=endpoint)
    return settings_from_variables(fleet.parent, environ, "the parent", endpoint)


def describe_credentials(target: Target) -> str:
    """Which credentials a target uses, for messages (names, never values)."""
    if target.subaccount is not None:
        return f"subaccount {target.subaccount} through the parent's credentials"
    assert target.credentials is not None
    return "the credentials in " + ", ".join(target.credentials.names)


class Resolver:
    """Settings for each target; subaccounts are looked up once per run, in the background
    while the targets load their configurations (a subaccount target waits for the listing
    when it needs its credentials; a target with its own credentials never does)."""

    def __init__(
        self,
        fleet: Fleet,
        environ: Mapping[str, str] | None = None,
        endpoint: str | None = None,
        parent: ConnectionSettings | None = None,
    ) -> None:
        """`parent` overrides the parent's credentials (the embedded emulator's, with --local)."""
        self.fleet = fleet
        self.environ = dict(os.environ if environ is None else environ)
        self.endpoint = endpoint
        self._parent = parent
        self._listing: dict[str, Subaccount] | None = None
        self._parent_sid: str | None = None
        self._lookup_error: str | None = None
        self._listed: threading.Event | None = None
        """Set once the background listing has finished, however it finished."""
        self._lister: threading.Thread | None = None

    def prepare(self, targets: Iterable[Target]) -> None:
        """Start listing the parent's subaccounts if any of these targets is one, and return
        without waiting. A failure there fails those targets only (their reports say why); the
        others run. Lists once however often it is called."""
        if self._listing is not None or self._listed is not None:
            return
        if not any(t.subaccount is not None for t in targets):
            return
        try:
            settings = self._parent or parent_settings(self.fleet, self.environ, self.endpoint)
        except ReconcilerError as error:
            self._lookup_error = f"the parent's credentials: {error}"
            self._listed = threading.Event()
            self._listed.set()
            return
        self._parent_sid = settings.account_sid
        self._listed = threading.Event()
        self._lister = threading.Thread(
            target=self._list, args=(settings, self._listed), name="subaccounts", daemon=True
        )
        self._lister.start()

    def _list(self, settings: ConnectionSettings, listed: threading.Event) -> None:
        """The listing, on its own thread: whatever happens, its outcome is `_listing` or
        `_lookup_error`, and `listed` is set so that no target waits forever."""
        try:
            client = open_client(settings, self.endpoint)
            try:
                self._listing = list_accounts(client)
            finally:
                close_client(client)
        except BaseException as error:  # nowhere else to go: the targets report it
            self._lookup_error = _listing_problem(error, settings)
        finally:
            listed.set()

    def wait(self) -> None:
        """Until the listing `prepare` started has finished (at once if none was started)."""
        if self._listed is not None:
            self._listed.wait()

    def close(self, wait: bool = True) -> None:
        """End of the run: the listing's thread is done (unless `wait` is False, on an
        interrupt, when the daemon thread is left to end with the process)."""
        if wait and self._lister is not None:
            self._lister.join()

    def use_listing(self, parent_sid: str, listing: dict[str, Subaccount]) -> None:
        """Take a listing already made (export --subaccounts lists before it has targets)."""
        self._parent_sid = parent_sid
        self._listing = listing

    def settings(self, target: Target) -> ConnectionSettings:
        """This target's credentials (raises TargetError saying what is missing or wrong)."""
        if target.credentials is not None:
            settings = settings_from_variables(
                target.credentials, self.environ, f"target {target.name}", self.endpoint
            )
        else:
            assert target.subaccount is not None
            found = self.subaccount(target.subaccount)
            settings = ConnectionSettings(
                account_sid=found.sid,
                username=found.sid,
                password=found.auth_token,
                endpoint=self.endpoint,
                **twilio_location(self.environ),
            )
        check_pin(target, settings.account_sid, "its credentials are for account")
        if target.region or target.edge:  # the target's own, over TWILIO_REGION / TWILIO_EDGE
            settings = replace(
                settings, region=target.region or settings.region, edge=target.edge or settings.edge
            )
        return settings

    def subaccount(self, ref: SubaccountRef) -> Subaccount:
        """The listed subaccount `ref` names (waits for the listing if it is still running)."""
        self.wait()
        if self._lookup_error is not None:
            raise TargetError(self._lookup_error)
        if self._listing is None:
            raise TargetError("the parent's subaccounts were not listed")
        parent = self._parent_sid or "the parent"
        accounts = list(self._listing.values())
        if ref.sid is not None:
            matches = [item for item in accounts if item.sid.lower() == ref.sid.lower()]
        else:
            matches = [item for item in accounts if item.friendly_name == ref.friendly_name]
        matches = [item for item in matches if item.sid != self._parent_sid] or matches
        if not matches:
            subs = [item for item in accounts if item.sid != self._parent_sid]
            owned = any(item.owner_account_sid == self._parent_sid for item in accounts)
            if accounts and not owned:
                hint = "; these credentials are a subaccount's, and subaccounts have none"
            elif ref.friendly_name is not None:
                hint = " (friendly names match exactly, as Twilio's FriendlyName filter does)"
            else:
                hint = ""
            raise TargetError(
                f"no subaccount {ref} among the {len(subs)} subaccounts of {parent}{hint}"
            )
        if len(matches) > 1:
            sids = ", ".join(item.sid for item in matches)
            raise TargetError(
                f"{len(matches)} subaccounts of {parent} are named {ref} ({sids}); name the "
                "target's subaccount by SID"
            )
        found = matches[0]
        if found.sid == self._parent_sid:
            raise TargetError(
                f"{found.sid} is the parent account itself, not a subaccount; give the target "
                "credentials: instead"
            )
        if found.status != "active":
            raise TargetError(
                f"subaccount {found.sid} ({found.friendly_name}) is {found.status}: Twilio "
                "accepts no calls with its credentials"
            )
        return found


def check_pin(target: Target, reached: str | None, how: str) -> None:
    """Refuse when the account reached is not the one the target is pinned to."""
    pinned = target.pin
    if pinned is None or (reached is not None and reached.lower() == pinned.lower()):
        return
    where = f" ({target.account_where})" if target.account_where else ""
    if reached is None:  # a pin that cannot be confirmed does not pass
        raise TargetError(
            f"refusing to run: target {target.name} is pinned to account {pinned}{where}, but "
            f"{unconfirmed(how)}."
        )
    raise TargetError(
        f"refusing to run: target {target.name} is pinned to account {pinned}{where}, but {how} "
        f"{reached}. Nothing was changed."
    )


def list_accounts(client: Client) -> dict[str, Subaccount]:
    """Every account the credentials may list (the parent and its subaccounts), through the
    SDK's `api.v2010.accounts` (its requests, next-page links and errors), retried where safe.

    The pages are read as the JSON the API sent (`list_records`), not as SDK instances: an
    instance parses each of its dates (RFC 2822 text), which for a hundred accounts costs more
    CPU than the rest of the listing, and nothing here uses them. Every token is registered for
    masking before the records are made.
    """
    headers = getattr(client.http_client, "last_response_headers", dict)
    records: list[dict[str, Any]] = call_with_retry(
        lambda: list(list_records(client.api.v2010.accounts, LIST_PAGE_SIZE)), headers=headers
    )
    redact.register(str(record["auth_token"]) for record in records if record.get("auth_token"))
    return {
        str(record["sid"]): Subaccount(
            sid=str(record["sid"]),
            friendly_name=str(record.get("friendly_name") or ""),
            status=str(record.get("status") or ""),
            owner_account_sid=str(record.get("owner_account_sid") or ""),
            auth_token=str(record.get("auth_token") or ""),
        )
        for record in records
    }


def _listing_problem(error: BaseException, settings: ConnectionSettings) -> str:
    status = http_status(error)
    if status == FORBIDDEN:
        return (
            f"the parent's credentials ({settings.username}) may not list subaccounts (HTTP 403): "
            "a Standard API key cannot act on the parent's behalf on the Accounts API; use the "
            "parent's auth token or a Main API key"
        )
    return "listing the parent's subaccounts failed: " + describe(
        error, credentials=f"the parent's ({settings.account_sid})"
    )
