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


def properties(found: tuple[str, str, str]) -> dict[str, str]:
    return dict(item.split("=", 1) for item in found[1].strip().split(","))


def line_of(fleet: FleetDir, text: str) -> int:
    """The line of the targets file that holds `text` (once)."""
    lines = (fleet.root / "reconciler-targets.yaml").read_text().splitlines()
    (line,) = [number for number, line in enumerate(lines, 1) if text in line]
    return line


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
    assert f"line={line_of(fleet, '- name: ghost')}," in failed[0][1], "on the target's entry"
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


def test_a_failed_targets_annotation_is_on_the_line_its_failure_names(fleet: FleetDir) -> None:
    def variables(name: str) -> dict[str, str]:
        return {"HOOK_URL": f"https://hooks.example.com/{name}"}

    fleet.write(
        [
            *tenants("tenant-001"),
            {
                "name": "lost",
                "subaccount": "tenant-002",
                "config": ["missing.yaml"],
                "variables": variables("lost"),
            },
            {
                "name": "own",
                "credentials": {"account_sid": "OWN_ACCOUNT_SID", "auth_token": "OWN_TOKEN"},
                "variables": variables("own"),
            },
            {
                "name": "broken",
                "subaccount": "tenant-003",
                "config": ["extra.yaml"],
                "variables": variables("broken"),
            },
        ]
    )
    (fleet.root / "extra.yaml").write_text("services:\n  support:\n    colour: blue\n")
    targets_file = str(fleet.root / "reconciler-targets.yaml")

    result = fleet.run("plan", "--all", "--format", "github")

    assert_clean_exit(result, 1)
    failed = {
        c[2].rsplit(" (targets: ", 1)[1]: c for c in commands(result.stdout) if c[0] == "error"
    }
    assert set(failed) == {"lost)", "own)", "broken)"}, failed
    # A missing configuration path: on the line of the targets file that names it.
    lost = properties(failed["lost)"])
    assert (lost["file"], lost["line"]) == (targets_file, str(line_of(fleet, "- missing.yaml")))
    assert "missing.yaml" in failed["lost)"][2], "the message still names the path"
    # Unset credentials: the message names the targets file's line, and so does the annotation.
    own = properties(failed["own)"])
    named = f"reconciler-targets.yaml:{own.get('line')})"
    assert own["file"] == targets_file and named in failed["own)"][2], failed["own)"]
    # A configuration error: on its own file and line, as `validate` puts it.
    broken = properties(failed["broken)"])
    assert (broken["file"], broken["line"]) == (str(fleet.root / "extra.yaml"), "3")
    assert failed["broken)"][2].startswith("failed: services.support: unknown key 'colour'")

    for output in ("github", "sarif"):
        checked = fleet.run("validate", "--all", "--format", output, endpoint=False)
        assert_clean_exit(checked, 1)
        if output == "github":
            (missing,) = [c for c in commands(checked.stdout) if "missing.yaml" in c[2]]
            where = properties(missing)
            assert (where["file"], where["line"]) == (lost["file"], lost["line"])
            continue
        results = sarif_of(checked)["runs"][0]["results"]
        (entry,) = [e for e in results if "missing.yaml" in e["message"]["text"]]
        location = entry["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith("reconciler-targets.yaml")
        assert location["region"]["startLine"] == int(lost["line"])
