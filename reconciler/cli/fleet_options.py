"""The fleet options of validate, plan, apply and export, and the hand-off to reconciler.fleet.

Each command gets `@fleet_options` and one early branch: when `--all`, `--target` or `--shard`
is given, the command hands its options and the `FleetSelection` to the matching function of
fleet_commands.py (imported only then), which runs the fleet layer and exits with the fleet's
code. This module knows nothing of fleet_commands (no import cycle) and stays cheap to import.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast, overload

import click
from click.core import ParameterSource

from reconciler.api.fleet import Selection
from reconciler.fleet.model import DEFAULT_PARALLEL, DEFAULT_TARGETS_FILE, TARGETS_FILE_VARIABLE
from reconciler.fleet.select import Shard, parse_shard

F = TypeVar("F", bound=Callable[..., Any])
FLEET_FLAGS = "--all/--target/--shard"


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> Shard | None:
    if value is None:
        return None
    try:
        return parse_shard(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@overload
def fleet_options(function: F, *, export: bool = False) -> F: ...


@overload
def fleet_options(function: None = None, *, export: bool = False) -> Callable[[F], F]: ...


def fleet_options(function: F | None = None, *, export: bool = False) -> F | Callable[[F], F]:
    """--all, --target, --shard, --targets, --parallel, --report (and, for export, --out-dir
    and --subaccounts), handed to the command as one `fleet: FleetSelection` argument."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            kwargs["fleet"] = FleetSelection(
                all_targets=kwargs.pop("all_targets"),
                patterns=tuple(kwargs.pop("target_patterns")),
                shard=kwargs.pop("shard"),
                targets_file=kwargs.pop("targets_file"),
                parallel=kwargs.pop("parallel"),
                report_file=kwargs.pop("report_file"),
                out_dir=kwargs.pop("out_dir", None),
                subaccounts=kwargs.pop("subaccounts", False),
            )
            return command(*args, **kwargs)

        options = [
            click.option(
                "--all",
                "all_targets",
                is_flag=True,
                help="Run over every target of the targets file (a fleet) instead of PATHS.",
            ),
            click.option(
                "--target",
                "target_patterns",
                multiple=True,
                metavar="NAME",
                help="Run over this target of the targets file; a glob (tenant-*) or name, "
                "repeatable.",
            ),
            click.option(
                "--shard",
                metavar="K/N",
                callback=_shard,
                help="Only the K-th of N shares of the selected targets (one CI job each).",
            ),
            click.option(
                "--targets",
                "targets_file",
                metavar="FILE",
                envvar=TARGETS_FILE_VARIABLE,
                help=f"The targets file [default: {DEFAULT_TARGETS_FILE}; env: "
                f"{TARGETS_FILE_VARIABLE}].",
            ),
            click.option(
                "--parallel",
                type=click.IntRange(1, 256),
                default=DEFAULT_PARALLEL,
                show_default=True,
                help="Targets run at once (each with its own --concurrency calls).",
            ),
            click.option(
                "--report",
                "report_file",
                metavar="FILE",
                help="Also write the fleet's report as JSON to FILE (for merging CI shards).",
            ),
        ]
        if export:
            options += [
                click.option(
                    "--out-dir",
                    "out_dir",
                    metavar="DIR",
                    help="With a fleet: write each target to DIR/<target>/conversations.yaml.",
                ),
                click.option(
                    "--subaccounts",
                    is_flag=True,
                    help="Adopt every active subaccount of the parent (TWILIO_* credentials): "
                    "one folder each under --out-dir, plus a targets file naming them.",
                ),
            ]
        decorated: Any = wrapper
        for option in reversed(options):
            decorated = option(decorated)
        return cast(F, decorated)

    return decorate(function) if function is not None else decorate


@dataclass(frozen=True)
class FleetSelection:
    """The fleet options as given; `requested` when the command runs over targets."""

    all_targets: bool = False
    patterns: tuple[str, ...] = ()
    shard: Shard | None = None
    targets_file: str | None = None
    parallel: int = DEFAULT_PARALLEL
    report_file: str | None = None
    out_dir: str | None = None
    subaccounts: bool = False

    @property
    def requested(self) -> bool:
        return self.all_targets or bool(self.patterns) or self.shard is not None or self.subaccounts

    def single(self) -> None:
        """Without a fleet, refuse the options that only mean something for one."""
        for flag, given in (
            ("--targets", self.targets_file and _given("targets_file")),
            ("--report", self.report_file),
            ("--out-dir", self.out_dir),
        ):
            if given:
                raise click.UsageError(f"{flag} is for fleets: add {FLEET_FLAGS}")

    def require_paths(self, paths: tuple[str, ...]) -> None:
        """Without a fleet, the configuration PATHS are required (as before fleets)."""
        self.single()
        if paths:
            return
        context = click.get_current_context()
        param = next(p for p in context.command.params if p.name == "paths")
        raise click.MissingParameter(ctx=context, param=param)

    @property
    def shard_label(self) -> str | None:
        return str(self.shard) if self.shard else None

    def selection(self) -> Selection:
        """The targets these options pick, for the API's fleet functions."""
        return Selection(
            targets_file=self.targets_file,
            targets=self.patterns,
            shard=self.shard,
            parallel=self.parallel,
        )


def _given(name: str) -> bool:
    """An option the user gave (not one filled in from the environment)."""
    source = click.get_current_context().get_parameter_source(name)
    return source is ParameterSource.COMMANDLINE


__all__ = ["FLEET_FLAGS", "FleetSelection", "fleet_options"]
