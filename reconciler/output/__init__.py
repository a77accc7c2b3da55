"""One output layer: every result of `reconciler.api` in every format that fits it.

    from reconciler import api, output

    result = api.validate(["envs/prod"])
    shown = output.renderer("sarif").render(result)   # an Output: stdout and stderr parts
    print(shown.stdout, end="")

Each format is one renderer class, registered by name: text, json, markdown, github, sarif.
A renderer renders a result by its kind (validation, checked, plan, unmanaged, show, planned,
step, apply, export, diff, fleet, doctor, permissions, schema, emulator, message);
`formats(kind)` lists the formats that render a kind, which is what a command offers as
--format. What a result looks like is in a module per result (`plan`, `unmanaged`, `compare`,
`fleet`, `emulator`, `findings/`), shared by the formats. The CLI writes an Output's parts in
order, each to its stream; nothing here writes anything. Rendering is deterministic: the same
result gives the same bytes. The dependency runs one way: this package imports the engine,
never the other way round.
"""

from __future__ import annotations

from reconciler.output import github, json_format, markdown, sarif, text
from reconciler.output.base import REGISTRY, Output, Renderer, UnsupportedFormat, register
from reconciler.output.words import compact_names

FORMATS = tuple(REGISTRY)
"""Every format, in the order they are offered."""


def renderer(name: str, colour: bool = False) -> Renderer:
    """The renderer of format `name` (UnsupportedFormat for a name no renderer has)."""
    if name not in REGISTRY:
        raise UnsupportedFormat(f"no output format {name!r}; formats: {', '.join(REGISTRY)}")
    return REGISTRY[name](colour=colour)


def formats(kind: str) -> tuple[str, ...]:
    """The formats that render results of this kind, in order (text first)."""
    return tuple(name for name, cls in REGISTRY.items() if cls.supports(kind))


__all__ = [
    "FORMATS",
    "Output",
    "Renderer",
    "UnsupportedFormat",
    "compact_names",
    "formats",
    "github",
    "json_format",
    "markdown",
    "register",
    "renderer",
    "sarif",
    "text",
]
