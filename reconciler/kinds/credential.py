"""Push credentials: identified by friendly_name; their secrets are write-only."""

from __future__ import annotations

from typing import Any

from reconciler.config import rules
from reconciler.config.models import Config
from reconciler.kinds.access import Access, collection
from reconciler.kinds.base import (
    Compare,
    Field,
    Identity,
    Kind,
    Resource,
    created_at,
    list_records,
    set_fields,
)

PAGE_SIZE = 100


def missing_secrets(values: dict[str, Any]) -> list[str]:
    """Secrets Twilio needs to create a credential of this type that `values` lack."""
    groups = rules.CREDENTIAL_REQUIRED_BY_TYPE.get(str(values.get("type")), ())
    return [
        " or ".join(group)
        for group in groups
        if not any(values.get(name) is not None for name in group)
    ]


class CredentialKind(Kind):
    name = "credential"
    prune_name = "credentials"
    known_types = rules.CREDENTIAL_TYPES
    names_may_repeat = True
    identity_fields = ("friendly_name",)
    access = Access(**collection("/v1/Credentials"))
    fields = (
        # A new type needs its own secrets, which are write-only and so never in an update
        # diff: a type change is a replace, which sends them with the create.
        Field("type", "Type", immutable=True),
        Field("sandbox", "Sandbox", compare=Compare.BOOL),
        Field("certificate", "Certificate", write_only=True),
        Field("private_key", "PrivateKey", write_only=True),
        Field("api_key", "ApiKey", write_only=True),
        Field("secret", "Secret", write_only=True),
    )

    def desired(self, config: Config) -> list[Resource]:
        names = {spec.name for spec in self.fields}
        resources = []
        for key, credential in config.credentials.items():
            values = {
                name: value for name, value in set_fields(credential).items() if name in names
            }
            values["type"] = credential.type
            friendly_name = credential.friendly_name or key
            resources.append(
                Resource(
                    kind=self.name,
                    identity=(friendly_name,),
                    values=values,
                    label=key,
                    source=("credentials", key),
                )
            )
        return resources

    def read(self, api: Any, parent_sid: str | None) -> list[Resource]:
        return [
            Resource(
                kind=self.name,
                identity=(record["friendly_name"],),
                values=self.live_values(record),
                sid=record["sid"],
                extra={"date_created": created_at(record)},
            )
            for record in list_records(api.credentials, PAGE_SIZE)
        ]

    def create(
        self, api: Any, parent_sid: str | None, identity: Identity, params: dict[str, Any]
    ) -> str:
        arguments = self.sdk_arguments(params, creating=True)
        return str(api.credentials.create(friendly_name=identity[0], **arguments).sid)

    def update(
        self, api: Any, parent_sid: str | None, sid: str | None, params: dict[str, Any]
    ) -> None:
        api.credentials(sid).update(**self.sdk_arguments(params))

    def delete(self, api: Any, parent_sid: str | None, sid: str) -> None:
        api.credentials(sid).delete()
