"""Property tests: mutated configurations never crash validate; dumped YAML loads back equal."""

from __future__ import annotations

import copy
import re
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reconciler.cli.main import cli
from reconciler.config import config_to_data, dump_config_yaml, load_config
from reconciler.config.variables import escape_variables, expand_variables

REPO = Path(__file__).resolve().parents[2]
SUPPORT_DESK = config_to_data(load_config([REPO / "examples" / "support-desk"], environ={}).config)
MULTI_SERVICE = config_to_data(
    load_config([REPO / "examples" / "multi-service"], environ={}, defer_secrets=True).config
)
LOCATED = re.compile(r"^.+:\d+: .+$|^.+: .+$")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=100),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=20),
    st.sampled_from(
        [
            "PT0S",
            "PT30S",
            "P6M",
            "+15017122661",
            "whatsapp:+1",
            "https://x.example/h",
            "agent",
            "support",
            "service user",
            "onMessageAdd",
            "sendMessage",
            "IS" + "0" * 32,
            "${X}",
            "$${Y}",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    data = copy.deepcopy(draw(st.sampled_from([SUPPORT_DESK, MULTI_SERVICE])))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_paths(data)))
        if not path:
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add-key"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(values)
        if not isinstance(data, dict):
            break
    return data


@SETTINGS
@given(mutated())
def test_mutated_configs_validate_or_fail_with_located_messages(data: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "c.yaml"
        path.write_text(dump_config_yaml(data), encoding="utf-8")
        result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "unexpected" not in result.output
    if result.exit_code == 1:
        lines = result.stderr.splitlines()
        assert lines and lines[-1].endswith(")")
        for line in lines[:-1]:
            assert line.startswith(str(path)), line
            assert LOCATED.match(line), line


@SETTINGS
@given(st.text(alphabet=st.sampled_from("${}$ab:-_"), max_size=30))
def test_escape_then_expand_gives_the_text_back(text: str) -> None:
    assert expand_variables(escape_variables(text), {}) == text


@SETTINGS
@given(
    st.dictionaries(
        st.text(min_size=1, max_size=10),
        st.one_of(st.text(max_size=30), st.integers(), st.booleans(), st.none()),
        max_size=4,
    )
)
@example(templates={"0": "0\x85"})  # NEL is a YAML line break unless escaped
@example(templates={"t": "a\nb\n\n", "u": "${X} $${Y}"})
def test_dump_then_load_gives_the_values_back(templates: dict[str, Any]) -> None:
    data = copy.deepcopy(SUPPORT_DESK)
    notifications = data["services"]["support"]["notifications"]
    texts = [value for value in templates.values() if isinstance(value, str)]
    notifications["new_message"]["template"] = "".join(texts) + "${PARTICIPANT} $${X}"
    data["services"]["support"]["friendly_name"] = "".join(texts)[:200] or "Support"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "c.yaml"
        path.write_text(dump_config_yaml(data), encoding="utf-8")
        try:
            loaded = load_config([path], environ={})
        except Exception as error:  # only Twilio rules may refuse (e.g. a blank name)
            assert "friendly_name" in str(error)
            return
    assert config_to_data(loaded.config) == data


def test_dump_is_stable_and_readable() -> None:
    text = dump_config_yaml(SUPPORT_DESK, schema_path="../../schemas/reconciler.schema.json")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/reconciler.schema.json\n")
    assert text.splitlines()[1] == "version: 1"
    assert "$${PARTICIPANT}" in text
    assert dump_config_yaml(SUPPORT_DESK, schema_path="x") == dump_config_yaml(
        copy.deepcopy(SUPPORT_DESK), schema_path="x"
    )
    assert text.index("account:") < text.index("services:") < text.index("address_configurations:")
