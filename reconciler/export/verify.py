"""An export checks itself: the file it writes must validate, or the export fails.

`export` promises a file that validates and plans with no changes. Where the account holds
something this version cannot express as valid configuration, writing the file anyway would
break that promise in the next pull request; instead every such value is named, at its line in
the file that would have been written, and the export fails (exit 1).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from reconciler.config import ConfigError, load_config
from reconciler.errors import ReconcilerError

EXPORTED_NAME = "exported.yaml"


class ExportNotExpressible(ReconcilerError):
    """The account holds values that this version cannot write as a valid configuration."""


class ExportIncomplete(ExportNotExpressible):
    """The file validates and plans clean, but leaves out resources it cannot express (a
    credential without a name, two credentials with one name), each named in a NOTE at its top:
    `text` is still written, and the export fails (exit 1) naming each."""

    def __init__(self, text: str, left_out: list[str], written_to: object = None) -> None:
        where = f"the rest is written to {written_to}" if written_to else "the rest is exported"
        super().__init__(
            "the account holds resources this version cannot express as configuration: the "
            f"export leaves them out, each named in a NOTE at the top ({where}):\n"
            + "\n".join(left_out)
        )
        self.text = text
        self.left_out = left_out


def verify_export(text: str) -> None:
    """Raise ExportNotExpressible naming each error `validate` would report on `text`
    (warnings, such as values this version does not know, are fine: they round-trip)."""
    with tempfile.TemporaryDirectory(prefix="reconciler-export-") as folder:
        path = Path(folder) / EXPORTED_NAME
        path.write_text(text, encoding="utf-8")
        try:
            load_config([path], environ={}, defer_secrets=True)
        except ConfigError as error:
            problems = [
                str(issue).replace(str(path), EXPORTED_NAME)
                for issue in error.issues
                if issue.severity == "error"
            ]
            raise ExportNotExpressible(
                "the account holds values this version cannot write as a valid configuration, "
                "so nothing was exported:\n" + "\n".join(problems)
            ) from None
