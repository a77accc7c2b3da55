"""YAML text to plain data, with the line of every value.

PyYAML's safe loader is the parser, but values are built here from its node tree so that:
- every mapping key and list item keeps its 1-based line (errors name them);
- a key repeated in one mapping is an error naming both lines (PyYAML keeps the last silently);
- only plain YAML values are built (no Python or custom tags, no `<<` merge keys);
- aliases are followed but bounded, so an alias bomb ("billion laughs") is refused, not built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

ConfigPath = tuple[str | int, ...]

MAX_VALUES = 100_000
"""Values built from one file, alias expansions included; far above any real configuration."""

_TAG = "tag:yaml.org,2002:"
_PLAIN_SCALAR_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null")}
_TIMESTAMP_TAG = _TAG + "timestamp"  # dates stay text: durations and templates are strings here


@dataclass
class LoadIssue:
    """A problem found while reading one file (line is None when it concerns the whole file)."""

    line: int | None
    message: str


@dataclass
class ParsedYaml:
    """One file's data with the line of every key and list item."""

    data: Any = None
    lines: dict[ConfigPath, int] = field(default_factory=dict)
    issues: list[LoadIssue] = field(default_factory=list)
    tainted: set[ConfigPath] = field(default_factory=set)
    """Paths whose value is known bad (its error is reported): later checks skip them."""
    unreadable: bool = False
    """The file could not be parsed at all: nothing from it can be trusted."""


class _TooManyValues(Exception):
    pass


class StrictSafeLoader(yaml.SafeLoader):
    """The safe loader, used only to compose nodes and build plain scalars."""


StringTransform = Callable[[str], str]
"""Applied to every string value (variable expansion); raises ValueError with a message."""


def parse_yaml(text: str, transform: StringTransform | None = None) -> ParsedYaml:
    """Parse one YAML document; an empty document is an empty mapping."""
    result = ParsedYaml()
    loader = StrictSafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or str(error)
        if error.context and "expected a single document" in error.context:
            problem = "a configuration file holds one YAML document; found a second one (---)"
        result.issues.append(LoadIssue(mark.line + 1 if mark else None, f"invalid YAML: {problem}"))
        result.unreadable = True
        return result
    except yaml.YAMLError as error:
        result.issues.append(LoadIssue(None, f"invalid YAML: {error}"))
        result.unreadable = True
        return result
    except RecursionError:
        result.issues.append(LoadIssue(None, "invalid YAML: values are nested too deeply"))
        result.unreadable = True
        return result
    finally:
        loader.dispose()

    if root is None:
        result.data = {}
        return result
    builder = _Builder(loader, result, transform)
    try:
        result.data = builder.build(root, ())
    except _TooManyValues:
        result.issues = [
            LoadIssue(
                root.start_mark.line + 1,
                f"YAML aliases expand to more than {MAX_VALUES} values (an alias bomb?); "
                "refusing to load this file",
            )
        ]
        result.unreadable = True
        return result
    except RecursionError:
        result.issues.append(LoadIssue(None, "invalid YAML: values are nested too deeply"))
        result.unreadable = True
        return result
    result.lines[()] = 1
    return result


class _Builder:
    """Builds plain dicts, lists and scalars from composed nodes, recording lines."""

    def __init__(
        self, loader: StrictSafeLoader, result: ParsedYaml, transform: StringTransform | None
    ):
        self.loader = loader
        self.result = result
        self.transform = transform
        self.count = 0
        self.active: set[int] = set()

    def issue(self, node: Node, message: str, path: ConfigPath) -> None:
        self.result.issues.append(LoadIssue(node.start_mark.line + 1, message))
        self.result.tainted.add(path)

    def unsupported_tag(self, node: Node, path: ConfigPath) -> None:
        tag = node.tag.replace(_TAG, "!!")
        self.issue(
            node,
            f"unsupported YAML tag {tag}: only plain mappings, lists, strings, numbers, booleans "
            "and null are allowed",
            path,
        )

    def build(self, node: Node, path: ConfigPath) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooManyValues
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if id(node) in self.active:
            self.issue(
                node, "a YAML alias refers to a value that contains it (recursive alias)", path
            )
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                if node.tag != _TAG + "seq":
                    self.unsupported_tag(node, path)
                    return None
                items = []
                for index, item in enumerate(node.value):
                    item_path: ConfigPath = (*path, index)
                    self.result.lines[item_path] = item.start_mark.line + 1
                    items.append(self.build(item, item_path))
                return items
            if isinstance(node, MappingNode):
                return self.mapping(node, path)
        finally:
            self.active.discard(id(node))
        self.issue(node, "unsupported YAML node", path)  # pragma: no cover - PyYAML has no others
        return None

    def mapping(self, node: MappingNode, path: ConfigPath) -> dict[str, Any] | None:
        if node.tag != _TAG + "map":
            self.unsupported_tag(node, path)
            return None
        data: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _TAG + "merge":
                self.issue(
                    key_node,
                    "YAML merge keys (<<) are not supported; "
                    "share settings with `include:` instead",
                    path,
                )
                continue
            if not isinstance(key_node, ScalarNode):
                self.issue(
                    key_node, "a mapping key must be a plain string, not a list or mapping", path
                )
                continue
            key = key_node.value
            key_path = (*path, key)
            if key in first_line:
                self.issue(
                    key_node,
                    f"duplicate key {key!r}: already defined at line {first_line[key]} "
                    "(each key may appear once in a mapping)",
                    key_path,
                )
            first_line[key] = line
            self.result.lines[key_path] = line
            data[key] = self.build(value_node, key_path)
        return data

    def scalar(self, node: ScalarNode, path: ConfigPath) -> Any:
        if node.tag == _TIMESTAMP_TAG:
            value: Any = node.value
        elif node.tag in _PLAIN_SCALAR_TAGS:
            value = self.loader.construct_object(node, deep=True)
        else:
            self.unsupported_tag(node, path)
            return None
        if isinstance(value, str) and self.transform is not None:
            try:
                value = self.transform(value)
            except ValueError as error:
                self.issue(node, str(error), path)
        return value
