"""One scenario's conversation with a target: every call goes through the twilio SDK (its
domains' `request`, so the SDK's authentication, headers and base URLs) and every answer is
kept as it came (status, Twilio code, JSON body) for the snapshot.

A path that starts with a Twilio host (`/messaging.twilio.com/v1/Services`, spec.HOST_PREFIXED)
goes to the SDK's domain for that host, as the rest of the path: the form the emulator reads,
kept as it is in the snapshot whatever the target.

Everything a scenario creates is named with the run's prefix (`parity-<start><random>-`: the
run's start in 8 hex digits of Unix seconds, then 4 random hex digits), so that cleanup can find
it, and find nothing else: `sweep` deletes services (their conversations first), conversations
of the default service, roles of the default service, credentials, address configurations,
Messaging Services, Studio Flows, phone numbers and API keys, and closes subaccounts, whose
friendly name starts with a parity prefix, never anything else. After each scenario it
removes that run's own; at the start of a run, only what runs that started over
STALE_AFTER_SECONDS ago left (`leftovers`), so that a run in progress on the same account (a
colleague's) is not swept.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from twilio.rest import Client

from reconciler.kinds.role import BUILT_IN_ROLE_NAMES
from reconciler.parity import spec
from reconciler.parity.account_wide import SETTINGS, Pending, Setting
from reconciler.parity.transform import Transformer

SID = re.compile(r"\b[A-Z]{2}[0-9a-f]{32}\b")

RUN_PREFIX = re.compile(r"^parity-(?P<started>[0-9a-f]{8})[0-9a-f]{4}-")
"""Names any parity run gives: `parity-`, the run's start (Unix seconds, 8 hex digits), 4
random hex digits and a dash. Start-of-run cleanup reads a leftover's age from it."""
STALE_AFTER_SECONDS = 2 * 60 * 60
"""A run's leftovers are swept by another run once it started this long ago. A run is bounded
by the recording workflow's 20-minute timeout, so one still in progress is never swept; its
start comes from another machine's clock, hence the margin."""
ACCOUNTS = "/2010-04-01/Accounts"
MESSAGING_SERVICES = f"/{spec.HOST_PREFIXED['messaging']}/v1/Services"
STUDIO_FLOWS = f"/{spec.HOST_PREFIXED['studio']}/v2/Flows"
IAM_KEYS = f"/{spec.HOST_PREFIXED['iam']}/v1/Keys"
LIST_KEYS_2010 = ("accounts", "incoming_phone_numbers")
"""The item lists of the 2010-04-01 API's pages (they have no `meta.key`)."""


def new_run_prefix(now: float | None = None) -> str:
    """A run's prefix: its start (`now`, default the current time) and 4 random hex digits."""
    started = int(time.time() if now is None else now)
    return f"parity-{started:08x}{secrets.token_hex(2)}-"


def leftovers(current: str, now: float | None = None) -> Callable[[str], bool]:
    """Whether a name is what a run left that started over STALE_AFTER_SECONDS before `now`:
    never the `current` run's, never a name not of RUN_PREFIX's shape."""
    cutoff = (time.time() if now is None else now) - STALE_AFTER_SECONDS

    def stale(name: str) -> bool:
        found = RUN_PREFIX.match(name)
        return (
            found is not None
            and not name.startswith(current)
            and int(found["started"], 16) < cutoff
        )

    return stale


class ScenarioBroken(Exception):
    """An answer lacks what the scenario needs to go on (the SID it just created, say): the
    target refused a step the rest depends on. The run keeps the answers up to it."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"step {step!r}: {reason}")
        self.step = step
        self.reason = reason


@dataclass
class Answer:
    """One call and what the target answered."""

    step: str
    method: str
    path: str
    params: dict[str, Any]
    status: int
    code: int | None
    body: Any
    example: str | None = None
    """Which published example of the operation this step corresponds to (None: the first)."""
    refusal: int | None = None
    """The Twilio code this step expects (the project's reading of Twilio's error list)."""
    own_only: bool = False
    """A list page cut to the scenario's own items (see `Session.call`)."""

    def field(self, name: str) -> Any:
        """A field of the body the scenario needs to continue."""
        if not isinstance(self.body, Mapping) or self.body.get(name) is None:
            raise ScenarioBroken(
                self.step, f"{_status(self.status, self.body)} has no {name!r} to continue with"
            )
        return self.body[name]


