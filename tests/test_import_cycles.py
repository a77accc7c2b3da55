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
