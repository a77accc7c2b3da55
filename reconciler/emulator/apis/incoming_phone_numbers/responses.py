"""The HTTP face of IncomingPhoneNumbers: `/2010-04-01/Accounts/{AccountSid}/
IncomingPhoneNumbers.json` and `.../IncomingPhoneNumbers/{Sid}.json` on api.twilio.com.

Unlike Conversations, the URL names the account; the credentials must be allowed to see it,
as for the Accounts API (an account's own credentials, or its parent's auth token or Main key
for a subaccount; anything else 401 / 20003, a Standard key on a subaccount 403 / 20403).
Lists page the 2010-04-01 way (`paging.uri_page`), with `uri` relative to the API's host.
"""

from __future__ import annotations

from reconciler.emulator import form
from reconciler.emulator.apis.accounts.models import PREFIX, AccountRecord
from reconciler.emulator.paging import uri_page
from reconciler.emulator.records import View
from reconciler.emulator.routing import Request


def _account(request: Request) -> AccountRecord:
    return request.directory.visible(request.principal, request.args[0])


def _render(view: View) -> View:
    return {
        **view,
        "uri": f"{PREFIX}/{view['account_sid']}/IncomingPhoneNumbers/{view['sid']}.json",
    }


def list_numbers(request: Request) -> tuple[int, View]:
    account = _account(request)
    filters = [
        (name, value)
        for name in ("FriendlyName", "Beta", "PhoneNumber", "Origin")
        if (value := form.one(request.query, name)) is not None
    ]
    given = dict(filters)
    form.boolean(request.query, "Beta")  # every emulated number is `beta: false`
    items = account.phone_numbers.matching(
        given.get("PhoneNumber"), given.get("FriendlyName"), given.get("Origin")
    )
    rendered = [(seq, _render(view)) for seq, view in items]
    uri = f"{PREFIX}/{account.sid}/IncomingPhoneNumbers.json"
    return 200, uri_page(request, rendered, "incoming_phone_numbers", uri, filters)


def create_number(request: Request) -> tuple[int, View]:
    account = _account(request)
    taken = {
        number
        for record in request.directory.records.values()
        for number in record.phone_numbers.numbers()
    }
    return 201, _render(account.phone_numbers.create(account.sid, request.form, taken))


def fetch_number(request: Request) -> tuple[int, View]:
    view = _account(request).phone_numbers.fetch(request.args[1], request.path)
    return 200, _render(view)


def update_number(request: Request) -> tuple[int, View]:
    view = _account(request).phone_numbers.update(request.args[1], request.path, request.form)
    return 200, _render(view)


def delete_number(request: Request) -> tuple[int, None]:
    _account(request).phone_numbers.delete(request.args[1], request.path)
    return 204, None
