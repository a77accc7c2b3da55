"""Every JSON plan the tests see is checked against the committed schema.

The engine tests' `run` fixture checks what `plan`, `show` and `diff` print with `--format
json`, and their `engine` fixture checks every plan it computes, so a key added to the output
without the schema (or a schema that no longer fits) fails wherever it shows.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from click.testing import Result

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
JSON_COMMANDS = {"plan": "plan.schema.json", "show": "plan.schema.json", "diff": "diff.schema.json"}


def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return schema


def strict(schema: Any) -> Any:
    """The schema with every described object closed (no undeclared keys): the committed
    schema leaves them open for consumers, the tests hold the output to what it documents."""
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {key: strict(value) for key, value in schema.items()}
    if closed.get("type") == "object" and "properties" in closed:
        closed.setdefault("additionalProperties", False)
    return closed


@cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = strict(load_schema(name))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def assert_valid(document: Any, name: str = "plan.schema.json") -> None:
    errors = sorted(validator(name).iter_errors(document), key=lambda error: list(error.path))
    assert not errors, f"{name}: " + "; ".join(
        f"{'/'.join(map(str, error.path)) or '(top)'}: {error.message}" for error in errors[:5]
    )


def json_format(args: Sequence[str]) -> bool:
    words = list(args)
    if "--format=json" in words:
        return True
    return any(a == "--format" and b == "json" for a, b in itertools.pairwise(words))


def check_cli_output(args: Sequence[str], result: Result) -> None:
    """When `args` asked plan, show or diff for JSON and it succeeded, the output must fit."""
    command = next((word for word in args if not word.startswith("-")), None)
    if command not in JSON_COMMANDS or not json_format(args) or result.exit_code not in (0, 2):
        return
    assert_valid(json.loads(result.stdout), JSON_COMMANDS[command])
