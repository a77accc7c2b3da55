"""`reconciler diff A B`: two configurations (staging and prod), or one and a live account.

Sides: `A` and `B` are a path each; `--a PATH` / `--b PATH`, repeated, give a side several
paths merged in order (as plan merges them); `--live` makes the account the TWILIO_* variables,
--endpoint or --local reach the side no path names. Exit 0 (with --detailed-exitcode: 0 same,
2 differ), 1 on any error.
"""

from __future__ import annotations

import click
from click.core import ParameterSource

from reconciler import api, output
from reconciler.cli.options import connect, connection_options
from reconciler.cli.render import notifier, show

DIFFERENCES_EXIT_CODE = 2
SIDES = ("A", "B")
HOW = (
    "give each side as a path (`reconciler diff A B`), as --a PATH / --b PATH (repeat for "
    "several paths, merged in order), or as --live for the account the TWILIO_* credentials, "
    "--endpoint or --local reach"
)


def resolve_sides(
    paths: tuple[str, ...], a_paths: tuple[str, ...], b_paths: tuple[str, ...], live: bool
) -> dict[str, tuple[str, ...] | None]:
    """Which paths make side A and side B (None: the live account).

    --a / --b name their side; positional paths fill the sides left, A first; --live takes
    the one still left."""
    sides: dict[str, tuple[str, ...] | None] = {}
    given = {"A": a_paths, "B": b_paths}
    positional = list(paths)
    for name in SIDES:
        if given[name]:
            sides[name] = given[name]
        elif positional:
            sides[name] = (positional.pop(0),)
    if positional:
        extra = " ".join(positional)
        raise click.UsageError(
            f"too many paths: A and B are already given, so {extra} has no side; {HOW}"
        )
    missing = [name for name in SIDES if name not in sides]
    if live:
        if not missing:
            raise click.UsageError(
                f"--live takes the place of a side, but A and B are given; {HOW}"
            )
        if len(missing) == 2:
            raise click.UsageError(
                "--live compares the account with a configuration: give one, such as "
                "`reconciler diff envs/prod --live` (the account is then B)"
            )
        sides[missing[0]] = None
    elif missing:
        raise click.UsageError(
            f"diff compares two sides, and {' and '.join(missing)} is missing; {HOW}"
        )
    return sides


def _explicit(name: str) -> bool:
    context = click.get_current_context()
    return context.get_parameter_source(name) is ParameterSource.COMMANDLINE


@click.command("diff")
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[A] [B]")
@click.option(
    "--a",
    "a_paths",
    multiple=True,
    type=click.Path(),
    metavar="PATH",
    help="A path of side A; repeat for several, merged in order.",
)
@click.option(
    "--b",
    "b_paths",
    multiple=True,
    type=click.Path(),
    metavar="PATH",
    help="A path of side B; repeat for several, merged in order.",
)
@click.option(
    "--live",
    is_flag=True,
    help="The live account (TWILIO_* credentials, --endpoint or --local) is the side no path "
    "names: B after `diff PATH --live`, A after `diff --live --b PATH`.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(output.formats("diff")),
    default="text",
    show_default=True,
    help="text for terminals, json for scripts (schemas/diff.schema.json), markdown for a "
    "pull-request comment.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when A and B agree and 2 when they differ (1 is always an error).",
)
@connection_options
def command(
    paths: tuple[str, ...],
    a_paths: tuple[str, ...],
    b_paths: tuple[str, ...],
    live: bool,
    output_format: str,
    detailed_exitcode: bool,
    local: bool,
    endpoint: str | None,
    concurrency: int,
) -> None:
    """Compare two configurations, or a configuration and a live account, field by field.

    Each side is what it manages after merging and variables: resources are matched by
    identity (a service by its key, a role by service and name, an address configuration by
    type and address, a credential by name), values compared as plan compares them,
    references by name. A live account is read for what the configuration manages (plus the
    kinds its policy prunes). Secrets are never compared or shown. Read-only: nothing is
    written to any account.

    Read from A to B: `+` only in B, `-` only in A, `~` different.
    """
    sides = resolve_sides(paths, a_paths, b_paths, live)
    if not live and (_explicit("endpoint") or _explicit("local")):
        raise click.UsageError(
            "--endpoint and --local choose the account for --live; without --live both sides "
            "are configurations and no account is read"
        )
    result = api.diff(
        sides["A"],
        sides["B"],
        connect(local, endpoint, concurrency),
        notify=notifier(output_format),
    )
    show(output_format, result)
    if detailed_exitcode and not result.same:
        raise SystemExit(DIFFERENCES_EXIT_CODE)
