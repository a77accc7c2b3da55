"""Regenerate the vendored reference subsets from Twilio's full files.

    python tests/emulator/spec/make_subset.py ../shared/reference

Keeps the configuration and conversation endpoints of the Conversations OpenAPI description
(with every component they reference, and the description's own `info`) and the error codes
the emulator answers with (reconciler/emulator/errors.py), and copies Twilio's subsets of the
Messaging, Studio, 2010-04-01 and IAM descriptions as they are. See NOTICE.md for where the files
come from.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from reconciler.emulator import errors  # noqa: E402

SPEC_NAME = "twilio_conversations_v1.openapi.json"
CODES_NAME = "twilio-error-codes.json"
CONFIGURATION_PATHS = (
    "/v1/Configuration",
    "/v1/Configuration/Addresses",
    "/v1/Configuration/Addresses/{Sid}",
    "/v1/Configuration/Webhooks",
    "/v1/Credentials",
    "/v1/Credentials/{Sid}",
    "/v1/Roles",
    "/v1/Roles/{Sid}",
    "/v1/Services",
    "/v1/Services/{Sid}",
    "/v1/Services/{ChatServiceSid}/Configuration",
    "/v1/Services/{ChatServiceSid}/Configuration/Notifications",
    "/v1/Services/{ChatServiceSid}/Configuration/Webhooks",
    "/v1/Services/{ChatServiceSid}/Roles",
    "/v1/Services/{ChatServiceSid}/Roles/{Sid}",
    "/v1/Conversations",
    "/v1/Conversations/{Sid}",
    "/v1/Services/{ChatServiceSid}/Conversations",
    "/v1/Services/{ChatServiceSid}/Conversations/{Sid}",
)
NEIGHBOUR_SPECS = (
    "twilio_messaging_v1.openapi.subset.json",
    "twilio_studio_v2.openapi.subset.json",
    "twilio_api_v2010.openapi.subset.json",
    "twilio_iam_v1.openapi.subset.json",
)
"""Twilio's own subsets of the APIs a configuration points into, copied as they are."""


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= _refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node)) if node else set()
    return set()


def spec_subset(full: dict[str, Any]) -> dict[str, Any]:
    paths = {path: full["paths"][path] for path in CONFIGURATION_PATHS}
    wanted: set[str] = set()
    pending = _refs(paths)
    while pending:
        ref = pending.pop()
        if ref in wanted:
            continue
        wanted.add(ref)
        section, name = ref.split("/")[-2:]
        pending |= _refs(full["components"][section][name])
    components: dict[str, dict[str, Any]] = {}
    for ref in sorted(wanted):
        section, name = ref.split("/")[-2:]
        components.setdefault(section, {})[name] = full["components"][section][name]
    components["securitySchemes"] = full["components"]["securitySchemes"]
    tags = {
        operation.get("tags", [None])[0]
        for item in paths.values()
        for operation in item.values()
        if isinstance(operation, dict)
    }
    return {
        "openapi": full["openapi"],
        "info": full["info"],
        "servers": full["servers"],
        "security": full["security"],
        "tags": [tag for tag in full["tags"] if tag["name"] in tags],
        "paths": paths,
        "components": components,
    }


def codes_subset(full: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Code, title and product only: the causes and solutions prose stays with Twilio."""
    used = {code.code for code in errors.ALL_CODES}
    return [
        {key: entry[key] for key in ("code", "message", "product")}
        for entry in full
        if entry["code"] in used
    ]


def main(reference: Path) -> None:
    for name, make in ((SPEC_NAME, spec_subset), (CODES_NAME, codes_subset)):
        source = reference / name
        raw = source.read_bytes()
        subset = make(json.loads(raw))
        (HERE / name).write_text(json.dumps(subset, indent=1, sort_keys=False) + "\n")
        print(f"{name}: from sha256 {hashlib.sha256(raw).hexdigest()}")
    for name in NEIGHBOUR_SPECS:
        raw = (reference / name).read_bytes()
        (HERE / name).write_bytes(raw)
        print(f"{name}: copied, sha256 {hashlib.sha256(raw).hexdigest()}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
