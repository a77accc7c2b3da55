"""policy.webhooks: where webhook URLs may point, and which events they must receive.

Checked on every URL field the config manages (account and service webhooks, address
auto-creation webhooks) after merging, so each environment is judged by its own merged policy.
Findings name the URL's config path and carry the place of the policy entry that forbids it, since
that entry is often in another file (a shared base).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from urllib.parse import urlsplit

from reconciler.config import LoadedConfig
from reconciler.config import rules as twilio
from reconciler.config.policy_rules import WebhookRules
from reconciler.config.validation import describe
from reconciler.findings import Finding, Severity
from reconciler.lint import rules
from reconciler.lint.columns import LineReader
from reconciler.lint.hosts import development_host, host_matches, normalise, pattern_problem

ConfigPath = tuple[str | int, ...]
POLICY: ConfigPath = ("policy", "webhooks")


def webhook_urls(loaded: LoadedConfig) -> Iterator[tuple[ConfigPath, str]]:
    """(config path, URL) of every webhook URL the configuration sets."""
    config = loaded.config
    if config.account is not None and config.account.webhooks is not None:
        hooks = config.account.webhooks
        for name in ("pre_webhook_url", "post_webhook_url"):
            url = getattr(hooks, name)
            if url:
                yield ("account", "webhooks", name), url
    for key, service in config.services.items():
        if service.webhooks is None:
            continue
        for name in ("pre_webhook_url", "post_webhook_url"):
            url = getattr(service.webhooks, name)
            if url:
                yield ("services", key, "webhooks", name), url
    for index, address in enumerate(config.address_configurations):
        auto = address.auto_creation
        if auto is not None and auto.webhook_url:
            yield (
                ("address_configurations", index, "auto_creation", "webhook_url"),
                auto.webhook_url,
            )


def webhook_filter_sets(
    loaded: LoadedConfig,
) -> Iterator[tuple[ConfigPath, list[str] | None, tuple[str, ...]]]:
    """(config path, filters or None when unmanaged, the events valid there) of each account
    and service webhook configuration in the configuration."""
    config = loaded.config
    if config.account is not None and config.account.webhooks is not None:
        yield (
            ("account", "webhooks"),
            config.account.webhooks.filters,
            twilio.ACCOUNT_WEBHOOK_FILTERS,
        )
    for key, service in config.services.items():
        if service.webhooks is not None:
            yield (
                ("services", key, "webhooks"),
                service.webhooks.filters,
                twilio.SERVICE_WEBHOOK_FILTERS,
            )


class _Checker:
    def __init__(self, loaded: LoadedConfig) -> None:
        self.loaded = loaded
        self.policy: WebhookRules = loaded.config.policy.webhooks
        self.findings: list[Finding] = []
        self.lines = LineReader()

    def where(self, path: ConfigPath) -> tuple[str, int] | None:
        return self.loaded.where(path)

    def related(self, path: ConfigPath, what: str) -> tuple[tuple[str, int | None, str], ...]:
        where = self.where(path)
        return ((where[0], where[1], what),) if where else ()

    def add(
        self,
        rule: str,
        severity: Severity,
        path: ConfigPath,
        problem: str,
        *,
        value: str | None = None,
        related: tuple[tuple[str, int | None, str], ...] = (),
    ) -> None:
        where = self.where(path)
        file, line = where if where else (None, None)
        column: int | None = None
        if where and value is not None and isinstance(path[-1], str):
            column = self.lines.value_column(where[0], where[1], path[-1], value)
        self.findings.append(
            Finding(
                rule,
                severity,
                f"{describe(path)}: {problem}",
                file,
                line,
                column,
                path=describe(path),
                related=related,
            )
        )

    # --- the policy's own values -----------------------------------------------------------

    def policy_values(self) -> set[str]:
        """Checks the globs and event names; returns the globs that are usable."""
        bad: set[str] = set()
        for name in ("allowed_hosts", "denied_hosts"):
            for index, pattern in enumerate(getattr(self.policy, name)):
                problem = pattern_problem(pattern)
                if problem:
                    bad.add(pattern)
                    self.add(rules.POLICY_WEBHOOKS.id, "error", (*POLICY, name, index), problem)
        known = twilio.ACCOUNT_WEBHOOK_FILTERS
        for index, event in enumerate(self.policy.required_filters):
            if event not in known:
                close = difflib.get_close_matches(event, known, n=1, cutoff=0.75)
                guess = f" (did you mean {close[0]!r}?)" if close else ""
                self.add(
                    rules.POLICY_WEBHOOKS.id,
                    "error",
                    (*POLICY, "required_filters", index),
                    f"{event!r} is not a webhook event{guess}; the events are: {', '.join(known)}",
                )
        return bad

    # --- URLs --------------------------------------------------------------------------------

    def url(self, path: ConfigPath, url: str, unusable: set[str]) -> None:
        parts = urlsplit(url)
        host = normalise(parts.hostname or "")
        if not host:
            return  # not an absolute URL: Twilio's rules (validation.py) report it
        if self.policy.require_https and parts.scheme.lower() != "https":
            self.add(
                rules.WEBHOOK_HTTPS.id,
                "error",
                path,
                f"the URL to host {host!r} uses {parts.scheme}; policy.webhooks.require_https "
                "asks for https",
                value=url,
                related=self.related((*POLICY, "require_https"), "require_https is set here"),
            )
        for index, pattern in enumerate(self.policy.denied_hosts):
            if pattern not in unusable and host_matches(pattern, host):
                self.add(
                    rules.WEBHOOK_HOST_DENIED.id,
                    "error",
                    path,
                    f"host {host!r} is denied by policy.webhooks.denied_hosts ({pattern!r})",
                    value=url,
                    related=self.related(
                        (*POLICY, "denied_hosts", index), f"{pattern!r} is denied here"
                    ),
                )
                return
        allowed = [pattern for pattern in self.policy.allowed_hosts if pattern not in unusable]
        if allowed and not any(host_matches(pattern, host) for pattern in allowed):
            self.add(
                rules.WEBHOOK_HOST_NOT_ALLOWED.id,
                "error",
                path,
                f"host {host!r} is not in policy.webhooks.allowed_hosts ({', '.join(allowed)})",
                value=url,
                related=self.related((*POLICY, "allowed_hosts"), "the allowed hosts are set here"),
            )
        setting = self.policy.development_hosts
        what = development_host(host)
        if what and setting != "allow":
            severity: Severity = "error" if setting == "error" else "warning"
            self.add(
                rules.WEBHOOK_DEVELOPMENT_HOST.id,
                severity,
                path,
                f"host {host!r} is {what}, a development address "
                f"(policy.webhooks.development_hosts is {setting!r}: 'allow' accepts it, "
                "'error' refuses it)",
                value=url,
                related=self.related(
                    (*POLICY, "development_hosts"), f"development_hosts: {setting}"
                ),
            )

    # --- filters -----------------------------------------------------------------------------

    def filters(self) -> None:
        required = self.policy.required_filters
        if not required:
            return
        for path, filters, valid_here in webhook_filter_sets(self.loaded):
            wanted = [event for event in required if event in valid_here]
            if not wanted:
                continue
            related = self.related(
                (*POLICY, "required_filters"), "the required events are set here"
            )
            if filters is None:
                self.add(
                    rules.WEBHOOK_REQUIRED_FILTERS.id,
                    "error",
                    path,
                    "filters are not set here, so the events policy.webhooks.required_filters "
                    f"asks for ({', '.join(wanted)}) are not managed; list the filters, "
                    "including them",
                    related=related,
                )
                continue
            missing = [event for event in wanted if event not in filters]
            if missing:
                self.add(
                    rules.WEBHOOK_REQUIRED_FILTERS.id,
                    "error",
                    (*path, "filters"),
                    f"lacks {', '.join(missing)}, required by policy.webhooks.required_filters",
                    related=related,
                )

    def run(self) -> list[Finding]:
        unusable = self.policy_values()
        for path, url in webhook_urls(self.loaded):
            self.url(path, url, unusable)
        self.filters()
        return self.findings


def check_webhooks(loaded: LoadedConfig) -> list[Finding]:
    """Every policy.webhooks finding for a loaded (already valid) configuration."""
    return _Checker(loaded).run()
