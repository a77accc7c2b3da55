"""The names this module held before the emulator took moto's shape, for code that imports
them from here: accounts, subaccounts and authentication are apis/accounts/models.py."""

from __future__ import annotations

from reconciler.emulator.apis.accounts.models import (
    API_KEY_TYPES,
    MAX_SUBACCOUNTS,
    PREFIX,
    STATE_VERSION,
    AccountRecord,
    ApiKey,
    Directory,
    Principal,
)

__all__ = [
    "API_KEY_TYPES",
    "MAX_SUBACCOUNTS",
    "PREFIX",
    "STATE_VERSION",
    "AccountRecord",
    "ApiKey",
    "Directory",
    "Principal",
]
