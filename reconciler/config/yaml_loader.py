"""YAML text to plain data, with the line of every value.

PyYAML's parser reads the text (libyaml's C parser when PyYAML was built with it, as its wheels
are; its pure-Python parser otherwise: the same events, with the same marks), and values are
built here straight from the parser's events so that:
- every mapping key and list item keeps its 1-based line (errors name them);
- a key repeated in one mapping is an error naming both lines (PyYAML keeps the last silently);
- only plain YAML values are built (no Python or custom tags, no `<<` merge keys);
- aliases are followed but what they add is bounded, so an alias bomb ("billion laughs") is
  refused, not built, while a large file without aliases loads whatever its size;
- a character YAML does not allow (NUL, other control characters) is one clear error with its
  line and column.

Building from events, not from a composed node tree, keeps a large file's memory to the values
themselves. A file libyaml refuses is parsed again by the pure-Python parser, whose messages
the project's errors are written around, so both paths refuse alike (only refused files pay
for the second parse).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from sys import intern as _intern
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from reconciler.config.lines import ConfigPath, LineIndex
from reconciler.gc_pause import collector_paused

MAX_ALIAS_VALUES = 100_000
"""Values that aliases may add to one file by repeating what their anchor holds: far above any
real configuration, far below what an alias bomb expands to. Values written out in the file
are not counted: their number is bounded by the file's size."""

HAVE_LIBYAML: bool = bool(getattr(yaml, "__with_libyaml__", False))
"""libyaml ships inside PyYAML's binary wheels; a source build without it uses the fallback."""
USE_LIBYAML: bool = HAVE_LIBYAML
"""The parser `parse_yaml` uses unless told otherwise (tests switch it to run both)."""

_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT = (_TAG + name for name in ("str", "null", "bool", "int", "float"))
_SEQ, _MAP, _MERGE = _TAG + "seq", _TAG + "map", _TAG + "merge"
_TIMESTAMP_TAG = _TAG + "timestamp"  # dates stay text: durations and templates are strings here

_NOT_ALLOWED = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
"""What YAML 1.1 does not allow in a stream (both PyYAML readers refuse exactly these)."""
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
"""Line breaks as PyYAML counts them for marks."""
_CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "backspace", 0x1B: "ESC", 0x7F: "DEL"}


@dataclass
class LoadIssue:
    """A problem found while reading one file (line is None when it concerns the whole file)."""

    line: int | None
    message: str
    column: int | None = None
    """1-based, where known."""


@dataclass
class ParsedYaml:
    """One file's data with the line of every key and list item."""

    data: Any = None
    lines: LineIndex = field(default_factory=LineIndex)
    issues: list[LoadIssue] = field(default_factory=list)
    tainted: set[ConfigPath] = field(default_factory=set)
    """Paths whose value is known bad (its error is reported): later checks skip them."""
    unreadable: bool = False
    """The file could not be parsed at all: nothing from it can be trusted."""
    written: dict[ConfigPath, str] = field(default_factory=dict)
    """The text as written of each unquoted boolean or number whose text is not the value's
    own (`+15017122661`, `0123`, `NO`), so that a "quote it" hint quotes what the user wrote;
    see `written_text`. Only those are kept: a large file's `true` and `5` cost nothing here."""


def written_text(written: dict[ConfigPath, str] | None, path: ConfigPath, value: Any) -> str:
    """How a boolean or number built from a plain scalar was written in the file."""
    if written is not None and path in written:
        return written[path]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _TooManyAliasValues(Exception):
    pass


class StrictSafeLoader(yaml.SafeLoader):
    """The pure-Python safe loader: only its parser and resolver are used (the fallback)."""


if HAVE_LIBYAML:

    class CStrictSafeLoader(yaml.CSafeLoader):
        """libyaml's parser with PyYAML's safe resolver: the same events, several times faster."""


StringTransform = Callable[[str], str]
"""Applied to every string value (variable expansion); raises ValueError with a message."""


def parse_yaml(
    text: str, transform: StringTransform | None = None, *, use_libyaml: bool | None = None
) -> ParsedYaml:
    """Parse one YAML document; an empty document is an empty mapping.

    `use_libyaml` picks the parser (default: `USE_LIBYAML`, libyaml when present).
    """
    fast = USE_LIBYAML if use_libyaml is None else use_libyaml
    if fast and not HAVE_LIBYAML:
        raise RuntimeError("PyYAML was built without libyaml")
    with collector_paused():
        if fast:
            result = _parse(text, transform, CStrictSafeLoader)
            if not result.unreadable:
                return result
            # libyaml words its refusals differently: the messages are the fallback's.
        return _parse(text, transform, StrictSafeLoader)


