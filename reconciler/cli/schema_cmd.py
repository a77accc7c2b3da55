"""`reconciler schema [--out FILE]`: the configuration's JSON Schema, for editors and CI."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler import api
from reconciler.errors import ReconcilerError


@click.command("schema")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the schema to this file instead of stdout.",
)
def command(out: Path | None) -> None:
    """Print the JSON Schema (draft 2020-12) of the configuration format.

    Generated from the configuration models; the copy committed as
    schemas/reconciler.schema.json is what configuration files point editors at, with a first
    line such as `# yaml-language-server: $schema=../../schemas/reconciler.schema.json`.
    """
    text = api.schema()
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ReconcilerError(f"cannot write {out}: {error}") from error
    click.echo(f"Wrote {out}", err=True)
