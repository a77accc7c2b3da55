"""The exported data as YAML: a header, the config layer's dump, comments for secrets.

No timestamp or other run-dependent text is written, so two exports of one account are
byte-identical and a scheduled export shows real drift as a diff.
"""

from __future__ import annotations

import copy
import re

from reconciler.config import dump_config_yaml
from reconciler.export.build import Export

_MARKER = "RECONCILER_EXPORT_SECRET_SLOT_{}_8d41c2"
"""Stands in for secret number N while dumping, so the dump puts it where the model orders it."""
_MARKED_LINE = re.compile(
    r"^(?P<indent> *)(?P<field>[a-z_]+): RECONCILER_EXPORT_SECRET_SLOT_(?P<index>\d+)_8d41c2$",
    re.MULTILINE,
)
SECRET_COMMENT = "write-only: Twilio never returns it"


def header(export: Export) -> str:
    """What the file is and what a reviewer must do; the same text on every run."""
    source = f"account {export.account_sid}" if export.account_sid else "the account"
    lines = [
        f"# Written by `reconciler export` from {source}.",
        "# `reconciler plan` against that account shows no changes. Every field is written:",
        "# delete a line to stop managing that field. `$${...}` is a literal `${...}`.",
    ]
    if export.secrets:
        lines += [
            "# Push-credential secrets are write-only in Twilio, so export cannot read them: set",
            "# the variables named in the commented lines below, then uncomment those lines.",
        ]
    lines += [f"# NOTE: {note}" for note in export.notes]
    lines += [f"# NOTE: not exported: {item}" for item in export.left_out]
    return "\n".join(lines) + "\n"


def render_export(export: Export) -> str:
    """The YAML text of an export; `load_config` reads it back to the same values."""
    data = copy.deepcopy(export.data)
    for index, slot in enumerate(export.secrets):
        data["credentials"][slot.credential][slot.field] = _MARKER.format(index)
    text = dump_config_yaml(data)

    def comment(match: re.Match[str]) -> str:
        slot = export.secrets[int(match.group("index"))]
        return f"{match.group('indent')}# {slot.field}: ${{{slot.variable}}}  # {SECRET_COMMENT}"

    return header(export) + _MARKED_LINE.sub(comment, text)
