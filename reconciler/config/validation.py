"""Offline checks of Twilio's own rules and of references between parts of the configuration.

These run on the merged plain data (not on the models) so that they can report alongside the
model's own type errors in one pass: a value of the wrong type is left to the model and skipped
here. Each issue is (config path, message); the loader turns the path into file:line.

Two severities. What Twilio documents as impossible (a malformed SID, URL or duration, a timer
below its minimum, a field of another type, `null` where nothing can be cleared) is an error.
What only falls outside this version's lists of Twilio's values (a permission, filter, type or
method it has never seen; text longer than Twilio documents) is a warning: Twilio adds values
every year and is the judge of them, and a live account holds such values already. `strict`
makes those warnings errors.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from reconciler.config import rules
from reconciler.config.lines import ConfigPath

Locate = Callable[[ConfigPath], "str | None"]
RuleIssue = tuple[ConfigPath, str]

UNKNOWN_VALUE = "not a value this version knows; sent to Twilio as written"

_SIDS = {prefix: rules.sid_pattern(prefix) for prefix in rules.SID_PREFIXES}


def describe(path: ConfigPath) -> str:
    """A config path as the user would write it: services.support.roles.agent.permissions[1]."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.replace("_", "a").replace("-", "a").isalnum():
            text += f".{part}" if text else part
        else:
            text += f"[{part!r}]"
    return text or "(top level)"


