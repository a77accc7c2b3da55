"""No import cycle anywhere in reconciler/: each layer depends one way (docs: the layers).

The graph is read from the source with ast, function-level and TYPE_CHECKING imports
included, by the reader the emulator's own layout test uses (tests/emulator/test_layout.py).
"""

from __future__ import annotations

from pathlib import Path

import reconciler
from tests.emulator.test_layout import cycles, import_graph

ROOT = Path(reconciler.__file__).parent


def test_no_module_of_the_reconciler_is_part_of_an_import_cycle() -> None:
    graph = import_graph(ROOT, "reconciler")
    assert len(graph) > 100, "every module is read"
    assert "reconciler.cli.fleet_commands" in graph["reconciler.cli.validate_cmd"]
    found = cycles(graph)
    assert not found, "import cycles in reconciler/:\n" + "\n".join(
        " -> ".join(cycle) for cycle in found
    )


FRONT_ENDS = ("reconciler.output", "reconciler.cli", "reconciler.api", "reconciler.fleet.merge")
"""What may render: the output layer itself, the commands and the API that call it, and
`python -m reconciler.fleet.merge` (a command kept at the path CI workflows call)."""


def test_only_the_front_ends_import_the_output_layer() -> None:
    """The engine (config, plan, fleet, findings, ...) returns data and never renders it, so
    the dependency runs one way: output -> engine."""
    graph = import_graph(ROOT, "reconciler")
    rendering = sorted(
        module
        for module, targets in graph.items()
        if any(target.startswith("reconciler.output") for target in targets)
        and not any(module == front or module.startswith(front + ".") for front in FRONT_ENDS)
    )
    assert rendering == [], "engine modules that import reconciler.output"