def _parse(text: str, transform: StringTransform | None, loader_class: Any) -> ParsedYaml:
    built = ParsedYaml()
    result = ParsedYaml(unreadable=True)
    """What a refused file gives: its issue and nothing else."""
    loader: Any = None
    builder: _Builder | None = None
    try:
        loader = loader_class(text)  # the pure-Python reader checks every character here
        builder = _Builder(loader, built, transform)
        built.data = builder.document()
    except yaml.reader.ReaderError as error:
        result.issues = [_character_issue(text, error)]
        return result
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or str(error)
        if error.context and "expected a single document" in error.context:
            problem = "a configuration file holds one YAML document; found a second one (---)"
        result.issues = [LoadIssue(mark.line + 1 if mark else None, f"invalid YAML: {problem}")]
        return result
    except yaml.YAMLError as error:
        result.issues = [LoadIssue(None, f"invalid YAML: {error}")]
        return result
    except _TooManyAliasValues:
        result.issues = [
            LoadIssue(
                builder.root_line if builder is not None else None,
                f"YAML aliases expand to more than {MAX_ALIAS_VALUES} values (an alias bomb?); "
                "refusing to load this file",
            )
        ]
        return result
    except RecursionError:
        result.issues = [LoadIssue(None, "invalid YAML: values are nested too deeply")]
        return result
    finally:
        if loader is not None:
            loader.dispose()
    if builder.root_line is not None:
        built.lines.root = 1
    return built


def _character_issue(text: str, error: yaml.reader.ReaderError) -> LoadIssue:
    """Where the first character YAML does not allow is, what it is, and what is allowed.

    The readers report a position (in characters for the Python reader, in UTF-8 bytes for
    libyaml) with little else; the text itself says exactly where and what.
    """
    found = _NOT_ALLOWED.search(text)
    if found is None:  # pragma: no cover - the readers refuse exactly _NOT_ALLOWED
        return LoadIssue(None, f"invalid YAML: {error}")
    position = found.start()
    line, line_start = 1, 0
    for line_break in _LINE_BREAK.finditer(text, 0, position):
        line, line_start = line + 1, line_break.end()
    column = position - line_start + 1
    code = ord(found.group())
    name = _CONTROL_NAMES.get(code, "a control character" if code < 0xA0 else "a non-character")
    return LoadIssue(
        line,
        f"character U+{code:04X} ({name}) at column {column} is not allowed in a YAML file: "
        "only printable characters, tabs and line breaks are; write it as an escape such as "
        f'"\\u{code:04X}" inside double quotes if the value really needs it',
        column=column,
    )


_SCALARS = SafeConstructor()
_NUMBER_OR_BOOL: dict[str, Callable[[ScalarNode], Any]] = {
    _BOOL: _SCALARS.construct_yaml_bool,
    _INT: _SCALARS.construct_yaml_int,
    _FLOAT: _SCALARS.construct_yaml_float,
}
"""Built the way the safe loader builds them (these constructors use no parser state)."""

_BOOLEANS: dict[str, bool] = SafeConstructor.bool_values
_INTERN_UP_TO = 64
"""Short strings repeat (keys, permissions, types, methods): one copy of each is kept."""


