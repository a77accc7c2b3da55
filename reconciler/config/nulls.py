"""One rule for `null`: managed and cleared where Twilio can clear the field, an error elsewhere.

A key left out is not managed. A key set to `null` is managed and cleared, which Twilio can do
only for the fields in `rules.CLEARABLE` (text and lists, sent as `Field=`). Anywhere else a
`null` could never apply (a boolean, an enumeration, a reference, a secret), and for a whole
section it means nothing at all, so it is reported here, at its line, with what to write
instead: a configuration that validates must not fail at apply for a value known to be
impossible.

An empty string is `null` on every one of these keys (Twilio stores a cleared text as null or
"", and a `${VAR:-}` that expands to nothing is written as neither): cleared where `null` is,
the same located error where it is not. `read_nulls` returns the data with each such empty
string as None, which the models and the rules then read.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from reconciler.config import rules
from reconciler.config.lines import ConfigPath
from reconciler.config.models import Config
from reconciler.config.validation import describe

NullIssue = tuple[ConfigPath, str]

_UNION_TYPES: tuple[Any, ...] = (Union, types.UnionType)
_REQUIRED = ("version",)
"""Keys outside the rule: `null` there is a type error like any other wrong value."""


@dataclass(frozen=True)
class Nulls:
    """What the rule for `null` makes of the configuration data."""

    data: Mapping[str, Any]
    """The data with every empty string on a key of the rule as None (the data itself when it
    holds none)."""
    issues: list[NullIssue]
    """Every `null` (or empty string) that Twilio cannot apply, with the message."""


def read_nulls(data: Mapping[str, Any]) -> Nulls:
    """Each `null` or empty string in the configuration data: the issues, and the data with the
    empty strings read as `null`."""
    issues: list[NullIssue] = []
    blanks: dict[Any, Any] = {}
    """The paths of the empty strings as a tree: key -> the tree below, None at an empty string."""
    for path, blank, message in _walk(Config, data, (), ()):
        if blank:
            node = blanks
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = None
        if message is not None:
            issues.append((path, message))
    return Nulls(_with_none(data, blanks) if blanks else data, issues)


def _with_none(node: Any, blanks: dict[Any, Any] | None) -> Any:
    """`node` with None at each path of `blanks`: each container on the way copied once, the
    data itself left as it is."""
    if blanks is None:
        return None
    copied = list(node) if isinstance(node, list) else dict(node)
    for key, below in blanks.items():
        copied[key] = _with_none(node[key], below)
    return copied


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


Found = tuple[ConfigPath, bool, "str | None"]
"""(where, whether an empty string stands there, the message when Twilio cannot clear it)."""


@functools.cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, Any, str | None, Any], ...]:
    """(name, field info, container, inner model) of each of a model's fields, worked out once:
    the walk visits every role and address, and typing's introspection is not free."""
    return tuple(
        (name, info, *_structure(info.annotation)) for name, info in model.model_fields.items()
    )


def _walk(
    model: type[BaseModel], data: Any, path: ConfigPath, shape: ConfigPath
) -> Iterator[Found]:
    if not isinstance(data, Mapping):
        return
    for name, info, container, inner in _fields(model):
        if name not in data or (not path and name in _REQUIRED):
            continue
        value = data[name]
        here, pattern = (*path, name), (*shape, name)
        if _is_null(value):
            message = None
            if pattern not in rules.CLEARABLE:
                message = _message(here, name, info.annotation, info.description, inner, value)
            yield here, value is not None, message
            continue
        if inner is None:
            continue
        if container == "dict" and isinstance(value, Mapping):
            for key, item in value.items():
                yield from _null_entry(inner, item, (*here, str(key)), (*pattern, "*"))
        elif container == "list" and isinstance(value, list):
            for index, item in enumerate(value):
                yield from _null_entry(inner, item, (*here, index), (*pattern, "*"))
        elif container is None:
            yield from _walk(inner, value, here, pattern)


def _null_entry(
    model: type[BaseModel], item: Any, path: ConfigPath, shape: ConfigPath
) -> Iterator[Found]:
    if _is_null(item):
        yield path, item is not None, _message(path, str(path[-1]), model, None, model, item)
    else:
        yield from _walk(model, item, path, shape)


def _structure(annotation: Any) -> tuple[str | None, type[BaseModel] | None]:
    """("dict" | "list" | None, the model inside) for a field's annotation; (None, None) for a
    plain value."""
    for candidate in _members(annotation):
        origin = get_origin(candidate)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return None, candidate
        if origin in (dict, list):
            item = get_args(candidate)[-1]
            if isinstance(item, type) and issubclass(item, BaseModel):
                return ("dict" if origin is dict else "list"), item
    return None, None


def _members(annotation: Any) -> list[Any]:
    """The types a field may hold, unions and Annotated unwrapped, None left out."""
    if get_origin(annotation) is Annotated:
        return _members(get_args(annotation)[0])
    if get_origin(annotation) in _UNION_TYPES:
        return [member for arg in get_args(annotation) for member in _members(arg)]
    return [] if annotation is type(None) else [annotation]


def _known_values(annotation: Any) -> list[str]:
    """The documented values a `known_values` field offers (empty for other fields)."""
    if get_origin(annotation) in _UNION_TYPES:
        return [value for arg in get_args(annotation) for value in _known_values(arg)]
    if get_origin(annotation) is not Annotated:
        return []
    for meta in get_args(annotation)[1:]:
        extra = getattr(meta, "json_schema_extra", None)
        if isinstance(extra, dict):
            return [value for branch in extra.get("anyOf", []) for value in branch.get("enum", [])]
    return []


def _message(
    path: ConfigPath,
    name: str,
    annotation: Any,
    description: str | None,
    section: type[BaseModel] | None,
    value: Any,
) -> str:
    where = describe(path)
    written = "null" if value is None else "an empty string (the same as null)"
    if path[0] == "policy":
        return (
            f"{where}: {written} is not allowed; leave `{name}` out for its default, or set a value"
        )
    leave = f"leave `{name}` out to leave it unmanaged"
    if section is not None:
        return (
            f"{where}: {written} is not allowed for a section (nothing to clear); {leave}, or "
            "write its settings"
        )
    known = _known_values(annotation)
    if bool in _members(annotation):
        allowed = "true or false"
    elif known:
        distinct = {value.upper(): value for value in reversed(known)}  # GET, not get
        allowed = f"one of {', '.join(reversed(distinct.values()))}"
    else:
        text = (description or "").split("\n")[0].split(";")[0].rstrip(".")
        allowed = f"a value ({text[:1].lower()}{text[1:]})" if text else "a value"
    return (
        f"{where}: {written} is not allowed: Twilio cannot clear {name}; {leave}, or set {allowed}"
    )


def null_rules() -> list[tuple[str, bool]]:
    """Every key of the configuration (`*` for a key or index the user chooses) and whether
    `null` there means "cleared" (True) or is an error (False): the README's table."""
    rules_found: list[tuple[str, bool]] = []
    _collect(Config, (), rules_found)
    return rules_found


def _collect(model: type[BaseModel], shape: ConfigPath, found: list[tuple[str, bool]]) -> None:
    for name, info in model.model_fields.items():
        if not shape and name in _REQUIRED:
            continue
        pattern = (*shape, name)
        found.append((".".join(str(part) for part in pattern), pattern in rules.CLEARABLE))
        container, inner = _structure(info.annotation)
        if inner is None or (model.__name__ == "Policy" and name == "webhooks"):
            continue
        if container:
            pattern = (*pattern, "*")
            found.append((".".join(str(part) for part in pattern), False))
        _collect(inner, pattern, found)
