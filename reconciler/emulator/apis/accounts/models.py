"""Accounts and subaccounts: who a request authenticates as, and the 2010-04-01 Accounts API.

No HTTP here (responses.py translates). The emulator serves one main account and the
subaccounts it owns; each account holds its own Conversations state (Conversations'
models.account.Account, with its own default service). What Twilio documents, and the
emulator therefore does:

* A main account has up to 1,000 subaccounts (REST API: Subaccounts).
* Conversations and the other APIs on their own subdomain must be called with the account's
  own credentials: its account SID with its auth token, or one of its API keys. Conversations
  URLs name no account, so the credentials pick the account whose state a request sees.
* The parent's auth token reaches its subaccounts through the 2010-04-01 Accounts API only:
  listing returns the parent and its subaccounts, each with its `auth_token`. Listing,
  creating and updating subaccounts takes the parent's auth token or a Main API key; a
  Standard API key "can't perform those actions on the parent account's behalf" (REST API:
  Accounts).
* Subaccount credentials cannot reach the main account or another subaccount ("Using
  subaccount credentials to access master account" is a cause of 20003 in Twilio's list), and
  a suspended or closed account cannot authenticate (another listed cause of 20003).

What Twilio does not document, and what the emulator assumes, is listed in docs/emulator.md
("Accounts and subaccounts").
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any, Literal

from reconciler.emulator import errors, form
from reconciler.emulator.apis.conversations.models.account import Account
from reconciler.emulator.apis.conversations.models.state import (
    STATE_VERSION as CONVERSATIONS_STATE_VERSION,
)
from reconciler.emulator.apis.iam.models import RESTRICTED, ApiKeys
from reconciler.emulator.apis.incoming_phone_numbers.models import IncomingPhoneNumbers
from reconciler.emulator.apis.messaging.models import MessagingServices
from reconciler.emulator.apis.studio.models import Flows
from reconciler.emulator.errors import ApiError
from reconciler.emulator.form import Params, invalid
from reconciler.emulator.records import Collection, View, new_sid, now, rfc2822_now

STATE_VERSION = 2
"""Version 1 files hold the main account's Conversations state only (no subaccounts)."""
MAX_SUBACCOUNTS = 1000
MAX_FRIENDLY_NAME = 64
STATUSES = ("active", "suspended", "closed")
ACCOUNT_TYPE = "Full"
MAIN_FRIENDLY_NAME = "Emulated main account"
SEED_PREFIX = "tenant-"
API_KEY_TYPES = ("standard", "main")
PREFIX = "/2010-04-01/Accounts"

SUBRESOURCES: tuple[tuple[str, str], ...] = (
    ("addresses", "Addresses.json"),
    ("applications", "Applications.json"),
    ("authorized_connect_apps", "AuthorizedConnectApps.json"),
    ("available_phone_numbers", "AvailablePhoneNumbers.json"),
    ("balance", "Balance.json"),
    ("calls", "Calls.json"),
    ("conferences", "Conferences.json"),
    ("connect_apps", "ConnectApps.json"),
    ("incoming_phone_numbers", "IncomingPhoneNumbers.json"),
    ("keys", "Keys.json"),
    ("messages", "Messages.json"),
    ("notifications", "Notifications.json"),
    ("outgoing_caller_ids", "OutgoingCallerIds.json"),
    ("queues", "Queues.json"),
    ("recordings", "Recordings.json"),
    ("short_codes", "SMS/ShortCodes.json"),
    ("signing_keys", "SigningKeys.json"),
    ("sip", "SIP.json"),
    ("transcriptions", "Transcriptions.json"),
    ("usage", "Usage.json"),
)
"""`subresource_uris` of an account, as Twilio's examples list them (relative URIs)."""

CredentialKind = Literal["auth_token", "main_key", "standard_key", "restricted_key"]


def default_friendly_name() -> str:
    """Twilio's default: `SubAccount Created at {YYYY-MM-DD HH:MM meridian}`."""
    at = now()
    return f"SubAccount Created at {at.strftime('%Y-%m-%d %I:%M')} {at.strftime('%p').lower()}"


def new_auth_token() -> str:
    """32 lowercase hex digits, the shape of Twilio's auth tokens."""
    return uuid.uuid4().hex


def _matches(expected: str | None, given: str) -> bool:
    return expected is not None and hmac.compare_digest(
        expected.encode("utf-8"), given.encode("utf-8")
    )


