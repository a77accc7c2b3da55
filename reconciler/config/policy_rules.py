"""Team rules about the configuration itself (which webhook hosts, https, required filters).

These are the team's own lints, apart from Twilio's rules in `validation.py`: they live under
`policy.webhooks` and merge per environment like the rest of the config, so prod can forbid
what dev allows. `reconciler.lint` evaluates them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class WebhookRules(BaseModel):
    """Where the configuration's webhook URLs may point."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    require_https: bool | None = None
    """Every webhook URL must use https."""
    allowed_hosts: list[str] = Field(default_factory=list)
    """Host globs (`*.example.com`); when set, a URL whose host matches none is an error."""
    denied_hosts: list[str] = Field(default_factory=list)
    """Host globs that no webhook URL may use."""
    development_hosts: Literal["allow", "warn", "error"] = "warn"
    """Tunnels and local addresses (ngrok, trycloudflare, localhost, private IPs, ...)."""
    required_filters: list[str] = Field(default_factory=list)
    """Events every account and service webhook configuration must include in its filters."""
