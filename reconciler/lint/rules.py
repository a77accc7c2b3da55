"""The team-policy rules: their ids, titles and what each checks (docs/policy.md has examples)."""

from __future__ import annotations

from reconciler.findings import CONFIG_RULE, Rule, register

WEBHOOK_HTTPS = Rule(
    id="webhook-https",
    title="Webhook URL is not https",
    description="policy.webhooks.require_https is on and a webhook URL uses http.",
    tags=("policy", "webhooks", "security"),
)
WEBHOOK_HOST_DENIED = Rule(
    id="webhook-host-denied",
    title="Webhook host is denied",
    description="A webhook URL's host matches a glob in policy.webhooks.denied_hosts.",
    tags=("policy", "webhooks", "security"),
)
WEBHOOK_HOST_NOT_ALLOWED = Rule(
    id="webhook-host-not-allowed",
    title="Webhook host is not allowed",
    description=(
        "policy.webhooks.allowed_hosts is set and a webhook URL's host matches none of its globs."
    ),
    tags=("policy", "webhooks", "security"),
)
WEBHOOK_DEVELOPMENT_HOST = Rule(
    id="webhook-development-host",
    title="Webhook points at a development address",
    description=(
        "A webhook URL points at a tunnel (ngrok, trycloudflare, localtunnel, ...) or a local "
        "address (localhost, private or link-local IP, ...): a warning, or per "
        "policy.webhooks.development_hosts an error or nothing."
    ),
    default_severity="warning",
    tags=("policy", "webhooks"),
)
WEBHOOK_REQUIRED_FILTERS = Rule(
    id="webhook-required-filters",
    title="Webhook misses required events",
    description=(
        "An account or service webhook configuration does not list every event in "
        "policy.webhooks.required_filters among its filters."
    ),
    tags=("policy", "webhooks"),
)
POLICY_WEBHOOKS = Rule(
    id="policy-webhooks",
    title="Invalid webhook policy",
    description="A value under policy.webhooks cannot be right (a URL where a host belongs, an "
    "unknown event name).",
    tags=("policy",),
)

LINT_RULES: tuple[Rule, ...] = (
    WEBHOOK_HTTPS,
    WEBHOOK_HOST_DENIED,
    WEBHOOK_HOST_NOT_ALLOWED,
    WEBHOOK_DEVELOPMENT_HOST,
    WEBHOOK_REQUIRED_FILTERS,
    POLICY_WEBHOOKS,
)
ALL_RULES: tuple[Rule, ...] = (CONFIG_RULE, *LINT_RULES)
"""Every rule `validate` may report, the loader's and Twilio's included."""

register(*LINT_RULES)