def unauthenticated() -> ApiError:
    return ApiError(errors.AUTHENTICATION_FAILED, "Authenticate")


def forbidden(message: str) -> ApiError:
    return ApiError(errors.FORBIDDEN, message)


@dataclass(frozen=True)
class ApiKey:
    """An API key of one account; only the main account's keys are modelled."""

    sid: str
    secret: str
    account_sid: str
    type: str = "standard"


@dataclass(frozen=True)
class Principal:
    """Who a request authenticated as: which account, with which kind of credential."""

    account_sid: str
    credential: CredentialKind
    policy: frozenset[str] | None = None
    """A restricted key's allowed permissions (app.py refuses the rest); None: not restricted."""
    key_sid: str | None = None

    @property
    def manages_accounts(self) -> bool:
        """An auth token or a Main API key may act on the Accounts API; a Standard or a
        restricted key not."""
        return self.credential in ("auth_token", "main_key")


@dataclass
class AccountRecord:
    """One account: its 2010-04-01 properties, its own Conversations state, and its records of
    the other APIs (Messaging Services, Studio Flows, phone numbers)."""

    sid: str
    friendly_name: str
    owner_account_sid: str
    auth_token: str
    conversations: Account
    status: str = "active"
    type: str = ACCOUNT_TYPE
    date_created: str = field(default_factory=rfc2822_now)
    date_updated: str = ""
    seq: int = 0
    messaging: MessagingServices = field(default_factory=MessagingServices)
    studio: Flows = field(default_factory=Flows)
    phone_numbers: IncomingPhoneNumbers = field(default_factory=IncomingPhoneNumbers)
    iam_keys: ApiKeys = field(default_factory=ApiKeys)

    def __post_init__(self) -> None:
        self.date_updated = self.date_updated or self.date_created

    @property
    def neighbours(self) -> dict[str, Collection]:
        """The other APIs' collections by state-file key. A record saved before an API existed
        has no key for it: its collection starts empty."""
        return {
            "messaging": self.messaging,
            "studio": self.studio,
            "incoming_phone_numbers": self.phone_numbers,
            "iam_keys": self.iam_keys,
        }

    @property
    def is_main(self) -> bool:
        return self.owner_account_sid == self.sid

    def view(self, with_token: bool = True) -> View:
        """The JSON Twilio returns: every property of the spec's account schema."""
        uri = f"{PREFIX}/{self.sid}"
        return {
            "auth_token": self.auth_token if with_token else None,
            "date_created": self.date_created,
            "date_updated": self.date_updated,
            "friendly_name": self.friendly_name,
            "owner_account_sid": self.owner_account_sid,
            "sid": self.sid,
            "status": self.status,
            "subresource_uris": {name: f"{uri}/{path}" for name, path in SUBRESOURCES},
            "type": self.type,
            "uri": f"{uri}.json",
        }

    def properties(self) -> dict[str, Any]:
        """The 2010-04-01 side, as saved. The main account's auth token is not kept (it comes
        from the command line on every start); a subaccount's is, so it keeps working."""
        return {
            "sid": self.sid,
            "friendly_name": self.friendly_name,
            "owner_account_sid": self.owner_account_sid,
            "auth_token": None if self.is_main else self.auth_token,
            "status": self.status,
            "type": self.type,
            "date_created": self.date_created,
            "date_updated": self.date_updated,
            "seq": self.seq,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.properties(),
            "conversations": self.conversations.to_dict(),
            **{key: collection.to_dict() for key, collection in self.neighbours.items()},
        }

    def discard_changes(self) -> None:
        self.conversations.discard_changes()
        for collection in self.neighbours.values():
            collection.discard_changes()


