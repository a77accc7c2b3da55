"""One rule for `null`: the README's table, the loader and the JSON Schema agree on every key."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from reconciler.config import ConfigError, load_config
from reconciler.config.nulls import null_rules
from reconciler.config.schema import generate_schema
from tests.config.conftest import write_files

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `(?P<path>[a-z_.*]+)` \| (?P<rule>cleared|error) \|$")

# What an entry the user names needs to be valid apart from the key under test.
ENTRY = {
    "services": {},
    "roles": {"type": "conversation", "permissions": ["sendMessage"]},
    "address_configurations": {"type": "sms", "address": "+15017122661"},
    "credentials": {"type": "fcm"},
}


def readme_table() -> list[tuple[str, bool]]:
    rows = [ROW.match(line) for line in README.read_text("utf-8").splitlines()]
    return [(row["path"], row["rule"] == "cleared") for row in rows if row]


def config_with_null(path: str) -> dict[str, Any]:
    """A configuration that is valid except, perhaps, for `null` at `path`."""
    parts = path.split(".")
    data: dict[str, Any] = {"version": 1}
    node: Any = data
    for index, part in enumerate(parts[:-1]):
        following = parts[index + 1]
        if part == "*":
            continue
        if following == "*":
            entry = dict(ENTRY.get(part, {}))
            is_list = part == "address_configurations"
            last = index + 1 == len(parts) - 1
            node[part] = [None if last else entry] if is_list else {"x": None if last else entry}
            node = node[part][0] if is_list else node[part]["x"]
        else:
            node = node.setdefault(part, {})
    if parts[-1] != "*":
        node[parts[-1]] = None
    return data


def test_the_readme_table_lists_every_key_with_its_rule() -> None:
    assert readme_table() == null_rules()


@pytest.mark.parametrize(("path", "cleared"), null_rules(), ids=[p for p, _ in null_rules()])
def test_null_is_cleared_or_a_located_error_as_the_table_says(
    tmp_path: Path, path: str, cleared: bool
) -> None:
    write_files(tmp_path, {"c.yaml": yaml.safe_dump(config_with_null(path), sort_keys=False)})
    schema_valid = jsonschema.Draft202012Validator(generate_schema()).is_valid(
        config_with_null(path)
    )
    if cleared:
        load_config([tmp_path / "c.yaml"], environ={})
        assert schema_valid, "the schema must accept a null Twilio can clear"
        return
    with pytest.raises(ConfigError) as caught:
        load_config([tmp_path / "c.yaml"], environ={})
    (issue,) = caught.value.issues
    assert issue.line is not None and issue.file.endswith("c.yaml")
    assert ": null is not allowed" in issue.message
    assert "leave `" in issue.message, "says what to write instead"
    assert not schema_valid, "the schema must not offer a null Twilio cannot apply"
