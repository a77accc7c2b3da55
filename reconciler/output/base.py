"""The renderer contract: a result in, text for stdout and stderr out, in the order written.

A renderer is one format (text, json, ...). It renders a result by its `kind` with its method
`render_<kind>`; a format that has no such method does not render that kind (`formats(kind)`
lists the ones that do, which is what a command offers as --format). What goes to stderr and
what to stdout is the renderer's to say: a command only writes the parts out in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, TypeVar

from reconciler.errors import ReconcilerError

if TYPE_CHECKING:
    from reconciler.api.results import Checked, Message, Result, StepDone

Stream = Literal["stdout", "stderr"]


@dataclass(frozen=True)
class Output:
    """Text for stdout and stderr, as parts in the order they are written (a terminal shows
    both streams interleaved, so the order is part of the output)."""

    parts: tuple[tuple[Stream, str], ...] = ()

    def __add__(self, other: Output) -> Output:
        return Output(self.parts + other.parts)

    @property
    def stdout(self) -> str:
        return "".join(text for stream, text in self.parts if stream == "stdout")

    @property
    def stderr(self) -> str:
        return "".join(text for stream, text in self.parts if stream == "stderr")


def out(text: str) -> Output:
    """`text` on stdout, written as it is (no newline added)."""
    return Output((("stdout", text),))


def err(text: str) -> Output:
    return Output((("stderr", text),))


def to(stderr: bool, text: str) -> Output:
    return err(text) if stderr else out(text)


def join(outputs: Iterable[Output]) -> Output:
    return Output(tuple(part for output in outputs for part in output.parts))


class UnsupportedFormat(ReconcilerError):
    """A format asked for a result it does not render (SARIF of a plan, say)."""


class Renderer:
    """One output format. Subclasses add `render_<kind>` methods and register by `name`."""

    name: ClassVar[str]
    order: ClassVar[int] = 100
    """Where the format comes in a command's list of formats (text first)."""

    def __init__(self, colour: bool = False) -> None:
        self.colour = colour
        """ANSI colours in plans and diffs (text only; a terminal that wants them)."""

    @classmethod
    def supports(cls, kind: str) -> bool:
        return callable(getattr(cls, f"render_{kind}", None))

    def render(self, result: Result) -> Output:
        method: Callable[[Result], Output] | None = getattr(self, f"render_{result.kind}", None)
        if method is None:
            raise UnsupportedFormat(f"the {self.name} format does not render a {result.kind}")
        return method(result)

    # What every format says alike: notes and warnings, progress, the findings of loading
    # a configuration for plan and apply (the document a format prints comes after them).

    def render_message(self, message: Message) -> Output:
        return to(message.to_stderr, message.text + "\n")

    def render_checked(self, checked: Checked) -> Output:
        """The team's warnings and notices on stderr; errors are the error message itself."""
        from reconciler.output.findings.text import render_text

        if checked.fatal:
            return Output()
        shown = [finding for finding in checked.findings if finding.severity != "error"]
        return err(render_text(shown))

    def render_step(self, done: StepDone) -> Output:
        """`  [target] step ... done (0.12s)`: one line per applied step, as it finishes."""
        from reconciler import escape

        result = done.step
        detail = f": {escape.terminal(result.detail)}" if result.detail else ""
        retries = f", {result.attempts} attempts" if result.attempts > 1 else ""
        prefix = f"[{escape.terminal(done.target)}] " if done.target is not None else ""
        outcome = STEP_OUTCOMES.get(result.outcome, result.outcome)
        return out(
            f"  {prefix}{escape.terminal(result.step.description)} ... {outcome} "
            f"({result.seconds:.2f}s{retries}){detail}\n"
        )


STEP_OUTCOMES = {"done": "done", "failed": "FAILED", "skipped": "skipped"}

REGISTRY: dict[str, type[Renderer]] = {}
"""Format name -> renderer class, in the order formats are offered (text first)."""

R = TypeVar("R", bound=type[Renderer])


def register(cls: R) -> R:
    """Make a renderer available by its name (a class decorator)."""
    REGISTRY[cls.name] = cls
    ranked = sorted(REGISTRY.values(), key=lambda each: each.order)
    REGISTRY.clear()
    REGISTRY.update((each.name, each) for each in ranked)
    return cls
