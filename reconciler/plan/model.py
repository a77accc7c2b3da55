"""A plan: the changes that would make the account match the config, and why some need flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import SecretStr

from reconciler.kinds import Identity
from reconciler.kinds.neighbours import ConversationCount

UNKNOWN = "(known after apply)"
REDACTED = "(sensitive value)"


class Action(str, Enum):
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"


SYMBOLS = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.REPLACE: "-/+",
    Action.DELETE: "-",
}
"""How each action is marked: in every format, and in a plan's findings (annotations)."""
VERBS = {
    Action.CREATE: "will be created",
    Action.UPDATE: "will be updated in place",
    Action.REPLACE: "must be replaced",
    Action.DELETE: "will be deleted",
}
"""What each action does to a resource, said alike by the formats and the findings."""


@dataclass
class FieldDiff:
    name: str
    before: Any
    after: Any
    sensitive: bool = False
    before_known: bool = True

    def shown(self, value: Any) -> Any:
        """What people and files may see of a value: never a secret."""
        if self.sensitive or isinstance(value, SecretStr):
            return REDACTED
        return value


@dataclass
class Change:
    action: Action
    kind: str
    identity: Identity
    label: str
    level: int
    sid: str | None = None
    parent_key: str | None = None
    """The config key of the service this resource belongs to."""
    parent_sid: str | None = None
    send: dict[str, Any] = field(default_factory=dict)
    """Field values to write (references by name, secrets as SecretStr)."""
    diffs: list[FieldDiff] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    built_in: bool = False
    """A built-in role of a service this plan creates: found by name after the create."""
    conversations: ConversationCount | None = None
    """For a service the plan deletes or replaces: the conversations that go with it."""
    source: tuple[str | int, ...] = ()

    @property
    def key(self) -> str:
        return self.label or "/".join(self.identity)


def count_actions(changes: list[Change]) -> dict[str, int]:
    """How many changes of each action: the `summary` of plans and comparisons."""
    counts = {action.value: 0 for action in Action}
    for change in changes:
        counts[change.action.value] += 1
    return counts


@dataclass
class Guard:
    """A change that policy holds back unless the named flag is given (or ever, if flag is None)."""

    message: str
    flag: str | None


@dataclass(frozen=True)
class Kept:
    """A live resource that policy.prune would delete but the plan keeps, and why."""

    kind: str
    key: str
    sid: str | None
    reason: str
    service: str | None = None
    """The config key of the service a kept role belongs to."""


@dataclass(frozen=True)
class Origin:
    """Where a plan was read: the account, and the fleet target when a fleet planned it. A
    saved plan records it, because it applies there and nowhere else."""

    account_sid: str | None
    target: str | None = None


@dataclass(frozen=True)
class ProductCheck:
    """What the plan found in another product the configuration points at, with the
    configuration path of the value it is about (so an annotation can sit on its line)."""

    message: str
    path: tuple[str | int, ...] = ()
    """Empty for a check read back from a plan file (its message names the path)."""


@dataclass
class Plan:
    changes: list[Change]
    fingerprint: str
    guards: list[Guard] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    checks: list[ProductCheck] = field(default_factory=list)
    """What the plan found in the other products the configuration points at (an unpublished
    flow, a number that is not the account's, a check the credentials could not make). Shown
    like notes, but not part of what a saved plan approves: they say how those products looked,
    and the credentials of a read-only plan job see less than the apply job's."""
    """Live resources prune leaves in place (of a type this version does not know, the
    account's default service): shown, never changed, so they do not make the plan non-empty."""

    @property
    def summary(self) -> dict[str, int]:
        return count_actions(self.changes)

    @property
    def empty(self) -> bool:
        return not self.changes

    def blocking(self, flags: set[str]) -> list[Guard]:
        """Guards that the given flags do not lift."""
        return [guard for guard in self.guards if guard.flag is None or guard.flag not in flags]

    def blocked_reasons(self, flags: set[str]) -> str | None:
        """Why apply refuses this plan with these flags, naming the flag that lifts each guard;
        None when nothing blocks it."""
        blocking = self.blocking(flags)
        if not blocking:
            return None
        return "; ".join(
            guard.message + (f" (add {guard.flag})" if guard.flag else "") for guard in blocking
        )
