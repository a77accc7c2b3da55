"""A saved plan belongs to the account it was read from: `apply --plan` refuses any other before
it writes anything, whether or not the configuration pins an account, and `show` names it.

Two emulator accounts (the main one and a subaccount, each with its own credentials), the real
twilio SDK, the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.output.plan import render_markdown, render_text
from reconciler.plan.document import plan_document
from reconciler.plan.model import Origin, Plan
from tests.engine.conftest import Cli, one_line_error, writes
from tests.engine.test_account_pin import anonymous as anonymous  # the relay fixture
from tests.plan_json.checks import assert_valid

SUPPORT = {"version": 1, "services": {"support": {"friendly_name": "Support"}}}


@pytest.fixture
def two_accounts(tmp_path: Path) -> Iterator[tuple[Cli, dict[str, Any]]]:
    """The CLI on an emulator holding the main account and one subaccount (its 2010 view, with
    its SID and auth token)."""
    with EmulatorServer(subaccounts=1) as server:
        yield Cli(server, tmp_path / "cli"), server.subaccounts()[0]


def as_account(sub: dict[str, Any]) -> dict[str, str | None]:
    """The environment of someone holding the subaccount's own credentials."""
    return {"TWILIO_ACCOUNT_SID": sub["sid"], "TWILIO_AUTH_TOKEN": sub["auth_token"]}


def services_of(server: EmulatorServer, account_sid: str) -> list[str]:
    return sorted(s["friendly_name"] for s in server.snapshot(account_sid)["services"])


def save(run: Cli, planfile: Path, env: dict[str, str | None] | None = None) -> None:
    result = run("plan", run.config(SUPPORT), "--out", str(planfile), env=env)
    assert result.exit_code == 0, result.output + result.stderr


def test_a_plan_saved_on_one_account_is_refused_on_another(
    two_accounts: tuple[Cli, dict[str, Any]], tmp_path: Path
) -> None:
    """The bug of issue 19: an unpinned configuration, planned against A, applied with B's
    credentials. Refused on the credentials' account, before any request reaches B."""
    run, sub = two_accounts
    planfile = tmp_path / "a.plan"
    save(run, planfile)
    assert json.loads(planfile.read_text())["account"] == {
        "sid": defaults.ACCOUNT_SID,
        "target": None,
    }
    run.emulator.reset_stats()
    message = one_line_error(run("apply", "--plan", str(planfile), env=as_account(sub)))
    assert f"planned against account {defaults.ACCOUNT_SID}" in message
    assert f"the credentials are for account {sub['sid']}" in message
    assert "Nothing was changed" in message
    assert run.emulator.stats()["requests"] == 0, "refused before any request"
    assert "Support" not in services_of(run.emulator, sub["sid"])

    applied = run("apply", "--plan", str(planfile))  # its own account: applies
    assert applied.exit_code == 0, applied.output + applied.stderr
    assert "Support" in services_of(run.emulator, defaults.ACCOUNT_SID)


def test_a_key_that_reaches_another_account_is_refused_on_the_apis_answer(
    two_accounts: tuple[Cli, dict[str, Any]], tmp_path: Path
) -> None:
    """TWILIO_ACCOUNT_SID names the plan's account, but the API key belongs to another: the
    account the API answers for (read-only calls) decides, before any write."""
    run, sub = two_accounts
    planfile = tmp_path / "sub.plan"
    save(run, planfile, env=as_account(sub))
    assert json.loads(planfile.read_text())["account"]["sid"] == sub["sid"]
    run.emulator.reset_stats()
    env: dict[str, str | None] = {
        "TWILIO_ACCOUNT_SID": sub["sid"],
        "TWILIO_AUTH_TOKEN": None,
        "TWILIO_API_KEY": defaults.API_KEY_SID,
        "TWILIO_API_SECRET": defaults.API_KEY_SECRET,
    }
    message = one_line_error(run("apply", "--plan", str(planfile), env=env))
    assert f"planned against account {sub['sid']}" in message
    assert f"the API answers for account {defaults.ACCOUNT_SID}" in message
    assert writes(run.emulator.stats()) == 0
    assert services_of(run.emulator, defaults.ACCOUNT_SID) == ["Default Conversations Service"]


def test_plan_json_names_the_account_it_read(run: Cli) -> None:
    result = run("plan", run.config(SUPPORT), "--format", "json")
    assert result.exit_code == 0, result.output + result.stderr
    assert json.loads(result.stdout)["account_sid"] == defaults.ACCOUNT_SID


@pytest.mark.parametrize("version", [1, 2])
def test_a_plan_file_that_names_no_account_is_refused(
    run: Cli, tmp_path: Path, version: int
) -> None:
    """Plan files of earlier releases recorded no account: refused by apply and show alike, with
    what to do, rather than applied unchecked."""
    planfile = tmp_path / "old.plan"
    save(run, planfile)
    document = json.loads(planfile.read_text())
    document["plan_file_version"] = version
    del document["account"]
    planfile.write_text(json.dumps(document))
    run.emulator.reset_stats()
    for result in (
        run("apply", "--plan", str(planfile)),
        run("show", str(planfile), endpoint=False),
    ):
        message = one_line_error(result)
        assert f"plan_file_version {version}" in message
        assert "did not record the account" in message and "plan --out" in message
    assert run.emulator.stats()["requests"] == 0


@pytest.mark.parametrize(
    "account",
    [
        {"sid": "AC123", "target": None},
        {"sid": defaults.ACCOUNT_SID, "target": "</code><img src=x>"},
        {"sid": None, "target": None},
        None,
    ],
)
def test_a_plan_file_with_a_damaged_account_is_refused(
    run: Cli, tmp_path: Path, account: dict[str, Any] | None
) -> None:
    planfile = tmp_path / "edited.plan"
    save(run, planfile)
    document = json.loads(planfile.read_text())
    document["account"] = account
    planfile.write_text(json.dumps(document))
    for result in (
        run("apply", "--plan", str(planfile)),
        run("show", str(planfile), endpoint=False),
    ):
        assert "damaged or was edited by hand" in one_line_error(result)
        assert "<img" not in result.output + result.stderr


def test_a_plan_of_an_account_the_api_does_not_name_is_not_saved(
    run: Cli, tmp_path: Path, anonymous: tuple[str, list[str]]
) -> None:
    """A plan that cannot record its account could be applied anywhere: not written."""
    url, _ = anonymous
    planfile = tmp_path / "nowhere.plan"
    result = run(
        "plan", run.config(SUPPORT), "--out", str(planfile), "--endpoint", url, endpoint=False
    )
    message = one_line_error(result)
    assert "not saved: the API named no account" in message
    assert not planfile.exists()


def test_a_fleet_targets_plan_is_headed_with_its_account_and_target() -> None:
    """Rendered directly: `show` of a fleet target's plan file names both (and JSON says so)."""
    plan = Plan(changes=[], fingerprint="f" * 64)
    origin = Origin(defaults.ACCOUNT_SID, "tenant-001")
    assert render_text(plan, origin=origin).startswith(
        f"Account: {defaults.ACCOUNT_SID} (fleet target tenant-001)\n\n"
    )
    assert (
        f"Account: <code>{defaults.ACCOUNT_SID}</code> (fleet target <code>tenant-001</code>)"
        in render_markdown(plan, origin)
    )
    document = plan_document(plan, origin)
    assert_valid(document)
    assert (document["account_sid"], document["target"]) == (defaults.ACCOUNT_SID, "tenant-001")
    assert "account_sid" not in plan_document(plan)  # a fleet report's plans carry none