def _suggest(value: str, options: Iterable[str]) -> str:
    lowered = {option.lower(): option for option in options}
    if value.lower() in lowered:
        return f" (did you mean {lowered[value.lower()]!r}?)"
    close = difflib.get_close_matches(value, list(lowered.values()), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _article(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    """The value if it is a string: anything else is the model's error to report, not ours."""
    return value if isinstance(value, str) else None


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def url_problem(value: str) -> str | None:
    """Why a webhook URL is not absolute http(s), or None when it is."""
    try:
        parts = urlsplit(value)
        valid = (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and not any(ch.isspace() for ch in value)
        )
    except ValueError:
        valid = False
    if valid:
        return None
    return (
        f"must be an absolute http(s) URL such as https://hooks.example.com/twilio; got {value!r}"
    )


def duration_seconds(value: str) -> int:
    """Seconds in a Twilio timer duration; raises ValueError saying what Twilio accepts."""
    match = rules.DURATION.match(value)
    if match is None:
        upper = value.upper()
        date_part = upper.split("T", 1)[0]
        if upper.startswith("P") and any(unit in date_part for unit in "YMW"):
            raise ValueError(
                f"{value!r} uses years, months or weeks; Twilio timers take days or smaller units "
                "(P180D rather than P6M, P365D rather than P1Y)"
            )
        if upper.startswith("P") and ("." in value or "," in value):
            raise ValueError(
                f"{value!r} has a fraction; Twilio timers have a precision of one second"
            )
        raise ValueError(
            f"{value!r} is not an ISO 8601 duration in days, hours, minutes and seconds, such as "
            "PT5M, PT1H, P30D or PT0S (off)"
        )
    parts = {name: int(number) for name, number in match.groupdict().items() if number}
    return (
        parts.get("days", 0) * 86400
        + parts.get("hours", 0) * 3600
        + parts.get("minutes", 0) * 60
        + parts.get("seconds", 0)
    )


@dataclass
class RuleReport:
    """What the rules found: errors stop the run, warnings are shown and the run goes on."""

    errors: list[RuleIssue] = field(default_factory=list)
    warnings: list[RuleIssue] = field(default_factory=list)


def check_rules(data: Mapping[str, Any], locate: Locate, strict: bool = False) -> RuleReport:
    """Every rule violation in the merged configuration data; with `strict`, values outside
    this version's lists (and over-long text) are errors too."""
    checker = _Checker(data, locate, strict)
    checker.run()
    return checker.report


class _Checker:
    def __init__(self, data: Mapping[str, Any], locate: Locate, strict: bool = False) -> None:
        self.data = data
        self.locate = locate
        self.strict = strict
        self.report = RuleReport()
        self.services = _map(data.get("services"))

    def error(self, path: ConfigPath, problem: str) -> None:
        self.report.errors.append((path, f"{describe(path)}: {problem}"))

    def unknown(self, path: ConfigPath, problem: str) -> None:
        """Outside this version's lists, not against Twilio's documented rules: a warning, or
        an error under --strict."""
        if self.strict:
            self.error(path, f"{problem} (an error under --strict)")
        else:
            self.report.warnings.append((path, f"{describe(path)}: {problem}"))

    def known(self, value: Any, allowed: tuple[str, ...], path: ConfigPath, what: str) -> None:
        """A value from one of Twilio's enumerations: any other value is `unknown`."""
        if isinstance(value, str) and value not in allowed:
            self.unknown(
                path,
                f"{value!r} is {UNKNOWN_VALUE}{_suggest(value, allowed)}; the {what} this "
                f"version knows: {', '.join(allowed)}",
            )

    def where(self, path: ConfigPath) -> str:
        return self.locate(path) or describe(path)

    def run(self) -> None:
        account = _map(self.data.get("account"))
        self.sid(account.get("sid"), "AC", ("account", "sid"))
        self.account_configuration(_map(account.get("configuration")), ("account", "configuration"))
        self.webhooks(
            _map(account.get("webhooks")),
            ("account", "webhooks"),
            rules.ACCOUNT_WEBHOOK_FILTERS,
            "account webhooks",
        )
        for key, service in self.services.items():
            self.service(key, _map(service), ("services", key))
        self.unique_services()
        self.address_configurations(_items(self.data.get("address_configurations")))
        self.credentials(_map(self.data.get("credentials")))
        self.policy(_map(self.data.get("policy")))

    # --- shared value checks ---------------------------------------------------------------

    def sid(self, value: Any, prefix: str, path: ConfigPath) -> None:
        if isinstance(value, str) and not _SIDS[prefix].match(value):
            self.error(
                path,
                f"{value!r} is not {_article(rules.SID_PREFIXES[prefix])} SID: expected "
                f"{prefix} and 32 hex digits, such as {prefix}{'0' * 31}1",
            )

    def url(self, value: Any, path: ConfigPath) -> None:
        if isinstance(value, str):
            problem = url_problem(value)
            if problem:
                self.error(path, problem)
            else:
                self.length(value, rules.WEBHOOK_URL_MAX, path, "the URL")

    def length(self, value: Any, limit: int, path: ConfigPath, what: str) -> None:
        """Longer than Twilio documents: a live account may hold it, so it is kept and sent as
        written with a warning (Twilio refuses it or not)."""
        if isinstance(value, str) and len(value) > limit:
            self.unknown(
                path,
                f"{what} is {len(value)} characters long; Twilio documents at most {limit}",
            )

    def name_length(self, value: Any, limit: int, path: ConfigPath, what: str) -> None:
        if isinstance(value, str) and not value.strip():
            self.error(path, f"{what} must not be empty")
        else:
            self.length(value, limit, path, what)

    def names(self, values: Any, allowed: tuple[str, ...], path: ConfigPath, what: str) -> None:
        seen: set[str] = set()
        for index, value in enumerate(_items(values)):
            if not isinstance(value, str):
                continue
            if value in seen:
                self.error((*path, index), f"{value!r} is listed twice")
            seen.add(value)
            self.known(value, allowed, (*path, index), f"events {what} take")

    def service_reference(self, value: Any, path: ConfigPath) -> None:
        if not isinstance(value, str) or value in self.services or _SIDS["IS"].match(value):
            return
        keys = ", ".join(self.services) or "none defined"
        self.error(
            path,
            f"{value!r} is not a service of this configuration{_suggest(value, self.services)}: "
            f"use a key of services: ({keys}) or a service SID (IS and 32 hex digits)",
        )

    # --- account -----------------------------------------------------------------------------

    def account_configuration(self, configuration: dict[str, Any], path: ConfigPath) -> None:
        self.service_reference(configuration.get("default_service"), (*path, "default_service"))
        self.sid(
            configuration.get("default_messaging_service_sid"),
            "MG",
            (*path, "default_messaging_service_sid"),
        )
        for name, minimum in rules.TIMER_MINIMUM_SECONDS.items():
            value = configuration.get(name)
            if not isinstance(value, str):
                continue
            try:
                seconds = duration_seconds(value)
            except ValueError as error:
                self.error((*path, name), str(error))
                continue
            if seconds > rules.TIMER_MAXIMUM_SECONDS:
                self.error(
                    (*path, name),
                    f"{value!r} is longer than the longest timer Twilio is assumed to take, "
                    f"{rules.TIMER_MAXIMUM} (about 68 years); Twilio recommends up to P365D",
                )
            if 0 < seconds < minimum:
                shown = "PT1M (1 minute)" if minimum == 60 else "PT10M (10 minutes)"
                self.error(
                    (*path, name),
                    f"{value!r} is shorter than Twilio's minimum of {shown}; "
                    "use PT0S to turn it off",
                )

    def webhooks(
        self, webhooks: dict[str, Any], path: ConfigPath, allowed: tuple[str, ...], scope: str
    ) -> None:
        for name in ("pre_webhook_url", "post_webhook_url"):
            self.url(webhooks.get(name), (*path, name))
        self.names(webhooks.get("filters"), allowed, (*path, "filters"), scope)
        self.known(webhooks.get("target"), rules.WEBHOOK_TARGETS, (*path, "target"), "targets")
        self.method(webhooks.get("method"), (*path, "method"))

    def method(self, value: Any, path: ConfigPath) -> None:
        """GET or POST in any case (Twilio's enums spell them both ways)."""
        if isinstance(value, str):
            self.known(value.upper(), rules.WEBHOOK_METHODS, path, "methods")

    # --- services ----------------------------------------------------------------------------

    def service(self, key: str, service: dict[str, Any], path: ConfigPath) -> None:
        self.name_length(key, rules.SERVICE_NAME_MAX, path, "the service key")
        self.name_length(
            service.get("friendly_name"),
            rules.SERVICE_NAME_MAX,
            (*path, "friendly_name"),
            "friendly_name",
        )
        self.sid(service.get("sid"), "IS", (*path, "sid"))
        roles = _map(service.get("roles"))
        for name, role in roles.items():
            self.role(name, _map(role), (*path, "roles", name))
        self.service_configuration(
            key, roles, _map(service.get("configuration")), (*path, "configuration")
        )
        self.webhooks(
            _map(service.get("webhooks")),
            (*path, "webhooks"),
            rules.SERVICE_WEBHOOK_FILTERS,
            "service webhooks",
        )
        self.notifications(_map(service.get("notifications")), (*path, "notifications"))

    def notifications(self, notifications: dict[str, Any], path: ConfigPath) -> None:
        new_message = _map(notifications.get("new_message"))
        texts = [
            *(
                (event, _map(notifications.get(event)))
                for event in ("new_message", "added_to_conversation", "removed_from_conversation")
            ),
            ("new_message.with_media", _map(new_message.get("with_media"))),
        ]
        for event, settings in texts:
            where = (*path, *event.split("."))
            for name, limit in (
                ("template", rules.NOTIFICATION_TEMPLATE_MAX),
                ("sound", rules.NOTIFICATION_SOUND_MAX),
            ):
                self.length(settings.get(name), limit, (*where, name), f"the {name}")

    def role(self, name: str, role: dict[str, Any], path: ConfigPath) -> None:
        self.name_length(name, rules.ROLE_NAME_MAX, path, "the role name")
        permissions = role.get("permissions")
        if isinstance(permissions, list) and not permissions:
            self.error(
                (*path, "permissions"), "a role needs at least one permission (Twilio requires one)"
            )
        seen: set[str] = set()
        for index, permission in enumerate(_items(permissions)):
            if not isinstance(permission, str):
                continue
            if permission in seen:
                self.error((*path, "permissions", index), f"{permission!r} is listed twice")
            seen.add(permission)
        role_type = _text(role.get("type"))
        self.known(role_type, rules.ROLE_TYPES, (*path, "type"), "role types")
        if role_type not in rules.PERMISSIONS_BY_ROLE_TYPE:
            return
        builtin_type = rules.BUILTIN_ROLES.get(name)
        if builtin_type is not None and builtin_type != role_type:
            self.error(
                (*path, "type"),
                f"{name!r} is a built-in {builtin_type} role; its type cannot be {role_type!r}",
            )
        allowed = rules.PERMISSIONS_BY_ROLE_TYPE[role_type]
        other = "service" if role_type == "conversation" else "conversation"
        for index, permission in enumerate(_items(permissions)):
            if not isinstance(permission, str) or permission in allowed:
                continue
            if permission in rules.PERMISSIONS_BY_ROLE_TYPE[other]:
                problem = (
                    f"{permission!r} is a {other}-scope permission, which Twilio documents as "
                    f"not for {role_type} roles; sent to Twilio as written"
                )
            else:
                hint = _suggest(permission, rules.ALL_PERMISSIONS)
                problem = f"{permission!r} is {UNKNOWN_VALUE}{hint}"
            self.unknown(
                (*path, "permissions", index),
                f"{problem}; {role_type} roles may have: {', '.join(allowed)}",
            )

    def service_configuration(
        self, key: str, roles: dict[str, Any], configuration: dict[str, Any], path: ConfigPath
    ) -> None:
        for field_name, needed in rules.DEFAULT_ROLE_TYPES.items():
            value = configuration.get(field_name)
            if not isinstance(value, str) or _SIDS["RL"].match(value):
                continue
            where = (*path, field_name)
            if value in roles:
                actual = _text(_map(roles[value]).get("type"))
            elif value in rules.BUILTIN_ROLES:
                actual = rules.BUILTIN_ROLES[value]
            else:
                names = ", ".join([*roles, *rules.BUILTIN_ROLES])
                self.error(
                    where,
                    f"{value!r} is not a role of service {key!r}"
                    f"{_suggest(value, [*roles, *rules.BUILTIN_ROLES])}: use a role name ({names}) "
                    "or a role SID (RL and 32 hex digits)",
                )
                continue
            if actual in rules.PERMISSIONS_BY_ROLE_TYPE and actual != needed:
                self.error(
                    where, f"{value!r} is a {actual} role; {field_name} needs a {needed} role"
                )

    def unique_services(self) -> None:
        first_by_name: dict[str, ConfigPath] = {}
        first_by_sid: dict[str, ConfigPath] = {}
        for key, raw in self.services.items():
            service = _map(raw)
            sid = service.get("sid")
            if isinstance(sid, str):
                if sid in first_by_sid:
                    self.error(
                        ("services", key, "sid"),
                        f"SID {sid} is already pinned by {describe(first_by_sid[sid])} "
                        f"({self.where(first_by_sid[sid])}); one service per SID",
                    )
                first_by_sid.setdefault(sid, ("services", key))
                continue
            name = service.get("friendly_name")
            path: ConfigPath = ("services", key, "friendly_name")
            if not isinstance(name, str):
                name, path = key, ("services", key)
            if name in first_by_name:
                self.error(
                    path,
                    f"friendly_name {name!r} is also the name of "
                    f"{describe(first_by_name[name][:2])} "
                    f"({self.where(first_by_name[name])}); services are matched by name, so rename "
                    "one or pin it with sid:",
                )
            first_by_name.setdefault(name, path)

    # --- address configurations ------------------------------------------------------------

    def address_configurations(self, items: list[Any]) -> None:
        first: dict[tuple[str, str], ConfigPath] = {}
        for index, raw in enumerate(items):
            path: ConfigPath = ("address_configurations", index)
            item = _map(raw)
            kind, address = item.get("type"), item.get("address")
            self.known(kind, rules.ADDRESS_TYPES, (*path, "type"), "address types")
            if isinstance(kind, str) and isinstance(address, str):
                if kind in rules.ADDRESS_FORMS:
                    patterns, expected = rules.ADDRESS_FORMS[kind]
                    if not any(pattern.match(address) for pattern in patterns):
                        self.error(
                            (*path, "address"),
                            f"{address!r} is not a valid address for type {kind}: "
                            f"expected {expected}",
                        )
                identity = (kind, address.lower() if kind == "email" else address)
                if identity in first:
                    self.error(
                        (*path, "address"),
                        f"{kind} address {address!r} is already configured by "
                        f"{describe(first[identity])} ({self.where(first[identity])}); "
                        "Twilio allows one configuration per address",
                    )
                first.setdefault(identity, path)
            self.name_length(
                item.get("friendly_name"),
                rules.ADDRESS_NAME_MAX,
                (*path, "friendly_name"),
                "friendly_name",
            )
            country = item.get("address_country")
            if isinstance(country, str) and not rules.COUNTRY_CODE.match(country):
                self.error(
                    (*path, "address_country"),
                    f"{country!r} is not an ISO 3166-1 alpha-2 country code such as US or GB",
                )
            self.auto_creation(_map(item.get("auto_creation")), (*path, "auto_creation"))

    def auto_creation(self, auto: dict[str, Any], path: ConfigPath) -> None:
        self.service_reference(auto.get("conversation_service"), (*path, "conversation_service"))
        self.url(auto.get("webhook_url"), (*path, "webhook_url"))
        self.names(
            auto.get("webhook_filters"),
            rules.ADDRESS_WEBHOOK_FILTERS,
            (*path, "webhook_filters"),
            "address configuration webhooks",
        )
        self.sid(auto.get("studio_flow_sid"), "FW", (*path, "studio_flow_sid"))
        self.method(auto.get("webhook_method"), (*path, "webhook_method"))
        self.known(auto.get("type"), rules.AUTO_CREATION_TYPES, (*path, "type"), "types")
        retries = auto.get("studio_retry_count")
        if isinstance(retries, int) and not isinstance(retries, bool):
            if retries < 0:
                self.error((*path, "studio_retry_count"), f"must be 0 or more; got {retries}")
            elif retries > rules.INTEGER_MAX:
                self.error(
                    (*path, "studio_retry_count"),
                    f"must be at most {rules.INTEGER_MAX}; got {retries}",
                )
        raw_kind = auto.get("type")
        kind = _text(raw_kind)
        typed = {
            name: owner
            for owner, names in rules.AUTO_CREATION_FIELDS_BY_TYPE.items()
            for name in names
            if auto.get(name) is not None
        }
        if raw_kind is None:
            for name, owner in typed.items():
                self.error(
                    (*path, name),
                    f"{name} applies to auto-creation type {owner}; set type: {owner} as well",
                )
            return
        if kind is None or kind not in rules.AUTO_CREATION_FIELDS_BY_TYPE:
            return
        for name, owner in typed.items():
            if owner != kind:
                self.error(
                    (*path, name),
                    f"{name} applies to auto-creation type {owner}, not {kind}; "
                    "remove it or change type",
                )
        for name in rules.AUTO_CREATION_REQUIRED_BY_TYPE[kind]:
            if auto.get(name) is None:
                self.error((*path, "type"), f"auto-creation type {kind} needs {name}")

    # --- credentials -------------------------------------------------------------------------

    def credentials(self, credentials: dict[str, Any]) -> None:
        first_by_name: dict[str, ConfigPath] = {}
        for key, raw in credentials.items():
            path: ConfigPath = ("credentials", key)
            credential = _map(raw)
            name = credential.get("friendly_name")
            name_path: ConfigPath = (*path, "friendly_name")
            if not isinstance(name, str):
                name, name_path = key, path
            self.name_length(
                name, rules.CREDENTIAL_NAME_MAX, name_path, "the credential's friendly_name"
            )
            if name in first_by_name:
                self.error(
                    name_path,
                    f"friendly_name {name!r} is also the name of "
                    f"{describe(first_by_name[name][:2])} "
                    f"({self.where(first_by_name[name])}); credentials are matched by name",
                )
            first_by_name.setdefault(name, name_path)
            self.credential(credential, path)

    def credential(self, credential: dict[str, Any], path: ConfigPath) -> None:
        kind = _text(credential.get("type"))
        self.known(kind, rules.CREDENTIAL_TYPES, (*path, "type"), "credential types")
        if kind not in rules.CREDENTIAL_FIELDS_BY_TYPE:
            return
        allowed = rules.CREDENTIAL_FIELDS_BY_TYPE[kind]
        for name in ("sandbox", *rules.CREDENTIAL_SECRET_FIELDS):
            value = credential.get(name)
            if value is None:
                continue
            if name not in allowed:
                owners = [
                    t for t, names in rules.CREDENTIAL_FIELDS_BY_TYPE.items() if name in names
                ]
                self.error(
                    (*path, name),
                    f"{name} is for {'/'.join(owners)} credentials, not {kind}; "
                    f"type {kind} takes {', '.join(allowed)}",
                )
            elif (
                name in rules.CREDENTIAL_SECRET_FIELDS
                and isinstance(value, str)
                and not value.strip()
            ):
                self.error((*path, name), f"{name} must not be empty")

    # --- policy ------------------------------------------------------------------------------

    def policy(self, policy: dict[str, Any]) -> None:
        for index, value in enumerate(_items(policy.get("protected_services"))):
            self.service_reference(value, ("policy", "protected_services", index))
        seen: set[str] = set()
        for index, value in enumerate(_items(policy.get("prune"))):
            if isinstance(value, str) and value in seen:
                self.error(("policy", "prune", index), f"{value!r} is listed twice")
            if isinstance(value, str):
                seen.add(value)
