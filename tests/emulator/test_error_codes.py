"""Every error code the emulator answers with is Twilio's, documented, and reachable.

Three sources must agree: reconciler/emulator/errors.py (what the emulator sends), Twilio's
published list (the vendored subset in spec/twilio-error-codes.json) and the table in
docs/emulator.md. Then each code is triggered by a real request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from reconciler.emulator import defaults, errors
from reconciler.emulator.errors import TwilioCode
from reconciler.emulator.server import EmulatorServer
from tests.emulator.conftest import ERROR_CODES_PATH, SPEC_PATH
from tests.emulator.rawhttp import RawConnection

REPO = Path(__file__).resolve().parents[2]
EMULATOR_SOURCES = sorted((REPO / "reconciler" / "emulator").glob("*.py"))
DOC = REPO / "docs" / "emulator.md"


def _published() -> dict[int, dict[str, Any]]:
    return {entry["code"]: entry for entry in json.loads(ERROR_CODES_PATH.read_text())}


def _doc_rows() -> dict[int, tuple[int, str]]:
    """code -> (status, title) from the error-code table of docs/emulator.md."""
    section = DOC.read_text(encoding="utf-8").split("## Error codes", 1)[1].split("\n## ", 1)[0]
    rows: dict[int, tuple[int, str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[1].isdigit():
            code = int(cells[1])
            assert code not in rows, f"code {code} has two rows"
            rows[code] = (int(re.match(r"\d+", cells[0]).group()), cells[2])  # type: ignore[union-attr]
    return rows


def test_vendored_reference_files_are_there() -> None:
    """A clone carries them (spec/NOTICE.md): a missing file fails, it does not skip."""
    assert SPEC_PATH.is_file() and ERROR_CODES_PATH.is_file()
    assert (SPEC_PATH.parent / "NOTICE.md").is_file()
    assert json.loads(SPEC_PATH.read_text())["paths"]["/v1/Configuration"]


def test_every_code_is_in_twilios_list_with_the_same_meaning() -> None:
    published = _published()
    assert len({code.code for code in errors.ALL_CODES}) == len(errors.ALL_CODES)
    for code in errors.ALL_CODES:
        assert code.code in published, f"{code.code} is not in Twilio's list"
        assert published[code.code]["message"] == code.title, code
        assert code.more_info == f"https://www.twilio.com/docs/errors/{code.code}"
        # 20xxx codes mirror their HTTP status (20404 is 404, ...); 20001 and 20003 are
        # Twilio's own 400 and 401.
        if code.code // 1000 == 20 and code.code not in (20001, 20003, 20004):
            assert code.code % 1000 == code.status, code


def test_the_docs_table_lists_exactly_these_codes() -> None:
    rows = _doc_rows()
    declared = {code.code: (code.status, code.title) for code in errors.ALL_CODES}
    assert rows == declared


def test_no_code_bypasses_the_registry() -> None:
    """Any 20xxx/50xxx literal in the emulator's code must be a declared code."""
    declared = {code.code for code in errors.ALL_CODES}
    for path in EMULATOR_SOURCES:
        for literal in re.findall(r"(?<![\w.])([25]0\d{3})(?![\w.])", path.read_text()):
            assert int(literal) in declared, f"{path.name}: {literal} is not declared"


# ---------------------------------------------------------------- every code, triggered

Trigger = Callable[["Api"], requests.Response | tuple[int, int]]


