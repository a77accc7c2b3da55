"""The validate and schema commands, the shipped examples, and the committed schema."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.config import config_to_data, load_config
from reconciler.config.schema import SCHEMA_FILE, generate_schema, schema_text
from tests.config.conftest import WriteFiles

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def example_folders() -> list[Path]:
    """Folders under examples/ that directly hold YAML, except `base` and `_`-prefixed ones."""
    found = {path.parent for suffix in ("*.yaml", "*.yml") for path in EXAMPLES.rglob(suffix)}
    return sorted(
        folder
        for folder in found
        if folder.name != "base"
        and not any(part.startswith("_") for part in folder.relative_to(EXAMPLES).parts)
    )


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("validate must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_examples_exist() -> None:
    names = {folder.relative_to(EXAMPLES).as_posix() for folder in example_folders()}
    assert {
        "minimal",
        "support-desk",
        "multi-service",
        "environments/staging",
        "environments/prod",
    } <= names


@pytest.mark.parametrize(
    "folder", example_folders(), ids=lambda folder: folder.relative_to(EXAMPLES).as_posix()
)
def test_example_validates_with_no_variables_set(
    folder: Path, monkeypatch: pytest.MonkeyPatch, no_network: None
) -> None:
    monkeypatch.chdir(REPO)
    for path in folder.parent.rglob("*.y*ml"):
        for name in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", path.read_text(encoding="utf-8")):
            monkeypatch.delenv(name, raising=False)
    relative = folder.relative_to(REPO).as_posix()
    result = CliRunner().invoke(cli, ["validate", relative])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{relative}: valid (")
    # The validated data also satisfies the JSON Schema editors use.
    data = config_to_data(load_config([relative], environ={}, defer_secrets=True).config)
    jsonschema.Draft202012Validator(generate_schema()).validate(data)


def test_every_example_file_points_at_the_schema() -> None:
    for path in EXAMPLES.rglob("*.y*ml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        prefix = "# yaml-language-server: $schema="
        assert first.startswith(prefix), path
        target = (path.parent / first[len(prefix) :]).resolve()
        assert target == (REPO / SCHEMA_FILE).resolve(), path


def test_support_desk_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["validate", "examples/support-desk"])
    assert result.stdout == (
        "examples/support-desk: valid "
        "(2 services, 5 roles, 3 address configurations, 0 credentials)\n"
    )


def test_validate_reports_every_error_relative_as_given(
    write: WriteFiles, monkeypatch: pytest.MonkeyPatch, no_network: None
) -> None:
    root = write(
        {
            "cfg/c.yaml": """
                version: 1
                services:
                  s:
                    roles:
                      r: {type: service, permissions: [sendMessage]}
                address_configurations:
                  - {type: sms, address: "12"}
                """
        }
    )
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["validate", "cfg"])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        "cfg/c.yaml:5: warning: services.s.roles.r.permissions[0]: 'sendMessage' is a"
    )
    assert lines[1].startswith(
        "cfg/c.yaml:7: address_configurations[0].address: '12' is not a valid"
    )
    assert lines[2] == "cfg: invalid (1 error, 1 warning)"
    assert "Traceback" not in result.output


def test_validate_needs_a_path() -> None:
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1, "usage errors exit 1: 2 means only 'changes present'"
    assert "Missing argument" in result.output


def test_validate_help_describes_the_checks() -> None:
    result = CliRunner().invoke(cli, ["validate", "--help"])
    assert result.exit_code == 0
    assert "no network" in result.output and "file:line: message" in result.output


def test_committed_schema_is_not_stale() -> None:
    committed = (REPO / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == schema_text(), "run: reconciler schema --out schemas/reconciler.schema.json"


def test_schema_is_draft_2020_12_and_knows_include_and_secrets() -> None:
    schema = generate_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "include" in schema["properties"]
    assert schema["required"] == ["version"]
    secret = schema["$defs"]["Credential"]["properties"]["certificate"]
    assert secret["type"] == "string"
    validator = jsonschema.Draft202012Validator(schema)
    ios = {"type": "apn", "certificate": None}
    assert not validator.is_valid({"version": 1, "credentials": {"ios": ios}}), (
        "a secret is never null"
    )
    assert not validator.is_valid({"version": 1, "servics": {}})
    assert validator.is_valid({"version": 1, "include": ["../base"]})


def test_schema_command_stdout_and_out(tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(cli, ["schema"])
    assert printed.exit_code == 0
    assert json.loads(printed.stdout) == generate_schema()
    target = tmp_path / "schema.json"
    written = runner.invoke(cli, ["schema", "--out", str(target)])
    assert written.exit_code == 0
    assert target.read_text(encoding="utf-8") == schema_text()
