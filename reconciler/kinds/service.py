"""Conversation services: matched by friendly_name, or by a pinned SID."""

from __future__ import annotations

from typing import Any

from reconciler.config.models import Config
from reconciler.errors import ReconcilerError
from reconciler.kinds.base import Field, Identity, Kind, Resource

PAGE_SIZE = 100


class AmbiguousServiceError(ReconcilerError):
    """Two live services carry the name the config uses."""


class ServiceKind(Kind):
    name = "service"
    prune_name = "services"
    fields = (Field("friendly_name", "FriendlyName", immutable=True),)

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
                identity=(instance.sid,),
                values={"friendly_name": instance.friendly_name},
                sid=instance.sid,
                label=f"{instance.friendly_name} ({instance.sid})",
            )
            for instance in api.services.list(page_size=PAGE_SIZE)
        ]

    def create(
        self, api: Any, parent_sid: str | None, identity: Identity, params: dict[str, Any]
    ) -> str:
        return str(api.services.create(**self.sdk_arguments(params)).sid)

    def delete(self, api: Any, parent_sid: str | None, sid: str) -> None:
        api.services(sid).delete()


def bind_services(
    desired: list[Resource], live: list[Resource], locate: Any = None
) -> dict[str, Resource]:
    """Match each configured service to its live service: by pinned SID, else by name.

    Returns live services by config key. A name that two live services share cannot be matched
    safely, so it is an error that says how to pin the SID.
    """
    by_sid = {resource.sid: resource for resource in live}
    by_name: dict[str, list[Resource]] = {}
    for resource in live:
        by_name.setdefault(resource.values["friendly_name"], []).append(resource)
    bound: dict[str, Resource] = {}
    for wanted in desired:
        key = wanted.identity[0]
        if wanted.sid:
            if wanted.sid in by_sid:
                bound[key] = by_sid[wanted.sid]
                continue
            where = _where(locate, (*wanted.source, "sid"))
            raise ReconcilerError(
                f"{where}service '{key}' is pinned to {wanted.sid}, which does not exist in the "
                "account; remove the pin to create the service, or correct the SID"
            )
        candidates = by_name.get(wanted.values["friendly_name"], [])
        if len(candidates) > 1:
            sids = ", ".join(str(candidate.sid) for candidate in candidates)
            where = _where(locate, wanted.source)
            raise AmbiguousServiceError(
                f"{where}service '{key}': {len(candidates)} live services are named "
                f"{wanted.values['friendly_name']!r} ({sids}); pin the one to manage with "
                f"`sid: IS...` under services.{key}"
            )
        if candidates:
            bound[key] = candidates[0]
    return bound


def _where(locate: Any, path: tuple[str | int, ...]) -> str:
    location = locate(path) if locate else None
    return f"{location}: " if location else ""