class Api:
    """requests with the account's credentials, plus a service and its roles to point at."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.base = server.url
        self.session = requests.Session()
        self.session.auth = (defaults.ACCOUNT_SID, defaults.AUTH_TOKEN)
        self.service = self.post("/v1/Services", {"FriendlyName": "codes"}).json()["sid"]
        other = self.post("/v1/Services", {"FriendlyName": "other"}).json()["sid"]
        self.foreign_role = self.get(f"/v1/Services/{other}/Roles").json()["roles"][0]["sid"]
        roles = self.get(f"/v1/Services/{self.service}/Roles").json()["roles"]
        self.service_role = next(r["sid"] for r in roles if r["type"] == "service")

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.base + path, timeout=5)

    def post(self, path: str, data: dict[str, Any] | None = None) -> requests.Response:
        return self.session.post(self.base + path, data=data or {}, timeout=5)

    def delete(self, path: str) -> requests.Response:
        return self.session.delete(self.base + path, timeout=5)


LONG_URL = "https://hooks.example.com/" + "x" * 2048
ROLE = {"FriendlyName": "r", "Type": "service", "Permission": "joinConversation"}


def _unauthenticated(api: Api) -> requests.Response:
    return requests.get(f"{api.base}/v1/Services", timeout=5)


def _too_large(api: Api) -> requests.Response:
    return api.post("/v1/Services", {"FriendlyName": "x" * (api.server.max_body_bytes + 1)})


def _standard_key_lists_accounts(api: Api) -> requests.Response:
    """A Standard API key cannot list subaccounts on the parent's behalf."""
    auth = (defaults.API_KEY_SID, defaults.API_KEY_SECRET)
    return requests.get(f"{api.base}/2010-04-01/Accounts.json", auth=auth, timeout=5)


def _subaccount_creates_subaccount(api: Api) -> requests.Response:
    sub = api.post("/2010-04-01/Accounts.json", {"FriendlyName": "child"}).json()
    auth = (sub["sid"], sub["auth_token"])
    return requests.post(f"{api.base}/2010-04-01/Accounts.json", auth=auth, timeout=5)


def _subaccount_reads_main(api: Api) -> requests.Response:
    sub = api.post("/2010-04-01/Accounts.json", {"FriendlyName": "child"}).json()
    auth = (sub["sid"], sub["auth_token"])
    url = f"{api.base}/2010-04-01/Accounts/{defaults.ACCOUNT_SID}.json"
    return requests.get(url, auth=auth, timeout=5)


def _reopen_closed(api: Api) -> requests.Response:
    sub = api.post("/2010-04-01/Accounts.json", {"FriendlyName": "closing"}).json()
    api.post(f"/2010-04-01/Accounts/{sub['sid']}.json", {"Status": "closed"})
    return api.post(f"/2010-04-01/Accounts/{sub['sid']}.json", {"Status": "active"})


def _duplicate_role(api: Api) -> requests.Response:
    api.post("/v1/Roles", {**ROLE, "FriendlyName": "twice"})
    return api.post("/v1/Roles", {**ROLE, "FriendlyName": "twice"})


def _duplicate_conversation(api: Api) -> requests.Response:
    api.post("/v1/Conversations", {"UniqueName": "twice"})
    return api.post("/v1/Conversations", {"UniqueName": "twice"})


def _aps(api: Api) -> requests.Response:
    api.server.configure_aps_limit(1)
    try:
        api.post(f"/v1/Services/{api.service}/Roles", {**ROLE, "FriendlyName": "first"})
        return api.post(f"/v1/Services/{api.service}/Roles", {**ROLE, "FriendlyName": "second"})
    finally:
        api.server.configure_aps_limit(30)


def _fault(status: int) -> Trigger:
    def trigger(api: Api) -> tuple[int, int]:
        api.server.configure_faults(fault_rate=1.0, seed=5, retry_after_seconds=0)
        try:
            for _ in range(200):
                try:
                    response = api.get("/v1/Services")
                except requests.ConnectionError:
                    continue
                if response.status_code == status:
                    return response.status_code, response.json()["code"]
        finally:
            api.server.configure_faults(fault_rate=0.0)
        raise AssertionError(f"no {status} fault in 200 tries")

    return trigger


def _chunk_error(api: Api) -> tuple[int, int]:
    with RawConnection(api.base) as conn:
        conn.send(conn.head("POST", "/v1/Services", {"Transfer-Encoding": "chunked"}) + b"zz\r\n")
        response = conn.response()
        return response.status, response.json()["code"]