class Directory:
    """The main account, its subaccounts and its API keys. Not thread-safe: callers lock
    around writes (reads of single dict entries are atomic)."""

    def __init__(self, main: AccountRecord, api_keys: Mapping[str, ApiKey] | None = None) -> None:
        if not main.is_main:
            raise ValueError("the main account must own itself")
        self.main = main
        self.records: dict[str, AccountRecord] = {main.sid: main}
        self.api_keys: dict[str, ApiKey] = dict(api_keys or {})
        self.seq = max(main.seq, 1)
        main.seq = main.seq or 1
        # Accounts created, and accounts whose 2010-04-01 properties changed, since the last
        # drain_changes(); each account's Conversations state tracks its own changes.
        self._created: dict[str, None] = {}
        self._updated: dict[str, None] = {}

    @classmethod
    def fresh(
        cls, main_sid: str, auth_token: str, api_keys: Mapping[str, ApiKey] | None = None
    ) -> Directory:
        """A new main account with its default conversation service, and no subaccounts."""
        main = AccountRecord(
            sid=main_sid,
            friendly_name=MAIN_FRIENDLY_NAME,
            owner_account_sid=main_sid,
            auth_token=auth_token,
            conversations=Account.fresh(main_sid),
            seq=1,
        )
        return cls(main, api_keys)

    # ------------------------------------------------------------ authentication

    def authenticate(self, username: str, password: str) -> Principal | None:
        """The principal behind HTTP Basic credentials, or None (401 / 20003)."""
        record = self.records.get(username)
        if record is not None:
            if record.status != "active" or not _matches(record.auth_token, password):
                return None
            return Principal(record.sid, "auth_token")
        key = self.api_keys.get(username)
        if key is None:
            return self._authenticate_iam_key(username, password)
        if not _matches(key.secret, password):
            return None
        owner = self.records.get(key.account_sid)
        if owner is None or owner.status != "active":
            return None
        return Principal(owner.sid, "main_key" if key.type == "main" else "standard_key")

    def _authenticate_iam_key(self, sid: str, secret: str) -> Principal | None:
        """A key made through the IAM API, kept by its account (as a digest of its secret);
        a restricted key brings its policy as it is now (an update applies at once)."""
        for record in self.records.values():
            key = record.iam_keys.matching(sid, secret)
            if key is None:
                continue
            if record.status != "active":
                return None
            if key["key_type"] == RESTRICTED:
                allowed = frozenset(key["policy"]["allow"])
                return Principal(record.sid, "restricted_key", allowed, sid)
            return Principal(record.sid, "standard_key", None, sid)
        return None

    def conversations(self, principal: Principal) -> Account:
        """The Conversations state a request sees: its credentials' own account's."""
        return self.records[principal.account_sid].conversations

    def own(self, principal: Principal) -> AccountRecord:
        """The credentials' own account: the one APIs whose URLs name no account act on."""
        return self.records[principal.account_sid]

    def visible(self, principal: Principal, sid: str) -> AccountRecord:
        """The account a 2010-04-01 URL names, if these credentials may act on it (below)."""
        return self._visible(principal, sid)

    # ------------------------------------------------------------ subaccounts

    def subaccounts(self) -> list[AccountRecord]:
        return [record for record in self.records.values() if not record.is_main]

    def add_subaccount(self, friendly_name: str) -> AccountRecord:
        """Create a subaccount of the main account (no permission checks: seeding, tests)."""
        if len(self.subaccounts()) >= MAX_SUBACCOUNTS:
            raise forbidden(
                f"the main account already has {MAX_SUBACCOUNTS} subaccounts, Twilio's default "
                "limit (Twilio Support raises it)"
            )
        sid = new_sid("AC")
        self.seq += 1
        record = AccountRecord(
            sid=sid,
            friendly_name=friendly_name,
            owner_account_sid=self.main.sid,
            auth_token=new_auth_token(),
            conversations=Account.fresh(sid),
            seq=self.seq,
        )
        self.records[sid] = record
        self._created[sid] = None
        return record

    def seed_subaccounts(self, count: int) -> list[AccountRecord]:
        """Make sure subaccounts `tenant-001` ... exist (by friendly name); returns them all.

        Idempotent, so `--subaccounts N` with a state file does not add N more on each start.
        """
        width = max(3, len(str(count)))
        names = [f"{SEED_PREFIX}{index:0{width}d}" for index in range(1, count + 1)]
        existing = {record.friendly_name: record for record in self.subaccounts()}
        return [existing.get(name) or self.add_subaccount(name) for name in names]

    # ------------------------------------------------------------ the Accounts API

    def _visible(self, principal: Principal, sid: str) -> AccountRecord:
        """The account `sid` if these credentials may see it: their own, or (for the main
        account's credentials) one of its subaccounts. Anything else is 401 / 20003, the answer
        Twilio lists for "subaccount credentials to access master account"; an unknown SID
        answers the same, so credentials learn nothing about accounts that are not theirs."""
        record = self.records.get(sid)
        if record is None:
            raise unauthenticated()
        if record.sid == principal.account_sid:
            return record
        if record.owner_account_sid == principal.account_sid:
            if not principal.manages_accounts:
                raise _standard_key_refused()
            return record
        raise unauthenticated()

    def list_accounts(
        self, principal: Principal, friendly_name: str | None, status: str | None
    ) -> list[tuple[int, View]]:
        """The caller's own account and, for a main account, its subaccounts, oldest first."""
        if not principal.manages_accounts:
            raise _standard_key_refused()
        if status is not None and status not in STATUSES:
            raise _bad_status(status)
        own = self.records[principal.account_sid]
        candidates = [own]
        if own.is_main:
            candidates += self.subaccounts()
        return [
            (record.seq, record.view())
            for record in sorted(candidates, key=lambda item: item.seq)
            if (friendly_name is None or record.friendly_name == friendly_name)
            and (status is None or record.status == status)
        ]

    def create_account(self, principal: Principal, params: Params) -> View:
        if not principal.manages_accounts:
            raise _standard_key_refused()
        if not self.records[principal.account_sid].is_main:
            raise forbidden("a subaccount cannot create subaccounts; use the main account")
        name = _friendly_name(params) or default_friendly_name()
        return self.add_subaccount(name).view()

    def fetch_account(self, principal: Principal, sid: str) -> View:
        record = self._visible(principal, sid)
        return record.view(with_token=principal.manages_accounts)

    def update_account(self, principal: Principal, sid: str, params: Params) -> View:
        if not principal.manages_accounts:
            raise _standard_key_refused()
        record = self._visible(principal, sid)
        name = _friendly_name(params)
        status = form.one(params, "Status")
        if status is not None:
            if status not in STATUSES:
                raise _bad_status(status)
            if record.sid == principal.account_sid:
                raise forbidden("an account cannot change its own status; its parent can")
            if record.status == "closed" and status != "closed":
                raise ApiError(errors.CONFLICT, f"Account {sid} is closed; it cannot be reopened")
            record.status = status
        if name:
            record.friendly_name = name
        record.date_updated = rfc2822_now()
        self._updated[record.sid] = None
        return record.view()

    # ------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        """The state file: every account (AccountRecord.properties says which tokens)."""
        return {
            "version": STATE_VERSION,
            "account_sid": self.main.sid,
            "seq": self.seq,
            "accounts": [
                record.to_dict()
                for record in sorted(self.records.values(), key=lambda item: item.seq)
            ],
        }

    def drain_changes(self) -> dict[str, Any] | None:
        """One journal entry for everything changed since the last drain (None: nothing), and
        forget it. Its size is what changed: a new account whole (a fresh one is small), an
        updated account's properties, and each changed record of a Conversations state.
        Serialize it before releasing the lock: it holds live objects."""
        changes: list[dict[str, Any]] = []
        for sid in self._created:
            record = self.records[sid]
            record.discard_changes()  # the whole record carries them
            changes.append({"account": sid, "record": record.to_dict()})
        for sid in self._updated:
            if sid not in self._created:
                changes.append({"account": sid, "properties": self.records[sid].properties()})
        for record in self.records.values():
            if record.conversations.has_changes:
                changes += [
                    {"account": record.sid, **change}
                    for change in record.conversations.drain_changes()
                ]
            for key, collection in record.neighbours.items():
                if collection.has_changes:
                    changes += [
                        {"account": record.sid, "api": key, **change}
                        for change in collection.drain_changes()
                    ]
        self._created = {}
        self._updated = {}
        return {"seq": self.seq, "changes": changes} if changes else None

    def discard_changes(self) -> None:
        """Forget the changes: in memory there is nothing to journal them to."""
        self._created = {}
        self._updated = {}
        for record in self.records.values():
            record.discard_changes()

    def replay(self, entry: Mapping[str, Any]) -> None:
        """Apply one journal entry (as drain_changes made it) on top of the snapshot."""
        changes = entry["changes"]
        if not isinstance(changes, list):
            raise ValueError("changes must be a list")
        for change in changes:
            sid = change["account"]
            if "record" in change:
                record = _record_from_dict(change["record"])
                if record.sid != sid or record.owner_account_sid != self.main.sid or record.is_main:
                    raise ValueError(f"account {sid} is not a subaccount of {self.main.sid}")
                self.records[sid] = record
                continue
            target = self.records.get(sid)
            if target is None:
                raise ValueError(f"unknown account {sid!r}")
            if "properties" in change:
                _update_properties(target, change["properties"])
            elif "api" in change:
                collection = target.neighbours.get(change["api"])
                if collection is None:
                    raise ValueError(f"unknown API {change['api']!r}")
                collection.apply_change(change["sid"], change["value"])
            elif "path" in change:
                target.conversations.apply_change(change["path"], change["value"])
            else:
                raise ValueError(f"unknown change {sorted(change)!r}")
        self.seq = max(self.seq, int(entry["seq"]))

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        auth_token: str,
        api_keys: Mapping[str, ApiKey] | None = None,
    ) -> Directory:
        """Load a state file of version 2, or of version 1 (the main account's Conversations
        state alone, as the emulator saved it before it served subaccounts)."""
        version = data.get("version")
        if version == CONVERSATIONS_STATE_VERSION:
            conversations = Account.from_dict(data)
            main_sid = conversations.account_sid
            main = AccountRecord(
                sid=main_sid,
                friendly_name=MAIN_FRIENDLY_NAME,
                owner_account_sid=main_sid,
                auth_token=auth_token,
                conversations=conversations,
                seq=1,
            )
            return cls(main, api_keys)
        if version != STATE_VERSION:
            raise ValueError(f"unsupported emulator state version {version!r}")
        main_sid = str(data["account_sid"])
        records = [_record_from_dict(item) for item in data["accounts"]]
        mains = [record for record in records if record.sid == main_sid]
        if len(mains) != 1 or not mains[0].is_main:
            raise ValueError(f"the main account {main_sid} is missing")
        main = mains[0]
        main.auth_token = auth_token
        directory = cls(main, api_keys)
        for record in records:
            if record.sid != main_sid:
                if record.owner_account_sid != main_sid:
                    raise ValueError(f"account {record.sid} is not a subaccount of {main_sid}")
                directory.records[record.sid] = record
        directory.seq = max([int(data["seq"]), *(record.seq for record in records)])
        return directory


