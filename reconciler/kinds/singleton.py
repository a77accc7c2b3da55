"""Settings that exist once per account or per service: fetched and updated, never created."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from reconciler.config.models import Config
from reconciler.kinds.base import (
    Identity,
    Kind,
    Resource,
    fetch_record,
    set_fields,
)

ACCOUNT: Identity = ()


class SingletonKind(Kind):
    """Subclasses name the SDK context and where the settings sit in the config."""

    singleton = True

    def context(self, api: Any, parent_sid: str | None) -> Any:
        raise NotImplementedError

    def settings(self, config: Config) -> list[tuple[Identity, BaseModel | None, tuple[str, ...]]]:
        """(identity, the config model or None, its path in the config) for each instance."""
        raise NotImplementedError

    def desired(self, config: Config) -> list[Resource]:
        resources = []
        for identity, model, source in self.settings(config):
            values = set_fields(model)
            if not values:
                continue
            resources.append(
                Resource(
                    kind=self.name,
                    identity=identity,
                    values=values,
                    label="/".join(identity) or "account",
                    source=source,
                )
            )
        return resources

    def read(self, api: Any, parent_sid: str | None) -> list[Resource]:
        record = fetch_record(self.context(api, parent_sid))
        identity: Identity = (parent_sid,) if parent_sid else ACCOUNT
        return [
            Resource(
                kind=self.name,
                identity=identity,
                values=self.live_values(record),
                parent_sid=parent_sid,
                label="/".join(identity) or "account",
                extra={"account_sid": record.get("account_sid")},
            )
        ]

    def update(
        self, api: Any, parent_sid: str | None, sid: str | None, params: dict[str, Any]
    ) -> None:
        self.context(api, parent_sid).update(**self.sdk_arguments(params))


class ServiceSingletonKind(SingletonKind):
    """Settings that every service has one of."""

    parent = "service"
    section: str

    def settings(self, config: Config) -> list[tuple[Identity, BaseModel | None, tuple[str, ...]]]:
        return [
            ((key,), getattr(service, self.section), ("services", key, self.section))
            for key, service in config.services.items()
        ]
