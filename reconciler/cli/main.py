"""The `reconciler` command group and its error handling."""

from __future__ import annotations

import sys
from typing import Any

import click
import requests
from twilio.base.exceptions import TwilioException

from reconciler import __version__
from reconciler.errors import ReconcilerError
from reconciler.live.retry import describe_error


class ReconcilerGroup(click.Group):
    """Turns every error into one message on stderr and exit 1; --debug shows the traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except ReconcilerError as error:
            if _debug_requested(ctx):
                raise
            click.echo(f"Error: {error}", err=True)
            ctx.exit(1)
        except (TwilioException, requests.RequestException) as error:
            if _debug_requested(ctx):
                raise
            click.echo(f"Error: {describe_error(error)}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except Exception as error:
            if _debug_requested(ctx):
                raise
            click.echo(
                f"Error: unexpected {type(error).__name__}: {error} "
                "(rerun with --debug for details)",
                err=True,
            )
            ctx.exit(1)


def _debug_requested(ctx: click.Context) -> bool:
    return bool((ctx.obj or {}).get("debug")) or "--debug" in sys.argv


@click.group(cls=ReconcilerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconciler")
@click.option("--debug", is_flag=True, help="Show Python tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Manage Twilio Conversations configuration as code.

    Keep services, roles, webhooks, notifications, address configurations and push
    credentials in YAML; `validate` it offline, `plan` the changes against the live
    account, `apply` them, or `export` an existing account to YAML.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _register() -> None:
    from reconciler.cli import (
        apply_cmd,
        emulator_cmd,
        export_cmd,
        plan_cmd,
        schema_cmd,
        validate_cmd,
    )

    for module in (validate_cmd, plan_cmd, apply_cmd, export_cmd, schema_cmd, emulator_cmd):
        cli.add_command(module.command)


_register()


def main() -> None:
    cli(prog_name="reconciler")
