"""API keys of one account (IAM v1 `/v1/Keys`): Standard and restricted keys. No HTTP.

What Twilio documents, and the emulator does (docs/emulator.md, "Restricted API keys"):

* `KeyType` absent makes a Standard key; `restricted` (the only value the description's enum
  names) a restricted key, for which `Policy` is required: `{"allow": [permission, ...]}`,
  at most 100 permissions. Main keys are made in the Console only, so not here
  (`emulator serve --api-key-type main` gives one).
* The secret is answered once, by the create; fetches and lists never carry it. The emulator
  keeps only its SHA-256 digest, in memory and in the state file, as it keeps push
  credentials' secrets.
* Fetch and update answer `policy` (null for a Standard key); list items carry `flags`
  instead, as the description's list schema does.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from typing import Any

from reconciler.emulator import errors, form
from reconciler.emulator.form import Params, invalid
from reconciler.emulator.records import Collection, View, new_sid, rfc2822_now
from reconciler.permissions.table import ACTIONS, MAX_PERMISSIONS, WILDCARD

MAX_FRIENDLY_NAME = 64
"""Documented: "It can be up to 64 characters long"."""
KEY_TYPES = ("restricted",)
"""The description's `new_key_enum_keytype`: Standard is the absence of a KeyType."""
STANDARD = "standard"
RESTRICTED = "restricted"
FLAGS = {STANDARD: ["rest_api", "signing"], RESTRICTED: ["rest_api", "restricted"]}
"""A Standard key's flags are the description's list example; a restricted key cannot sign
Access Tokens (documented), hence no `signing` (the `restricted` flag is assumed)."""
PERMISSION = re.compile(
    r"^/twilio/[a-z0-9-]+/[a-z0-9.-]+/(?:"
    + "|".join(sorted({*ACTIONS.values(), re.escape(WILDCARD)}))
    + r")$"
)
"""Twilio's pattern: `/twilio/<product>/<resource>/<action>`, `*` for every action."""


def digest(secret: str) -> str:
    """A key's secret is shown once: keep a fingerprint, never the value, not even on disk."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def parse_policy(value: str) -> dict[str, list[str]]:
    """A `Policy` parameter: a JSON object whose `allow` lists permissions, refused (400 /
    20001) when it is anything else."""
    try:
        policy = json.loads(value)
    except ValueError:
        raise invalid(f"Invalid value for Policy: {value[:80]!r} is not JSON") from None
    allow = policy.get("allow") if isinstance(policy, dict) else None
    if not isinstance(policy, dict) or set(policy) != {"allow"} or not isinstance(allow, list):
        raise invalid('Invalid value for Policy: expected {"allow": [permission, ...]}')
    if not allow:
        raise invalid("Invalid value for Policy: a restricted key needs at least one permission")
    if len(allow) > MAX_PERMISSIONS:
        raise invalid(
            f"Invalid value for Policy: {len(allow)} permissions; a restricted key has at "
            f"most {MAX_PERMISSIONS}"
        )
    for name in allow:
        if not isinstance(name, str) or not PERMISSION.match(name):
            raise invalid(
                f"Invalid value for Policy: {name!r} is not a permission "
                "(/twilio/<product>/<resource>/<action>)"
            )
    return {"allow": list(dict.fromkeys(allow))}


class ApiKeys(Collection):
    """One account's API keys (`SK...`), created through the IAM API."""

    def create(self, account_sid: str, params: Params) -> View:
        """A new key; the only answer that carries its secret."""
        name = form.friendly_name(
            params, "FriendlyName", MAX_FRIENDLY_NAME, code=errors.INVALID_PARAMETER
        )
        key_type = form.one(params, "KeyType")
        if key_type is not None:
            form.enum(key_type, "KeyType", KEY_TYPES)
        policy_text = form.one(params, "Policy")
        if key_type == RESTRICTED and policy_text is None:
            raise invalid("Missing required parameter Policy in the post body")
        if key_type != RESTRICTED and policy_text is not None:
            raise invalid("Invalid parameter Policy: only a restricted key has a policy")
        secret = secrets.token_urlsafe(24)
        now = rfc2822_now()
        record: dict[str, Any] = {
            "sid": new_sid("SK"),
            "account_sid": account_sid,
            "friendly_name": name,
            "date_created": now,
            "date_updated": now,
            "key_type": key_type or STANDARD,
            "policy": parse_policy(policy_text) if policy_text is not None else None,
            "secret_sha256": digest(secret),
        }
        self.add(record)
        return {**self.view(record), "secret": secret}

    def update(self, sid: str, path: str, params: Params) -> View:
        record = self.get_record(sid, path)
        name = form.friendly_name(
            params, "FriendlyName", MAX_FRIENDLY_NAME, code=errors.INVALID_PARAMETER
        )
        policy_text = form.one(params, "Policy")
        if policy_text is not None and record["key_type"] != RESTRICTED:
            raise invalid("Invalid parameter Policy: only a restricted key has a policy")
        if policy_text is not None:
            record["policy"] = parse_policy(policy_text)
        if name is not None:
            record["friendly_name"] = name
        record["date_updated"] = rfc2822_now()
        self.touch(sid)
        return self.view(record)

    def view(self, record: dict[str, Any]) -> View:
        """Fetch and update: the description's `iam.v1.key` (never the secret)."""
        return {
            "sid": record["sid"],
            "friendly_name": record["friendly_name"],
            "date_created": record["date_created"],
            "date_updated": record["date_updated"],
            "policy": record["policy"],
        }

    def summary(self, record: dict[str, Any]) -> View:
        """A list item: the description's `iam.v1.get_keys`."""
        return {
            "sid": record["sid"],
            "friendly_name": record["friendly_name"],
            "date_created": record["date_created"],
            "date_updated": record["date_updated"],
            "flags": list(FLAGS[record["key_type"]]),
        }

    def matching(self, sid: str, secret: str) -> dict[str, Any] | None:
        """The key `sid` if `secret` is its secret (compared by digest, in constant time)."""
        record = self.records.get(sid)
        if record is None or not hmac.compare_digest(record["secret_sha256"], digest(secret)):
            return None
        return record
