"""`export`: the live account as a configuration that plans to no changes against it.

Built only on the kinds table (fields, references, reads), so it knows no Twilio parameter or
response names of its own:
- `read_account(api)` reads every kind in two concurrent waves (`AccountSnapshot`);
- `build_export(snapshot)` turns it into configuration data, SIDs replaced by names;
- `render_export(export)` writes it as YAML with comments where write-only secrets go;
- `verify_export(text)` refuses a file that would not validate, naming each value.
"""

from reconciler.export.build import Export, SecretSlot, build_export
from reconciler.export.read import AccountSnapshot, read_account
from reconciler.export.render import render_export
from reconciler.export.verify import ExportNotExpressible, verify_export
from reconciler.live.api import LiveApi


def export_account(api: LiveApi) -> str:
    """The YAML text of the account behind `api`; raises ExportNotExpressible when the account
    holds what this version cannot write as configuration that validates."""
    text = render_export(build_export(read_account(api)))
    verify_export(text)
    return text


__all__ = [
    "AccountSnapshot",
    "Export",
    "ExportNotExpressible",
    "SecretSlot",
    "build_export",
    "export_account",
    "read_account",
    "render_export",
]
