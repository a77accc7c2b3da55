"""Saved plans: what was reviewed, where it came from, and no secrets.

A saved plan is the approval (Terraform's convention). It holds no values to send: `apply
--plan` re-plans from the configuration and the live account and runs only if the result is
exactly the saved plan, so an edited plan file cannot apply anything nobody reviewed. Secrets
are not in the file; a salted digest of them is, so a secret changed since the review is caught.

A plan belongs to the account it was read from (and, from a fleet, to its target): the file
records both, and `apply --plan` refuses credentials that reach another account before it
writes anything, whether or not the configuration pins one.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from reconciler import redact
from reconciler.atomic import write_atomically
from reconciler.config.models import Config
from reconciler.errors import ReconcilerError
from reconciler.fleet.model import ACCOUNT_SID, TARGET_NAME
from reconciler.kinds import KINDS_BY_NAME
from reconciler.kinds.neighbours import ConversationCount
from reconciler.plan.diff import PlanOptions
from reconciler.plan.document import plan_document
from reconciler.plan.model import (
    Action,
    Change,
    FieldDiff,
    Guard,
    Kept,
    Origin,
    Plan,
    ProductCheck,
)
from reconciler.plan.pin import AccountMismatchError, unconfirmed
from reconciler.plan.policy import ALLOW_DESTROY, FORCE

PLAN_FILE_VERSION = 3
"""3: the file records the account (and fleet target) it was planned against, and the plan
its kept resources. Earlier files name no account, so they are refused, not applied unchecked."""


class StalePlanError(ReconcilerError):
    """The saved plan is not what applying now would do."""


@dataclass
class SavedPlan:
    """A plan file as read: the reviewed plan and what is needed to reproduce it."""

    path: Path
    document: dict[str, Any]

    @property
    def options(self) -> PlanOptions:
        options = dict(self.document["options"])
        return PlanOptions(
            rotate_secrets=bool(options["rotate_secrets"]), only=tuple(options.get("only", ()))
        )

    @property
    def reviewed(self) -> dict[str, Any]:
        return dict(self.document["plan"])

    def config_paths(self) -> list[str]:
        """Each configuration path relative to the plan file if it exists there (a checkout
        elsewhere), else as it was on the machine that planned."""
        found = []
        for entry in self.document["config_paths"]:
            relative = os.path.normpath(os.path.join(self.path.parent, entry["relative"]))
            found.append(relative if os.path.exists(relative) else entry["absolute"])
        return found

    @property
    def origin(self) -> Origin:
        """The account this plan was read from, and the fleet target that planned it."""
        account = self.document["account"]
        return Origin(_account_sid(account["sid"]), _target_name(account["target"]))

    def plan(self) -> Plan:
        return plan_from_document(self.reviewed)


def config_digest(config: Config) -> str:
    """Digest of the desired state; secrets are masked by pydantic, so they do not enter it."""
    document = json.dumps(config.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(document.encode()).hexdigest()


def secrets_digest(config: Config, salt: str) -> str:
    """Salted digest of every secret value, in config order: changes when any secret does."""
    digest = hashlib.sha256(salt.encode())
    for value in _secret_values(config.model_dump()):
        digest.update(b"\0" + value.encode())
    return digest.hexdigest()


def _secret_values(data: Any) -> Iterable[str]:
    if isinstance(data, SecretStr):
        yield data.get_secret_value()
    elif isinstance(data, dict):
        for key in sorted(data):
            yield from _secret_values(data[key])
    elif isinstance(data, list):
        for item in data:
            yield from _secret_values(item)


def save_plan(
    path: Path,
    plan: Plan,
    config: Config,
    config_paths: list[str],
    options: PlanOptions,
    origin: Origin,
) -> None:
    """Write the plan file; refused when the account read is unknown (the API named none),
    since a plan that cannot say where it belongs could be applied anywhere."""
    if origin.account_sid is None:
        raise ReconcilerError(
            f"{path}: not saved: the API named no account (no account SID), so the plan "
            "cannot record the account it belongs to. Twilio's API always names the account: "
            "check --endpoint or RECONCILER_ENDPOINT."
        )
    salt = secrets.token_hex(16)
    folder = path.resolve().parent
    document = {
        "plan_file_version": PLAN_FILE_VERSION,
        "account": {"sid": origin.account_sid, "target": origin.target},
        "config_paths": [
            {
                "absolute": str(Path(given).resolve()),
                "relative": os.path.relpath(Path(given).resolve(), folder),
            }
            for given in config_paths
        ],
        "config_digest": config_digest(config),
        "secrets_salt": salt,
        "secrets_digest": secrets_digest(config, salt),
        "options": {"rotate_secrets": options.rotate_secrets, "only": list(options.only)},
        "plan": plan_document(plan),
    }
    text = redact.mask(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    write_atomically(path, text, private=True)


def read_plan(path: Path) -> SavedPlan:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReconcilerError(f"{path}: plan file not found") from None
    except IsADirectoryError:
        raise ReconcilerError(f"{path}: is a folder, not a plan file") from None
    except (OSError, ValueError):
        raise ReconcilerError(
            f"{path}: not a plan file (expected the JSON that `reconciler plan --out` writes)"
        ) from None
    version = document.get("plan_file_version") if isinstance(document, dict) else None
    if version in (1, 2):
        raise ReconcilerError(
            f"{path}: saved by an earlier release (plan_file_version {version}), which did not "
            "record the account it was planned against, so it is not applied anywhere; run "
            "`reconciler plan --out` again"
        )
    if version != PLAN_FILE_VERSION:
        raise ReconcilerError(
            f"{path}: not a plan file of this version (expected plan_file_version "
            f"{PLAN_FILE_VERSION}); run `reconciler plan --out` again"
        )
    try:
        saved = SavedPlan(path, document)
        saved.config_paths()
        saved.plan()
        saved.origin  # noqa: B018 -- validates the account block
        saved.options  # noqa: B018 -- validates the options block
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ReconcilerError(
            f"{path}: the plan file is damaged or was edited by hand; run `reconciler plan "
            "--out` again"
        ) from None
    return saved


def check_account(saved: SavedPlan, reached: str | None, how: str) -> None:
    """Refuse unless `reached` (the account the credentials act on) is the one the plan was
    read from: checked before anything is read and again on the API's answer, as a pin is."""
    planned = saved.origin.account_sid
    if reached is not None and planned is not None and reached.lower() == planned.lower():
        return
    if reached is None:
        raise AccountMismatchError(
            f"refusing to apply {saved.path}: it was planned against account {planned}, but "
            f"{unconfirmed(how)}."
        )
    raise AccountMismatchError(
        f"refusing to apply {saved.path}: it was planned against account {planned}, but {how} "
        f"{reached}. Nothing was changed. Apply it with the credentials of {planned}, or plan "
        f"again against {reached} and review that plan."
    )


