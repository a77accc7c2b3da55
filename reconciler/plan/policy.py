"""Safety rules that hold changes back: destroying services, protected services, thresholds.

Deleting or replacing a service destroys every conversation in it, so it needs --allow-destroy;
a protected service (and the account's default service) is never deleted or replaced. As in
octoDNS, a plan that changes or deletes more than `max_change_fraction` of a kind's existing
resources needs --force, once the kind has at least MIN_EXISTING_FOR_THRESHOLD of them (below
that, every change is a large fraction and the check would only be noise).
"""

from __future__ import annotations

from collections import Counter

from reconciler import kinds
from reconciler.config.models import Config
from reconciler.kinds import Reference
from reconciler.kinds.credential import missing_secrets
from reconciler.live.reader import LiveState
from reconciler.plan import order
from reconciler.plan.model import Action, Guard, Plan

ALLOW_DESTROY = "--allow-destroy"
FORCE = "--force"
MIN_EXISTING_FOR_THRESHOLD = 10
ACCOUNT_LEVEL_KINDS = {kinds.ACCOUNT_CONFIGURATION.name, kinds.ACCOUNT_WEBHOOKS.name}


def apply_policy(plan: Plan, config: Config, live: LiveState) -> None:
    _guard_services(plan, config, live)
    _guard_default_roles(plan, live)
    _guard_credential_secrets(plan)
    _guard_threshold(plan, config, live)


def _guard_credential_secrets(plan: Plan) -> None:
    """Secrets may stay out of the config for credentials that exist; a create needs them."""
    for change in plan.changes:
        if change.kind != kinds.CREDENTIAL.name or change.action not in (
            Action.CREATE,
            Action.REPLACE,
        ):
            continue
        missing = missing_secrets(change.send)
        if missing:
            plan.guards.append(
                Guard(
                    f"credential {change.key} does not exist yet, and Twilio needs "
                    f"{' and '.join(missing)} to create it: set them in the configuration "
                    "(from a variable, such as ${APN_CERTIFICATE})",
                    None,
                )
            )


def _guard_default_roles(plan: Plan, live: LiveState) -> None:
    """Twilio refuses to delete a role that a service configuration names as a default.

    A delete or a replace (a type change: delete, then create with the name) is fine when the
    plan repoints that default elsewhere first: repoints run at level 2, deletes at level 3, so
    such a replace moves to level 3 too. A default that stays on the role (by name, as the
    configuration writes it) cannot be kept across a replace: it must move in an earlier apply.
    """
    role_fields = [
        spec.name for spec in kinds.SERVICE_CONFIGURATION.fields if spec.reference is Reference.ROLE
    ]
    settings = {
        resource.identity[0]: resource.values
        for resource in live.of(kinds.SERVICE_CONFIGURATION.name)
    }
    repointed = {
        (change.identity[0], name): value
        for change in plan.changes
        if change.kind == kinds.SERVICE_CONFIGURATION.name
        for name, value in change.send.items()
    }
    for change in plan.changes:
        if change.kind != kinds.ROLE.name or change.action not in (Action.DELETE, Action.REPLACE):
            continue
        service_key, role_name = change.identity[0], change.identity[-1]
        for name in role_fields:
            if settings.get(service_key, {}).get(name) != change.sid:
                continue
            moved_to = repointed.get((service_key, name), role_name)
            named_again = any(
                key[0] == service_key and value == role_name for key, value in repointed.items()
            )
            if moved_to not in (role_name, change.sid) and not named_again:
                if change.action is Action.REPLACE:
                    change.level = order.DEFAULT_DELETE_LEVEL
                continue
            plan.guards.append(
                Guard(
                    f"role {change.key} is service {service_key}'s {name}, and Twilio refuses to "
                    f"{change.action.value} a default role: set services.{service_key}."
                    f"configuration.{name} to another role and apply that first",
                    None,
                )
            )


def default_service_after(config: Config, live: LiveState) -> str | None:
    """SID of the account's default service once the plan has run (None: one it creates).

    A config that moves `default_service` elsewhere repoints it (level 2) before services are
    deleted (level 4), so the service that is the default now may then be pruned.
    """
    configuration = config.account.configuration if config.account else None
    reference = configuration.default_service if configuration else None
    if reference is None:
        return live.default_service_sid
    if reference in config.services:
        bound = live.bound.get(reference)
        return str(bound.sid) if bound else None
    return reference


def _guard_services(plan: Plan, config: Config, live: LiveState) -> None:
    protected_sids = set()
    for reference in config.policy.protected_services:
        service = live.bound.get(reference)
        protected_sids.add(service.sid if service else reference)
    default_after = default_service_after(config, live)
    for change in plan.changes:
        if change.kind != kinds.SERVICE.name or change.action not in (
            Action.DELETE,
            Action.REPLACE,
        ):
            continue
        verb = "delete" if change.action is Action.DELETE else "replace"
        if change.sid == default_after or (
            change.action is Action.REPLACE and change.sid == live.default_service_sid
        ):
            plan.guards.append(
                Guard(
                    f"service {change.key} is the account's default service, which Twilio never "
                    f"deletes: cannot {verb} it",
                    None,
                )
            )
        elif change.sid in protected_sids:
            plan.guards.append(
                Guard(
                    f"service {change.key} is listed in policy.protected_services: "
                    f"refusing to {verb} it",
                    None,
                )
            )
        else:
            held = f" ({change.conversations})" if change.conversations else ""
            plan.guards.append(
                Guard(
                    f"{verb} service {change.key} destroys every conversation in it{held}",
                    ALLOW_DESTROY,
                )
            )


def _guard_threshold(plan: Plan, config: Config, live: LiveState) -> None:
    fraction = config.policy.max_change_fraction
    existing = Counter(
        kind
        for kind, resources in live.resources.items()
        for _ in resources
        if kind not in ACCOUNT_LEVEL_KINDS
    )
    existing[kinds.SERVICE.name] = len(live.services)
    touched = Counter(
        change.kind
        for change in plan.changes
        if (change.action is not Action.CREATE and change.sid is not None)
        or change.kind in ACCOUNT_LEVEL_KINDS
    )
    for kind, count in sorted(touched.items()):
        total = existing.get(kind, 0)
        if kind in ACCOUNT_LEVEL_KINDS or total < MIN_EXISTING_FOR_THRESHOLD:
            continue
        if count / total > fraction:
            plan.guards.append(
                Guard(
                    f"{count} of {total} existing {kind} resources would change or be deleted "
                    f"({count / total:.0%}), more than policy.max_change_fraction ({fraction:.0%})",
                    FORCE,
                )
            )
