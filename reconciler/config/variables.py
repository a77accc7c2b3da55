"""`${VAR}` / `${VAR:-default}` expansion from the environment, with `$${` for a literal `${`.

Secrets and per-environment SIDs come from the environment rather than the repository. Twilio's
notification templates use `${PARTICIPANT}`-style placeholders of their own; those are written
`$${PARTICIPANT}` in the configuration and reach Twilio as `${PARTICIPANT}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TOKEN = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")


def expand_variables(value: str, environ: Mapping[str, str]) -> str:
    """Expand the variables in one string; raises ValueError naming what is wrong.

    `${VAR:-default}` uses the default when VAR is unset or empty, as the shell does.
    """
    if "${" not in value:
        return value
    out: list[str] = []
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
        current = environ.get(name)
        if current:
            out.append(current)
        elif has_default:
            out.append(default)
        elif current is not None:
            out.append(current)
        else:
            raise ValueError(
                f"environment variable {name} is not set (set it, or give a default: "
                f"${{{name}:-default}})"
            )
    out.append(value[position:])
    return "".join(out)


def escape_variables(value: str) -> str:
    """Write a string so that loading it gives it back unchanged (`${` becomes `$${`)."""
    return value.replace("${", "$${")
