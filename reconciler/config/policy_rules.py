"""Team rules about the configuration itself (which webhook hosts, https, required filters).

These are the team's own lints, apart from Twilio's rules in `validation.py`: they live under
`policy.webhooks` and merge per environment like the rest of the config (maps merge key by key,
lists replace), so prod can forbid what dev allows. `reconciler.lint` evaluates them; this
module only describes their shape, so that the JSON Schema (and editors) know them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from reconciler.config import rules

DevelopmentHosts = Literal["allow", "warn", "error"]

HostPattern = Annotated[
    str,
    Field(json_schema_extra={"examples": ["hooks.example.com", "*.example.com"]}),
]
"""A host name or a glob where `*` stands for any run of characters, dots included."""

RequiredFilter = Annotated[
    str, Field(json_schema_extra={"enum": list(rules.ACCOUNT_WEBHOOK_FILTERS)})
]


class WebhookRules(BaseModel):
    """Where the configuration's webhook URLs may point, and what they must receive.

    Every URL field is checked: account webhooks, service webhooks and address
    auto-creation webhooks.
    """

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    require_https: bool = False
    """Every webhook URL must use https (an http URL is an error)."""
    allowed_hosts: list[HostPattern] = Field(default_factory=list)
    """Host globs such as `*.example.com` (every subdomain, not example.com itself); when the
    list is not empty, a URL whose host matches none of them is an error."""
    denied_hosts: list[HostPattern] = Field(default_factory=list)
    """Host globs that no webhook URL may use; a denied host is an error even when allowed."""
    development_hosts: DevelopmentHosts = "warn"
    """Tunnels and local addresses (ngrok, trycloudflare, localtunnel, localhost, private and
    link-local IPs, ...): allow them, warn (the default), or make them an error."""
    required_filters: list[RequiredFilter] = Field(default_factory=list)
    """Events every account and service webhook configuration in the config must list in its
    `filters` (onUser... events concern the account webhooks only)."""
