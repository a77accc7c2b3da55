"""Every example config through the CLI: plan shows changes, apply converges, nothing is left."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reconciler.config import load_config
from reconciler.config.loader import DEFERRED_ACCOUNT
from reconciler.emulator.server import EmulatorServer
from tests.engine.conftest import (
    EXAMPLE_ENV,
    EXAMPLES,
    Cli,
    Engine,
    example_dirs,
    example_env,
    one_line_error,
    writes,
)

EXAMPLE_DIRS = example_dirs()


def test_examples_are_found() -> None:
    assert len(EXAMPLE_DIRS) >= 2, f"expected example configs under {EXAMPLES}"


@pytest.mark.parametrize(
    "example", EXAMPLE_DIRS, ids=[str(path.relative_to(EXAMPLES)) for path in EXAMPLE_DIRS]
)
def test_example_plans_applies_and_then_plans_clean(
    example: Path, run: Cli, emulator: EmulatorServer, engine: Engine
) -> None:
    path = str(example)
    env = example_env(engine.client)
    emulator.reset_stats()
    first = run("plan", path, "--detailed-exitcode", "--format", "json", env=env)
    assert first.exit_code == 2, first.output
    planned = json.loads(first.stdout)
    assert sum(planned["summary"].values()) == len(planned["changes"]) > 0
    assert emulator.stats()["by_method"].get("POST", 0) == 0, "plan never writes"

    emulator.reset_stats()
    applied = run("apply", path, "--auto-approve", env=env)
    assert applied.exit_code == 0, applied.output
    assert "0 failed, 0 skipped" in applied.stdout
    assert writes(emulator.stats()) >= len(planned["changes"])

    after = run("plan", path, "--detailed-exitcode", env=env)
    assert after.exit_code == 0, after.output
    assert "No changes" in after.stdout

    emulator.reset_stats()
    again = run("apply", path, "--auto-approve", env=env)
    assert again.exit_code == 0, again.output
    assert writes(emulator.stats()) == 0, emulator.stats()


def test_no_example_ships_a_secret_default_and_plan_needs_the_secrets(run: Cli) -> None:
    """validate passes without secrets (tests/config); plan and apply require them."""
    for example in EXAMPLE_DIRS:
        for file in example.glob("*.yaml"):
            text = file.read_text(encoding="utf-8")
            for name in ("certificate", "private_key", "api_key", "secret"):
                assert (
                    f"{name}: ${{" not in text
                    or ":-" not in text.split(f"{name}: ${{")[1].split("}")[0]
                ), file
    multi = str(EXAMPLES / "multi-service")
    env = {k: v for k, v in EXAMPLE_ENV.items() if "APN" not in k}
    message = one_line_error(run("plan", multi, env=env))
    assert "APN_CERTIFICATE is not set" in message


def test_environment_examples_refuse_another_account(run: Cli) -> None:
    prod = str(EXAMPLES / "environments" / "prod")
    other = "AC" + "9" * 32
    message = one_line_error(
        run("plan", prod, env={**EXAMPLE_ENV, "TWILIO_ACCOUNT_SID_PROD": other})
    )
    assert other in message and "pinned" in message


def test_every_environment_example_pins_its_account_through_a_variable() -> None:
    """README: "Every example under `examples/environments/` pins its account through a
    variable". Checked after includes and merging, by the loader: with nothing set, `validate`
    can only defer the pin (a literal, or a `${VAR:-AC...}` default, would be taken as is),
    and with the variable set the pin is its value."""
    environments = [
        example
        for example in EXAMPLE_DIRS
        if example.relative_to(EXAMPLES).parts[0] == "environments"
    ]
    assert len(environments) >= 2
    names: dict[str, Path] = {}
    for example in environments:
        unset = load_config([example], environ={}, defer_secrets=True)
        assert unset.config.account.sid == DEFERRED_ACCOUNT, f"{example}: not pinned by a variable"
        deferred = [
            re.fullmatch(r"account\.sid: (\w+) is not set here; .*", warning.message)
            for warning in unset.warnings
        ]
        [name] = [found.group(1) for found in deferred if found]
        assert name not in names, f"{example} and {names[name]} share the pin variable {name}"
        names[name] = example
        pinned = load_config([example], environ={**EXAMPLE_ENV, name: "AC" + "5" * 32})
        assert pinned.config.account.sid == "AC" + "5" * 32, example
