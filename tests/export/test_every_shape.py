"""`export`'s header promises a file that validates and plans with no changes: on every account
shape the test suite builds, not only the happy path.

Shapes: a fresh account, every example applied, same-named services and credentials (twins), a
long service name, a credential without a name, and an account holding values this version has
never seen with references to a deleted service and role (seeded through the state file,
tests/engine/test_open_world.py).

Where the account holds what a file cannot express (a credential without a name, or a second
credential with a name already used: the engine matches credentials by name), the export names
each in a NOTE and in its error and exits 1, and the file it still writes keeps the promise for
everything else.
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

Shape = Callable[[Cli, Client, Path], "list[str] | None"]
"""Builds the account; returns the SIDs the export must name as left out (None: none)."""


def fresh(run: Cli, client: Client, folder: Path) -> None:
    """Only what Twilio gives a new account: its default service and built-in roles."""


def twins(run: Cli, client: Client, folder: Path) -> list[str]:
    v1 = client.conversations.v1
    credentials = []
    for _ in range(2):
        v1.services.create(friendly_name="Twin")
        credentials.append(
            v1.credentials.create(type="fcm", friendly_name="dup", secret="fcm-key-123456")
        )
    v1.services.create(friendly_name="L" * 256)  # the longest the API takes
    # Services are pinned by sid, which the file can say; credentials have no pin, so the file
    # holds the "dup" plan manages (the oldest, then the lowest SID) and the export exits 1
    # naming the other.
    managed = min(credentials, key=lambda c: (c.date_created, str(c.sid)))
    return [str(c.sid) for c in credentials if c is not managed]


def nameless_credential(run: Cli, client: Client, folder: Path) -> list[str]:
    """Twilio's credential FriendlyName is optional; the engine matches credentials by name."""
    v1 = client.conversations.v1
    v1.credentials.create(type="fcm", friendly_name="named", secret="fcm-key-123456")
    return [str(v1.credentials.create(type="fcm", secret="fcm-key-123456").sid)]


def example(path: Path) -> Shape:
    def build(run: Cli, client: Client, folder: Path) -> None:
        apply_ok(run, str(path), env=example_env(client))

    return build


SHAPES: dict[str, Shape] = {
    "fresh": fresh,
    "twins-and-long-names": twins,
    "nameless-credential": nameless_credential,
    **{f"example-{p.relative_to(EXAMPLES)}": example(p) for p in example_dirs()},
}


def assert_export_keeps_its_promise(
    run: Cli, folder: Path, left_out: list[str] | None = None
) -> None:
    exported = folder / "exported.yaml"
    written = run("export", "--out", str(exported))
    text = exported.read_text()
    if left_out:
        assert written.exit_code == 1, written.stderr
        assert "the export leaves them out" in written.stderr
        for sid in left_out:
            assert f"credential {sid}: " in written.stderr, written.stderr
            assert f"# NOTE: not exported: credential {sid}: " in text
    else:
        assert written.exit_code == 0, written.stderr
    assert "`reconciler plan` against that account shows no changes" in text
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
        left_out = shape(run, client, tmp_path)
    assert_export_keeps_its_promise(run, tmp_path, left_out)


def test_export_validates_and_plans_clean_on_an_account_this_version_does_not_know(
    tmp_path: Path,
) -> None:
    with account_holding(tmp_path) as server:
        assert_export_keeps_its_promise(Cli(server, tmp_path / "cli"), tmp_path)
