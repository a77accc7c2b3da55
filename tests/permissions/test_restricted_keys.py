"""`plan`, `export` (and `doctor`) and `apply` with a restricted API key whose policy is
exactly what `reconciler permissions` printed, through the CLI, the real twilio SDK and the
emulator's IAM API (which creates the key and enforces its policy on every request).

The account is seeded with what the examples point into (their Messaging Services, Studio
Flows and phone numbers), so a plan that checks those neighbours finds them; the key then
needs the neighbour reads `permissions` asks for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from twilio.rest import Client

from reconciler.cli.main import cli
from reconciler.config import load_config
from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from tests.conftest import client_for
from tests.emulator.test_iam_keys import aim_iam
from tests.engine.conftest import (
    CREDENTIALS_ENV,
    EXAMPLE_ENV,
    EXAMPLES,
    Cli,
    example_dirs,
    one_line_error,
)
from tests.export.conftest import build_rich_account

EXAMPLE_DIRS = example_dirs()
NEIGHBOUR_VARIABLE = re.compile(r"\$\{(\w+):-(MG|FW)[0-9a-f]{32}\}")
"""An example's default SID of a Messaging Service or Studio Flow, under a variable."""


@pytest.fixture
def run(emulator: EmulatorServer, tmp_path: Path) -> Cli:
    return Cli(emulator, tmp_path / "cli")


@pytest.fixture
def admin(emulator: EmulatorServer) -> Iterator[Client]:
    """The account's auth token, with IAM aimed at the emulator."""
    with client_for(emulator) as client:
        yield aim_iam(client, emulator.url)


def seeded_env(admin: Client, example: Path) -> dict[str, str]:
    """EXAMPLE_ENV, plus the account's own Messaging Services and Studio Flows for the
    variables the example names them by, and its sms addresses bought as phone numbers."""
    env = dict(EXAMPLE_ENV)
    text = "\n".join(file.read_text(encoding="utf-8") for file in sorted(example.rglob("*.yaml")))
    for name, prefix in sorted(set(NEIGHBOUR_VARIABLE.findall(text))):
        if prefix == "MG":
            env[name] = admin.messaging.v1.services.create(friendly_name=name).sid
        else:
            flow = admin.studio.v2.flows.create(
                friendly_name=name, status="published", definition={"states": []}
            )
            env[name] = flow.sid
    config = load_config([example], environ=env).config
    owned = {number.phone_number for number in admin.incoming_phone_numbers.list()}
    for address in config.address_configurations:
        if address.type == "sms" and address.address not in owned:
            admin.incoming_phone_numbers.create(phone_number=address.address)
            owned.add(address.address)
    return env


def policy_for(run: Cli, job: str, paths: list[str], env: dict[str, str]) -> dict[str, Any]:
    result = run("permissions", *paths, "--for", job, env=env, endpoint=False)
    assert result.exit_code == 0, result.output + result.stderr
    policy: dict[str, Any] = json.loads(result.stdout)
    assert set(policy) == {"allow"} and policy["allow"] == sorted(set(policy["allow"]))
    return policy


def key_env(admin: Client, policy: dict[str, Any], env: dict[str, str]) -> dict[str, str | None]:
    """A restricted key with `policy`, as the CLI reads credentials."""
    key = admin.iam.v1.new_api_key.create(
        account_sid=defaults.ACCOUNT_SID, key_type="restricted", policy=policy
    )
    fetched = admin.iam.v1.api_key(key.sid).fetch()
    assert fetched.policy == policy, "the key holds exactly the printed policy"
    return {
        **env,
        "TWILIO_ACCOUNT_SID": defaults.ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": None,
        "TWILIO_API_KEY": key.sid,
        "TWILIO_API_SECRET": key.secret,
    }


def refused(emulator: EmulatorServer) -> int:
    return int(emulator.stats()["by_status"].get("403", 0))


