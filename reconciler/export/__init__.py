"""`export`: the live account as a configuration that plans to no changes against it.

Built only on the kinds table (fields, references, reads), so it knows no Twilio parameter or
response names of its own:
- `read_account(api)` reads every kind in two concurrent waves (`AccountSnapshot`);
- `build_export(snapshot)` turns it into configuration data, SIDs replaced by names;
- `render_export(export)` writes it as YAML with comments where write-only secrets go;
- `verify_export(text)` refuses a file that would not validate, naming each value; a file that
  leaves out what it cannot express fails too (`ExportIncomplete`), though it is written.
"""

from reconciler.export.build import Export, SecretSlot, build_export
from reconciler.export.read import AccountSnapshot, read_account
from reconciler.export.render import render_export
from reconciler.export.verify import ExportIncomplete, ExportNotExpressible, verify_export
from reconciler.live.api import LiveApi


def export_account(api: LiveApi) -> str:
    """The YAML text of the account behind `api`; raises ExportNotExpressible when the account
    holds what this version cannot write as configuration that validates, and ExportIncomplete
    (with the text, which validates and plans clean) when the file leaves resources out."""
    export = build_export(read_account(api))
    text = render_export(export)
    verify_export(text)
    if export.left_out:
        raise ExportIncomplete(text, export.left_out)
    return text


__all__ = [
    "AccountSnapshot",
    "Export",
    "ExportIncomplete",
    "ExportNotExpressible",
    "SecretSlot",
    "build_export",
    "export_account",
    "read_account",
    "render_export",
]
