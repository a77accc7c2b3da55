"""Twilio's published descriptions, as vendored in the repository: which operation a request
is, its example responses, whether a response field may be null, and the error-code list.

The parity suite runs from a clone of the repository (the snapshots are committed there), so
it reads the vendored copies under tests/, never ../shared: CI has a clean clone only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
EMULATOR_SPEC = REPO / "tests" / "emulator" / "spec"
PARITY_SPEC = REPO / "tests" / "parity" / "spec"
SPECS = {
    "conversations": EMULATOR_SPEC / "twilio_conversations_v1.openapi.json",
    "accounts": PARITY_SPEC / "twilio_api_v2010.openapi.subset.json",
    "messaging": PARITY_SPEC / "twilio_messaging_v1.openapi.subset.json",
    "studio": PARITY_SPEC / "twilio_studio_v2.openapi.subset.json",
    "iam": EMULATOR_SPEC / "twilio_iam_v1.openapi.subset.json",
}
HOST_PREFIXED = {
    "messaging": "messaging.twilio.com",
    "studio": "studio.twilio.com",
    "iam": "iam.twilio.com",
}
"""The descriptions whose requests name their Twilio host as the first segment of the path
(`/messaging.twilio.com/v1/Services/MG...`), as the emulator reads them (docs/emulator.md,
"Hosts"): Messaging's /v1/Services is also a Conversations path (IAM's /v1/Keys is not, but
is written the same way, so every product but Conversations and the 2010-04-01 API is).
Scenarios write such paths, snapshots keep them, and the session sends them to the SDK domain
of that host."""
OPERATIONS_INDEX = PARITY_SPEC / "conversations_v1.operations.json"
ERROR_CODES = EMULATOR_SPEC / "twilio-error-codes.json"
MORE_INFO = "https://www.twilio.com/docs/errors/{code}"


@dataclass(frozen=True)
class Operation:
    spec: str
    method: str
    path: str
    operation_id: str
    pattern: re.Pattern[str]


@cache
def load(name: str) -> dict[str, Any]:
    return dict(json.loads(SPECS[name].read_text(encoding="utf-8")))


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")


@cache
def operations() -> tuple[Operation, ...]:
    found = []
    for name in SPECS:
        for path, item in load(name)["paths"].items():
            for method in ("get", "post", "delete"):
                if method in item:
                    found.append(
                        Operation(
                            name,
                            method.upper(),
                            path,
                            item[method]["operationId"],
                            _pattern(host_path(name, path)),
                        )
                    )
    return tuple(found)


def host_path(name: str, path: str) -> str:
    """`path` of description `name` as a request names it: behind its host when the host is
    named in the path (HOST_PREFIXED), as it is otherwise."""
    return f"/{HOST_PREFIXED[name]}{path}" if name in HOST_PREFIXED else path


def _bare(path: str) -> str:
    """A request's path without scheme, query and (Conversations', the 2010-04-01 API's, the
    emulator's) host; a host named in HOST_PREFIXED stays, as the path's first segment."""
    found = re.match(r"^[a-z]+://([^/]+)(.*)$", path)
    if found:
        host, rest = found.groups()
        path = f"/{host}{rest}" if host in HOST_PREFIXED.values() else rest
    return path.split("?", 1)[0]


def operation_for(method: str, path: str) -> Operation:
    """The operation a request is (`path` without query, absolute or not)."""
    bare = _bare(path)
    for candidate in operations():
        if candidate.method == method and candidate.pattern.match(bare):
            return candidate
    raise KeyError(f"no operation of the vendored descriptions serves {method} {bare}")


def _operation_object(op: Operation) -> dict[str, Any]:
    return dict(load(op.spec)["paths"][op.path][op.method.lower()])


def success(op: Operation) -> tuple[int, dict[str, Any]]:
    """The documented success status and its response object."""
    responses = _operation_object(op)["responses"]
    status = min(key for key in responses if key.startswith("2"))
    return int(status), responses[status]


def example(op: Operation, name: str | None) -> tuple[str, Any] | None:
    """The named (default: first) example of the success response; None if it has none."""
    _, response = success(op)
    examples = ((response.get("content") or {}).get("application/json") or {}).get("examples")
    if not examples:
        return None
    chosen = name or next(iter(examples))
    if chosen not in examples:
        raise KeyError(f"{op.operation_id} has no example {chosen!r}: {', '.join(examples)}")
    return chosen, examples[chosen]["value"]


def _resolve(spec: str, schema: Any) -> dict[str, Any]:
    while isinstance(schema, dict) and "$ref" in schema:
        section, name = schema["$ref"].split("/")[-2:]
        schema = load(spec)["components"][section][name]
    return schema if isinstance(schema, dict) else {}


def nullable(spec: str, operation_id: str, steps: tuple[str | int, ...]) -> bool:
    """Whether the success response's schema lets the field at `steps` (keys, list indexes)
    be null: it marks the field nullable, or the field is inside a free-form object (one the
    schema gives no properties, such as notifications' `new_message`), about whose members the
    schema promises nothing. A field the schema does not list is not nullable."""
    op = next(
        item for item in operations() if item.spec == spec and item.operation_id == operation_id
    )
    _, response = success(op)
    content = (response.get("content") or {}).get("application/json") or {}
    schema = _resolve(spec, content.get("schema"))
    for step in steps:
        if schema.get("type") in (None, "object") and "properties" not in schema:
            return True  # free-form (untyped, or an object without properties)
        if isinstance(step, int):
            schema = _resolve(spec, schema.get("items"))
        else:
            schema = _resolve(spec, (schema.get("properties") or {}).get(step))
        if not schema:
            return False
    return bool(schema.get("nullable"))


@cache
def error_codes() -> dict[int, dict[str, Any]]:
    entries = json.loads(ERROR_CODES.read_text(encoding="utf-8"))
    return {int(entry["code"]): entry for entry in entries}


def conversations_operations() -> list[dict[str, str]]:
    """Every operation of Twilio's full Conversations v1 description (the vendored index)."""
    return list(json.loads(OPERATIONS_INDEX.read_text(encoding="utf-8"))["operations"])
