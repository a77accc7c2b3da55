"""The targets file: every mistake is one clear message at its file and line, and the CLI's
fleet options are checked before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.config import ConfigError
from reconciler.fleet import parse_shard, select_targets
from reconciler.fleet.credentials import check_pin
from reconciler.fleet.errors import TargetError
from reconciler.fleet.loader import load_targets
from reconciler.fleet.model import TARGET_VARIABLE
from reconciler.fleet.select import Shard
from tests.fleet.conftest import FleetDir, assert_clean_exit, tenants

SID = "AC" + "a" * 32


def load(tmp_path: Path, text: str) -> list[str]:
    """The messages a targets file gets, as `file:line: message` with the file name cut."""
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_targets(path)
    return [str(issue).replace(str(path), "targets.yaml") for issue in caught.value.issues]


def test_a_good_file_with_defaults_and_both_kinds_of_target(tmp_path: Path) -> None:
    (tmp_path / "tenants").mkdir()
    path = tmp_path / "targets.yaml"
    path.write_text(
        f"""version: 1
parent:
  credentials: {{account_sid: PARENT_SID, api_key: PARENT_KEY, api_secret: PARENT_SECRET}}
defaults:
  config: [tenants/base]
  variables: {{REGION: us1, PLAN: basic}}
targets:
  - name: prod
    config: [envs/prod]
    account: {SID}
    credentials: {{account_sid: PROD_SID, auth_token: PROD_TOKEN}}
  - name: acme
    subaccount: Acme Corp
    variables: {{PLAN: gold}}
  - name: beta
    subaccount: {{sid: {SID}}}