@dataclass
class Session:
    """What a scenario calls: `call` records, `quiet` does not (setup and cleanup reads)."""

    client: Client
    transformer: Transformer
    prefix: str
    live: bool = False
    """The target may be Twilio (target.Target.live): nothing may be bought unasked."""
    pending: Pending = field(default_factory=Pending)
    """Account-wide settings the run has changed and not yet put back (account_wide.py)."""
    answers: list[Answer] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    """SIDs that recorded answers (and requests) have shown so far."""
    _changing: Setting | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        _aim_products(self.client)

    def name(self, suffix: str) -> str:
        return f"{self.prefix}{suffix}"

    def secret(self, label: str) -> str:
        """A fresh secret value to send: registered so no snapshot can hold it."""
        value = f"{label}-{secrets.token_hex(16)}"
        self.transformer.add_secrets([value])
        return value

    def _send(
        self,
        method: str,
        path: str,
        data: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None,
    ) -> tuple[int, Any]:
        form = {key: _wire(value) for key, value in (data or {}).items()}
        params = {key: _wire(value) for key, value in (query or {}).items()}
        if path.startswith("http"):
            response = self.client.request(method, path, params=params or None)
        else:
            domain, rest = self._domain(path)
            response = domain.request(method, rest, params=params or None, data=form or None)
        body: Any = None
        if response.text:
            try:
                body = json.loads(response.text)
            except ValueError:
                body = {"<not JSON>": response.text[:200]}
        return response.status_code, body

    def _domain(self, path: str) -> tuple[Any, str]:
        """The SDK domain a relative path goes to, and the path within it."""
        for name, host in spec.HOST_PREFIXED.items():
            if path.startswith(f"/{host}/"):
                return getattr(self.client, name), path.removeprefix(f"/{host}")
        if path.startswith("/2010-04-01"):
            return self.client.api, path
        return self.client.conversations, path

    def call(
        self,
        step: str,
        method: str,
        path: str,
        data: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        *,
        example: str | None = None,
        refusal: int | None = None,
        own_only: bool = False,
    ) -> Answer:
        """One recorded call. `own_only` cuts a list page to the items this scenario knows:
        named with the run's prefix, seen before in this scenario (the default service, the
        caller's account), or built in by Twilio (the four roles of every service). What else
        an account holds differs from account to account and is not the suite's business."""
        status, body = self._send(method, path, data, query)
        if own_only and status == 200:
            body = self._own_items(body)
        code = body.get("code") if status >= 400 and isinstance(body, Mapping) else None
        answer = Answer(
            step=step,
            method=method,
            path=path,
            params={**(query or {}), **(data or {})},
            status=status,
            code=code if isinstance(code, int) else None,
            body=body,
            example=example,
            refusal=refusal,
            own_only=own_only,
        )
        if isinstance(body, Mapping):  # tokens a body hands out are secrets from now on
            self.transformer.add_secrets(_secret_values(body))
            changed = self._changing
            if changed and (method, path) == ("POST", changed.path) and status < 400:
                self.pending.left(changed, body)
        self.seen.update(SID.findall(json.dumps([path, body])))
        self.answers.append(answer)
        return answer

    def _own_items(self, body: Any) -> Any:
        if not isinstance(body, Mapping):
            return body
        key = (body.get("meta") or {}).get("key") or next(
            (name for name in LIST_KEYS_2010 if name in body), None
        )
        if key is None or not isinstance(body.get(key), list):
            return body

        def own(item: Any) -> bool:
            name = str(item.get("friendly_name") or "") if isinstance(item, Mapping) else ""
            sid = item.get("sid") if isinstance(item, Mapping) else None
            return (
                name.startswith(self.prefix)
                or sid in self.seen
                or sid == self.transformer.account_sid
                or name in BUILT_IN_ROLE_NAMES
            )

        return {**body, key: [item for item in body[key] if own(item)]}

    def quiet(
        self,
        method: str,
        path: str,
        data: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
    ) -> Any:
        """A call outside the snapshot: setup reads and cleanup."""
        status, body = self._quiet(method, path, data, query)
        return body if status < 400 else None

    def _quiet(
        self,
        method: str,
        path: str,
        data: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None = None,
    ) -> tuple[int, Any]:
        status, body = self._send(method, path, data, query)
        if isinstance(body, Mapping):
            self.transformer.add_secrets(_secret_values(body))
        return status, body

    @contextmanager
    def changing(self, setting: Setting, fetched: Answer) -> Iterator[None]:
        """Changes to an account-wide `setting` in the block are put back as `fetched` (the
        scenario's recorded read of it) had it, however the block ends, and remembered until
        then (account_wide.Pending). Without a read to put back, nothing is changed: the
        scenario is cut short at that read."""
        if fetched.status >= 400 or not isinstance(fetched.body, Mapping):
            raise ScenarioBroken(
                fetched.step,
                f"{_status(fetched.status, fetched.body)}: the values to put back are "
                "unknown, so the account's setting is left unchanged",
            )
        restore = setting.restore(fetched.body)
        self.pending.remember(setting, restore)
        self._changing = setting
        try:
            yield
        finally:
            self._changing = None
            status, _ = self._quiet("POST", setting.path, restore)
            if status < 400:  # refused: kept, for the next run to put back
                self.pending.forget(setting)

    def created(self, path: str, data: Mapping[str, Any], what: str) -> str:
        """Something the scenario needs, created outside the snapshot; its SID. A refusal cuts
        the scenario short (ScenarioBroken), at a step the snapshot does not hold."""
        status, body = self._quiet("POST", path, data)
        if status >= 400 or not isinstance(body, Mapping) or not body.get("sid"):
            raise ScenarioBroken(f"setup: create the {what}", f"{_status(status, body)} refused")
        return str(body["sid"])