class _Builder:
    """Builds plain dicts, lists and scalars straight from parser events, recording lines.

    Working from events rather than a composed node tree keeps memory to the values built: a
    node tree with two marks per node is several times the size of the data. Anchored values
    keep their events, so that an alias builds its value again at its own path (each path has
    its line); the values aliases build are counted and capped.
    """

    def __init__(self, loader: Any, result: ParsedYaml, transform: StringTransform | None):
        self.loader = loader
        self.implicit_resolvers: dict[str | None, list[tuple[str, Any]]] = (
            loader.yaml_implicit_resolvers
        )
        self.wildcard_resolvers = self.implicit_resolvers.get(None, [])
        if loader.yaml_path_resolvers:  # pragma: no cover - the safe loaders have none
            raise TypeError("path resolvers are not supported")
        self.result = result
        self.lines = result.lines
        self.transform = transform
        self.next_event: Callable[[], Any] = loader.get_event
        """Where events come from: the parser, or (inside an alias) an anchor's recording."""
        self.anchors: dict[str, list[Any]] = {}
        """Anchor name -> the events of its value (complete once the value ends)."""
        self.recording: list[list[Any]] = []
        """Recordings of anchored values still being parsed: every parsed event joins them."""
        self.replaying = 0
        self.alias_values = 0
        self.muted = 0
        """Inside a value that is skipped (after its own error): no further issues or lines."""
        self.root_line: int | None = None

    # -- events ---------------------------------------------------------------------------

    def _parsed_and_recorded(self) -> Any:
        event = self.loader.get_event()
        for recording in self.recording:
            recording.append(event)
        return event

    def _use_source(self) -> None:
        """The cheapest event source that is right for the current state."""
        if self.replaying:
            return
        self.next_event = self._parsed_and_recorded if self.recording else self.loader.get_event

    def document(self) -> Any:
        """The single document's value; an empty stream is an empty mapping."""
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(StreamEndEvent):
            loader.get_event()
            return {}
        start = loader.get_event()  # document start
        first = loader.get_event()
        self.root_line = first.start_mark.line + 1
        data = self.value(first, ())
        loader.get_event()  # document end
        if not loader.check_event(StreamEndEvent):
            raise ComposerError(
                "expected a single document in the stream",
                start.start_mark,
                "but found another document",
                loader.get_event().start_mark,
            )
        loader.get_event()
        return data

    # -- values ---------------------------------------------------------------------------

    def issue(self, event: Any, message: str, path: ConfigPath) -> None:
        if self.muted:
            return
        self.result.issues.append(LoadIssue(event.start_mark.line + 1, message))
        self.result.tainted.add(path)

    def skip(self, event: Any, path: ConfigPath) -> None:
        """Consume a value that will not be used (anchors in it still count)."""
        self.muted += 1
        try:
            self.value(event, path)
        finally:
            self.muted -= 1

    def unsupported_tag(self, event: Any, tag: str, path: ConfigPath) -> None:
        shown = tag.replace(_TAG, "!!")
        self.issue(
            event,
            f"unsupported YAML tag {shown}: only plain mappings, lists, strings, numbers, "
            "booleans and null are allowed",
            path,
        )

    def value(self, event: Any, path: ConfigPath) -> Any:
        if self.replaying:
            self.alias_values += 1
            if self.alias_values > MAX_ALIAS_VALUES:
                raise _TooManyAliasValues
        cls = event.__class__
        if cls is AliasEvent:
            return self.alias(event, path)
        anchor = event.anchor
        if anchor is not None and not self.replaying:
            if anchor in self.anchors:
                first = self.anchors[anchor][0].start_mark.line + 1
                raise ComposerError(
                    None,
                    None,
                    f"anchor &{anchor} is defined twice (first at line {first}); "
                    "give each anchor its own name",
                    event.start_mark,
                )
            if cls is ScalarEvent:
                self.anchors[anchor] = [event]
            else:
                recording = [event]
                self.anchors[anchor] = recording
                self.recording.append(recording)
                self._use_source()
                try:
                    return self.collection(event, path)
                finally:
                    self.recording.pop()  # anchored values nest: the innermost ends first
                    self._use_source()
        if cls is ScalarEvent:
            return self.scalar(event, path)
        return self.collection(event, path)

    def recorded(self, alias: Any) -> list[Any]:
        """The events of the value an alias names."""
        recorded = self.anchors.get(alias.anchor)
        if recorded is None:
            raise ComposerError(
                None, None, f"found undefined alias {alias.anchor!r}", alias.start_mark
            )
        return recorded

    def alias(self, event: Any, path: ConfigPath) -> Any:
        recorded = self.recorded(event)
        if any(recording is recorded for recording in self.recording):
            self.issue(
                recorded[0],
                "a YAML alias refers to a value that contains it (recursive alias)",
                path,
            )
            return None
        source, self.next_event = self.next_event, iter(recorded).__next__
        self.replaying += 1
        try:
            return self.value(self.next_event(), path)
        finally:
            self.replaying -= 1
            self.next_event = source

    def collection(self, event: Any, path: ConfigPath) -> Any:
        tag = event.tag
        if event.__class__ is SequenceStartEvent:
            if tag is None or tag == "!" or tag == _SEQ:
                return self.sequence(path)
        elif tag is None or tag == "!" or tag == _MAP:
            return self.mapping(path)
        self.unsupported_tag(event, tag, path)
        self.muted += 1
        try:
            if event.__class__ is SequenceStartEvent:
                self.sequence(path)
            else:
                self.mapping(path)
        finally:
            self.muted -= 1
        return None

    def sequence(self, path: ConfigPath) -> list[Any]:
        items: list[Any] = []
        item_lines: list[int] = []
        recorded = not self.muted
        if recorded:
            self.lines.sequence(path, item_lines)
        value, scalar = self.value, self.scalar
        index = 0
        while True:
            event = self.next_event()
            if event.__class__ is SequenceEndEvent:
                return items
            item_path: ConfigPath = (*path, index)
            if recorded:
                item_lines.append(event.start_mark.line + 1)
            if event.__class__ is ScalarEvent and event.anchor is None and not self.replaying:
                items.append(scalar(event, item_path))  # the common case, without detours
            else:
                items.append(value(event, item_path))
            index += 1

    def mapping(self, path: ConfigPath) -> dict[str, Any]:
        data: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        """Each key's line: checks for duplicates, and is the mapping's entry in the lines."""
        if not self.muted:
            self.lines.mapping(path, first_line)
        value, scalar = self.value, self.scalar
        while True:
            key_event = self.next_event()
            if key_event.__class__ is MappingEndEvent:
                return data
            if (
                key_event.__class__ is ScalarEvent
                and key_event.anchor is None
                and key_event.tag is None
                and key_event.value != "<<"
            ):
                key: str | None = _intern(key_event.value)  # plain or quoted: the common case
            else:
                key = self.key(key_event, path)
            if key is None:
                self.skip(self.next_event(), path)
                continue
            line = key_event.start_mark.line + 1
            key_path = (*path, key)
            if key in first_line:
                self.issue(
                    key_event,
                    f"duplicate key {key!r}: already defined at line {first_line[key]} "
                    "(each key may appear once in a mapping)",
                    key_path,
                )
            first_line[key] = line
            event = self.next_event()
            if event.__class__ is ScalarEvent and event.anchor is None and not self.replaying:
                data[key] = scalar(event, key_path)
            else:
                data[key] = value(event, key_path)

    def key(self, event: Any, path: ConfigPath) -> str | None:
        """A mapping key's text; None (after an issue) for keys that are not plain text."""
        resolved = event
        if event.__class__ is AliasEvent:
            resolved = self.recorded(event)[0]
        elif event.anchor is not None and not self.replaying:
            self.value(event, path)  # registers the anchor
            if event.__class__ is not ScalarEvent:
                self.issue(
                    event, "a mapping key must be a plain string, not a list or mapping", path
                )
                return None
        if resolved.__class__ is not ScalarEvent:
            self.issue(event, "a mapping key must be a plain string, not a list or mapping", path)
            if resolved is event:
                self.skip(event, path)
            return None
        if self.tag_of(resolved) == _MERGE:
            self.issue(
                event,
                "YAML merge keys (<<) are not supported; share settings with `include:` instead",
                path,
            )
            return None
        return _intern(str(resolved.value))

    def plain_tag(self, value: str) -> str:
        """The tag a plain (unquoted) scalar resolves to: the loader's own implicit resolvers,
        applied as its `resolve` applies them (the safe loaders have no path resolvers)."""
        for tag, pattern in self.implicit_resolvers.get(value[:1], ()):
            if pattern.match(value):
                return str(tag)
        for tag, pattern in self.wildcard_resolvers:
            if pattern.match(value):
                return str(tag)
        return _STR

    def tag_of(self, event: Any) -> str:
        tag = event.tag
        if tag is None or tag == "!":
            return self.plain_tag(event.value) if event.implicit[0] else _STR
        return str(tag)

    def scalar(self, event: Any, path: ConfigPath) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.plain_tag(event.value) if event.implicit[0] else _STR
        value: Any
        if tag in (_STR, _TIMESTAMP_TAG):
            value = event.value
            if len(value) <= _INTERN_UP_TO:
                value = _intern(value)
        elif tag == _NULL:
            return None
        elif tag == _BOOL and event.value.lower() in _BOOLEANS:
            flag = _BOOLEANS[event.value.lower()]
            if event.value != ("true" if flag else "false") and not self.muted:
                self.result.written[path] = event.value
            return flag
        elif tag in _NUMBER_OR_BOOL:
            try:
                number = _NUMBER_OR_BOOL[tag](ScalarNode(tag, event.value))
            except (KeyError, ValueError):  # only an explicit tag (`!!int abc`) gets here
                self.issue(event, f"{event.value!r} is not a valid {tag.replace(_TAG, '!!')}", path)
                return None
            if event.value != str(number) and not self.muted:
                self.result.written[path] = event.value
            return number
        else:
            self.unsupported_tag(event, tag, path)
            return None
        if self.transform is not None and not self.muted:
            try:
                value = self.transform(value)
            except ValueError as error:
                self.issue(event, str(error), path)
        return value
