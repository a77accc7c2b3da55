"""The `reconciler` command group: one error message, exit codes a pipeline can trust.

Exit codes: 0 success; 1 any error, usage errors and missing paths included; 2 only for
"changes present" under --detailed-exitcode; 130 on Ctrl-C. Everything written to stdout and
stderr passes through the secret mask (reconciler.redact), tracebacks under --debug included.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

import click

from reconciler import __version__, redact
from reconciler.errors import ReconcilerError

DEBUG_FLAG = "--debug"
DEBUG_VARIABLE = "RECONCILER_DEBUG"
DEBUG_HINT = f"rerun with {DEBUG_FLAG} (or {DEBUG_VARIABLE}=1) for the traceback"
ERROR_EXIT_CODE = 1
INTERRUPTED_EXIT_CODE = 130


def debug_requested(args: Sequence[str]) -> bool:
    """--debug anywhere on the command line (before `--`), or RECONCILER_DEBUG=1."""
    words = list(args)
    if "--" in words:
        words = words[: words.index("--")]
    flag = os.environ.get(DEBUG_VARIABLE, "").strip().lower() in ("1", "true", "yes")
    return flag or DEBUG_FLAG in words


def _describe(error: BaseException) -> str:
    """One line for an error from the engine, the SDK or the network."""
    if isinstance(error, ReconcilerError):
        return str(error)
    from reconciler.cli.diagnose import endpoint_problem
    from reconciler.live.retry import describe_error

    problem = endpoint_problem(error)
    if problem:
        return problem

    module = type(error).__module__.split(".")[0]
    if module in ("twilio", "requests", "urllib3"):
        return describe_error(error)
    return f"unexpected {type(error).__name__}: {error} ({DEBUG_HINT})"


class ReconcilerGroup(click.Group):
    """Runs a command and turns whatever happens into a message and an exit code."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        words = list(sys.argv[1:] if args is None else args)
        debug = debug_requested(words)
        if "--" in words:
            cut = words.index("--")
            words = [w for w in words[:cut] if w != DEBUG_FLAG] + words[cut:]
        else:
            words = [w for w in words if w != DEBUG_FLAG]
        redact.register_environment()
        stdout, stderr = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = redact.MaskingStream(stdout), redact.MaskingStream(stderr)
        try:
            code = self._run(words, prog_name, debug, extra)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            sys.stdout, sys.stderr = stdout, stderr
        sys.exit(code)

    def _run(self, words: list[str], prog_name: str | None, debug: bool, extra: Any) -> int:
        try:
            result = super().main(
                words, prog_name, standalone_mode=False, obj={"debug": debug}, **extra
            )
            return result if isinstance(result, int) else 0
        except click.exceptions.Exit as done:
            return int(done.exit_code)
        except click.ClickException as error:
            error.show()
            return ERROR_EXIT_CODE
        except (click.exceptions.Abort, KeyboardInterrupt):
            click.echo("\nInterrupted.", err=True)
            return INTERRUPTED_EXIT_CODE
        except SystemExit as exit_:
            return exit_.code if isinstance(exit_.code, int) else ERROR_EXIT_CODE
        except Exception as error:
            if debug:
                click.echo("".join(traceback.format_exception(error)).rstrip(), err=True)
            click.echo(f"Error: {_describe(error)}", err=True)
            return ERROR_EXIT_CODE


@click.group(cls=ReconcilerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconciler")
@click.option(
    DEBUG_FLAG,
    is_flag=True,
    help=f"Show Python tracebacks with errors (anywhere on the line, or {DEBUG_VARIABLE}=1).",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Manage Twilio Conversations configuration as code.

    Keep services, roles, webhooks, notifications, address configurations and push
    credentials in YAML; `validate` it offline, `plan` the changes against the live
    account, `apply` them, or `export` an existing account to YAML.

    Exit codes: 0 success; 1 any error; 2 only for changes present under
    --detailed-exitcode; 130 when interrupted.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = ctx.obj.get("debug") or debug


def _register() -> None:
    from reconciler.cli import (
        apply_cmd,
        emulator_cmd,
        export_cmd,
        plan_cmd,
        schema_cmd,
        show_cmd,
        validate_cmd,
    )

    for module in (
        validate_cmd,
        plan_cmd,
        apply_cmd,
        show_cmd,
        export_cmd,
        schema_cmd,
        emulator_cmd,
    ):
        cli.add_command(module.command)


_register()


def main() -> None:
    cli(prog_name="reconciler")
