"""Conversation services: matched by friendly_name, or by a pinned SID."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reconciler.config.models import Config
from reconciler.errors import ReconcilerError
from reconciler.kinds.access import SERVICE_CONVERSATIONS_LIST, Access, conversations
from reconciler.kinds.base import (
    Field,
    Identity,
    Kind,
    Resource,
    created_at,
    list_records,
    survivor,
)

PAGE_SIZE = 100


class ServiceKind(Kind):
    name = "service"
    prune_name = "services"
    names_may_repeat = True
    fields = (Field("friendly_name", "FriendlyName", immutable=True),)
    access = Access(
        read=conversations("/v1/Services", "GET"),
        always_read=True,
        create=conversations("/v1/Services", "POST"),
        delete=conversations("/v1/Services/{Sid}", "DELETE"),
        before_delete=(SERVICE_CONVERSATIONS_LIST,),
        # Matched by name unless pinned: only a pinned service's name can differ (a rename).
        replaceable=lambda resource: resource.sid is not None,
    )

    def name_of(self, resource: Resource) -> str:
        """Desired services are keyed by config key and live ones by SID: the name is apart."""
        return str(resource.values["friendly_name"])

    def missing_name(self, resource: Resource) -> str | None:
        """A live service's identity is its SID; its name is its friendly_name."""
        return None if resource.values.get("friendly_name") else "friendly_name"

    def desired(self, config: Config) -> list[Resource]:
        return [
            Resource(
                kind=self.name,
                identity=(key,),
                values={"friendly_name": service.friendly_name or key},
                sid=service.sid,
                source=("services", key),
            )
            for key, service in config.services.items()
        ]

    def read(self, api: Any, parent_sid: str | None) -> list[Resource]:
        return [
            Resource(
                kind=self.name,
                identity=(record["sid"],),
                values={"friendly_name": record["friendly_name"]},
                sid=record["sid"],
                label=f"{record['friendly_name']} ({record['sid']})"
                if record["friendly_name"]
                else record["sid"],
                extra={"date_created": created_at(record)},
            )
            for record in list_records(api.services, PAGE_SIZE)
        ]

    def create(
        self, api: Any, parent_sid: str | None, identity: Identity, params: dict[str, Any]
    ) -> str:
        return str(api.services.create(**self.sdk_arguments(params, creating=True)).sid)

    def delete(self, api: Any, parent_sid: str | None, sid: str) -> None:
        api.services(sid).delete()


@dataclass
class Binding:
    """Which live service each config key manages, and the twins that lost to it."""

    bound: dict[str, Resource] = field(default_factory=dict)
    twins: dict[str, Resource] = field(default_factory=dict)
    """Live services that share a managed service's name but are not managed, by SID, each
    mapped to the survivor it duplicates."""
    superseded: dict[str, Resource] = field(default_factory=dict)
    """Config key -> its pinned live service, when another live service already carries the
    name the key wants: a replace (a rename) cut short after its create. The key binds to the
    replacement, and the plan only finishes the delete."""


def bind_services(desired: list[Resource], live: list[Resource], locate: Any = None) -> Binding:
    """Match each configured service to its live service: by pinned SID, else by name.

    Several live services with one name (Twilio allows it; concurrent creates make it) bind
    to their survivor (oldest, then lowest SID): every run picks the same one, and the others
    are reported as twins that prune may delete.
    """
    by_sid = {resource.sid: resource for resource in live}
    by_name: dict[str, list[Resource]] = {}
    for resource in live:
        by_name.setdefault(resource.values["friendly_name"], []).append(resource)
    binding = Binding()
    for wanted in desired:
        key = wanted.identity[0]
        candidates = by_name.get(wanted.values["friendly_name"], [])
        if wanted.sid:
            if wanted.sid in by_sid:
                pinned = by_sid[wanted.sid]
                binding.bound[key] = pinned
                if candidates and pinned.values["friendly_name"] != wanted.values["friendly_name"]:
                    binding.bound[key] = survivor(candidates)
                    binding.superseded[key] = pinned
                continue
            where = _where(locate, (*wanted.source, "sid"))
            hint = ""
            if candidates:
                named = survivor(candidates)
                hint = (
                    f"; a live service is named {wanted.values['friendly_name']!r} "
                    f"({named.sid}): if it replaced the pinned one, pin {named.sid}"
                )
            raise ReconcilerError(
                f"{where}service '{key}' is pinned to {wanted.sid}, which does not exist in the "
                f"account; remove the pin to create the service, or correct the SID{hint}"
            )
        if not candidates:
            continue
        kept = survivor(candidates)
        binding.bound[key] = kept
        for twin in candidates:
            if twin.sid != kept.sid:
                binding.twins[str(twin.sid)] = kept
    return binding


def _where(locate: Any, path: tuple[str | int, ...]) -> str:
    location = locate(path) if locate else None
    return f"{location}: " if location else ""
