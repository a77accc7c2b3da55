"""Where a command's output goes: each part a renderer returns, in order, to its stream."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from reconciler.api.results import Notify, Result
    from reconciler.output import Output, Renderer


def use_colour() -> bool:
    """Colours on a terminal, unless NO_COLOR is set (no-color.org)."""
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def renderer(name: str) -> Renderer:
    """The format's renderer, coloured when stdout is a terminal that wants colours."""
    from reconciler import output

    return output.renderer(name, colour=use_colour())


def emit(shown: Output) -> None:
    for stream, text in shown.parts:
        click.echo(text, nl=False, err=stream == "stderr")


def show(format_name: str | Renderer, result: Result) -> None:
    """Render `result` in the format and write it out."""
    chosen = renderer(format_name) if isinstance(format_name, str) else format_name
    emit(chosen.render(result))


def notifier(format_name: str) -> Notify:
    """A `notify` for the API that shows each result as it comes, in the format."""
    chosen = renderer(format_name)
    return lambda result: show(chosen, result)
