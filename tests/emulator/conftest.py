"""Emulator-test fixtures: a plain HTTP session for raw bodies, and the spec's schemas."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests

from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer

# Vendored with the tests (spec/NOTICE.md): a clone has them, so nothing here ever skips.
SPEC_DIR = Path(__file__).resolve().parent / "spec"
SPEC_PATH = SPEC_DIR / "twilio_conversations_v1.openapi.json"
ERROR_CODES_PATH = SPEC_DIR / "twilio-error-codes.json"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class Raw:
    """requests against the emulator with the account's credentials; returns raw responses."""

    def __init__(self, base: str, auth: tuple[str, str] | None) -> None:
        self.base = base
        self.session = requests.Session()
        self.session.auth = auth

    def get(self, path: str, **params: Any) -> requests.Response:
        url = path if path.startswith("http") else self.base + path
        return self.session.get(url, params=params or None, timeout=10)

    def post(self, path: str, data: Any = None) -> requests.Response:
        return self.session.post(self.base + path, data=data or {}, timeout=10)

    def delete(self, path: str) -> requests.Response:
        return self.session.delete(self.base + path, timeout=10)

    def close(self) -> None:
        self.session.close()


@pytest.fixture
def raw(emulator: EmulatorServer) -> Iterator[Raw]:
    client = Raw(emulator.url, (defaults.ACCOUNT_SID, defaults.AUTH_TOKEN))
    try:
        yield client
    finally:
        client.close()


@cache
def _spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def _nullable(node: Any) -> Any:
    """OpenAPI 3.0 `nullable: true` is not JSON Schema: translate it to a null type."""
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _nullable(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        if "type" in result:
            kind = result["type"]
            result["type"] = [*(kind if isinstance(kind, list) else [kind]), "null"]
        if "enum" in result:
            result["enum"] = [*result["enum"], None]
        if "$ref" in result:
            result = {"anyOf": [{"$ref": result.pop("$ref")}, {"type": "null"}], **result}
    return result


@cache
def _components() -> dict[str, Any]:
    return _nullable(_spec()["components"])


@cache
def _validator(path: str, method: str, status: int) -> jsonschema.protocols.Validator:
    spec = _spec()
    operation = spec["paths"][path][method.lower()]
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    full = {**_nullable(copy.deepcopy(schema)), "components": _components()}
    validator_class = jsonschema.validators.validator_for(full, default=jsonschema.Draft7Validator)
    return validator_class(full)


def component_properties(path: str, method: str, status: int) -> set[str]:
    """Every property name the response schema declares (the emulator must send them all)."""
    spec = _spec()
    schema = spec["paths"][path][method.lower()]["responses"][str(status)]["content"][
        "application/json"
    ]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return set(schema["properties"])


def check_body(body: Any, path: str, method: str, status: int) -> None:
    """Validate against the spec and require every declared property to be present."""
    _validator(path, method, status).validate(body)
    expected = component_properties(path, method, status)
    assert set(body) == expected, f"{method} {path}: keys {sorted(body)} != {sorted(expected)}"