""",
        encoding="utf-8",
    )
    fleet = load_targets(path)
    prod, acme, beta = fleet.targets
    base = str(tmp_path / "tenants" / "base")
    assert prod.config == (base, str(tmp_path / "envs" / "prod")), "bases first, from the file"
    assert prod.pin == SID and prod.credentials is not None
    assert prod.credentials.names == ("PROD_SID", "PROD_TOKEN")
    assert acme.subaccount is not None and acme.subaccount.friendly_name == "Acme Corp"
    assert acme.variables == {"REGION": "us1", "PLAN": "gold"}, "the target's own win"
    assert acme.environment({"HOME": "/h"})[TARGET_VARIABLE] == "acme"
    assert beta.pin == SID, "a subaccount named by SID pins it"
    assert fleet.parent.api_key == "PARENT_KEY"


ONE = "version: 1\ntargets:\n  - name: a\n    config: [x]\n"
"""A target `a` (lines 3-4) that the cases below complete."""
SUB = ONE + "    subaccount: A\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("targets: []\n", "targets.yaml:1: version is required: start the file with `version: 1`"),
        (
            "version: 1\ntarget:\n  - name: a\n",
            "targets.yaml:2: the targets file: unknown key 'target' (did you mean targets?)",
        ),
        (SUB + "  - {name: a, config: [y], subaccount: B}\n", "targets.yaml:6: target name 'a' is"),
        (ONE, "targets.yaml:3: targets[0] (a): say how to reach the account: credentials:"),
        (
            SUB + "    credentials: {account_sid: S, auth_token: T}\n",
            "targets.yaml:3: targets[0] (a): give credentials: or subaccount:, not both",
        ),
        (SUB + "    account: AC123\n", "targets.yaml:6: targets[0] (a).account must be an account"),
        (
            SUB + "    variables: {ON: yes}\n",
            "targets.yaml:6: targets[0] (a).variables.ON must be text: YAML reads yes/no/true",
        ),
        (
            SUB + "    variables:\n      PHONE: +15017122661\n",
            "targets.yaml:7: targets[0] (a).variables.PHONE must be text: YAML reads it as a",
        ),
        (
            ONE + "    credentials: {account_sid: S, auth_token: 'abc 123'}\n",
            "targets.yaml:5: targets[0] (a).credentials.auth_token: 'abc 123' is not the name of",
        ),
        (
            ONE + "    credentials: {account_sid: S}\n",
            "targets.yaml:5: targets[0] (a).credentials: give auth_token, or api_key with",
        ),
        (
            "version: 1\ntargets:\n  - {name: ../up, config: [x], subaccount: A}\n",
            "targets.yaml:3: targets[0] (../up).name '../up': use letters, digits",
        ),
        (
            "version: 1\ntargets:\n  - name: a\n    subaccount: A\n",
            "targets.yaml:3: targets[0] (a): no configuration: give config: here or under",
        ),
        (
            ONE + f"    subaccount: {SID}\n    account: AC{'b' * 32}\n",
            f"targets.yaml:6: targets[0] (a): pinned to AC{'b' * 32} but names subaccount {SID}",
        ),
        ("version: 1\ntargets:\n  - name: a\n    name: b\n", "targets.yaml:4: duplicate key"),
        (
            SUB + "    variables: {TWILIO_AUTH_TOKEN: x}\n",
            "targets.yaml:6: targets[0] (a).variables: TWILIO_AUTH_TOKEN is a credential",
        ),
    ],
)
def test_mistakes_name_the_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    messages = load(tmp_path, text)
    assert any(message.startswith(expected) for message in messages), messages


def test_a_missing_targets_file_says_how_to_name_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["plan", "--all", "--targets", str(tmp_path / "nope.yaml")], catch_exceptions=True
    )
    assert_clean_exit(result, 1)
    assert "nope.yaml: no such targets file; write one (see docs/fleet.md)" in result.stderr


def test_selection_by_name_glob_and_shard(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    names = ["prod", "staging", "tenant-a", "tenant-b", "tenant-c", "tenant-d", "tenant-e"]
    entries = "".join(f"  - {{name: {n}, config: [x], subaccount: {n}}}\n" for n in names)
    path.write_text(f"version: 1\ntargets:\n{entries}", encoding="utf-8")
    fleet = load_targets(path)
    picked = select_targets(fleet, ("tenant-*", "prod"))
    assert [t.name for t in picked] == [
        "prod",
        "tenant-a",
        "tenant-b",
        "tenant-c",
        "tenant-d",
        "tenant-e",
    ]
    shards = [select_targets(fleet, (), Shard(k, 3)) for k in (1, 2, 3)]
    assert sorted(t.name for shard in shards for t in shard) == sorted(names), "a partition"
    assert [len(shard) for shard in shards] == [3, 2, 2]
    with pytest.raises(Exception, match=r"--target 'tenant-x\*' matches no target"):
        select_targets(fleet, ("tenant-x*",))
    assert parse_shard(" 2/4 ") == Shard(2, 4)
    for bad in ("0/2", "3/2", "1/0", "half", "1-2"):
        with pytest.raises(ValueError):
            parse_shard(bad)


def test_usage_errors_of_the_fleet_options(fleet: FleetDir) -> None:
    fleet.write(tenants("tenant-001"))
    cases = [
        (("plan", "--all", "base"), "the configuration paths come from the targets file"),
        (("plan", "base", "--report", "r.json"), "--report is for fleets"),
        (("plan", "--shard", "3/2"), "K must be between 1 and N"),
        (("apply", "--all", "--plan", "no-such.plan"), "--plan takes the folder"),
        (("export", "--all"), "give --out-dir DIR"),
        (("export", "--all", "--out", "x.yaml"), "with a fleet use --out-dir DIR"),
        (("export", "--subaccounts", "--target", "x", "--out-dir", "d"), "drop --all/--target"),
        (("plan", "--target", "nothing-*"), "--target 'nothing-*' matches no target"),
    ]
    for args, expected in cases:
        result = fleet.run(*args, endpoint=args[0] != "validate")
        assert_clean_exit(result, 1)
        assert expected in result.stderr, (args, result.stderr)
    missing = fleet.run("plan", endpoint=False)
    assert_clean_exit(missing, 1)
    assert "Missing argument 'PATHS...'" in missing.stderr


def test_a_pin_is_refused_when_the_account_reached_is_unknown_or_another(tmp_path: Path) -> None:
    """The targets file's pin, like a config's: an account the API does not name fails it."""
    path = tmp_path / "targets.yaml"
    path.write_text(
        f"version: 1\ntargets:\n  - name: prod\n    config: [prod]\n    account: {SID}\n"
        "    credentials: {account_sid: PROD_SID, auth_token: PROD_TOKEN}\n",
        encoding="utf-8",
    )
    (prod,) = load_targets(path).targets
    check_pin(prod, SID.lower(), "the API answers for account")
    with pytest.raises(TargetError, match="could not confirm the account"):
        check_pin(prod, None, "the API answers for account")
    with pytest.raises(TargetError, match="but the API answers for account AC0"):
        check_pin(prod, "AC" + "0" * 32, "the API answers for account")
