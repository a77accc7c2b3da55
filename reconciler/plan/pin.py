"""The account pin: a configuration names the account it belongs to, and no other is touched.

Checked twice before any write: against the account SID the credentials are used with (no
network), and against the account the API actually answers for (`account_sid` of
/v1/Configuration), which is what an API key really reaches whatever TWILIO_ACCOUNT_SID says.
"""

from __future__ import annotations

from reconciler.config.loader import LoadedConfig
from reconciler.errors import ReconcilerError


class AccountMismatchError(ReconcilerError):
    """The credentials reach another account than the one the configuration is pinned to."""


def unconfirmed(how: str) -> str:
    """The pin's refusal when the API names no account (a config's pin and a fleet target's)."""
    return (
        f"could not confirm the account: {how} unknown (no account SID). Nothing was changed. "
        "Twilio's API always names the account: check --endpoint or RECONCILER_ENDPOINT"
    )


def pinned_account(loaded: LoadedConfig) -> str | None:
    account = loaded.config.account
    return account.sid if account and account.sid else None


def check_account(loaded: LoadedConfig, reached: str | None, how: str) -> None:
    """Refuse when `reached` (the account the credentials act on) is not the pinned one.

    A pinned configuration also refuses when `reached` is unknown (None: the API's answer
    carried no `account_sid`): a pin that cannot be checked does not pass.
    """
    pinned = pinned_account(loaded)
    if pinned is None or (reached is not None and reached.lower() == pinned.lower()):
        return
    where = loaded.locate(("account", "sid"))
    at = f" ({where})" if where else ""
    if reached is None:
        raise AccountMismatchError(
            f"refusing to run: this configuration is pinned to account {pinned}{at}, but "
            f"{unconfirmed(how)}, and the credentials."
        )
    raise AccountMismatchError(
        f"refusing to run: this configuration is pinned to account {pinned}{at}, but {how} "
        f"{reached}. Nothing was changed. Use the credentials of {pinned}, or the configuration "
        f"that belongs to {reached}."
    )
