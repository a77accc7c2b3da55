"""Writing configuration data as YAML that loads back to the same values.

Used by `export`: keys come out in the models' field order (names such as service keys sorted),
strings containing `${` are escaped as `$${` so they are not read back as variables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import BaseModel, SecretStr

from reconciler.config.loader import _model_in, _step
from reconciler.config.models import Config
from reconciler.config.variables import escape_variables

SCHEMA_COMMENT = "# yaml-language-server: $schema={}\n"


class _Dumper(yaml.SafeDumper):
    """Block style, no anchors/aliases, multi-line strings as literal blocks."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    printable = all(ch.isprintable() or ch == "\n" for ch in value)
    if "\n" in value and printable and value == value.strip(" "):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if not printable:  # escaped in double quotes, or YAML would read some as line breaks
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def config_to_data(config: Config, *, reveal_secrets: bool = True) -> dict[str, Any]:
    """Plain data of a Config, keeping only what the config manages (fields that were set)."""
    plain: dict[str, Any] = _plain(
        config.model_dump(mode="python", exclude_unset=True), reveal_secrets
    )
    return plain


def _plain(value: Any, reveal: bool) -> Any:
    if isinstance(value, SecretStr):
        return value.get_secret_value() if reveal else "**********"
    if isinstance(value, BaseModel):
        return _plain(value.model_dump(mode="python", exclude_unset=True), reveal)
    if isinstance(value, Mapping):
        return {str(key): _plain(item, reveal) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item, reveal) for item in value]
    return value


def _ordered(value: Any, annotation: Any) -> Any:
    """Known fields in model order, other keys sorted; `${` escaped in every string."""
    if isinstance(value, str):
        return escape_variables(value)
    if isinstance(value, list):
        return [
            _ordered(item, _step(annotation, 0) if annotation is not None else None)
            for item in value
        ]
    if isinstance(value, Mapping):
        model = _model_in(annotation) if annotation is not None else None
        if model is not None:
            order = {name: index for index, name in enumerate(model.model_fields)}
            keys = sorted(value, key=lambda k: (order.get(str(k), len(order)), str(k)))
        else:
            keys = sorted(value, key=str)
        return {
            str(key): _ordered(
                value[key], _step(annotation, str(key)) if annotation is not None else None
            )
            for key in keys
        }
    return value


def dump_config_yaml(data: Mapping[str, Any] | Config, schema_path: str | None = None) -> str:
    """YAML text for configuration data (or a Config) that `load_config` reads back unchanged.

    With `schema_path`, the file starts with the yaml-language-server comment for editors.
    """
    plain = config_to_data(data) if isinstance(data, Config) else _plain(data, True)
    text = yaml.dump(
        _ordered(plain, Config),
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=100,
    )
    if plain == {}:
        text = "{}\n"
    return (SCHEMA_COMMENT.format(schema_path) if schema_path else "") + text