@pytest.mark.parametrize(
    "example", EXAMPLE_DIRS, ids=[str(path.relative_to(EXAMPLES)) for path in EXAMPLE_DIRS]
)
def test_plan_and_export_of_every_example_with_exactly_the_printed_policy(
    example: Path, run: Cli, admin: Client, emulator: EmulatorServer
) -> None:
    env = seeded_env(admin, example)
    plan_env = key_env(admin, policy_for(run, "plan", [str(example)], env), env)
    emulator.reset_stats()
    planned = run("plan", str(example), "--detailed-exitcode", env=plan_env)
    assert planned.exit_code == 2, planned.output + planned.stderr
    assert refused(emulator) == 0, emulator.stats()["by_route"]
    assert emulator.stats()["by_method"].get("POST", 0) == 0

    export_env = key_env(admin, policy_for(run, "export", [str(example)], env), env)
    emulator.reset_stats()
    exported = run("export", env=export_env)
    assert exported.exit_code == 0, exported.output + exported.stderr
    assert "services:" in exported.stdout and refused(emulator) == 0
    # doctor shows the key's SID (not a secret: README, "Adopting"), which Cli's suite-wide
    # check counts as one, so it runs through click's runner here; the secret stays unshown.
    doctor = CliRunner().invoke(
        cli, ["doctor", "--endpoint", emulator.url], env={**CREDENTIALS_ENV, **export_env}
    )
    assert doctor.exit_code == 0, doctor.output + doctor.stderr
    assert str(export_env["TWILIO_API_SECRET"]) not in doctor.output + doctor.stderr
    assert refused(emulator) == 0, "doctor reads what export reads"


def apply_with_plan_key(
    run: Cli, admin: Client, emulator: EmulatorServer, example: Path
) -> tuple[Result, dict[str, str], dict[str, str | None], list[str]]:
    """`apply` of a seeded example with its plan key: (result, seeded env, plan key env,
    the lines of its failed steps); it exits 1."""
    env = seeded_env(admin, example)
    plan_env = key_env(admin, policy_for(run, "plan", [str(example)], env), env)
    emulator.reset_stats()
    result = run("apply", str(example), "--auto-approve", env=plan_env)
    one_line_error(result)
    failed = [line for line in result.stdout.splitlines() if " ... FAILED" in line]
    return result, env, plan_env, failed


def test_apply_with_the_plan_key_stops_at_its_first_write_naming_the_permission(
    run: Cli, admin: Client, emulator: EmulatorServer
) -> None:
    example = EXAMPLES / "minimal"
    result, env, plan_env, [failed] = apply_with_plan_key(run, admin, emulator, example)
    assert "create service chat-app" in failed and "Twilio error 20403 (HTTP 403)" in failed
    assert "lacks the permission /twilio/conversations/services/create," in failed, failed
    assert "0 done, 1 failed" in result.stdout
    stats = emulator.stats()
    assert stats["by_status"].get("403") == 1, stats["by_route"]
    assert stats["by_method"].get("POST") == 1 and not stats["by_method"].get("DELETE")
    assert [service.friendly_name for service in admin.conversations.v1.services.list()] == [
        "Default Conversations Service"
    ], "nothing was written"

    apply_env = key_env(admin, policy_for(run, "apply", [str(example)], env), env)
    applied = run("apply", str(example), "--auto-approve", env=apply_env)
    assert applied.exit_code == 0, applied.output + applied.stderr
    again = run("plan", str(example), "--detailed-exitcode", env=plan_env)
    assert again.exit_code == 0 and "No changes" in again.stdout


def test_a_policy_without_one_read_fails_the_plan_naming_it(
    run: Cli, admin: Client, emulator: EmulatorServer
) -> None:
    """Every permission printed for the minimal example is one its plan uses (once its
    service exists: a service's parts are read only then)."""
    example = str(EXAMPLES / "minimal")
    applied = run("apply", example, "--auto-approve", env=EXAMPLE_ENV)
    assert applied.exit_code == 0, applied.output
    policy = policy_for(run, "plan", [example], dict(EXAMPLE_ENV))
    for permission in policy["allow"]:
        fewer = {"allow": [name for name in policy["allow"] if name != permission]}
        message = one_line_error(run("plan", example, env=key_env(admin, fewer, EXAMPLE_ENV)))
        assert f"lacks the permission {permission}," in message, message


def test_apply_with_the_plan_key_writes_nothing_however_many_writes_it_plans(
    run: Cli, admin: Client, emulator: EmulatorServer
) -> None:
    """The writes that start together are each refused, naming their permission; every step
    that depends on them is skipped, so nothing reaches the account."""
    result, _, _, failed = apply_with_plan_key(run, admin, emulator, EXAMPLES / "support-desk")
    assert "not started: " in result.stdout and "was refused (Twilio error 20403" in result.stdout
    stats = emulator.stats()
    writes = stats["by_method"].get("POST", 0) + stats["by_method"].get("DELETE", 0)
    assert writes >= 1 and refused(emulator) == writes, stats
    assert len(failed) == writes
    assert all(
        re.search(r"lacks the permission /twilio/conversations/\S+/(create|update),", line)
        for line in failed
    ), failed


