"""What a failed call says: Twilio's code and message, so a user can look it up.

Through the real SDK against the emulator: single-resource calls raise TwilioRestException, but
a failed list page raises a bare TwilioException holding only the response, and its code must
not be lost.
"""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioException
from twilio.rest import Client

from reconciler.emulator.server import EmulatorServer
from reconciler.kinds.base import list_records
from reconciler.live.connection import ConnectionSettings, build_client
from reconciler.live.retry import describe_error, http_status, twilio_code
from reconciler.testing import close_client

MISSING_SERVICE = "IS" + "0" * 32


def test_a_failed_list_page_keeps_twilios_code_and_message(sdk_client: Client) -> None:
    roles = sdk_client.conversations.v1.services(MISSING_SERVICE).roles
    with pytest.raises(TwilioException) as caught:
        list(list_records(roles, 50))
    assert http_status(caught.value) == 404
    code, message = twilio_code(caught.value)
    assert code == 20404 and message
    assert describe_error(caught.value) == (
        f"Twilio error 20404 (HTTP 404) while listing resources: {message}"
    )


def test_a_failed_fetch_says_twilios_code_and_message(sdk_client: Client) -> None:
    service = sdk_client.conversations.v1.services(MISSING_SERVICE)
    with pytest.raises(TwilioException) as caught:
        service.fetch()
    assert describe_error(caught.value).startswith("Twilio error 20404 (HTTP 404): ")


@pytest.mark.parametrize("listing", [True, False])
def test_refused_credentials_name_20003_and_what_to_check(
    emulator: EmulatorServer, listing: bool
) -> None:
    settings = ConnectionSettings(
        account_sid=emulator.account_sid, username=emulator.account_sid, password="wrong-token"
    )
    client = build_client(settings, emulator.url)
    try:
        with pytest.raises(TwilioException) as caught:
            if listing:
                list(list_records(client.conversations.v1.services, 50))
            else:
                client.conversations.v1.configuration().fetch()
    finally:
        close_client(client)
    message = describe_error(caught.value)
    assert message.startswith("Twilio refused the credentials (error 20003, HTTP 401): check ")
    assert "wrong-token" not in message
