"""A fleet's findings where reviewers look: GitHub annotations from `plan` and `validate`, and
one SARIF log from `validate`, each shared finding once with the targets it concerns, and a
failed target never silent."""

from __future__ import annotations

import re

from tests.findings.test_formats import sarif_of
from tests.fleet.conftest import FleetDir, assert_clean_exit, tenants

COMMAND = re.compile(r"^::(error|warning|notice)( [^:]*)?::(.*)$")


def commands(stdout: str) -> list[tuple[str, str, str]]:
    """(level, properties, message) of every workflow command printed."""
    found = []
    for line in stdout.splitlines():
        match = COMMAND.match(line)
        if match:
            found.append((match.group(1), match.group(2) or "", match.group(3)))
    return found


def test_plan_annotates_each_shared_change_once_and_a_failed_target_on_the_targets_file(
    fleet: FleetDir,
) -> None:
    targets = tenants(
        "tenant-001",
        "tenant-002",
        "tenant-003",
        **{"tenant-002": {"HOOK_URL": "https://abc123.ngrok.io/hooks"}},
    )
    ghost = {"HOOK_URL": "https://hooks.example.com/ghost"}
    targets.append({"name": "ghost", "subaccount": "no-such-tenant", "variables": ghost})
    fleet.write(targets)

    result = fleet.run("plan", "--all", "--format", "github")

    assert_clean_exit(result, 1)  # the ghost failed; the others planned
    found = commands(result.stdout)
    created = [c for c in found if "service support will be created" in c[2]]
    assert len(created) == 1, found
    level, properties, message = created[0]
    assert level == "notice"
    assert "file=" in properties and "base/conversations.yaml" in properties
    assert message.endswith("(targets: tenant-001, tenant-002, tenant-003)")

    tunnel = [c for c in found if "ngrok" in c[2]]
    assert len(tunnel) == 1 and tunnel[0][0] == "warning", found
    assert tunnel[0][2].endswith("(targets: tenant-002)")

    failed = [c for c in found if c[2].endswith("(targets: ghost)")]
    assert len(failed) == 1, found
    assert failed[0][0] == "error"
    assert "reconciler-targets.yaml" in failed[0][1]
    assert failed[0][2].startswith("failed: no subaccount 'no-such-tenant'")
    assert len(found) == 5, "3 shared changes, 1 warning, 1 failure: nothing repeated per target"

    log = result.stdout.split("\n::", 1)[0]
    assert "=== tenant-001" in log and "3 with changes, 0 unchanged, 1 failed" in log


def test_validate_writes_one_sarif_log_for_the_fleet(fleet: FleetDir) -> None:
    fleet.write(
        [
            *tenants("tenant-001", "tenant-002"),
            {
                "name": "broken",
                "subaccount": "x",
                "config": ["extra.yaml"],
                "variables": {"HOOK_URL": "https://hooks.example.com/broken"},
            },
        ]
    )
    (fleet.root / "extra.yaml").write_text("services:\n  support:\n    colour: blue\n")
    # A warning the valid targets share: a tunnel on the base file's webhook line.
    base = fleet.root / "base" / "conversations.yaml"
    base.write_text(base.read_text().replace("${HOOK_URL}", "https://shared.ngrok.io/all"))

    result = fleet.run("validate", "--all", "--format", "sarif", endpoint=False)

    assert_clean_exit(result, 1)
    log = sarif_of(result)
    results = log["runs"][0]["results"]
    texts = [entry["message"]["text"] for entry in results]
    shared = [text for text in texts if "ngrok" in text]
    assert len(shared) == 1, texts
    assert shared[0].endswith("(targets: tenant-001, tenant-002)")
    unknown = [entry for entry in results if "colour" in entry["message"]["text"]]
    assert len(unknown) == 1 and unknown[0]["level"] == "error"
    assert unknown[0]["message"]["text"].endswith("(targets: broken)")
    location = unknown[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("extra.yaml")
    assert location["region"]["startLine"] == 3
    assert log["runs"][0]["properties"]["reconciler"]["valid"] is False
    assert "1 invalid" in result.stderr

    github = fleet.run("validate", "--all", "--format", "github", endpoint=False)
    lines = [c for c in commands(github.stdout) if "colour" in c[2]]
    assert len(lines) == 1 and lines[0][0] == "error"