def _status(status: int, body: Any) -> str:
    """How a cut-short note names an answer: `the answer (403, code 20403: message)`."""
    code = body.get("code") if isinstance(body, Mapping) else None
    message = body.get("message") if isinstance(body, Mapping) else None
    detail = f", code {code}" if code is not None else ""
    detail += f": {message}" if message else ""
    return f"the answer ({status}{detail})"


TWILIO_CONVERSATIONS = "https://conversations.twilio.com"


def _aim_products(client: Client) -> None:
    """Send every product of spec.HOST_PREFIXED where Conversations goes, behind its host, when
    Conversations goes to an endpoint: `build_client` aims Messaging and Studio so, but leaves
    IAM (which the engine never calls) at Twilio, where an emulator run must never reach."""
    endpoint = str(client.conversations.base_url).rstrip("/")
    if endpoint == TWILIO_CONVERSATIONS:
        return
    for name, host in spec.HOST_PREFIXED.items():
        domain = getattr(client, name)
        if urlsplit(str(domain.base_url)).hostname == host:
            domain.base_url = f"{endpoint}/{host}"


def _wire(value: Any) -> Any:
    """Form values as Twilio reads them: booleans as true/false, lists as repeated keys."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return [_wire(item) for item in value]
    return str(value)


def _secret_values(body: Any) -> Iterator[str]:
    from reconciler.parity.transform import is_secret_field

    if isinstance(body, Mapping):
        for key, value in body.items():
            if isinstance(value, str) and is_secret_field(str(key)):
                yield value
            else:
                yield from _secret_values(value)
    elif isinstance(body, list):
        for item in body:
            yield from _secret_values(item)


def _records(
    session: Session, path: str, key: str, query: Mapping[str, Any] | None = None
) -> Iterator[dict[str, Any]]:
    """Every record of a list, following its next-page links, unrecorded."""
    url: str | None = path
    while url:
        page = session.quiet("GET", url, query=query if url == path else None)
        if not isinstance(page, Mapping):
            return
        yield from page.get(key) or []
        meta = page.get("meta") or {}
        relative = page.get("next_page_uri")  # the 2010-04-01 API links relative to its host
        url = meta.get("next_page_url") or (
            f"{session.client.api.base_url}{relative}" if relative else None
        )


def put_back(session: Session) -> list[str]:
    """Put back the account-wide settings an earlier run changed and never reached its
    `finally` for (its pending file), unless they changed since; what was done, for the log."""
    done: list[str] = []
    for name, entry in list(session.pending.entries.items()):
        setting = SETTINGS[name]
        live = session.quiet("GET", setting.path)
        if not isinstance(live, Mapping):
            done.append(f"{name}: not read, so not put back yet ({session.pending.path})")
            continue
        if entry.get("left") is not None and setting.values(live) != entry["left"]:
            done.append(
                f"{name}: an interrupted run changed it, and it has changed since: left as it is"
            )
        elif session.quiet("POST", setting.path, entry["restore"]) is None:
            done.append(f"{name}: refused, so not put back yet ({session.pending.path})")
            continue
        else:
            done.append(f"{name}: put back as it was before an interrupted run changed it")
        session.pending.forget(setting)
    return done


def sweep(session: Session, matches: Callable[[str], bool] | None = None) -> list[str]:
    """Delete (or, for subaccounts, close) what parity runs created: names `matches` accepts
    (default: this run's prefix). Returns what it removed, for the run's log."""
    removed: list[str] = []

    def mine(record: Mapping[str, Any]) -> bool:
        name = str(record.get("friendly_name") or "")
        return matches(name) if matches else name.startswith(session.prefix)

    def remove(
        path: str,
        key: str,
        label: str,
        item_path: str = "{path}/{sid}",
        query: Mapping[str, Any] | None = None,
    ) -> None:
        for record in list(_records(session, path, key, query)):
            if mine(record):
                if label == "service":  # its conversations first, not by Twilio's cascade
                    remove(f"{path}/{record['sid']}/Conversations", "conversations", "conversation")
                session.quiet("DELETE", item_path.format(path=path, sid=record["sid"]))
                removed.append(f"{label} {record['friendly_name']}")

    numbers = f"{ACCOUNTS}/{session.client.account_sid}/IncomingPhoneNumbers"
    remove("/v1/Roles", "roles", "role")
    remove("/v1/Credentials", "credentials", "credential")
    remove("/v1/Configuration/Addresses", "address_configurations", "address configuration")
    remove("/v1/Conversations", "conversations", "conversation")
    remove("/v1/Services", "services", "service")
    remove(MESSAGING_SERVICES, "services", "messaging service")
    remove(STUDIO_FLOWS, "flows", "studio flow")
    remove(f"{numbers}.json", "incoming_phone_numbers", "phone number", f"{numbers}/{{sid}}.json")
    remove(IAM_KEYS, "keys", "API key", query={"AccountSid": session.client.account_sid})
    for record in list(_records(session, f"{ACCOUNTS}.json", "accounts")):
        if mine(record) and record.get("status") != "closed":
            session.quiet("POST", f"{ACCOUNTS}/{record['sid']}.json", {"Status": "closed"})
            removed.append(f"subaccount {record['friendly_name']} (closed)")
    return removed