def _service_config(field: str, role: Callable[[Api], str]) -> Trigger:
    return lambda api: api.post(f"/v1/Services/{api.service}/Configuration", {field: role(api)})


def _address(**params: Any) -> Trigger:
    base = {"Type": "sms", "Address": "+15005550009"}
    return lambda api: api.post("/v1/Configuration/Addresses", {**base, **params})


TRIGGERS: dict[TwilioCode, list[Trigger]] = {
    errors.INVALID_PARAMETER: [
        lambda api: api.post("/v1/Services"),
        lambda api: api.post("/v1/Configuration/Webhooks", {"Target": "studio"}),
        _chunk_error,
        lambda api: api.get("/2010-04-01/Accounts.json?Status=gone"),
    ],
    errors.AUTHENTICATION_FAILED: [_unauthenticated, _subaccount_reads_main],
    errors.FORBIDDEN: [_standard_key_lists_accounts, _subaccount_creates_subaccount],
    errors.METHOD_NOT_ALLOWED: [lambda api: api.delete("/v1/Configuration")],
    errors.NOT_FOUND: [lambda api: api.get("/v1/Services/IS" + "0" * 32)],
    errors.CONFLICT: [_duplicate_role, _reopen_closed],
    errors.REQUEST_TOO_LARGE: [_too_large],
    errors.TOO_MANY_REQUESTS: [_fault(429)],
    errors.INTERNAL_ERROR: [_fault(500)],
    errors.UNAVAILABLE: [_fault(503)],
    errors.FRIENDLY_NAME_TOO_LONG: [
        lambda api: api.post("/v1/Services", {"FriendlyName": "x" * 257}),
        lambda api: api.post("/v1/Roles", {**ROLE, "FriendlyName": "x" * 65}),
        lambda api: api.post(
            "/v1/Credentials", {"Type": "fcm", "Secret": "s", "FriendlyName": "x" * 65}
        ),
    ],
    errors.SERVICE_NOT_FOUND: [
        lambda api: api.post("/v1/Configuration", {"DefaultChatServiceSid": "IS" + "0" * 32})
    ],
    errors.INVALID_WEBHOOK_URL: [
        lambda api: api.post("/v1/Configuration/Webhooks", {"PreWebhookUrl": "not a url"}),
        lambda api: api.post(
            f"/v1/Services/{api.service}/Configuration/Webhooks", {"PostWebhookUrl": LONG_URL}
        ),
    ],
    errors.INVALID_WEBHOOK_METHOD: [
        lambda api: api.post("/v1/Configuration/Webhooks", {"Method": "PUT"})
    ],
    errors.TEMPLATE_TOO_LONG: [
        lambda api: api.post(
            f"/v1/Services/{api.service}/Configuration/Notifications",
            {"NewMessage.WithMedia.Template": "x" * 1025},
        )
    ],
    errors.SOUND_TOO_LONG: [
        lambda api: api.post(
            f"/v1/Services/{api.service}/Configuration/Notifications",
            {"AddedToConversation.Sound": "x" * 257},
        )
    ],
    errors.ACTIONS_PER_SECOND: [_aps],
    errors.INVALID_RETRY_COUNT: [_address(**{"AutoCreation.StudioRetryCount": "many"})],
    errors.ROLE_NOT_FOUND: [_service_config("DefaultChatServiceRoleSid", lambda a: a.foreign_role)],
    errors.PERMISSION_NOT_FOUND: [
        lambda api: api.post("/v1/Roles", {**ROLE, "Permission": "inviteMember"})
    ],
    errors.INVALID_ROLE_TYPE: [
        lambda api: api.post("/v1/Roles", {**ROLE, "Type": "deployment"}),
        _service_config("DefaultConversationRoleSid", lambda a: a.service_role),
    ],
    errors.CREATOR_ROLE_NOT_FOUND: [
        _service_config("DefaultConversationCreatorRoleSid", lambda a: a.foreign_role)
    ],
    errors.CONVERSATION_ROLE_NOT_FOUND: [
        _service_config("DefaultConversationRoleSid", lambda a: a.foreign_role)
    ],
    errors.INVALID_MESSAGING_SERVICE: [
        lambda api: api.post("/v1/Configuration", {"DefaultMessagingServiceSid": "IS" + "0" * 32})
    ],
    errors.INVALID_WEBHOOK_FILTER: [
        _address(**{"AutoCreation.WebhookFilters": "onMessageAdd"})  # a pre-event
    ],
    errors.INVALID_FLOW_SID: [_address(**{"AutoCreation.StudioFlowSid": "FW"})],
    errors.WEBHOOK_URL_MISSING: [
        _address(**{"AutoCreation.Enabled": "true", "AutoCreation.Type": "webhook"})
    ],
    errors.WEBHOOK_URL_TOO_LONG: [_address(**{"AutoCreation.WebhookUrl": LONG_URL})],
    errors.INACTIVE_TIMER_MINIMUM: [
        lambda api: api.post("/v1/Configuration", {"DefaultInactiveTimer": "PT30S"})
    ],
    errors.CLOSED_TIMER_MINIMUM: [
        lambda api: api.post("/v1/Configuration", {"DefaultClosedTimer": "PT5M"})
    ],
    errors.INACTIVE_TIMER_FORMAT: [
        lambda api: api.post("/v1/Configuration", {"DefaultInactiveTimer": "P1Y"}),
        lambda api: api.post("/v1/Configuration", {"DefaultInactiveTimer": "P24855DT3H14M8S"}),
    ],
    errors.CLOSED_TIMER_FORMAT: [
        lambda api: api.post("/v1/Configuration", {"DefaultClosedTimer": "10 minutes"}),
        lambda api: api.post("/v1/Configuration", {"DefaultClosedTimer": "P" + "9" * 40 + "D"}),
    ],
    errors.ATTRIBUTES_TOO_LONG: [
        lambda api: api.post("/v1/Conversations", {"Attributes": '"' + "x" * 16384 + '"'})
    ],
    errors.ATTRIBUTES_NOT_JSON: [lambda api: api.post("/v1/Conversations", {"Attributes": "{"})],
    errors.FOREIGN_MESSAGING_SERVICE: [
        lambda api: api.post("/v1/Conversations", {"MessagingServiceSid": "MG" + "0" * 32})
    ],
    errors.DUPLICATE_UNIQUE_NAME: [_duplicate_conversation],
    errors.UNIQUE_NAME_IS_SID: [
        lambda api: api.post("/v1/Conversations", {"UniqueName": "CH" + "0" * 32})
    ],
}


