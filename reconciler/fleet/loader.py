"""Reading the targets file: every problem at its file and line, all of them at once.

The file is YAML read by the configuration's own parser (line numbers kept, duplicate keys
refused, no custom tags), so its errors look like the configuration's: `file:line: message`,
raised together as one ConfigError. Values are taken literally: the file names environment
variables (credentials) but never reads them, and holds no secret.

    version: 1
    parent:                           # only for `subaccount:` targets; these are the defaults
      credentials: {account_sid: TWILIO_ACCOUNT_SID, auth_token: TWILIO_AUTH_TOKEN}
    defaults:                         # under every target
      config: [tenants/base]
      variables: {REGION: us1}
    targets:
      - name: prod
        config: [envs/prod]
        account: AC...                # the account pin
        credentials: {account_sid: PROD_ACCOUNT_SID, api_key: PROD_API_KEY, api_secret: ...}
      - name: acme
        subaccount: Acme Corp         # a friendly name or an AC... SID
        variables: {SUPPORT_URL: https://acme.example.com/hooks}
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.config.errors import ConfigError, ConfigIssue
from reconciler.config.lines import ConfigPath, LineIndex
from reconciler.config.yaml_loader import parse_yaml
from reconciler.fleet.model import (
    ACCOUNT_SID,
    DEFAULT_PARENT,
    TARGET_NAME,
    CredentialVariables,
    Fleet,
    SubaccountRef,
    Target,
)
from reconciler.redact import CREDENTIAL_VARIABLES

VERSION = 1
TOP_KEYS = ("version", "parent", "defaults", "targets")
PARENT_KEYS = ("credentials",)
DEFAULTS_KEYS = ("config", "variables", "region", "edge")
TARGET_KEYS = (
    "name",
    "config",
    "variables",
    "account",
    "credentials",
    "subaccount",
    "region",
    "edge",
)
LOCATION_KEYS = ("region", "edge")
LOCATION_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
"""A Twilio region (us1, ie1, au1) or edge (dublin, sao-paulo): what the twilio library puts
in the API's host name."""
CREDENTIAL_KEYS = ("account_sid", "auth_token", "api_key", "api_secret")
SUBACCOUNT_KEYS = ("sid", "friendly_name")
MAX_FRIENDLY_NAME = 64
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class _Checker:
    """Collects issues while walking the parsed file."""

    def __init__(self, display: str, lines: LineIndex) -> None:
        self.display = display
        self.lines = lines
        self.issues: list[ConfigIssue] = []

    def line(self, path: ConfigPath) -> int | None:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def where(self, path: ConfigPath) -> str:
        line = self.line(path)
        return f"{self.display}:{line}" if line else self.display

    def fail(self, path: ConfigPath, message: str) -> None:
        self.issues.append(ConfigIssue(self.display, self.line(path), message))

    def mapping(
        self, value: Any, path: ConfigPath, what: str, allowed: tuple[str, ...]
    ) -> dict[str, Any] | None:
        """A mapping with only `allowed` keys (unknown keys are errors, with a suggestion)."""
        if not isinstance(value, dict):
            self.fail(path, f"{what} must be a mapping with keys {', '.join(allowed)}")
            return None
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                self.fail(
                    (*path, key),
                    f"{what}: unknown key '{key}'{hint}; allowed: {', '.join(allowed)}",
                )
        return value

    def text(self, value: Any, path: ConfigPath, what: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return value
        self.fail(path, f"{what} must be text{_quote_hint(value)}")
        return None


def _quote_hint(value: Any) -> str:
    """Why a scalar is not text, without echoing it (it may be someone's secret)."""
    if isinstance(value, bool):
        return ": YAML reads yes/no/true/false/on/off as a boolean; quote it to pass text"
    if isinstance(value, (int, float)):
        return ": YAML reads it as a number (a leading + or 0 would be lost); quote it"
    if value is None or value == "":
        return ", not empty"
    return f", not {'a list' if isinstance(value, list) else 'a mapping'}"


def _describe(path: ConfigPath, names: Mapping[int, str]) -> str:
    """`targets[2] (acme).credentials` for messages."""
    parts: list[str] = []
    for index, part in enumerate(path):
        if isinstance(part, int):
            name = names.get(part) if index == 1 and path[0] == "targets" else None
            parts[-1] += f"[{part}]" + (f" ({name})" if name else "")
        else:
            parts.append(str(part))
    return ".".join(parts)


def load_targets(path: Path) -> Fleet:
    """The targets file at `path`; raises ConfigError listing every problem with its line."""
    display = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            [
                ConfigIssue(
                    display,
                    None,
                    "no such targets file; write one (see docs/fleet.md) or name it with "
                    "--targets FILE (or RECONCILER_TARGETS)",
                )
            ]
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([ConfigIssue(display, None, f"cannot read file: {error}")]) from None
    parsed = parse_yaml(text)
    issues = [ConfigIssue(display, issue.line, issue.message) for issue in parsed.issues]
    if parsed.unreadable:
        raise ConfigError(issues)
    check = _Checker(display, parsed.lines)
    check.issues.extend(issues)
    fleet = _fleet(check, parsed.data, path)
    if check.issues or fleet is None:
        raise ConfigError(check.issues)
    return fleet


def _fleet(check: _Checker, data: Any, path: Path) -> Fleet | None:
    top = check.mapping(data, (), "the targets file", TOP_KEYS)
    if top is None:
        return None
    if "version" not in top:
        check.fail((), f"version is required: start the file with `version: {VERSION}`")
    elif top["version"] != VERSION or isinstance(top["version"], bool):
        check.fail(("version",), f"version must be {VERSION}")
    parent = _parent(check, top.get("parent"))
    defaults = top.get("defaults")
    base_config: tuple[str, ...] = ()
    base_variables: dict[str, str] = {}
    base_location: dict[str, str] = {}
    if defaults is not None and check.mapping(defaults, ("defaults",), "defaults", DEFAULTS_KEYS):
        base_location = _location(check, defaults, ("defaults",), "defaults")
        base_config = _paths(
            check, defaults.get("config"), ("defaults", "config"), path, "defaults.config"
        )
        base_variables = _variables(
            check, defaults.get("variables"), ("defaults", "variables"), "defaults.variables"
        )
    entries = top.get("targets")
    if not isinstance(entries, list) or not entries:
        check.fail(("targets",), "targets must be a list with at least one target")
        return None
    names = {
        index: entry["name"]
        for index, entry in enumerate(entries)
        if isinstance(entry, dict) and isinstance(entry.get("name"), str)
    }
    seen: dict[str, ConfigPath] = {}
    targets: list[Target] = []
    for index, entry in enumerate(entries):
        spot: ConfigPath = ("targets", index)
        target = _target(
            check,
            entry,
            spot,
            _describe(spot, names),
            path,
            base_config,
            base_variables,
            base_location,
        )
        if target is None:
            continue
        if target.name in seen:
            first = check.line(seen[target.name])
            check.fail((*spot, "name"), f"target name '{target.name}' is used twice (line {first})")
        seen.setdefault(target.name, spot)
        targets.append(target)
    return Fleet(path=path, targets=tuple(targets), parent=parent or DEFAULT_PARENT)


def _parent(check: _Checker, value: Any) -> CredentialVariables | None:
    if value is None:
        return None
    parent = check.mapping(value, ("parent",), "parent", PARENT_KEYS)
    if parent is None or "credentials" not in parent:
        if parent is not None:
            check.fail(("parent",), "parent: give credentials: (names of environment variables)")
        return None
    return _credentials(check, parent["credentials"], ("parent", "credentials"), "parent")


def _target(
    check: _Checker,
    entry: Any,
    spot: ConfigPath,
    what: str,
    file: Path,
    base_config: tuple[str, ...],
    base_variables: dict[str, str],
    base_location: dict[str, str],
) -> Target | None:
    target = check.mapping(entry, spot, what, TARGET_KEYS)
    if target is None:
        return None
    name = check.text(target.get("name"), (*spot, "name"), f"{what}.name")
    if name is not None and not TARGET_NAME.match(name):
        check.fail(
            (*spot, "name"),
            f"{what}.name '{name}': use letters, digits, '.', '_' and '-', starting with a letter "
            "or digit (it names folders and is matched by --target globs)",
        )
        name = None
    config = base_config + _paths(
        check, target.get("config"), (*spot, "config"), file, f"{what}.config"
    )
    if not config:
        check.fail(spot, f"{what}: no configuration: give config: here or under defaults:")
    variables = {
        **base_variables,
        **_variables(check, target.get("variables"), (*spot, "variables"), f"{what}.variables"),
    }
    account = target.get("account")
    if account is not None and (not isinstance(account, str) or not ACCOUNT_SID.match(account)):
        check.fail((*spot, "account"), f"{what}.account must be an account SID: AC + 32 hex digits")
        account = None
    credentials = subaccount = None
    if "credentials" in target and "subaccount" in target:
        check.fail(spot, f"{what}: give credentials: or subaccount:, not both")
    elif "credentials" in target:
        credentials = _credentials(check, target["credentials"], (*spot, "credentials"), what)
    elif "subaccount" in target:
        subaccount = _subaccount(check, target["subaccount"], (*spot, "subaccount"), what)
        if account and subaccount and subaccount.sid and subaccount.sid.lower() != account.lower():
            check.fail(
                (*spot, "account"),
                f"{what}: pinned to {account} but names subaccount {subaccount.sid}",
            )
    else:
        check.fail(
            spot,
            f"{what}: say how to reach the account: credentials: (names of environment "
            "variables holding its own credentials) or subaccount: (a subaccount of the parent, "
            "by friendly name or AC... SID)",
        )
    location = {**base_location, **_location(check, target, spot, what)}
    if name is None or not config:
        return None
    return Target(
        name=name,
        config=config,
        variables=variables,
        account=account,
        credentials=credentials,
        subaccount=subaccount,
        where=check.where(spot),
        account_where=check.where((*spot, "account")) if account else None,
        region=location.get("region"),
        edge=location.get("edge"),
    )


def _location(
    check: _Checker, entry: dict[str, Any], spot: ConfigPath, what: str
) -> dict[str, str]:
    """`region:` and `edge:` as given (literal values: they are not secrets)."""
    found: dict[str, str] = {}
    for key in LOCATION_KEYS:
        if key not in entry:
            continue
        value = entry[key]
        if isinstance(value, str) and LOCATION_NAME.match(value):
            found[key] = value
        else:
            example = "ie1 or au1" if key == "region" else "dublin or sydney"
            check.fail(
                (*spot, key),
                f"{what}.{key} must be a Twilio {key} name in lower case, such as {example}",
            )
    return found


def _paths(check: _Checker, value: Any, path: ConfigPath, file: Path, what: str) -> tuple[str, ...]:
    """Configuration paths, relative to the targets file's folder (like `include:`)."""
    found: list[str] = []
    for spot, item in _listed(value, path):
        given = check.text(item, spot, what)
        if given is not None:
            found.append(_resolved(file, given))
    return tuple(found)


def _listed(value: Any, path: ConfigPath) -> list[tuple[ConfigPath, Any]]:
    """`config:` as one path or a list of them, each item with the path it is written at."""
    if value is None:
        return []
    if isinstance(value, list):
        return [((*path, index), item) for index, item in enumerate(value)]
    return [(path, value)]


def _resolved(file: Path, given: str) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(str(file)), given))


