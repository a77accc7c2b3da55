"""`export`'s header promises a file that validates and plans with no changes: on every account
shape the test suite builds, not only the happy path.

Shapes: a fresh account, every example applied, same-named services and credentials (twins), a
long service name, and an account holding values this version has never seen with references
to a deleted service and role (seeded through the state file, tests/engine/test_open_world.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from twilio.rest import Client

from reconciler.emulator.server import EmulatorServer
from tests.conftest import client_for
from tests.engine.conftest import EXAMPLES, Cli, apply_ok, example_dirs, example_env
from tests.engine.test_open_world import account_holding

Shape = Callable[[Cli, Client, Path], None]


def fresh(run: Cli, client: Client, folder: Path) -> None:
    """Only what Twilio gives a new account: its default service and built-in roles."""


def twins(run: Cli, client: Client, folder: Path) -> None:
    v1 = client.conversations.v1
    for _ in range(2):
        v1.services.create(friendly_name="Twin")
        v1.credentials.create(type="fcm", friendly_name="dup", secret="fcm-key-123456")
    v1.services.create(friendly_name="L" * 256)  # the longest the API takes


def example(path: Path) -> Shape:
    def build(run: Cli, client: Client, folder: Path) -> None:
        apply_ok(run, str(path), env=example_env(client))

    return build


SHAPES: dict[str, Shape] = {
    "fresh": fresh,
    "twins-and-long-names": twins,
    **{f"example-{p.relative_to(EXAMPLES)}": example(p) for p in example_dirs()},
}


def assert_export_keeps_its_promise(run: Cli, folder: Path) -> None:
    exported = folder / "exported.yaml"
    written = run("export", "--out", str(exported))
    assert written.exit_code == 0, written.stderr
    assert "`reconciler plan` against that account shows no changes" in exported.read_text()
    validated = run("validate", str(exported), endpoint=False)
    assert validated.exit_code == 0, validated.stderr
    planned = run("plan", str(exported), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output


@pytest.mark.parametrize("shape", SHAPES.values(), ids=list(SHAPES))
def test_export_validates_and_plans_clean(
    shape: Shape, emulator: EmulatorServer, tmp_path: Path
) -> None:
    run = Cli(emulator, tmp_path / "cli")
    with client_for(emulator) as client:
        shape(run, client, tmp_path)
    assert_export_keeps_its_promise(run, tmp_path)


def test_export_validates_and_plans_clean_on_an_account_this_version_does_not_know(
    tmp_path: Path,
) -> None:
    with account_holding(tmp_path) as server:
        assert_export_keeps_its_promise(Cli(server, tmp_path / "cli"), tmp_path)
