"""Loader behaviour: merge order, includes, variables and escapes, locations, YAML safety."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from reconciler.config import ConfigError, ConfigIssue, load_config, yaml_loader
from reconciler.config.yaml_loader import MAX_ALIAS_VALUES, parse_yaml
from tests.config.conftest import WriteFiles, issues_of, load
from tests.config.test_invalid_configs import CASES as INVALID_CASES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

BASE = """
    version: 1
    services:
      support:
        friendly_name: Support
        roles:
          agent: {type: conversation, permissions: [sendMessage, leaveConversation]}
        webhooks:
          method: POST
          filters: [onMessageAdded, onConversationStateUpdated]
    policy:
      prune: [roles]
    """


def test_later_files_win_maps_merge_lists_replace(write: WriteFiles) -> None:
    root = write(
        {
            "base.yaml": BASE,
            "prod.yaml": """
                services:
                  support:
                    roles:
                      supervisor: {type: service, permissions: [joinConversation]}
                    webhooks:
                      filters: [onMessageAdded]
                      post_webhook_url: https://hooks.example.com/post
                policy:
                  prune: [address_configurations]
                """,
        }
    )
    loaded = load(root, ["base.yaml", "prod.yaml"])
    service = loaded.config.services["support"]
    assert set(service.roles) == {"agent", "supervisor"}  # maps merge
    assert service.friendly_name == "Support"
    assert service.webhooks is not None
    assert service.webhooks.filters == ["onMessageAdded"]  # lists replace
    assert service.webhooks.method == "POST"
    assert loaded.config.policy.prune == ["address_configurations"]
    assert loaded.files == [root / "base.yaml", root / "prod.yaml"]
    # Locations follow the value that won.
    assert loaded.locate(("services", "support", "webhooks", "filters", 0)) == f"{root}/prod.yaml:6"
    assert loaded.locate(("services", "support", "roles", "agent")) == f"{root}/base.yaml:6"


def test_reverse_order_reverses_the_winner(write: WriteFiles) -> None:
    root = write(
        {
            "a.yaml": "version: 1\nservices: {s: {friendly_name: A}}\n",
            "b.yaml": "version: 1\nservices: {s: {friendly_name: B}}\n",
        }
    )
    assert load(root, ["a.yaml", "b.yaml"]).config.services["s"].friendly_name == "B"
    assert load(root, ["b.yaml", "a.yaml"]).config.services["s"].friendly_name == "A"


def test_folder_reads_yaml_files_sorted_by_name(write: WriteFiles) -> None:
    root = write(
        {
            "cfg/20-late.yml": "services: {s: {friendly_name: Late}}\n",
            "cfg/10-early.yaml": "version: 1\nservices: {s: {friendly_name: Early}}\n",
            "cfg/notes.txt": "not yaml",
        }
    )
    loaded = load(root, ["cfg"])
    assert loaded.config.services["s"].friendly_name == "Late"
    assert [path.name for path in loaded.files] == ["10-early.yaml", "20-late.yml"]


def test_null_later_clears_and_is_managed(write: WriteFiles) -> None:
    root = write(
        {
            "a.yaml": "version: 1\nservices: {s: {webhooks: {post_webhook_url: https://x.example/p}}}\n",
            "b.yaml": "services: {s: {webhooks: {post_webhook_url: null}}}\n",
        }
    )
    webhooks = load(root, ["a.yaml", "b.yaml"]).config.services["s"].webhooks
    assert webhooks is not None
    assert webhooks.post_webhook_url is None
    assert "post_webhook_url" in webhooks.model_fields_set
    assert "pre_webhook_url" not in webhooks.model_fields_set


def test_include_is_relative_to_the_including_file_and_merged_first(write: WriteFiles) -> None:
    root = write(
        {
            "envs/base/10-services.yaml": BASE,
            "envs/base/20-policy.yaml": "policy: {prune: [roles, credentials]}\n",
            "envs/prod/main.yaml": """
                include: [../base]
                services:
                  support: {friendly_name: Support (prod)}
                """,
        }
    )
    loaded = load(root, ["envs/prod"])
    assert loaded.config.services["support"].friendly_name == "Support (prod)"
    assert loaded.config.policy.prune == ["roles", "credentials"]
    assert [p.relative_to(root).as_posix() for p in loaded.files] == [
        "envs/base/10-services.yaml",
        "envs/base/20-policy.yaml",
        "envs/prod/main.yaml",
    ]


def test_include_chain_and_diamond(write: WriteFiles) -> None:
    root = write(
        {
            "common.yaml": "version: 1\nservices: {s: {friendly_name: Common}}\n",
            "left.yaml": "include: common.yaml\npolicy: {prune: [roles]}\n",
            "right.yaml": "include: [common.yaml]\npolicy: {max_change_fraction: 0.5}\n",
            "top.yaml": "include: [left.yaml, right.yaml]\n",
        }
    )
    config = load(root, ["top.yaml"]).config
    assert config.services["s"].friendly_name == "Common"
    assert config.policy.prune == ["roles"]
    assert config.policy.max_change_fraction == 0.5


def test_include_self_is_a_cycle(write: WriteFiles) -> None:
    root = write({"c.yaml": "version: 1\ninclude: c.yaml\n"})
    assert issues_of(root, ["c.yaml"]) == ["c.yaml:2: include cycle: c.yaml -> c.yaml"]


def test_variables_defaults_and_escapes(write: WriteFiles) -> None:
    root = write(
        {
            "c.yaml": """
                version: 1
                account:
                  configuration:
                    default_messaging_service_sid: ${MG_SID}
                    default_inactive_timer: ${INACTIVE:-PT5M}
                    default_closed_timer: ${CLOSED:-PT1H}
                services:
                  s:
                    friendly_name: "${PREFIX}-support-${ENV:-dev}"
                    notifications:
                      new_message:
                        template: "$${PARTICIPANT}: $${MESSAGE} (cost $$${PRICE})"
                        sound: "$5 {not a variable} $"
                """
        }
    )
    env = {"MG_SID": "MG" + "a" * 32, "CLOSED": "", "PREFIX": "acme"}
    config = load(root, ["c.yaml"], env).config
    assert config.account is not None and config.account.configuration is not None
    assert config.account.configuration.default_messaging_service_sid == "MG" + "a" * 32
    assert config.account.configuration.default_inactive_timer == "PT5M"
    assert config.account.configuration.default_closed_timer == "PT1H"  # empty uses the default
    service = config.services["s"]
    assert service.friendly_name == "acme-support-dev"
    assert service.notifications is not None and service.notifications.new_message is not None
    assert (
        service.notifications.new_message.template == "${PARTICIPANT}: ${MESSAGE} (cost $${PRICE})"
    )
    assert service.notifications.new_message.sound == "$5 {not a variable} $"


def test_variables_from_os_environ_by_default(
    write: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write({"c.yaml": "version: 1\nservices: {s: {friendly_name: '${SERVICE_NAME}'}}\n"})
    monkeypatch.setenv("SERVICE_NAME", "From Env")
    assert load_config([root / "c.yaml"]).config.services["s"].friendly_name == "From Env"


def test_variable_values_are_typed_by_the_model(write: WriteFiles) -> None:
    root = write(
        {
            "c.yaml": """
                version: 1
                services: {s: {configuration: {reachability_enabled: "${REACH:-true}"}}}
                address_configurations:
                  - type: whatsapp
                    address: whatsapp:${NUMBER:-+15017122661}
                    auto_creation:
                      type: studio
                      studio_flow_sid: FW${FLOW}
                      studio_retry_count: ${RETRIES:-2}
                """
        }
    )
    config = load(root, ["c.yaml"], {"FLOW": "0" * 32}).config
    assert config.services["s"].configuration is not None
    assert config.services["s"].configuration.reachability_enabled is True
    auto = config.address_configurations[0].auto_creation
    assert auto is not None and auto.studio_retry_count == 2


def test_every_error_is_collected_sorted_by_file_and_line(write: WriteFiles) -> None:
    root = write(
        {
            "a.yaml": """
                version: 1
                services:
                  s:
                    roles:
                      r: {type: service, permissions: [sendMessage]}
                    colour: blue
                """,
            "b.yaml": """
                account:
                  configuration:
                    default_inactive_timer: PT10S
                    default_service: nope
                services:
                  s:
                    friendly_name: ${MISSING}
                """,
        }
    )
    issues = issues_of(root, ["b.yaml", "a.yaml"])
    assert [issue.split(": ", 1)[0] for issue in issues] == [
        "a.yaml:5",
        "a.yaml:6",
        "b.yaml:3",
        "b.yaml:4",
        "b.yaml:7",
    ]


def test_missing_variable_does_not_cause_follow_on_errors(write: WriteFiles) -> None:
    root = write({"c.yaml": "version: 1\naccount: {webhooks: {post_webhook_url: '${HOOK}'}}\n"})
    assert issues_of(root, ["c.yaml"]) == [
        "c.yaml:2: environment variable HOOK is not set "
        "(set it, or give a default: ${HOOK:-default})"
    ]


def test_duplicate_keys_are_reported_at_every_level(write: WriteFiles) -> None:
    root = write(
        {
            "c.yaml": """
                version: 1
                version: 1
                services:
                  s: {friendly_name: A, friendly_name: B}
                """
        }
    )
    once = "(each key may appear once in a mapping)"
    assert issues_of(root, ["c.yaml"]) == [
        f"c.yaml:2: duplicate key 'version': already defined at line 1 {once}",
        f"c.yaml:4: duplicate key 'friendly_name': already defined at line 4 {once}",
    ]


def test_alias_bomb_is_refused_quickly(write: WriteFiles) -> None:
    lines = [
        "version: 1",
        'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ]
    for level in range(1, 10):
        refs = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    root = write({"bomb.yaml": "\n".join(lines) + "\n"})
    issues = issues_of(root, ["bomb.yaml"])
    assert issues == [
        f"bomb.yaml:1: YAML aliases expand to more than {MAX_ALIAS_VALUES} values "
        "(an alias bomb?); refusing to load this file"
    ]


def test_small_aliases_are_fine(write: WriteFiles) -> None:
    root = write(
        {
            "c.yaml": """
                version: 1
                services:
                  a: {webhooks: {filters: &events [onMessageAdded, onConversationStateUpdated]}}
                  b: {webhooks: {filters: *events}}
                """
        }
    )
    config = load(root, ["c.yaml"]).config
    assert config.services["b"].webhooks is not None
    assert config.services["b"].webhooks.filters == ["onMessageAdded", "onConversationStateUpdated"]


def test_python_tags_are_never_constructed(write: WriteFiles, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    root = write({"c.yaml": f"version: 1\nx: !!python/object/apply:os.system ['touch {marker}']\n"})
    with pytest.raises(ConfigError):
        load(root, ["c.yaml"])
    assert not marker.exists()


def test_empty_file_is_an_empty_mapping(write: WriteFiles) -> None:
    root = write({"empty.yaml": "# nothing yet\n", "c.yaml": "version: 1\n"})
    loaded = load(root, ["empty.yaml", "c.yaml"])
    assert loaded.config.services == {}


def test_dates_stay_text(write: WriteFiles) -> None:
    root = write({"c.yaml": "version: 1\nservices: {s: {friendly_name: 2024-01-01}}\n"})
    assert load(root, ["c.yaml"]).config.services["s"].friendly_name == "2024-01-01"


def test_locate_walks_up_to_the_nearest_located_ancestor(write: WriteFiles) -> None:
    root = write({"c.yaml": BASE})
    loaded = load(root, ["c.yaml"])
    where = f"{root}/c.yaml"
    assert (
        loaded.locate(("services", "support", "roles", "agent", "permissions", 1)) == f"{where}:6"
    )
    assert loaded.locate(("services", "support", "friendly_name")) == f"{where}:4"
    assert loaded.locate(("services", "support", "configuration", "x")) == f"{where}:3"
    assert loaded.locate(("nothing",)) == f"{where}:1"
    assert loaded.locate(()) == f"{where}:1"


def test_a_replaced_value_is_located_in_the_file_that_replaced_it(write: WriteFiles) -> None:
    # Lines stay in each file's own index; what a later file replaced is not looked up in
    # the earlier one (its lines there describe a value that no longer exists).
    root = write(
        {
            "base.yaml": BASE,
            "mid.yaml": """
                services:
                  support:
                    webhooks: {filters: [onMessageAdded], post_webhook_url: https://a.example/p}
                """,
            "top.yaml": """
                services:
                  support:
                    webhooks:
                      post_webhook_url: https://b.example/p
                """,
        }
    )
    loaded = load(root, ["base.yaml", "mid.yaml", "top.yaml"])
    webhooks = ("services", "support", "webhooks")
    assert loaded.locate((*webhooks, "post_webhook_url")) == f"{root}/top.yaml:4"
    # filters: [a, b] in base, [a] in mid: item 1 is gone, so its ancestor (mid's) is named.
    assert loaded.locate((*webhooks, "filters", 1)) == f"{root}/mid.yaml:3"
    assert loaded.locate((*webhooks, "filters", 0)) == f"{root}/mid.yaml:3"
    assert loaded.locate((*webhooks, "method")) == f"{root}/base.yaml:8"
    assert loaded.locate(("services", "support", "roles", "agent")) == f"{root}/base.yaml:6"
    assert loaded.locate(()) == f"{root}/base.yaml:1"
    located = dict(loaded.locations.items())
    assert located[(*webhooks, "filters")] == (f"{root}/mid.yaml", 3)
    assert (*webhooks, "filters", 1) not in located
    assert len(located) == len(loaded.locations)


def test_config_error_text_is_one_issue_per_line() -> None:
    error = ConfigError(
        [
            ConfigIssue("b.yaml", 2, "two"),
            ConfigIssue("a.yaml", 9, "nine"),
            ConfigIssue("a.yaml", None, "file"),
        ]
    )
    assert str(error) == "a.yaml: file\na.yaml:9: nine\nb.yaml:2: two"
    assert [issue.line for issue in error.issues] == [None, 9, 2]


def test_values_of_the_wrong_type_are_reported_once_never_crash(write: WriteFiles) -> None:
    root = write(
        {
            "c.yaml": """
                version: 1
                services:
                  s:
                    roles:
                      "r\\r": {type: [service], permissions: [joinConversation]}
                address_configurations:
                  - {type: [sms], address: "+15017122661", auto_creation: {type: [webhook]}}
                credentials:
                  c: {type: {apn: true}}
                """
        }
    )
    issues = issues_of(root, ["c.yaml"])
    assert [issue.split(": ", 2)[1] for issue in issues] == [
        "services.s.roles['r\\r'].type",
        "address_configurations[0].auto_creation.type",
        "address_configurations[0].type",
        "credentials.c.type",
    ]
    assert all("\r" not in issue for issue in issues)


# --- the two YAML parsers: libyaml (the default) and the pure-Python fallback ------------------


@pytest.fixture(params=["libyaml", "python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test once with each parser behind `load_config`."""
    monkeypatch.setattr(yaml_loader, "USE_LIBYAML", request.param == "libyaml")
    return str(request.param)


def test_libyaml_is_present() -> None:
    # PyYAML's wheels ship libyaml: without it, large files load several times slower.
    assert yaml_loader.HAVE_LIBYAML
    assert yaml_loader.USE_LIBYAML


def test_both_parsers_refuse_duplicates_tags_and_merge_keys_alike(
    write: WriteFiles, parser: str
) -> None:
    root = write(
        {
            "c.yaml": """
                version: 1
                services:
                  support:
                    friendly_name: Support
                    friendly_name: Help
                    roles: !!python/object/apply:os.system [ls]
                  base: &base {friendly_name: Base}
                  other:
                    <<: *base
                    webhooks: !Ref hooks
                """
        }
    )
    assert issues_of(root, ["c.yaml"]) == [
        "c.yaml:5: duplicate key 'friendly_name': already defined at line 4 "
        "(each key may appear once in a mapping)",
        "c.yaml:6: unsupported YAML tag !!python/object/apply:os.system: only plain mappings, "
        "lists, strings, numbers, booleans and null are allowed",
        "c.yaml:9: YAML merge keys (<<) are not supported; share settings with `include:` instead",
        "c.yaml:10: unsupported YAML tag !Ref: only plain mappings, lists, strings, numbers, "
        "booleans and null are allowed",
    ]


def test_both_parsers_refuse_an_alias_bomb_and_a_recursive_alias(
    write: WriteFiles, parser: str
) -> None:
    lines = ["version: 1", "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]")
    root = write(
        {
            "bomb.yaml": "\n".join(lines) + "\n",
            "loop.yaml": "version: 1\nservices: &s\n  loop: *s\n",
            "twice.yaml": "version: 1\na: &x 1\nb: &x 2\n",
        }
    )
    assert issues_of(root, ["bomb.yaml"]) == [
        f"bomb.yaml:1: YAML aliases expand to more than {MAX_ALIAS_VALUES} values "
        "(an alias bomb?); refusing to load this file"
    ]
    assert issues_of(root, ["loop.yaml"]) == [
        "loop.yaml:2: a YAML alias refers to a value that contains it (recursive alias)"
    ]
    assert issues_of(root, ["twice.yaml"]) == [
        "twice.yaml:3: invalid YAML: anchor &x is defined twice (first at line 2); "
        "give each anchor its own name"
    ]


def test_the_alias_cap_counts_what_aliases_add_not_what_the_file_spells(
    parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yaml_loader, "MAX_ALIAS_VALUES", 1_000)
    written_out = "items: [" + ", ".join(["x"] * 5_000) + "]\n"
    parsed = parse_yaml(written_out)
    assert not parsed.issues
    assert len(parsed.data["items"]) == 5_000
    # 20 aliases of a 100-value list add 2,020 values: over the cap.
    repeated = "a: &a [" + ", ".join(["x"] * 99) + "]\nb: [" + ", ".join(["*a"] * 20) + "]\n"
    refused = parse_yaml(repeated)
    assert refused.unreadable
    assert [issue.message for issue in refused.issues] == [
        "YAML aliases expand to more than 1000 values (an alias bomb?); refusing to load this file"
    ]
    # Ten aliases of it stay under the cap, each item located at its alias.
    fine = parse_yaml("a: &a [" + ", ".join(["x"] * 99) + "]\nb: [" + ", ".join(["*a"] * 9) + "]\n")
    assert not fine.issues
    assert fine.data["b"][8] == ["x"] * 99
    assert fine.lines[("b", 8)] == 2
    assert fine.lines[("b", 8, 98)] == 1


def test_a_file_with_more_values_than_the_alias_cap_loads() -> None:
    # What an export of a large account looks like to the loader: many values, no aliases.
    # (The fallback parser is run on the same rule above, with a lower cap, to stay quick.)
    text = "items:\n" + "".join(f"  - {{n: {index}, on: true}}\n" for index in range(40_000))
    parsed = parse_yaml(text, use_libyaml=True)
    assert not parsed.issues
    assert len(parsed.data["items"]) == 40_000
    assert MAX_ALIAS_VALUES < 3 * 40_000
    assert parsed.data["items"][-1] == {"n": 39_999, "on": True}
    assert parsed.lines[("items", 39_999, "on")] == 40_001


@pytest.mark.parametrize(
    ("text", "line", "column", "shown"),
    [
        ("version: 1\nservices:\n  a\x00b: {}\n", 3, 4, "U+0000 (NUL)"),
        (
            "version: 1\n# caf\u00e9 \u2713\nx: \u00e9\u00e9\x01\n",
            3,
            6,
            "U+0001 (a control character)",
        ),
        ("version: 1\r\nx: y\x1b[0m\r\n", 2, 5, "U+001B (ESC)"),
        ("\ufffe", 1, 1, "U+FFFE (a non-character)"),
    ],
)
def test_control_characters_are_one_clear_error_with_line_and_column(
    write: WriteFiles, parser: str, text: str, line: int, column: int, shown: str
) -> None:
    root = write({})
    (root / "c.yaml").write_text(text, encoding="utf-8", newline="")
    code = shown.split()[0][2:]
    assert issues_of(root, ["c.yaml"]) == [
        f"c.yaml:{line}: character {shown} at column {column} is not allowed in a YAML file: "
        "only printable characters, tabs and line breaks are; write it as an escape such as "
        f'"\\u{code}" inside double quotes if the value really needs it'
    ]
    parsed = parse_yaml(text, use_libyaml=parser == "libyaml")
    assert [(issue.line, issue.column) for issue in parsed.issues] == [(line, column)]
    assert parsed.unreadable
    with pytest.raises(ConfigError) as raised:  # the column reaches findings (annotations)
        load_config([root / "c.yaml"], environ={})
    assert [(issue.line, issue.column) for issue in raised.value.issues] == [(line, column)]


def test_an_escaped_control_character_is_just_a_value(parser: str) -> None:
    parsed = parse_yaml('x: "a\\0b\\x01"\n')
    assert not parsed.issues
    assert parsed.data == {"x": "a\x00b\x01"}


def _corpus() -> dict[str, str]:
    """Every YAML text the tests and examples hold, valid or not."""
    texts = {
        f"invalid/{case[0]}/{name}": textwrap.dedent(text).lstrip("\n")
        for case in INVALID_CASES
        for name, text in case[1].items()
    }
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        texts[str(path.relative_to(EXAMPLES))] = path.read_text(encoding="utf-8")
    texts.update(
        {
            "aliases": "x: &x [1, {a: b}]\ny: *x\nz: [*x, *x]\n*x : 3\n? [a]\n: 1\n",
            "scalars": "a: 0x1F\nb: 1_000\nc: .inf\nd: ~\ne: yes\nf: 2001-12-14\ng: 1:30\n"
            "h: !!bool maybe\ni: !!int abc\nj: !!str 12\nk: ''\nl: 'yes'\n",
            "two documents": "a: 1\n---\nb: 2\n",
            "undefined alias": "a: *nope\n",
            "deep": "[" * 600 + "]" * 600,
            "flow and block": "a:\n  - [1, 2]\n  - {b: c}\n  -\n    - d\nb: |\n  text\n",
            "empty": "",
            "only a comment": "# nothing\n",
        }
    )
    return texts


def test_both_parsers_build_the_same_values_lines_and_issues() -> None:
    corpus = _corpus()
    assert len(corpus) > 80
    for name, text in corpus.items():
        fast = parse_yaml(text, use_libyaml=True)
        fallback = parse_yaml(text, use_libyaml=False)
        assert (
            fast.data,
            fast.lines,
            fast.issues,
            fast.tainted,
            fast.unreadable,
            fast.written,
        ) == (
            fallback.data,
            fallback.lines,
            fallback.issues,
            fallback.tainted,
            fallback.unreadable,
            fallback.written,
        ), name