@pytest.fixture
def api(emulator: EmulatorServer) -> Iterator[Api]:
    client = Api(emulator)
    try:
        yield client
    finally:
        client.session.close()


def test_every_declared_code_has_a_trigger() -> None:
    assert set(TRIGGERS) == set(errors.ALL_CODES)


@pytest.mark.parametrize("code", errors.ALL_CODES, ids=lambda code: str(code.code))
def test_each_code_is_answered(api: Api, code: TwilioCode) -> None:
    for trigger in TRIGGERS[code]:
        outcome = trigger(api)
        if isinstance(outcome, tuple):
            assert outcome == (code.status, code.code)
            continue
        assert outcome.status_code == code.status, outcome.text
        body = outcome.json()
        assert set(body) == {"code", "message", "more_info", "status"}
        assert (body["status"], body["code"]) == (code.status, code.code), body
        assert body["more_info"] == code.more_info
        if code.status == 429:
            assert "Retry-After" in outcome.headers


def test_the_longest_timer_is_accepted(api: Api) -> None:
    """One second more is 50379/50380 (above): the assumed maximum is inclusive."""
    longest = {"DefaultInactiveTimer": "P24855DT3H14M7S", "DefaultClosedTimer": "P24855DT3H14M7S"}
    answer = api.post("/v1/Configuration", longest)
    assert answer.status_code == 200
    assert answer.json()["default_closed_timer"] == "P24855DT3H14M7S"
