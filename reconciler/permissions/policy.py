"""The policy a restricted API key needs for one job of this tool on one configuration.

Derived from the kinds' declarations (`Kind.access`: the endpoints each kind's read, create,
update and delete reach, the neighbour reads a plan checks a value with, the reads before a
deletion) and the permission table (`reconciler.permissions.table`); nothing here names a
Twilio endpoint or a job's permissions itself. Only what the configuration touches is asked
for:

* `export` reads every kind of the account (it writes them all), nothing more.
* `doctor` reads what `export` reads and what the account's values point at in other products
  (Messaging Services, Studio Flows, the phone numbers of sms addresses), as a plan checks them.
* `plan` reads the kinds the configuration declares or `policy.prune` names, those its
  references need (a default role: the service's roles), those every plan reads (services,
  the account configuration: `Access.always_read`), the neighbours its values name (a
  `default_messaging_service_sid`: that Messaging Service; a `studio_flow_sid`: that flow; an
  sms address: the account's phone numbers) and, where a service may be deleted or replaced
  (`services` in policy.prune, or a pinned service), a page of its conversations.
* `apply` plans first, then writes: creates and updates of the kinds the configuration
  declares, deletes where a resource may go (pruned, replaced, or its own twin after a create
  that raced another run's: Twilio allows two services or credentials of one name).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reconciler import kinds
from reconciler.config.models import Config
from reconciler.kinds import Kind, Reference, Resource
from reconciler.kinds.access import Endpoint
from reconciler.kinds.singleton import SingletonKind
from reconciler.permissions import table

JOBS = ("plan", "apply", "export", "doctor")
REFERENCED_KIND = {Reference.SERVICE: kinds.SERVICE, Reference.ROLE: kinds.ROLE}


@dataclass
class Needs:
    """Endpoints a job calls, each with why (`service: read`), in the order found."""

    reasons: dict[Endpoint, list[str]] = field(default_factory=dict)

    def add(self, endpoints: Iterable[Endpoint], why: str) -> None:
        for endpoint in endpoints:
            reasons = self.reasons.setdefault(endpoint, [])
            if why not in reasons:
                reasons.append(why)

    def permissions(self) -> dict[str, list[str]]:
        """Permission name -> why, sorted by name. An endpoint the table does not know is a
        bug of this version (a kind's declaration without its table row): refused loudly."""
        found: dict[str, list[str]] = {}
        for endpoint, reasons in self.reasons.items():
            name = table.permission(endpoint.api, endpoint.path, endpoint.method)
            if name is None:
                raise LookupError(f"no permission is known for {endpoint}")
            found.setdefault(name, [])
            found[name] += [reason for reason in reasons if reason not in found[name]]
        return dict(sorted(found.items()))


def needs(config: Config, job: str) -> Needs:
    """What `job` calls on an account, for `config` (see the module's docstring)."""
    if job not in JOBS:
        raise ValueError(f"unknown job {job!r}: one of {', '.join(JOBS)}")
    found = Needs()
    if job in ("export", "doctor"):
        for kind in kinds.ALL_KINDS:
            found.add(kind.access.read, f"{kind.name}: read")
            if job == "doctor":
                for check in kind.access.checks:
                    found.add(check.reads, f"{kind.name}: check what it points at")
        return found
    prune: set[str] = set(config.policy.prune)
    desired = {kind.name: kind.desired(config) for kind in kinds.ALL_KINDS}
    for kind in _read_by_plan(config, desired, prune):
        found.add(kind.access.read, f"{kind.name}: read")
        found.add(kind.access.also_read, f"{kind.name}: read")
        for resource in desired[kind.name]:
            for check in kind.access.checks:
                if _applies(kind, check.field, check.of_type, resource):
                    found.add(check.reads, f"{kind.name}: check {resource.display}")
        if _may_delete(kind, desired[kind.name], prune, apply=False):
            found.add(kind.access.before_delete, f"{kind.name}: count before delete")
    if job == "apply":
        for kind in kinds.ALL_KINDS:
            wanted = desired[kind.name]
            if any(not resource.built_in for resource in wanted):
                found.add(kind.access.create, f"{kind.name}: create")
            if wanted:
                found.add(kind.access.update, f"{kind.name}: update")
            if _may_delete(kind, wanted, prune, apply=True):
                found.add(kind.access.delete, f"{kind.name}: delete")
    return found


def policy(config: Config, job: str) -> dict[str, list[str]]:
    """The `Policy` of a restricted key for `job`: `{"allow": [permission, ...]}`."""
    return {"allow": list(needs(config, job).permissions())}


def _read_by_plan(
    config: Config, desired: dict[str, list[Resource]], prune: set[str]
) -> list[Kind]:
    """The kinds a plan reads: declared, pruned, always read, or named by a reference."""
    read: list[Kind] = []

    def take(kind: Kind) -> None:
        if kind not in read:
            read.append(kind)

    for kind in kinds.ALL_KINDS:
        declared = bool(desired[kind.name]) or _has_settings(kind, config)
        if kind.access.always_read or declared or kind.prune_name in prune:
            take(kind)
        for resource in desired[kind.name]:
            for spec in kind.fields:
                if spec.reference is not None and resource.values.get(spec.name) is not None:
                    take(REFERENCED_KIND[spec.reference])
    return [kind for kind in kinds.ALL_KINDS if kind in read]


def _has_settings(kind: Kind, config: Config) -> bool:
    """A singleton whose block the configuration has, even empty: the plan reads it."""
    if not isinstance(kind, SingletonKind):
        return False
    return any(model is not None for _, model, _ in kind.settings(config))


def _applies(kind: Kind, name: str | None, of_type: str | None, resource: Resource) -> bool:
    if name is not None and resource.values.get(name) is None:
        return False
    return of_type is None or kind.type_of(resource) == of_type


def _may_delete(kind: Kind, desired: list[Resource], prune: set[str], apply: bool) -> bool:
    """Pruned, or a desired resource may be replaced; on apply also a create's own twin."""
    if kind.prune_name is not None and kind.prune_name in prune:
        return True
    if any(_replaceable(kind, resource) for resource in desired):
        return True
    return apply and kind.names_may_repeat and bool(desired)


def _replaceable(kind: Kind, resource: Resource) -> bool:
    if kind.access.replaceable is not None:
        return kind.access.replaceable(resource)
    return any(spec.immutable and spec.name in resource.values for spec in kind.fields)
