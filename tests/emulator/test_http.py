"""Wire-level behaviour: auth, error bodies, paging, unknown parameters, stats."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests
from twilio.rest import Client

from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.live.connection import build_client
from tests.conftest import close_client, emulator_settings
from tests.emulator.conftest import Raw, check_body

ERROR_KEYS = {"code", "message", "more_info", "status"}


def _assert_error(response: requests.Response, status: int, code: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert (body["status"], body["code"]) == (status, code)
    assert body["more_info"].endswith(str(code))


def test_auth_token_and_api_key_are_accepted(emulator: EmulatorServer) -> None:
    for api_key in (False, True):
        client = build_client(emulator_settings(api_key=api_key), emulator.url)
        try:
            assert client.conversations.v1.services.list()
        finally:
            close_client(client)


def test_bad_credentials_get_401_20003(emulator: EmulatorServer) -> None:
    wrong = [
        None,
        (defaults.ACCOUNT_SID, "wrong"),
        (defaults.API_KEY_SID, defaults.AUTH_TOKEN),  # key with the token, not its secret
        ("AC" + "f" * 32, defaults.AUTH_TOKEN),
    ]
    with requests.Session() as session:
        for auth in wrong:
            session.auth = auth
            response = session.get(f"{emulator.url}/v1/Services", timeout=5)
            _assert_error(response, 401, 20003)
        session.auth = None
        response = session.get(
            f"{emulator.url}/v1/Services", headers={"Authorization": "Basic !!!"}, timeout=5
        )
        _assert_error(response, 401, 20003)


def test_unknown_paths_and_sids_are_404_20404(raw: Raw) -> None:
    _assert_error(raw.get("/v1/Nope"), 404, 20404)
    _assert_error(raw.get("/v1/Services/IS" + "0" * 32), 404, 20404)
    _assert_error(raw.get("/v1/Services/not-a-sid"), 404, 20404)
    _assert_error(raw.get("/v1/Services/IS" + "0" * 32 + "/Roles"), 404, 20404)
    _assert_error(raw.post("/v1/Credentials/CR" + "0" * 32, {"FriendlyName": "x"}), 404, 20404)
    _assert_error(raw.delete("/v1/Configuration/Addresses/IG" + "0" * 32), 404, 20404)
    _assert_error(raw.get("/v1/Roles/RL" + "0" * 32), 404, 20404)


def test_missing_required_parameters_and_bad_enums_are_400_20001(raw: Raw) -> None:
    _assert_error(raw.post("/v1/Services", {}), 400, 20001)
    assert "FriendlyName" in raw.post("/v1/Services", {}).json()["message"]
    _assert_error(raw.post("/v1/Roles", {"FriendlyName": "x", "Type": "service"}), 400, 20001)
    _assert_error(raw.post("/v1/Configuration/Addresses", {"Type": "sms"}), 400, 20001)
    _assert_error(
        raw.post("/v1/Configuration/Addresses", {"Type": "fax", "Address": "1"}), 400, 20001
    )
    _assert_error(raw.post("/v1/Configuration/Webhooks", {"Target": "Flex"}), 400, 20001)
    _assert_error(raw.post("/v1/Credentials", {"Type": "apns"}), 400, 20001)
    _assert_error(raw.post("/v1/Services", {"FriendlyName": "x" * 257}), 400, 50003)
    # Where Twilio's list has a code for the case, that code.
    _assert_error(
        raw.post("/v1/Roles", {"FriendlyName": "x", "Type": "room", "Permission": "sendMessage"}),
        400,
        50105,
    )
    _assert_error(raw.post("/v1/Configuration", {"DefaultInactiveTimer": "P1W"}), 400, 50379)


def test_unknown_parameters_are_ignored(raw: Raw) -> None:
    response = raw.post("/v1/Services", {"FriendlyName": "x", "Colour": "blue"})
    assert response.status_code == 201
    assert "colour" not in response.json()


def test_write_status_codes_and_empty_delete_body(raw: Raw) -> None:
    created = raw.post("/v1/Credentials", {"Type": "fcm", "Secret": "s"})
    assert created.status_code == 201
    assert created.headers["Content-Type"].startswith("application/json")
    deleted = raw.delete(f"/v1/Credentials/{created.json()['sid']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert raw.post("/v1/Configuration", {}).status_code == 200


def test_method_not_allowed(raw: Raw) -> None:
    _assert_error(raw.delete("/v1/Configuration"), 405, 20004)


def test_paging_follows_next_page_url(emulator: EmulatorServer, raw: Raw) -> None:
    for index in range(7):
        assert (
            raw.post(
                "/v1/Credentials", {"Type": "fcm", "Secret": "s", "FriendlyName": f"c{index}"}
            ).status_code
            == 201
        )
    first = raw.get("/v1/Credentials", PageSize=3).json()
    check_body(first, "/v1/Credentials", "GET", 200)
    meta = first["meta"]
    assert meta["key"] == "credentials" and meta["page"] == 0 and meta["page_size"] == 3
    assert meta["previous_page_url"] is None
    assert meta["first_page_url"] == f"{raw.base}/v1/Credentials?PageSize=3&Page=0"
    names = [c["friendly_name"] for c in first["credentials"]]
    url = meta["next_page_url"]
    pages = 1
    while url:
        assert url.startswith(raw.base)
        page = raw.get(url).json()
        check_body(page, "/v1/Credentials", "GET", 200)
        assert page["meta"]["page"] == pages
        assert page["meta"]["previous_page_url"] is not None
        names += [c["friendly_name"] for c in page["credentials"]]
        url = page["meta"]["next_page_url"]
        pages += 1
    assert pages == 3
    assert names == [f"c{index}" for index in range(7)]

    # Going back from the last page gives the middle page again.
    last = raw.get(raw.get(meta["next_page_url"]).json()["meta"]["next_page_url"]).json()
    back = raw.get(last["meta"]["previous_page_url"]).json()
    assert [c["friendly_name"] for c in back["credentials"]] == ["c3", "c4", "c5"]
    query = parse_qs(urlsplit(back["meta"]["url"]).query)
    assert query["Page"] == ["1"]

    # The SDK pages the same way.
    client = build_client(emulator_settings(), emulator.url)
    try:
        listed = client.conversations.v1.credentials.list(page_size=2)
        assert [c.friendly_name for c in listed] == names
        assert len(client.conversations.v1.credentials.list(page_size=2, limit=3)) == 3
    finally:
        close_client(client)


def test_page_size_is_capped_per_endpoint(sdk_client: Client, raw: Raw) -> None:
    service_sid = sdk_client.conversations.v1.services.list()[0].sid
    assert raw.get("/v1/Services", PageSize=1000).json()["meta"]["page_size"] == 100
    assert raw.get("/v1/Credentials", PageSize=1000).json()["meta"]["page_size"] == 100
    assert (
        raw.get(f"/v1/Services/{service_sid}/Roles", PageSize=1000).json()["meta"]["page_size"]
        == 50
    )
    assert raw.get("/v1/Configuration/Addresses", PageSize=51).json()["meta"]["page_size"] == 50
    assert raw.get("/v1/Services").json()["meta"]["page_size"] == 50
    keys = {
        "/v1/Services": "services",
        "/v1/Credentials": "credentials",
        "/v1/Configuration/Addresses": "address_configurations",
        "/v1/Roles": "roles",
    }
    for path, key in keys.items():
        body = raw.get(path).json()
        assert body["meta"]["key"] == key and key in body
    _assert_error(raw.get("/v1/Services", PageSize=0), 400, 20001)
    _assert_error(raw.get("/v1/Services", PageSize="many"), 400, 20001)


def test_urls_follow_the_host_header(emulator: EmulatorServer) -> None:
    with requests.Session() as session:
        session.auth = (defaults.ACCOUNT_SID, defaults.AUTH_TOKEN)
        body = session.get(
            f"{emulator.url}/v1/Services", headers={"Host": "emulator.test:9999"}, timeout=5
        ).json()
    assert body["services"][0]["url"].startswith("http://emulator.test:9999/v1/Services/IS")
    assert body["meta"]["url"].startswith("http://emulator.test:9999/v1/Services?")


def test_stats_count_api_requests_by_method_and_route(emulator: EmulatorServer, raw: Raw) -> None:
    emulator.reset_stats()
    sid = raw.post("/v1/Services", {"FriendlyName": "s"}).json()["sid"]
    role = raw.get(f"/v1/Services/{sid}/Roles").json()["roles"][0]["sid"]
    raw.post(f"/v1/Services/{sid}/Roles/{role}", {"Permission": "joinConversation"})
    raw.delete(f"/v1/Services/{sid}")
    with requests.Session() as session:  # no credentials needed, and never counted
        stats = session.get(f"{emulator.url}/__emulator/stats", timeout=5).json()
        assert stats["requests"] == 4
        assert stats["by_method"] == {"GET": 1, "POST": 2, "DELETE": 1}
        assert stats["by_route"] == {
            "POST /v1/Services": 1,
            "GET /v1/Services/{Sid}/Roles": 1,
            "POST /v1/Services/{Sid}/Roles/{Sid}": 1,
            "DELETE /v1/Services/{Sid}": 1,
        }
        assert stats["faults"] == {}
        assert session.delete(f"{emulator.url}/__emulator/stats", timeout=5).status_code == 204
        assert session.get(f"{emulator.url}/__emulator/stats", timeout=5).json()["requests"] == 0
    assert emulator.stats()["requests"] == 0