def check_unchanged(saved: SavedPlan, config: Config, plan: Plan) -> None:
    """Refuse unless planning now gives exactly the reviewed plan (naming the first change)."""
    document = saved.document
    if document["config_digest"] != config_digest(config):
        raise StalePlanError(
            f"{saved.path}: the configuration changed since this plan was made; run "
            "`reconciler plan --out` again and review the new plan"
        )
    if document["secrets_digest"] != secrets_digest(config, document["secrets_salt"]):
        raise StalePlanError(
            f"{saved.path}: a secret value in the configuration changed since this plan was "
            "made; run `reconciler plan --out` again"
        )
    # The fingerprint moves with anything read, managed or not; what matters is the changes.
    # The checks of other products describe how they looked (and what the plan job's
    # credentials could read), not what apply does.
    unapproved = ("fingerprint", "checks")
    reviewed = {k: v for k, v in saved.reviewed.items() if k not in unapproved}
    current = {k: v for k, v in plan_document(plan).items() if k not in unapproved}
    difference = first_difference(reviewed, current)
    if difference is not None:
        raise StalePlanError(
            f"{saved.path}: applying now would not do what was reviewed ({difference}); the "
            "live account or the plan file changed since. Nothing was applied; run "
            "`reconciler plan --out` again and review the new plan"
        )


