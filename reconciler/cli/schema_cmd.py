"""`reconciler schema [--out FILE]`: the configuration's JSON Schema, for editors and CI."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler import api
from reconciler.cli.render import show


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
    show("text", api.export_schema(out))