@dataclass(frozen=True)
class Declaration:
    """Where the targets file declares one target: annotations about the target go there."""

    line: int | None
    """The target's entry."""
    config: dict[str, int]
    """The line naming each configuration path, as `Target.config` holds it (defaults' too)."""


def declarations(path: Path) -> dict[str, Declaration]:
    """Each target's declaration by name, read again from a targets file that loaded (a path
    that is missing has no line of its own to annotate: the line that names it does); {} when
    the file cannot be read now."""
    try:
        parsed = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}
    top = parsed.data if isinstance(parsed.data, dict) else {}

    def named(value: Any, at: ConfigPath) -> dict[str, int]:
        return {
            _resolved(path, item): line
            for spot, item in _listed(value, at)
            if isinstance(item, str) and (line := parsed.lines.get(spot)) is not None
        }

    defaults = top.get("defaults")
    base = (
        named(defaults.get("config"), ("defaults", "config")) if isinstance(defaults, dict) else {}
    )
    entries = top.get("targets")
    found: dict[str, Declaration] = {}
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            own = named(entry.get("config"), ("targets", index, "config"))
            line = parsed.lines.get(("targets", index))
            found.setdefault(entry["name"], Declaration(line, {**base, **own}))
    return found


def _variables(check: _Checker, value: Any, path: ConfigPath, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        check.fail(path, f"{what} must be a mapping of NAME: value")
        return {}
    found: dict[str, str] = {}
    for name, item in value.items():
        spot = (*path, name)
        if not VARIABLE_NAME.match(str(name)):
            check.fail(spot, f"{what}: '{name}' is not a variable name (letters, digits, _)")
        elif name in CREDENTIAL_VARIABLES:
            check.fail(
                spot,
                f"{what}: {name} is a credential; a target's credentials are named under "
                "credentials:, never given as values",
            )
        elif not isinstance(item, str):
            check.fail(spot, f"{what}.{name} must be text{_quote_hint(item)}")
        else:
            found[str(name)] = item
    return found


def _credentials(
    check: _Checker, value: Any, path: ConfigPath, what: str
) -> CredentialVariables | None:
    spec = check.mapping(value, path, f"{what}.credentials", CREDENTIAL_KEYS)
    if spec is None:
        return None
    names: dict[str, str] = {}
    for key in CREDENTIAL_KEYS:
        if key in spec:
            name = check.text(spec[key], (*path, key), f"{what}.credentials.{key}")
            if name is not None and not VARIABLE_NAME.match(name):
                check.fail(
                    (*path, key),
                    f"{what}.credentials.{key}: '{name}' is not the name of an environment "
                    "variable; the file names variables, it never holds credentials",
                )
            elif name is not None:
                names[key] = name
    ok = "account_sid" in names
    if "account_sid" not in spec:
        check.fail(path, f"{what}.credentials: account_sid is required (a variable name)")
    has_token = "auth_token" in spec
    has_key = "api_key" in spec or "api_secret" in spec
    if has_token == has_key:
        check.fail(
            path,
            f"{what}.credentials: give auth_token, or api_key with api_secret (variable names)",
        )
        ok = False
    elif has_key and not ("api_key" in spec and "api_secret" in spec):
        check.fail(path, f"{what}.credentials: api_key and api_secret go together")
        ok = False
    if not ok or len(names) != len(spec):
        return None
    return CredentialVariables(
        account_sid=names["account_sid"],
        auth_token=names.get("auth_token"),
        api_key=names.get("api_key"),
        api_secret=names.get("api_secret"),
        where=check.where(path),
    )


def _subaccount(check: _Checker, value: Any, path: ConfigPath, what: str) -> SubaccountRef | None:
    if isinstance(value, dict):
        spec = check.mapping(value, path, f"{what}.subaccount", SUBACCOUNT_KEYS)
        if spec is None:
            return None
        if len(spec) != 1 or not set(spec) <= set(SUBACCOUNT_KEYS):
            check.fail(path, f"{what}.subaccount: give sid or friendly_name (one of them)")
            return None
        key = next(iter(spec))
        given = check.text(spec[key], (*path, key), f"{what}.subaccount.{key}")
        if given is None:
            return None
        if key == "sid":
            return _by_sid(check, given, (*path, key), what)
        return _by_name(check, given, (*path, key), what)
    given = check.text(value, path, f"{what}.subaccount")
    if given is None:
        return None
    if ACCOUNT_SID.match(given):
        return SubaccountRef(sid=given)
    return _by_name(check, given, path, what)


def _by_sid(check: _Checker, given: str, path: ConfigPath, what: str) -> SubaccountRef | None:
    if not ACCOUNT_SID.match(given):
        check.fail(path, f"{what}.subaccount.sid must be an account SID: AC + 32 hex digits")
        return None
    return SubaccountRef(sid=given)


def _by_name(check: _Checker, given: str, path: ConfigPath, what: str) -> SubaccountRef | None:
    if len(given) > MAX_FRIENDLY_NAME:
        check.fail(path, f"{what}.subaccount: a friendly name has at most 64 characters")
        return None
    return SubaccountRef(friendly_name=given)