def first_difference(saved: Any, now: Any, where: str = "plan") -> str | None:
    """The first place two plan documents differ, as `path: saved X, now Y`."""
    if isinstance(saved, dict) and isinstance(now, dict):
        for key in [*saved, *(k for k in now if k not in saved)]:
            if key not in now or key not in saved:
                return f"{where}.{key}: present in only one of them"
            found = first_difference(saved[key], now[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(saved, list) and isinstance(now, list):
        for index, (left, right) in enumerate(zip(saved, now, strict=False)):
            found = first_difference(left, right, f"{where}[{index}]")
            if found:
                return found
        if len(saved) != len(now):
            return f"{where}: {len(saved)} saved, {len(now)} now"
        return None
    if saved != now:
        return f"{where}: saved {_short(saved)}, now {_short(now)}"
    return None


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _known_kind(name: str) -> str:
    """A kind this tool has (a hand-edited file could carry markup or escapes instead)."""
    if name not in KINDS_BY_NAME:
        raise ValueError(f"unknown kind {name!r}")
    return name


def _known_field(kind: str, name: str) -> str:
    KINDS_BY_NAME[kind].field(name)  # raises KeyError for a field the kind does not have
    return name


def _account_sid(sid: str) -> str:
    if not isinstance(sid, str) or not ACCOUNT_SID.match(sid):
        raise ValueError("not an account SID")
    return sid


def _target_name(name: str | None) -> str | None:
    if name is not None and (not isinstance(name, str) or not TARGET_NAME.match(name)):
        raise ValueError("not a target name")
    return name


def _known_flag(flag: str | None) -> str | None:
    if flag not in (None, ALLOW_DESTROY, FORCE):
        raise ValueError(f"unknown flag {flag!r}")
    return flag


def _conversation_count(held: Any) -> ConversationCount | None:
    if not isinstance(held, dict):
        return None
    return ConversationCount(int(held["count"]), bool(held["exact"]))


def plan_from_document(document: dict[str, Any]) -> Plan:
    """A plan for display (`show`): changes and diffs, nothing to send. Kinds, field names and
    flags are checked against this tool's own, as the renderers print them as they are."""
    changes = [
        Change(
            action=Action(item["action"]),
            kind=_known_kind(item["kind"]),
            identity=tuple(item["identity"]),
            label=item["key"],
            level=0,
            sid=item["sid"],
            parent_key=item["service"],
            reasons=list(item["reasons"]),
            conversations=_conversation_count(item.get("conversations")),
            diffs=[
                FieldDiff(
                    name=_known_field(item["kind"], diff["name"]),
                    before=diff["before"],
                    after=diff["after"],
                    sensitive=diff["sensitive"],
                    before_known=diff["before_known"],
                )
                for diff in item["fields"]
            ],
        )
        for item in document["changes"]
    ]
    return Plan(
        changes=changes,
        fingerprint=document["fingerprint"],
        guards=[
            Guard(guard["message"], _known_flag(guard["flag"])) for guard in document["guards"]
        ],
        notes=list(document["notes"]),
        checks=[ProductCheck(str(message)) for message in document.get("checks", [])],
        # Fleet reports merged from shards of a release before `kept` read as keeping nothing;
        # a plan file has it (its version says so), and a fresh plan's is compared with it.
        kept=[
            Kept(
                kind=_known_kind(item["kind"]),
                key=str(item["key"]),
                sid=None if item["sid"] is None else str(item["sid"]),
                reason=str(item["reason"]),
                service=None if item.get("service") is None else str(item["service"]),
            )
            for item in document.get("kept", [])
        ],
    )
