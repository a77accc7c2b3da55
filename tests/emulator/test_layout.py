"""The emulator's modules import each other without a cycle.

The emulator is meant to grow one API package at a time (docs/emulator.md, "Code layout");
a cycle between its modules is where that stops being true (each side then has to know the
other). The imports are read from the source (ast), not from a running interpreter, so every
import counts, wherever it is written: at module level, under ``if TYPE_CHECKING:``, and
inside functions. A cycle that only a function-level or TYPE_CHECKING import keeps from
failing at import time is still two modules that depend on each other, so it is reported
like any other.

An edge goes to the module an import names: ``import a.b`` and ``from a import b`` (when
``a/b.py`` or ``a/b/`` exists) name ``a.b``; ``from a.b import name`` names ``a.b``. Parent
packages that are not named are not edges (their ``__init__`` runs first, but importing a
child from it is what would make a cycle, and that import is an edge of its own). Only modules
inside ``reconciler.emulator`` are followed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import reconciler.emulator

PACKAGE = "reconciler.emulator"
ROOT = Path(reconciler.emulator.__file__).parent


def _modules(root: Path, package: str) -> dict[str, Path]:
    """Every module below `root`, by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join([package, *parts])] = path
    return found


def _imported(module: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The known modules that `module`'s source imports, anywhere in it."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                child = f"{base}.{alias.name}"
                if child in known:
                    yield child
                elif base in known:
                    yield base


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    known = _modules(root, package)
    return {
        module: {target for target in _imported(module, path, known) if target != module}
        for module, path in known.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (a -> ... -> a) through each strongly connected group of modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_path_within(graph, group) for group in groups]


def _path_within(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A cycle from the group's first module back to itself, staying inside the group."""
    start = min(group)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for target in sorted(graph[node] & group):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if target not in previous:
                    previous[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle in {sorted(group)}")


def test_no_module_of_the_emulator_is_part_of_an_import_cycle() -> None:
    graph = import_graph(ROOT, PACKAGE)
    assert len(graph) > 20, "every module of the emulator is read"
    found = cycles(graph)
    assert not found, "import cycles in reconciler/emulator:\n" + "\n".join(
        " -> ".join(cycle) for cycle in found
    )


def test_a_cycle_closed_only_inside_a_function_is_found_and_named(tmp_path: Path) -> None:
    """The check itself: relative, aliased and function-level imports are edges too."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub import b as bee\n")
    (package / "sub" / "b.py").write_text("from ..c import thing\n")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import pkg.sub\n"
        "def thing() -> None:\n    from pkg import a\n"
    )
    (package / "d.py").write_text("import pkg.c\nfrom pkg import c\n")
    graph = import_graph(package, "pkg")
    assert graph["pkg.d"] == {"pkg.c"}
    assert graph["pkg.c"] == {"pkg.sub", "pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.sub.b", "pkg.c", "pkg.a"]]
