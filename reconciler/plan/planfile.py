"""Saved plans: the changes, a fingerprint of the live values they came from, and no secrets.

A secret to be written is stored as a pointer to where it sits in the config; `apply --plan`
reloads the config to fill it in, and refuses the plan if the config or the account moved.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from reconciler.config.models import Config
from reconciler.errors import ReconcilerError
from reconciler.plan.model import Action, Change, FieldDiff, Guard, Plan
from reconciler.plan.render import change_to_json

PLAN_FILE_VERSION = 1
SECRET_POINTER = "$secret"


def config_digest(config: Config) -> str:
    """Digest of the desired state; secrets are masked by pydantic, so they do not enter it."""
    document = json.dumps(config.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(document.encode()).hexdigest()


def _send_value(change: Change, name: str, value: Any) -> Any:
    if isinstance(value, SecretStr):
        return {SECRET_POINTER: [*change.source, *name.split(".")]}
    return value


def save_plan(path: Path, plan: Plan, config: Config, config_paths: list[str]) -> None:
    document = {
        "plan_file_version": PLAN_FILE_VERSION,
        "config_paths": config_paths,
        "config_digest": config_digest(config),
        "fingerprint": plan.fingerprint,
        "summary": plan.summary,
        "guards": [{"message": guard.message, "flag": guard.flag} for guard in plan.guards],
        "notes": plan.notes,
        "changes": [
            {
                **change_to_json(change),
                "level": change.level,
                "parent_sid": change.parent_sid,
                "built_in": change.built_in,
                "source": list(change.source),
                "send": {
                    name: _send_value(change, name, value) for name, value in change.send.items()
                },
            }
            for change in plan.changes
        ],
    }
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, path)


def read_plan_document(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReconcilerError(f"{path}: plan file not found") from None
    except (OSError, ValueError) as error:
        raise ReconcilerError(f"{path}: not a readable plan file ({error})") from None
    if not isinstance(document, dict) or document.get("plan_file_version") != PLAN_FILE_VERSION:
        raise ReconcilerError(
            f"{path}: not a plan file of this version (expected plan_file_version "
            f"{PLAN_FILE_VERSION}); run `reconciler plan --out` again"
        )
    return document


def plan_from_document(document: dict[str, Any], config: Config) -> Plan:
    """Rebuild the saved plan, taking secrets from the freshly loaded config."""
    changes = []
    for item in document["changes"]:
        change = Change(
            action=Action(item["action"]),
            kind=item["kind"],
            identity=tuple(item["identity"]),
            label=item["key"],
            level=item["level"],
            sid=item["sid"],
            parent_key=item["service"],
            parent_sid=item["parent_sid"],
            reasons=list(item["reasons"]),
            built_in=item["built_in"],
            source=tuple(item["source"]),
            diffs=[
                FieldDiff(
                    name=diff["name"],
                    before=diff["before"],
                    after=diff["after"],
                    sensitive=diff["sensitive"],
                    before_known=diff["before_known"],
                )
                for diff in item["fields"]
            ],
        )
        change.send = {name: _resolve_secret(config, value) for name, value in item["send"].items()}
        changes.append(change)
    return Plan(
        changes=changes,
        fingerprint=document["fingerprint"],
        guards=[Guard(guard["message"], guard["flag"]) for guard in document["guards"]],
        notes=list(document["notes"]),
    )


def _resolve_secret(config: Config, value: Any) -> Any:
    if not (isinstance(value, dict) and set(value) == {SECRET_POINTER}):
        return value
    current: Any = config
    for part in value[SECRET_POINTER]:
        current = current.get(part) if isinstance(current, dict) else getattr(current, part, None)
    if not isinstance(current, SecretStr):
        raise ReconcilerError(
            "the saved plan writes a secret that the configuration no longer holds at "
            f"{'.'.join(map(str, value[SECRET_POINTER]))}; run `reconciler plan --out` again"
        )
    return current
