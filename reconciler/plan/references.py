"""Raw SIDs in the config, checked against what the plan read from the account.

`validate` cannot know whether `IS...` exists or whether `RL...` is a role of the right service
and type; the plan has the live data, so it refuses them at the config's file and line instead
of letting apply fail half-way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from reconciler import kinds
from reconciler.config import rules
from reconciler.config.models import Config
from reconciler.errors import ReconcilerError
from reconciler.kinds import Reference, Resource
from reconciler.live.reader import LiveState

SID = {
    Reference.SERVICE: rules.sid_pattern("IS"),
    Reference.ROLE: rules.sid_pattern("RL"),
}
Locate = Callable[[Sequence[str | int]], str | None]


class ReferenceError(ReconcilerError):
    """A SID in the configuration that the live account contradicts."""


def check_references(config: Config, live: LiveState, locate: Locate) -> None:
    """Refuse a raw SID that names nothing of the right kind in the account, unless the live
    resource already holds exactly that SID: Twilio keeps a reference to a service or role
    deleted since (an address configuration's service, a default role), `export` writes it as
    the SID it is, and a plan must not refuse what it does not change."""
    problems: list[str] = []
    for kind in kinds.ALL_KINDS:
        specs = [spec for spec in kind.fields if spec.reference is not None]
        if not specs:
            continue  # roles and credentials name nothing: not built, not indexed
        held = {resource.identity: resource.values for resource in live.of(kind.name)}
        for resource in kind.desired(config):
            for spec in specs:
                value = resource.values.get(spec.name)
                if spec.reference is None or not isinstance(value, str):
                    continue
                if not SID[spec.reference].match(value):
                    continue
                if held.get(resource.identity, {}).get(spec.name) == value:
                    continue  # unchanged: a dangling reference the account already holds
                problem = (
                    _service_problem(value, live)
                    if spec.reference is Reference.SERVICE
                    else _role_problem(value, spec.name, resource, live)
                )
                if problem:
                    where = locate((*resource.source, *spec.name.split(".")))
                    problems.append(f"{where + ': ' if where else ''}{spec.name}: {problem}")
    for index, value in enumerate(config.policy.protected_services):
        if SID[Reference.SERVICE].match(value) and _service_problem(value, live):
            where = locate(("policy", "protected_services", index))
            problems.append(f"{where + ': ' if where else ''}{_service_problem(value, live)}")
    if problems:
        raise ReferenceError(
            "the configuration names SIDs the account contradicts:\n" + "\n".join(problems)
        )


def _service_problem(sid: str, live: LiveState) -> str | None:
    if any(service.sid == sid for service in live.services):
        return None
    return f"{sid} is not a conversation service of this account"


def _role_problem(sid: str, field_name: str, resource: Resource, live: LiveState) -> str | None:
    service_key = resource.identity[0]
    if service_key not in live.bound:
        return (
            f"{sid} cannot be a role of service {service_key!r}, which does not exist yet; "
            "name the role instead"
        )
    roles = live.of(kinds.ROLE.name)
    role = next((r for r in roles if r.sid == sid and r.identity[0] == service_key), None)
    if role is None:
        elsewhere = next((r for r in roles if r.sid == sid), None)
        if elsewhere is not None:
            return f"{sid} is a role of service {elsewhere.identity[0]!r}, not of {service_key!r}"
        return f"{sid} is not a role of service {service_key!r}"
    needed = rules.DEFAULT_ROLE_TYPES.get(_short(field_name))
    actual = role.values.get("type")
    if needed and actual != needed:
        return (
            f"{sid} ({role.identity[1]!r}) is a {actual} role; {field_name} needs a {needed} role"
        )
    return None


def _short(field_name: str) -> str:
    return re.sub(r"^.*\.", "", field_name)
