"""The HTTP face of IAM v1 API keys: `/v1/Keys` (list with `AccountSid`, create) and
`/v1/Keys/{Sid}` (fetch, update, delete) on iam.twilio.com.

Who may call them: the account's auth token or a Main key ("If your API key requires access to
the ... Keys (/v1/Keys) endpoints, then you'll need to use a Main key", Key resource v1); a
Standard key is refused with 401 / 20003 (Twilio's 20003 page: "You used a Standard API key for
an endpoint that requires a Main API key, such as /Accounts or /v1/Keys"). A restricted key
reaches them with the `/twilio/iam/api-keys/*` permissions its policy grants (app.py checks
those, as for every endpoint). `AccountSid` names the account whose keys are listed or
created: the caller's own, or for a parent's credentials one of its subaccounts, as for the
2010-04-01 API. The answers carry no `url`: the description's schemas have none.
"""

from __future__ import annotations

from reconciler.emulator import errors, form
from reconciler.emulator.apis.accounts.models import AccountRecord
from reconciler.emulator.apis.iam.models import ApiKeys
from reconciler.emulator.errors import ApiError
from reconciler.emulator.paging import meta_page
from reconciler.emulator.records import View
from reconciler.emulator.routing import Request

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
"""The description: "The default is 50, and the maximum is 1000"."""


def _caller_may_manage_keys(request: Request) -> None:
    if request.principal.credential == "standard_key":
        raise ApiError(
            errors.AUTHENTICATION_FAILED,
            "a Standard API key cannot manage API keys (/v1/Keys needs the auth token or a "
            "Main API key)",
        )


def _named_account(request: Request, params: form.Params) -> AccountRecord:
    _caller_may_manage_keys(request)
    account_sid = form.one(params, "AccountSid")
    if not account_sid:
        raise form.invalid("Missing required parameter AccountSid")
    form.sid(account_sid, "AccountSid", "AC")
    return request.directory.visible(request.principal, account_sid)


def _keys_of(request: Request) -> ApiKeys:
    """The collection holding the key the URL names: the caller's own account's, else (for
    credentials that manage subaccounts) a subaccount's; 404 when none holds it."""
    _caller_may_manage_keys(request)
    own = request.directory.own(request.principal)
    candidates = [own]
    if own.is_main and request.principal.manages_accounts:
        candidates += request.directory.subaccounts()
    for account in candidates:
        if request.args[0] in account.iam_keys.records:
            return account.iam_keys
    raise form.not_found(request.path)


def list_keys(request: Request) -> tuple[int, View]:
    account = _named_account(request, request.query)
    extra = [("AccountSid", account.sid)]
    return meta_page(
        request,
        account.iam_keys.listing(),
        "keys",
        lambda view: view,
        DEFAULT_PAGE_SIZE,
        MAX_PAGE_SIZE,
        extra,
    )


def create_key(request: Request) -> tuple[int, View]:
    account = _named_account(request, request.form)
    return 201, account.iam_keys.create(account.sid, request.form)


def fetch_key(request: Request) -> tuple[int, View]:
    return 200, _keys_of(request).fetch(request.args[0], request.path)


def update_key(request: Request) -> tuple[int, View]:
    return 200, _keys_of(request).update(request.args[0], request.path, request.form)


def delete_key(request: Request) -> tuple[int, View | None]:
    _keys_of(request).delete(request.args[0], request.path)
    return 204, None
