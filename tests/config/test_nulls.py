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


def config_with_null(path: str, null: Any = None) -> dict[str, Any]:
    """A configuration that is valid except, perhaps, for `null` (or `null` written as the
    empty string) at `path`."""
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
            node[part] = [null if last else entry] if is_list else {"x": null if last else entry}
            node = node[part][0] if is_list else node[part]["x"]
        else:
            node = node.setdefault(part, {})
    if parts[-1] != "*":
        node[parts[-1]] = null
    return data


def loaded_value(config: Any, path: str) -> Any:
    """The loaded model's value at a path of the table (`*` is the entry the helper made)."""
    node = config
    for part in path.split("."):
        node = node[0] if part == "*" and isinstance(node, list) else node
        node = node["x"] if part == "*" and isinstance(node, dict) else node
        if part != "*":
            assert part in node.model_fields_set, f"{part} is not managed"
            node = getattr(node, part)
    return node


def test_the_readme_table_lists_every_key_with_its_rule() -> None:
    assert readme_table() == null_rules()


@pytest.mark.parametrize("null", [None, ""], ids=["null", "empty-string"])
@pytest.mark.parametrize(("path", "cleared"), null_rules(), ids=[p for p, _ in null_rules()])
def test_null_is_cleared_or_a_located_error_as_the_table_says(
    tmp_path: Path, path: str, cleared: bool, null: str | None
) -> None:
    """`""` is `null` too: it passed validate and plan on an enumeration (`method: ""`) and
    failed every apply (Twilio's 50055), and on a clearable text it was refused."""
    document = config_with_null(path, null)
    write_files(tmp_path, {"c.yaml": yaml.safe_dump(document, sort_keys=False)})
    schema_valid = jsonschema.Draft202012Validator(generate_schema()).is_valid(document)
    if cleared:
        loaded = load_config([tmp_path / "c.yaml"], environ={})
        assert loaded_value(loaded.config, path) is None, "managed, and cleared"
        assert schema_valid, f"the schema must accept a {null!r} Twilio can clear"
        return
    with pytest.raises(ConfigError) as caught:
        load_config([tmp_path / "c.yaml"], environ={})
    (issue,) = caught.value.issues
    assert issue.line is not None and issue.file.endswith("c.yaml")
    written = "null" if null is None else "an empty string (the same as null)"
    assert f": {written} is not allowed" in issue.message
    assert "leave `" in issue.message, "says what to write instead"
    assert not schema_valid, f"the schema must not offer a {null!r} Twilio cannot apply"


def test_a_variable_that_expands_to_nothing_is_null(tmp_path: Path) -> None:
    """`${VAR:-}` on a key Twilio cannot clear is the located error, not an apply failure."""
    text = """version: 1
account:
  webhooks:
    target: webhook
    method: ${METHOD:-}
    pre_webhook_url: ${PRE_URL:-}
address_configurations:
  - type: sms
    address: "+15017122661"
    auto_creation:
      type: webhook
      webhook_url: https://hooks.example.com/in
      webhook_method: ${INBOUND_METHOD:-}
"""
    write_files(tmp_path, {"c.yaml": text})
    with pytest.raises(ConfigError) as caught:
        load_config([tmp_path / "c.yaml"], environ={})
    found = sorted((issue.line, issue.message.split(":")[0]) for issue in caught.value.issues)
    assert found == [
        (5, "account.webhooks.method"),
        (13, "address_configurations[0].auto_creation.webhook_method"),
    ]
    text = text.replace("${METHOD:-}", "POST").replace("${INBOUND_METHOD:-}", "post")
    write_files(tmp_path, {"c.yaml": text})
    webhooks = load_config([tmp_path / "c.yaml"], environ={}).config.account
    assert webhooks is not None and webhooks.webhooks is not None
    assert webhooks.webhooks.pre_webhook_url is None, "an empty URL clears it"
