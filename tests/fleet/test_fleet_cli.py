"""plan, apply, validate and export over a fleet of subaccounts: the CLI, the real twilio SDK
(Accounts API included) and the emulator, with per-target variables and failing targets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.fleet import merge as merge_reports
from reconciler.live.connection import ConnectionSettings, build_client
from tests.conftest import close_client
from tests.fleet.conftest import FleetDir, assert_clean_exit, output, tenants


def hook_of(emulator: EmulatorServer, sub: dict[str, str]) -> str:
    """The support service's post-event URL, read with the subaccount's own credentials."""
    settings = ConnectionSettings(sub["sid"], sub["sid"], sub["auth_token"])
    client = build_client(settings, emulator.url)
    try:
        service = next(
            s for s in client.conversations.v1.services.list() if s.friendly_name == "Support"
        )
        return str(
            client.conversations.v1.services(service.sid)
            .configuration.webhooks()
            .fetch()
            .post_webhook_url
        )
    finally:
        close_client(client)


def test_plan_and_apply_across_subaccounts_with_per_target_variables(fleet: FleetDir) -> None:
    fleet.write(tenants("tenant-001", "tenant-002", "tenant-003"))
    fleet.emulator.reset_stats()
    planned = fleet.run("plan", "--all", "--detailed-exitcode")
    assert_clean_exit(planned, 2)
    assert "Fleet plan: 3 targets" in planned.stdout and "3 with changes" in planned.stdout
    listings = fleet.emulator.stats()["by_route"].get("GET /2010-04-01/Accounts.json")
    assert listings == 1, "one Accounts API listing for the whole fleet, not one per target"

    applied = fleet.run("apply", "--all", "--auto-approve")
    assert_clean_exit(applied, 0)
    assert "Fleet apply: 3 targets" in applied.stdout and "3 applied" in applied.stdout
    assert "[tenant-002] create service support ... done" in applied.stdout
    for name in ("tenant-001", "tenant-002", "tenant-003"):
        assert (
            hook_of(fleet.emulator, fleet.subaccount(name)) == f"https://hooks.example.com/{name}"
        )
    main = fleet.emulator.snapshot()
    assert [s["friendly_name"] for s in main["services"]] == ["Default Conversations Service"]

    again = fleet.run("plan", "--all", "--detailed-exitcode")
    assert_clean_exit(again, 0)
    assert "0 with changes, 3 unchanged" in again.stdout


def test_a_failing_target_does_not_stop_the_others(fleet: FleetDir) -> None:
    targets = [
        *tenants("tenant-001"),
        {
            "name": "ghost",
            "subaccount": "no such tenant",
            "variables": {"HOOK_URL": "https://x.example.com"},
        },
        {"name": "unset", "subaccount": "tenant-002"},  # HOOK_URL is not set for it
        *tenants("tenant-003"),
    ]
    fleet.write(targets)
    report = fleet.root / "report.json"
    result = fleet.run("apply", "--all", "--auto-approve", "--report", str(report))
    assert_clean_exit(result, 1)
    text = result.stdout
    assert "=== ghost: FAILED ===" in text
    assert "no subaccount 'no such tenant' among the 3 subaccounts" in text
    assert "environment variable HOOK_URL is not set" in text
    assert "2 applied" in text and "2 failed" in text
    assert hook_of(fleet.emulator, fleet.subaccount("tenant-003")) == (
        "https://hooks.example.com/tenant-003"
    )
    data = json.loads(report.read_text())
    statuses = {entry["name"]: entry["status"] for entry in data["targets"]}
    assert statuses == {
        "tenant-001": "applied",
        "ghost": "failed",
        "unset": "failed",
        "tenant-003": "applied",
    }
    assert data["summary"]["failed"] == 2 and data["summary"]["applied"] == 2
    unset = next(entry for entry in data["targets"] if entry["name"] == "unset")
    assert "base/conversations.yaml:" in unset["error"], "the config's file:line"


def test_json_and_markdown_reports(fleet: FleetDir) -> None:
    fleet.write(tenants("tenant-001", "tenant-002"))
    assert_clean_exit(fleet.run("apply", "--target", "tenant-001", "--auto-approve"), 0)
    result = fleet.run("plan", "--all", "--format", "json")
    assert_clean_exit(result, 0)
    data = json.loads(result.stdout)
    assert data["command"] == "plan" and data["format_version"] == 1
    assert data["summary"] == {
        "targets": 2,
        "changes": 1,
        "no_changes": 1,
        "failed": 0,
        "create": 2,
        "update": 1,
        "replace": 0,
        "delete": 0,
    }
    first, second = data["targets"]
    assert (first["name"], first["status"], first["plan"]["summary"]["create"]) == (
        "tenant-001",
        "no_changes",
        0,
    )
    assert second["account_sid"] == fleet.subaccount("tenant-002")["sid"]
    assert {change["kind"] for change in second["plan"]["changes"]} == {
        "service",
        "role",
        "service_webhooks",
    }

    markdown = fleet.run("plan", "--all", "--format", "markdown").stdout
    table = markdown.index("| target | account | result |")
    assert table < markdown.index("#### `tenant-002`"), "the summary table comes first"
    assert "<summary><code>tenant-001</code>: unchanged</summary>" in markdown
    assert "<details>\n<summary><code>tenant-002</code>" not in markdown, "changes are open"


def test_show_unmanaged_lists_each_targets_own_extra_resources(
    fleet: FleetDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fleet.write(tenants("tenant-001", "tenant-002"))
    assert_clean_exit(fleet.run("apply", "--all", "--auto-approve"), 0)
    with fleet.client_of("tenant-002") as client:
        client.conversations.v1.services.create(friendly_name="Clicked by hand")

    text = fleet.run("plan", "--all", "--show-unmanaged")
    assert_clean_exit(text, 0)  # the plan itself does not change: prune is off
    section = text.stdout[text.stdout.index("=== tenant-002") :]
    assert "Unmanaged: 2 live resources are not in the configuration:" in section
    assert re.search(r"service Clicked by hand \(IS\w{32}\): left alone; add services to ", section)
    default = "service Default Conversations Service (IS"
    first_section = text.stdout[
        text.stdout.index("=== tenant-001") : text.stdout.index("=== tenant-002")
    ]
    assert "Unmanaged: 1 live resources" in first_section and default in first_section
    assert "left alone: the account's default service, which Twilio refuses" in first_section
    assert "Fleet plan: 2 targets" in text.stdout

    report = tmp_path / "report.json"
    data = json.loads(
        fleet.run(
            "plan", "--all", "--show-unmanaged", "--format", "json", "--report", str(report)
        ).stdout
    )
    first, second = data["targets"]
    assert [item["key"].split(" (IS")[0] for item in first["unmanaged"]] == [
        "Default Conversations Service"
    ]
    assert [
        (item["kind"], item["pruned"], item["prune_name"], item["kept"] is None)
        for item in second["unmanaged"]
    ] == [("service", False, "services", False), ("service", False, "services", True)]
    assert second["unmanaged"][1]["key"].startswith("Clicked by hand (IS")
    assert (
        "unmanaged"
        not in json.loads(fleet.run("plan", "--all", "--format", "json").stdout)["targets"][0]
    ), "only when asked for"

    markdown = fleet.run("plan", "--all", "--show-unmanaged", "--format", "markdown").stdout
    tenant_002 = markdown[markdown.index("<summary><code>tenant-002</code>") :]
    assert "#### Unmanaged" in tenant_002
    assert re.search(
        r"\| service \| Clicked by hand \(IS\w{32}\) \| off \(`services`\) \|", tenant_002
    )

    assert merge_reports.main([str(report), "--format", "text"]) == 0  # CI shards merged
    assert "service Clicked by hand (IS" in capsys.readouterr().out


def test_no_secret_reaches_any_output(fleet: FleetDir) -> None:
    fleet.write([*tenants("tenant-001", "tenant-002"), {"name": "bad", "subaccount": "nobody"}])
    tokens = [sub["auth_token"] for sub in fleet.emulator.subaccounts()] + [defaults.AUTH_TOKEN]
    report = fleet.root / "report.json"
    results = [
        fleet.run("plan", "--all", "--format", fmt, "--report", str(report))
        for fmt in ("text", "json", "markdown")
    ]
    results.append(fleet.run("--debug", "apply", "--all", "--auto-approve"))
    results.append(fleet.run("export", "--all", "--out-dir", str(fleet.root / "out")))
    texts = [output(result) for result in results] + [report.read_text()]
    texts += [path.read_text() for path in (fleet.root / "out").rglob("*.yaml")]
    for text in texts:
        for token in tokens:
            assert token not in text


def test_credentials_targets_and_the_account_pin(fleet: FleetDir) -> None:
    one, two = fleet.subaccount("tenant-001"), fleet.subaccount("tenant-002")
    env = {
        "ONE_SID": one["sid"],
        "ONE_TOKEN": one["auth_token"],
        "TWO_TOKEN": two["auth_token"],
    }
    variables = {"HOOK_URL": "https://hooks.example.com/direct"}
    fleet.write(
        [
            {
                "name": "direct",
                "credentials": {"account_sid": "ONE_SID", "auth_token": "ONE_TOKEN"},
                "account": one["sid"],
                "variables": variables,
            },
            {
                "name": "mixed-up",
                "credentials": {"account_sid": "ONE_SID", "auth_token": "TWO_TOKEN"},
                "variables": variables,
            },
            {
                "name": "pinned-elsewhere",
                "credentials": {"account_sid": "ONE_SID", "auth_token": "ONE_TOKEN"},
                "account": two["sid"],
                "variables": variables,
            },
            {
                "name": "unset",
                "credentials": {"account_sid": "ONE_SID", "auth_token": "NOT_SET_TOKEN"},
                "variables": variables,
            },
        ]
    )
    result = fleet.run("plan", "--all", "--format", "json", env=env)
    assert_clean_exit(result, 1)
    errors = {entry["name"]: entry["error"] for entry in json.loads(result.stdout)["targets"]}
    assert errors["direct"] is None
    assert (
        "Twilio refused the credentials (error 20003, HTTP 401): "
        "the credentials in ONE_SID, TWO_TOKEN" in (errors["mixed-up"])
    )
    assert errors["pinned-elsewhere"].startswith(
        f"refusing to run: target pinned-elsewhere is pinned to account {two['sid']}"
    )
    assert "reconciler-targets.yaml:" in errors["pinned-elsewhere"], "where the pin is written"
    assert errors["unset"].startswith("target unset: environment variable NOT_SET_TOKEN is not set")


def test_a_standard_api_key_cannot_look_subaccounts_up(tmp_path: Path) -> None:
    with EmulatorServer(subaccounts=1) as emulator:
        fleet = FleetDir(tmp_path, emulator)
        fleet.write(tenants("tenant-001"))
        env = {
            "TWILIO_AUTH_TOKEN": None,
            "TWILIO_API_KEY": defaults.API_KEY_SID,
            "TWILIO_API_SECRET": defaults.API_KEY_SECRET,
        }
        result = fleet.run("plan", "--all", env=env)
    assert_clean_exit(result, 1)
    assert "a Standard API key cannot act on the parent's behalf" in result.stdout
    assert "use the parent's auth token or a Main API key" in result.stdout


def test_validate_over_targets_is_offline(fleet: FleetDir) -> None:
    fleet.write(
        [
            *tenants("tenant-001"),
            {
                "name": "broken",
                "subaccount": "x",
                "config": ["extra.yaml"],
                "variables": {"HOOK_URL": "h"},
            },
        ]
    )
    (fleet.root / "extra.yaml").write_text("services:\n  support:\n    colour: blue\n")
    fleet.emulator.reset_stats()
    result = fleet.run("validate", "--all", endpoint=False)
    assert_clean_exit(result, 1)
    assert "tenant-001: valid (1 service, 1 role," in result.stdout
    assert "broken: invalid (" in result.stdout
    assert "extra.yaml:3:" in result.stderr
    assert fleet.emulator.stats()["requests"] == 0, "validate makes no call"
    data = json.loads(fleet.run("validate", "--all", "--format", "json", endpoint=False).stdout)
    assert data["summary"] == {"targets": 2, "valid": 1, "invalid": 1}


def test_export_every_target_and_adopt_every_subaccount(fleet: FleetDir) -> None:
    fleet.write(tenants("tenant-001", "tenant-002"))
    assert_clean_exit(fleet.run("apply", "--all", "--auto-approve"), 0)
    exported = fleet.run("export", "--all", "--out-dir", str(fleet.root / "exported"))
    assert_clean_exit(exported, 0)
    text = (fleet.root / "exported" / "tenant-002" / "conversations.yaml").read_text()
    assert "https://hooks.example.com/tenant-002" in text

    adopted_dir = fleet.root / "adopted"
    adopted = fleet.run("export", "--subaccounts", "--out-dir", str(adopted_dir))
    assert_clean_exit(adopted, 0)
    assert sorted(path.name for path in adopted_dir.iterdir()) == [
        "reconciler-targets.yaml",
        "tenant-001",
        "tenant-002",
        "tenant-003",
    ]
    targets = yaml.safe_load((adopted_dir / "reconciler-targets.yaml").read_text())
    assert [t["subaccount"] for t in targets["targets"]] == [
        sub["sid"] for sub in fleet.emulator.subaccounts()
    ]
    clean = fleet.run(
        "plan",
        "--all",
        "--targets",
        str(adopted_dir / "reconciler-targets.yaml"),
        "--detailed-exitcode",
    )
    assert_clean_exit(clean, 0)
    assert "3 unchanged" in clean.stdout


def test_a_target_whose_export_leaves_a_resource_out_is_written_and_fails_naming_it(
    fleet: FleetDir,
) -> None:
    """As a single export: the file (which validates and plans clean) is written, and the
    target fails naming what it could not hold (a credential without a name)."""
    fleet.write(tenants("tenant-001", "tenant-002"))
    assert_clean_exit(fleet.run("apply", "--all", "--auto-approve"), 0)
    with fleet.client_of("tenant-002") as client:
        nameless = client.conversations.v1.credentials.create(type="fcm", secret="fcm-secret-1")
    exported = fleet.run("export", "--all", "--out-dir", str(fleet.root / "exported"))
    assert_clean_exit(exported, 1)
    written = fleet.root / "exported" / "tenant-002" / "conversations.yaml"
    assert f"Wrote tenant-002's export to {written}, without what it cannot hold:\n" in (
        exported.stderr
    )
    assert f"  credential {nameless.sid}: it has no friendly_name" in exported.stderr
    assert "failed:\n    tenant-002: the account holds resources" in exported.stdout
    assert f"# NOTE: not exported: credential {nameless.sid}" in written.read_text("utf-8")
    report_file = fleet.root / "report.json"
    again = ["--out-dir", str(fleet.root / "again"), "--report", str(report_file)]
    assert_clean_exit(fleet.run("export", "--all", *again), 1)
    report = json.loads(report_file.read_text("utf-8"))
    (failed,) = [target for target in report["targets"] if target["status"] == "failed"]
    assert failed["path"] and nameless.sid in failed["error"]
    assert (fleet.root / "exported" / "tenant-001" / "conversations.yaml").is_file()


def test_apply_without_a_terminal_needs_auto_approve(fleet: FleetDir) -> None:
    fleet.write(tenants("tenant-001"))
    result = fleet.run("apply", "--all")
    assert_clean_exit(result, 1)
    assert "not on a terminal, so no one can confirm; pass --auto-approve" in result.stderr
    assert len(fleet.emulator.snapshot(fleet.subaccount("tenant-001")["sid"])["services"]) == 1


def test_local_runs_every_target_on_the_embedded_emulator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    state = tmp_path / defaults.LOCAL_STATE_DIR / defaults.LOCAL_STATE_FILE
    with EmulatorServer(state_path=state, subaccounts=2) as seeded:
        fleet = FleetDir(tmp_path, seeded)
        fleet.write(tenants("tenant-001", "tenant-002"))
    applied = fleet.run("apply", "--all", "--local", "--auto-approve", endpoint=False)
    assert_clean_exit(applied, 0)
    planned = fleet.run("plan", "--all", "--local", "--detailed-exitcode", endpoint=False)
    assert_clean_exit(planned, 0)


def test_a_guarded_target_is_not_applied_and_the_others_are(fleet: FleetDir) -> None:
    one = fleet.subaccount("tenant-001")
    settings = ConnectionSettings(one["sid"], one["sid"], one["auth_token"])
    client = build_client(settings, fleet.emulator.url)
    try:
        client.conversations.v1.services.create(friendly_name="Legacy")
    finally:
        close_client(client)
    targets = tenants("tenant-001", "tenant-002")
    targets[0]["config"] = ["prune.yaml"]
    fleet.write(targets)
    (fleet.root / "prune.yaml").write_text("version: 1\npolicy:\n  prune: [services]\n")
    result = fleet.run("apply", "--all", "--auto-approve")
    assert_clean_exit(result, 1)
    assert "tenant-001: nothing was applied to this target: delete service" in result.stdout
    assert "(add --allow-destroy)" in result.stdout
    assert "1 applied" in result.stdout
    names = [s["friendly_name"] for s in fleet.emulator.snapshot(one["sid"])["services"]]
    assert "Legacy" in names and "Support" not in names, "nothing applied to the guarded target"


def test_validate_strict_over_targets_makes_unknown_values_errors(fleet: FleetDir) -> None:
    """A value this version does not know is a warning in every target, an error with --strict."""
    fleet.write(
        [
            *tenants("tenant-001"),
            {
                "name": "future",
                "subaccount": "x",
                "config": ["base", "extra.yaml"],
                "variables": {"HOOK_URL": "https://hooks.example.com/future"},
            },
        ]
    )
    bot = "{type: conversation, permissions: [summonAI]}"
    extra = f"services:\n  support:\n    roles:\n      bot: {bot}\n"
    (fleet.root / "extra.yaml").write_text(extra)
    lenient = fleet.run("validate", "--all", endpoint=False)
    assert_clean_exit(lenient, 0)
    assert "'summonAI' is not a value this version knows" in lenient.stderr
    strict = fleet.run("validate", "--all", "--strict", endpoint=False)
    assert_clean_exit(strict, 1)
    assert "future: invalid (" in strict.stdout and "tenant-001: valid" in strict.stdout
