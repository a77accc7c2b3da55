"""Push credentials (/v1/Credentials): apn, gcm and fcm, each with the secrets its type needs.

Secrets are write-only: the state keeps a SHA-256 fingerprint of each, never the value, not
even on disk, and no view returns them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from copy import deepcopy
from functools import partial
from typing import Any

from reconciler.emulator import catalog, form
from reconciler.emulator.apis.conversations.models.state import AccountState
from reconciler.emulator.form import Params, not_found
from reconciler.emulator.records import Listing, View, new_sid

REQUIRED_SECRETS: dict[str, tuple[str, ...]] = {
    "apn": ("Certificate", "PrivateKey"),
    "gcm": ("ApiKey",),
    "fcm": ("Secret",),
}
"""The parameters a new credential of each type must carry."""


class CredentialsModel(AccountState):
    def _credential_view(self, item: Mapping[str, Any]) -> View:
        return {
            "sid": item["sid"],
            "account_sid": self.account_sid,
            "friendly_name": item["friendly_name"],
            "type": item["type"],
            "sandbox": item["sandbox"],
            "date_created": item["date_created"],
            "date_updated": item["date_updated"],
        }

    def _credential(self, sid: str, path: str) -> dict[str, Any]:
        item = self.credentials.get(sid)
        if item is None:
            raise not_found(path)
        return item

    def _credential_fields(self, params: Params, item: dict[str, Any]) -> None:
        name = form.friendly_name(params, "FriendlyName", catalog.MAX_CREDENTIAL_NAME)
        if name is not None:
            item["friendly_name"] = name or None
        sandbox = form.boolean(params, "Sandbox")
        if sandbox is not None:
            item["sandbox"] = "True" if sandbox else "False"
        for param, key in (
            ("Certificate", "certificate"),
            ("PrivateKey", "private_key"),
            ("ApiKey", "api_key"),
            ("Secret", "secret"),
        ):
            value = form.one(params, param)
            if value:
                item["secret_digests"][key] = _digest(value)

    def create_credential(self, params: Params) -> View:
        cred_type = form.enum(form.required(params, "Type"), "Type", catalog.CREDENTIAL_TYPES)
        for param in REQUIRED_SECRETS[cred_type]:
            form.required(params, param)
        now = self.clock()
        item: dict[str, Any] = {
            "sid": new_sid("CR"),
            "friendly_name": None,
            "type": cred_type,
            "sandbox": "False",
            "secret_digests": {},
            "date_created": now,
            "date_updated": now,
            "seq": 0,
        }
        self._credential_fields(params, item)
        item["seq"] = self._next_seq()
        self.credentials[item["sid"]] = item
        self._touch("credentials", item["sid"])
        return self._credential_view(item)

    def get_credential(self, sid: str, path: str) -> View:
        return self._credential_view(self._credential(sid, path))

    def list_credentials(self) -> Listing:
        return [(c["seq"], partial(self._credential_view, c)) for c in self.credentials.values()]

    def update_credential(self, sid: str, path: str, params: Params) -> View:
        item = self._credential(sid, path)
        updated = deepcopy(item)
        cred_type = form.one(params, "Type")
        if cred_type is not None:
            updated["type"] = form.enum(cred_type, "Type", catalog.CREDENTIAL_TYPES)
        self._credential_fields(params, updated)
        updated["date_updated"] = self.clock()
        self.credentials[sid] = updated
        self._touch("credentials", sid)
        return self._credential_view(updated)

    def delete_credential(self, sid: str, path: str) -> None:
        self._credential(sid, path)
        del self.credentials[sid]
        self._touch("credentials", sid)


def _digest(secret: str) -> str:
    """Secrets are write-only: keep a fingerprint, never the value, not even on disk."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
