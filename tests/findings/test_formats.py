"""Every output format of the findings, through `reconciler validate` as users run it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from reconciler.cli.main import cli
from reconciler.findings import Finding, Report
from reconciler.findings.from_plan import PLAN_GUARD
from reconciler.lint import ALL_RULES
from reconciler.output.findings.github import escape_data, escape_property, render_github
from reconciler.output.findings.sarif import render_sarif
from tests.lint.conftest import Workspace

REPO = Path(__file__).resolve().parents[2]
VALIDATE_SCHEMA = json.loads((REPO / "schemas" / "validate.schema.json").read_text("utf-8"))
SARIF_SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text("utf-8")
)

POLICY_BROKEN = {
    "envs/base/shared.yaml": """
        version: 1
        services:
          support:
            webhooks:
              method: POST
              post_webhook_url: https://abc123.ngrok-free.app/support
              filters: [onMessageAdded]
        policy:
          webhooks:
            required_filters: [onMessageAdded]
        """,
    "envs/prod/c.yaml": """
        include: [../base]
        account:
          webhooks:
            post_webhook_url: "http://hooks.example.com/account"
            filters: [onConversationAdded]
        policy:
          webhooks:
            require_https: true
        """,
}
"""One warning (the tunnel, in the base) and three errors (http, the tunnel is not https-free,
and the account webhooks lack the required event)."""

INVALID = {"bad/c.yaml": "version: 1\nservices:\n  s:\n    webhooks: {method: null}\n"}


def validate(*args: str) -> Result:
    return CliRunner().invoke(cli, ["validate", *args], catch_exceptions=False)


ANNOTATION = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def annotations(stdout: str) -> list[dict[str, str]]:
    found = []
    for line in stdout.splitlines():
        match = ANNOTATION.match(line)
        if match:
            props = dict(item.split("=", 1) for item in match["props"].split(","))
            found.append({"command": match[1], **props, "message": match["message"]})
    return found


# --- text -------------------------------------------------------------------------------------


def test_text_lists_findings_on_stderr_and_warnings_keep_it_valid(workspace: Workspace) -> None:
    workspace.write(POLICY_BROKEN)
    base = validate("envs/base")
    assert base.exit_code == 0
    assert (
        base.stdout == "envs/base: valid (1 service, 0 roles, 0 address configurations, "
        "0 credentials; 1 warning)\n"
    )
    assert base.stderr.startswith(
        "envs/base/shared.yaml:6:25: warning: services.support.webhooks.post_webhook_url: host "
        "'abc123.ngrok-free.app' is an ngrok tunnel"
    )
    assert base.stderr.rstrip().endswith("[webhook-development-host]")

    prod = validate("envs/prod")
    assert prod.exit_code == 1
    assert prod.stdout == ""
    lines = prod.stderr.splitlines()
    assert lines[-1] == "envs/prod: invalid (2 errors, 1 warning)"
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == [
        "envs/base/shared.yaml:6:25",
        "envs/prod/c.yaml:4:23",
        "envs/prod/c.yaml:5",
    ]


def test_text_keeps_the_config_error_form(workspace: Workspace) -> None:
    workspace.write(INVALID)
    result = validate("bad")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "bad/c.yaml:4: services.s.webhooks.method: null is not allowed: Twilio cannot clear "
        "method; leave `method` out to leave it unmanaged, or set one of GET, POST",
        "bad: invalid (1 error)",
    ]


# --- GitHub workflow commands -------------------------------------------------------------------


def test_github_annotations_point_at_the_offending_value(workspace: Workspace) -> None:
    workspace.write(POLICY_BROKEN)
    result = validate("envs/prod", "--format", "github")
    assert result.exit_code == 1
    found = annotations(result.stdout)
    assert [(a["command"], a["file"], a["line"], a.get("col")) for a in found] == [
        ("warning", "envs/base/shared.yaml", "6", "25"),
        ("error", "envs/prod/c.yaml", "4", "23"),
        ("error", "envs/prod/c.yaml", "5", None),
    ]
    for annotation in found:
        line = workspace.line_of(annotation["file"], int(annotation["line"]))
        if "col" in annotation:
            value = line[int(annotation["col"]) - 1 :].strip('"')
            assert value.startswith(("https://abc123.ngrok-free.app", "http://hooks.example"))
        else:
            assert line.strip().startswith("filters:")
    assert found[1]["title"] == "reconciler%3A Webhook URL is not https (webhook-https)"
    assert "envs/prod: invalid (2 errors, 1 warning)" in result.stderr


def test_github_config_errors_annotate_too(workspace: Workspace) -> None:
    workspace.write(INVALID)
    result = validate("bad", "--format", "github")
    assert result.exit_code == 1
    (annotation,) = annotations(result.stdout)
    assert annotation["command"] == "error"
    assert (annotation["file"], annotation["line"]) == ("bad/c.yaml", "4")
    assert "title" in annotation and "col" not in annotation


def test_github_paths_are_relative_to_the_workspace(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.write({"repo/config/envs/base/shared.yaml": POLICY_BROKEN["envs/base/shared.yaml"]})
    monkeypatch.setenv("GITHUB_WORKSPACE", str(workspace.root / "repo"))
    monkeypatch.chdir(workspace.root / "repo" / "config")
    (annotation,) = annotations(validate("envs/base", "--format", "github").stdout)
    assert annotation["file"] == "config/envs/base/shared.yaml"


def test_github_escaping_keeps_one_command_per_line() -> None:
    finding = Finding(
        "config", "error", "100% wrong\nsecond line\r::error::injected", "a,b:c.yaml", 3
    )
    (line,) = render_github([finding], root="").splitlines()
    assert line == (
        "::error file=a%2Cb%3Ac.yaml,line=3,title=reconciler%3A Configuration check (config)"
        "::100%25 wrong%0Asecond line%0D::error::injected"
    )
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    assert escape_data("a:b,c") == "a:b,c"


def test_github_finding_without_a_file_is_a_plain_annotation() -> None:
    text = render_github([Finding(PLAN_GUARD.id, "warning", "needs --force")], root="")
    assert text == "::warning title=reconciler%3A Apply needs a flag (plan-guard)::needs --force\n"


# --- JSON ---------------------------------------------------------------------------------------


def validated_json(result: Result) -> dict[str, Any]:
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(VALIDATE_SCHEMA).validate(document)
    return dict(document)


def test_json_of_a_valid_config_with_a_warning(workspace: Workspace) -> None:
    workspace.write(POLICY_BROKEN)
    result = validate("envs/base", "--format", "json")
    assert result.exit_code == 0
    document = validated_json(result)
    assert document["format_version"] == 1
    assert document["valid"] is True
    assert document["paths"] == ["envs/base"]
    assert document["summary"] == {"errors": 0, "warnings": 1, "notices": 0}
    assert document["resources"] == {
        "services": 1,
        "roles": 0,
        "address_configurations": 0,
        "credentials": 0,
    }
    assert document["files"] == ["envs/base/shared.yaml"]
    (finding,) = document["findings"]
    assert finding["rule"] == "webhook-development-host"
    assert (finding["file"], finding["line"], finding["column"]) == ("envs/base/shared.yaml", 6, 25)
    assert finding["path"] == "services.support.webhooks.post_webhook_url"
    assert result.stderr.startswith("envs/base: valid")


def test_json_of_an_invalid_config(workspace: Workspace) -> None:
    workspace.write(POLICY_BROKEN)
    result = validate("envs/prod", "--format", "json")
    assert result.exit_code == 1
    document = validated_json(result)
    assert document["valid"] is False
    assert document["files"] == ["envs/base/shared.yaml", "envs/prod/c.yaml"]
    rules = [finding["rule"] for finding in document["findings"]]
    assert rules == ["webhook-development-host", "webhook-https", "webhook-required-filters"]
    https = document["findings"][1]
    assert https["related"] == [
        {"file": "envs/prod/c.yaml", "line": 8, "message": "require_https is set here"}
    ]


def test_json_of_an_unloadable_config(workspace: Workspace) -> None:
    workspace.write(INVALID)
    result = validate("bad", "--format", "json")
    assert result.exit_code == 1
    document = validated_json(result)
    assert document["resources"] is None and document["files"] == []
    assert [f["rule"] for f in document["findings"]] == ["config"]


def test_json_keys_are_stable() -> None:
    """Keys removed or renamed break scripts: such a change needs a new format_version."""
    assert VALIDATE_SCHEMA["required"] == [
        "format_version",
        "tool",
        "paths",
        "valid",
        "summary",
        "resources",
        "files",
        "findings",
    ]
    assert VALIDATE_SCHEMA["$defs"]["finding"]["required"] == [
        "rule",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "path",
        "related",
    ]
    assert VALIDATE_SCHEMA["properties"]["format_version"] == {
        "const": 1,
        "description": "Changes only when a key is removed or changes meaning.",
    }


# --- SARIF --------------------------------------------------------------------------------------


def sarif_of(result: Result) -> dict[str, Any]:
    log = json.loads(result.stdout)
    validator = jsonschema.Draft4Validator(
        SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    validator.validate(log)
    return dict(log)


def test_sarif_validates_against_the_schema_and_locates_results(workspace: Workspace) -> None:
    workspace.write(POLICY_BROKEN)
    result = validate("envs/prod", "--format", "sarif")
    assert result.exit_code == 1
    log = sarif_of(result)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert {rule["id"] for rule in rules} >= {rule.id for rule in ALL_RULES}
    levels = [result["level"] for result in run["results"]]
    assert levels == ["warning", "error", "error"]
    for entry in run["results"]:
        assert rules[entry["ruleIndex"]]["id"] == entry["ruleId"]
        (location,) = entry["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        line = workspace.line_of(uri, physical["region"]["startLine"])
        assert location["logicalLocations"][0]["fullyQualifiedName"].split(".")[-1] in line
    https = run["results"][1]
    assert https["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 4,
        "startColumn": 23,
    }
    assert https["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "envs/prod/c.yaml"
    )
    assert run["properties"]["reconciler"] == {
        "format_version": 1,
        "paths": ["envs/prod"],
        "valid": False,
    }


def test_sarif_of_a_valid_config_and_of_an_unloadable_one(workspace: Workspace) -> None:
    workspace.write({**POLICY_BROKEN, **INVALID})
    valid = validate("envs/base", "--format", "sarif")
    assert valid.exit_code == 0
    assert [r["level"] for r in sarif_of(valid)["runs"][0]["results"]] == ["warning"]
    invalid = validate("bad", "--format", "sarif")
    assert invalid.exit_code == 1
    (entry,) = sarif_of(invalid)["runs"][0]["results"]
    assert entry["ruleId"] == "config" and entry["level"] == "error"


def test_sarif_fingerprints_survive_moved_lines(workspace: Workspace) -> None:
    workspace.write(POLICY_BROKEN)
    before = sarif_of(validate("envs/prod", "--format", "sarif"))["runs"][0]["results"]
    text = (workspace.root / "envs/prod/c.yaml").read_text("utf-8")
    (workspace.root / "envs/prod/c.yaml").write_text(
        text.replace("account:", "# a comment\naccount:"), "utf-8"
    )
    after = sarif_of(validate("envs/prod", "--format", "sarif"))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == [
        6,
        5,
        6,
    ]


def test_sarif_uris_are_escaped_and_files_outside_the_root_are_absolute(tmp_path: Path) -> None:
    inside = Finding("config", "notice", "n", str(tmp_path / "my envs" / "c.yaml"), 1)
    outside = Finding("config", "notice", "n", "/elsewhere/c.yaml", 1)
    log = json.loads(render_sarif(Report(paths=["x"], findings=[inside, outside]), str(tmp_path)))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    ]
    assert uris == ["my%20envs/c.yaml", "file:///elsewhere/c.yaml"]
    assert [r["level"] for r in log["runs"][0]["results"]] == ["note", "note"]


def test_examples_are_clean_in_every_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    for name in ("TWILIO_ACCOUNT_SID_PROD", "APN_CERTIFICATE", "APN_PRIVATE_KEY"):
        monkeypatch.setenv(name, "AC" + "1" * 32 if name.endswith("PROD") else "test-secret")
    for folder in ("examples/support-desk", "examples/environments/prod"):
        assert validate(folder, "--format", "github").stdout.startswith(f"{folder}: valid")
        assert validated_json(validate(folder, "--format", "json"))["findings"] == []
        assert sarif_of(validate(folder, "--format", "sarif"))["runs"][0]["results"] == []


def test_unset_secrets_are_notices_for_validate(workspace: Workspace) -> None:
    """validate is offline: a credential's secret variable may be set only where plan runs."""
    workspace.write(
        {
            "c.yaml": """
                version: 1
                credentials:
                  ios: {type: apn, certificate: "${APN_CERT}", private_key: "${APN_KEY}"}
                """
        }
    )
    result = validate("c.yaml", "--format", "json")
    assert result.exit_code == 0
    document = validated_json(result)
    assert document["summary"] == {"errors": 0, "warnings": 0, "notices": 2}
    assert {(f["rule"], f["severity"], f["line"]) for f in document["findings"]} == {
        ("config", "notice", 3)
    }
    found = annotations(validate("c.yaml", "--format", "github").stdout)
    assert [a["command"] for a in found] == ["notice", "notice"]
    assert found[0]["title"] == "reconciler%3A Configuration check (config)"
