"""JSON Schema (draft 2020-12) of the configuration, generated from the models.

Editors use it (via the `# yaml-language-server: $schema=...` comment) to complete keys and flag
typos as the user types. It describes structure and enumerations; Twilio's finer rules
(addresses, durations, references) are `reconciler validate`'s job.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.config.models import Config

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILE = "schemas/reconciler.schema.json"

_INCLUDE = {
    "title": "Include",
    "description": (
        "Files or folders (relative to this file) merged before this file: maps merge, lists "
        "replace, this file wins. Use it for a shared base such as `include: [../base]`."
    ),
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}},
    ],
}


def generate_schema() -> dict[str, Any]:
    """The schema document, stable from run to run."""
    body = Config.model_json_schema(mode="validation")
    schema: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        **body,
    }
    schema["title"] = "Twilio Conversations reconciler configuration"
    schema["properties"] = {"include": _INCLUDE, **schema["properties"]}
    return schema


def schema_text() -> str:
    """The schema as committed under schemas/: indented JSON with a final newline."""
    return json.dumps(generate_schema(), indent=2, ensure_ascii=False) + "\n"
