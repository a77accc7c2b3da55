"""Done when: snapshots recorded against a second emulator with a deliberate difference (an
extra field, another error code, another page size) make the check fail, naming the scenario
and the JSON path, and no secret that crossed the wire reached the files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.parity import runner, snapshots
from reconciler.parity.compare import ParityFailure
from tests.parity.proxy import AlteringProxy, unchanged


def _extra_field(method: str, path: str, status: int, body: Any) -> tuple[int, Any]:
    if method == "GET" and re.fullmatch(r"/v1/Services/IS\w+", path) and status == 200:
        body = {**body, "region": "us1"}
    return status, body


def _other_code(method: str, path: str, status: int, body: Any) -> tuple[int, Any]:
    if isinstance(body, dict) and body.get("code") == 50105:
        body = {**body, "code": 20001, "more_info": "https://www.twilio.com/docs/errors/20001"}
    return status, body


def _smaller_pages(path: str) -> str:
    return path.replace("PageSize=3", "PageSize=2")


CASES = {
    "extra field": ("services", _extra_field, str, "step 'fetch the default service'", "$.body"),
    "other code": (
        "service_roles",
        _other_code,
        str,
        "step 'refused: unknown role type'",
        "$.code",
    ),
    "page size": ("role_paging", unchanged, _smaller_pages, "step 'page 1", "$.body"),
}


def _scan(directory: Path, secrets: set[str]) -> None:
    texts = [path.read_text(encoding="utf-8") for path in directory.glob("*.snapshot.json")]
    assert texts, "nothing was recorded"
    for secret in secrets:
        assert all(secret not in text for text in texts)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_deliberate_difference_fails_the_check_by_scenario_and_path(
    case: str, tmp_path: Path
) -> None:
    scenario, alter, rewrite, step, path = CASES[case]
    with EmulatorServer(port=0) as upstream:
        proxy = AlteringProxy(upstream.url, alter, rewrite)
        with proxy.running():
            runner.record("endpoint", [scenario], tmp_path, endpoint=proxy.url)
        secrets = proxy.seen_secrets | {defaults.AUTH_TOKEN}
    _scan(tmp_path, secrets)
    assert snapshots.read(tmp_path, scenario)["source"]["kind"] == "endpoint"
    with pytest.raises(ParityFailure) as failure:
        runner.check("emulator", [scenario], tmp_path)
    message = str(failure.value)
    assert f"scenario {scenario}" in message
    assert step in message
    assert f": {path}" in message


def test_an_unaltered_recording_checks_clean_and_holds_no_secret(tmp_path: Path) -> None:
    """The control: the same recording through an unaltering proxy passes the check, value for
    value, so the failures above are the differences and nothing else; every scenario's
    secrets (tokens, fcm secrets, the subaccount's token) stayed out of the files."""
    with EmulatorServer(port=0) as upstream:
        proxy = AlteringProxy(upstream.url, unchanged)
        with proxy.running():
            runner.record("endpoint", None, tmp_path, endpoint=proxy.url)
        secrets = proxy.seen_secrets | {defaults.AUTH_TOKEN, defaults.API_KEY_SECRET}
    _scan(tmp_path, secrets)
    assert any(secret.startswith("fcm-") for secret in secrets)  # the scenarios sent some
    report = runner.check("emulator", None, tmp_path)
    assert report.declared == []  # declarations are about the published examples
    assert len(report.checked) == len(runner.selected(None))
