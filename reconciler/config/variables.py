"""`${VAR}` / `${VAR:-default}` expansion from the environment, with `$${` for a literal `${`.

Secrets and per-environment SIDs come from the environment rather than the repository. Twilio's
notification templates use `${PARTICIPANT}`-style placeholders of their own; those are written
`$${PARTICIPANT}` in the configuration and reach Twilio as `${PARTICIPANT}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from reconciler.redact import CREDENTIAL_VARIABLES

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TOKEN = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")


@dataclass
class Expansion:
    """One string with its variables expanded, and what that took."""

    value: str
    defaults_used: list[str] = field(default_factory=list)
    """Variables that were unset or empty, so their `:-default` from the file was used."""
    missing: list[str] = field(default_factory=list)
    """Variables that were unset with no default (expanded as empty here)."""


def expand_variables(value: str, environ: Mapping[str, str]) -> str:
    """Expand the variables in one string; raises ValueError naming what is wrong."""
    expansion = expand_detailed(value, environ)
    if expansion.missing:
        raise ValueError(missing_message(expansion.missing[0]))
    return expansion.value


def missing_message(name: str) -> str:
    return (
        f"environment variable {name} is not set (set it, or give a default: ${{{name}:-default}})"
    )


def expand_detailed(value: str, environ: Mapping[str, str]) -> Expansion:
    """Expand the variables in one string, reporting defaults used and variables missing.

    `${VAR:-default}` uses the default when VAR is unset or empty, as the shell does. Raises
    ValueError for a malformed reference, or one to the credentials the tool runs with.
    """
    if "${" not in value:
        return Expansion(value)
    out: list[str] = []
    expansion = Expansion("")
    position = 0
    for match in _TOKEN.finditer(value):
        out.append(value[position : match.start()])
        position = match.end()
        token = match.group(0)
        if token == "$${":
            out.append("${")
            continue
        body = match.group(1)
        if body is None:
            raise ValueError(
                "unclosed '${' in a value: write ${NAME} or ${NAME:-default} for a variable, "
                "or $${ for a literal ${"
            )
        name, has_default, default = body.partition(":-")
        if not _NAME.match(name) or "${" in default:
            raise ValueError(
                f"invalid variable reference '${{{body}}}': write ${{NAME}} or ${{NAME:-default}} "
                "(NAME of letters, digits and _; no nesting), or $${ for a literal ${"
            )
        if name in CREDENTIAL_VARIABLES:
            raise ValueError(
                f"${{{name}}} is the credential this tool connects with; a configuration must "
                "not read it (it would be written into the account's settings and shown in "
                "plans). Give the value its own variable"
            )
        current = environ.get(name)
        if current:
            out.append(current)
        elif has_default:
            out.append(default)
            expansion.defaults_used.append(name)
        elif current is not None:
            out.append(current)
        else:
            expansion.missing.append(name)
    out.append(value[position:])
    expansion.value = "".join(out)
    return expansion


def escape_variables(value: str) -> str:
    """Write a string so that loading it gives it back unchanged (`${` becomes `$${`)."""
    return value.replace("${", "$${")
