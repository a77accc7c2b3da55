"""The `reconciler` command group: one error message, exit codes a pipeline can trust.

Exit codes: 0 success; 1 any error, usage errors and missing paths included; 2 only for
"changes present" under --detailed-exitcode; 130 on Ctrl-C. Everything written to stdout and
stderr passes through the secret mask (reconciler.redact), tracebacks under --debug included.
"""

from __future__ import annotations

import importlib
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


COMMANDS: dict[str, tuple[str, str]] = {
    "validate": (
        "reconciler.cli.validate_cmd",
        "Check configuration files offline: no network, no credentials.",
    ),
    "plan": (
        "reconciler.cli.plan_cmd",
        "Show the changes that would make the live account match the configuration in PATHS.",
    ),
    "apply": (
        "reconciler.cli.apply_cmd",
        "Apply the configuration in PATHS (or a saved --plan) to the live account.",
    ),
    "show": (
        "reconciler.cli.show_cmd",
        "Show the plan saved in PLANFILE by `plan --out`, with no network and no credentials.",
    ),
    "diff": (
        "reconciler.cli.diff_cmd",
        "Compare two configurations, or a configuration and a live account, field by field.",
    ),
    "export": (
        "reconciler.cli.export_cmd",
        "Write the live account's Conversations configuration as YAML.",
    ),
    "doctor": (
        "reconciler.cli.doctor_cmd",
        "Check credentials, endpoint and clock, and list what this version does not know.",
    ),
    "permissions": (
        "reconciler.cli.permissions_cmd",
        "Print the policy a restricted API key needs for plan, apply, export or doctor.",
    ),
    "schema": (
        "reconciler.cli.schema_cmd",
        "Print the JSON Schema (draft 2020-12) of the configuration format.",
    ),
    "emulator": ("reconciler.cli.emulator_cmd", "Run the local Twilio Conversations emulator."),
}
"""Command name -> (module, one-line help). Modules load only when their command runs, so
`--help` and `validate` never import the twilio library (start-up is a pipeline's latency)."""


class ReconcilerGroup(click.Group):
    """Runs a command and turns whatever happens into a message and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *(name for name in super().list_commands(ctx) if name not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module = importlib.import_module(COMMANDS[cmd_name][0])
            command: click.Command = module.command
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from COMMANDS, without importing every command module."""
        rows = [(name, summary) for name, (_, summary) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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


def main() -> None:
    cli(prog_name="reconciler")