def _update_properties(record: AccountRecord, item: Mapping[str, Any]) -> None:
    """A journaled update of an account's properties (the main account keeps the token it
    was started with)."""
    if item["sid"] != record.sid or item["owner_account_sid"] != record.owner_account_sid:
        raise ValueError(f"properties of {item['sid']} journaled for account {record.sid}")
    status = str(item["status"])
    if status not in STATUSES:
        raise ValueError(f"account {record.sid} has an unknown status {status!r}")
    record.friendly_name = str(item["friendly_name"])
    record.status = status
    record.type = str(item["type"])
    record.date_created = str(item["date_created"])
    record.date_updated = str(item["date_updated"])
    record.seq = int(item["seq"])
    if not record.is_main:
        record.auth_token = str(item["auth_token"] or "")


def _record_from_dict(item: Mapping[str, Any]) -> AccountRecord:
    status = str(item["status"])
    if status not in STATUSES:
        raise ValueError(f"account {item['sid']} has an unknown status {status!r}")
    return AccountRecord(
        sid=str(item["sid"]),
        friendly_name=str(item["friendly_name"]),
        owner_account_sid=str(item["owner_account_sid"]),
        auth_token=str(item["auth_token"] or ""),
        conversations=Account.from_dict(deepcopy(dict(item["conversations"]))),
        status=status,
        type=str(item["type"]),
        date_created=str(item["date_created"]),
        date_updated=str(item["date_updated"]),
        seq=int(item["seq"]),
        messaging=MessagingServices.from_dict(item.get("messaging")),
        studio=Flows.from_dict(item.get("studio")),
        phone_numbers=IncomingPhoneNumbers.from_dict(item.get("incoming_phone_numbers")),
        iam_keys=ApiKeys.from_dict(item.get("iam_keys")),
    )


def _friendly_name(params: Params) -> str | None:
    name = form.one(params, "FriendlyName")
    if name is not None and len(name) > MAX_FRIENDLY_NAME:
        raise invalid(f"Invalid value for FriendlyName: longer than {MAX_FRIENDLY_NAME} characters")
    return name


def _standard_key_refused() -> ApiError:
    return forbidden(
        "a Standard API key cannot list, create or update subaccounts on the parent's behalf; "
        "use the parent's auth token or a Main API key"
    )


def _bad_status(status: str) -> ApiError:
    return invalid(f"Invalid value for Status: {status!r} is not one of {', '.join(STATUSES)}")