def test_a_neighbour_read_the_key_may_not_make_is_not_checked_not_a_failure(
    run: Cli, admin: Client, emulator: EmulatorServer
) -> None:
    """A key without the Messaging, Studio or phone-number reads still plans: each check it
    cannot make is a visible "not checked" note, never a refusal of the plan."""
    example = EXAMPLES / "environments" / "prod"
    env = seeded_env(admin, example)
    policy = policy_for(run, "plan", [str(example)], env)
    conversations_only = {
        "allow": [name for name in policy["allow"] if name.startswith("/twilio/conversations/")]
    }
    assert conversations_only["allow"] != policy["allow"], "the example reads other products"
    planned = run(
        "plan", str(example), "--format", "json", env=key_env(admin, conversations_only, env)
    )
    assert planned.exit_code == 0, planned.stderr
    notes = json.loads(planned.stdout)["checks"]
    not_checked = [note for note in notes if note.endswith("(not checked)")]
    assert any("Messaging Service" in note for note in not_checked), notes
    assert any("Studio Flow" in note for note in not_checked), notes
    assert any("phone numbers" in note for note in not_checked), notes
    assert all("error 20403, HTTP 403" in note for note in not_checked), not_checked


def test_a_plan_saved_with_the_read_only_key_applies_with_the_write_key(
    run: Cli, admin: Client, emulator: EmulatorServer, tmp_path: Path
) -> None:
    """The CI guide's flow: the pull request plans with a read-only key (here one that may not
    even read the other products: its checks say "not checked"), the merge applies that saved
    plan with the write key, whose checks differ; the checks are not what the plan approves."""
    example = EXAMPLES / "environments" / "prod"
    env = seeded_env(admin, example)
    policy = policy_for(run, "plan", [str(example)], env)
    narrow = {"allow": [p for p in policy["allow"] if p.startswith("/twilio/conversations/")]}
    saved = tmp_path / "reviewed.plan.json"
    planned = run("plan", str(example), "--out", str(saved), env=key_env(admin, narrow, env))
    assert planned.exit_code == 0, planned.stderr
    assert "(not checked)" in planned.stdout
    writing = policy_for(run, "apply", [str(example)], env)
    assert set(writing["allow"]) - set(narrow["allow"]), "the write key reads the other products"
    writer = key_env(admin, writing, env)
    applied = run("apply", "--plan", str(saved), env=writer)
    assert applied.exit_code == 0, applied.output + applied.stderr
    assert run("plan", str(example), "--detailed-exitcode", env=writer).exit_code == 0


def _doctor(emulator: EmulatorServer, env: dict[str, str | None]) -> Result:
    """doctor --format json with `env`'s key (through click's runner: doctor shows the key's
    SID, which Cli's suite-wide check counts as a secret); the secret is never shown."""
    result = CliRunner().invoke(
        cli,
        ["doctor", "--format", "json", "--endpoint", emulator.url],
        env={**CREDENTIALS_ENV, **env},
    )
    assert str(env["TWILIO_API_SECRET"]) not in result.output + result.stderr
    return result


def test_doctor_works_with_any_read_only_key_and_says_what_it_could_not_check(
    run: Cli, admin: Client, emulator: EmulatorServer
) -> None:
    """The pull-request key reads only what its configuration touches: doctor lists the rest
    as not checked (naming the permission) instead of failing; `--for doctor` reads it all."""
    build_rich_account(admin)
    minimal = str(EXAMPLES / "minimal")
    env = seeded_env(admin, EXAMPLES / "minimal")

    plan_key = key_env(admin, policy_for(run, "plan", [minimal], env), env)
    with_plan_key = _doctor(emulator, plan_key)
    assert with_plan_key.exit_code == 0, with_plan_key.output + with_plan_key.stderr
    report = json.loads(with_plan_key.stdout)
    not_checked = {item["what"]: item["reason"] for item in report["not_checked"]}
    assert "/twilio/conversations/credentials/list" in not_checked["credentials"]
    assert "20403" in not_checked["credentials"]
    assert report["summary"]["not_checked"] == len(report["not_checked"])
    assert report["unknown"] == [], "nothing unread is judged: no false dangling references"

    export_key = key_env(admin, policy_for(run, "export", [minimal], env), env)
    report = json.loads(_doctor(emulator, export_key).stdout)
    assert sorted(item["what"].split(" ")[0] for item in report["not_checked"]) == [
        "Messaging",
        "Studio",
        "the",
    ], "export's key reads the account, not the products it points at"

    doctor_key = key_env(admin, policy_for(run, "doctor", [minimal], env), env)
    emulator.reset_stats()
    complete = _doctor(emulator, doctor_key)
    assert complete.exit_code == 0, complete.output + complete.stderr
    assert json.loads(complete.stdout)["not_checked"] == []
    assert refused(emulator) == 0, emulator.stats()["by_route"]
