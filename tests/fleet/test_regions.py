"""Targets in other Twilio regions: `region:` and `edge:` per target or under `defaults:`, over
TWILIO_REGION and TWILIO_EDGE, reaching the twilio client each target is planned with."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.config import ConfigError
from reconciler.fleet.credentials import Resolver
from reconciler.fleet.loader import load_targets
from reconciler.live.connection import build_client
from tests.conftest import close_client

SID = {name: "AC" + digit * 32 for name, digit in (("eu", "1"), ("au", "2"), ("us", "3"))}
ENV = {
    **{f"{name.upper()}_SID": sid for name, sid in SID.items()},
    **{f"{name.upper()}_TOKEN": f"token-{name}" for name in SID},
    "TWILIO_REGION": "us1",
}


def write(tmp_path: Path, defaults: str, *targets: str) -> Path:
    """A targets file: `defaults` inside `defaults: {...}`, each target as `name[, key: value]`."""
    (tmp_path / "base.yaml").write_text("version: 1\n", encoding="utf-8")
    lines = ["version: 1", f"defaults: {{config: [base.yaml]{defaults}}}", "targets:"]
    for spec in targets:
        name, *extra = [part.strip() for part in spec.split(",")]
        upper = name.upper()
        lines.append(f"  - name: {name}")
        lines.append(f"    credentials: {{account_sid: {upper}_SID, auth_token: {upper}_TOKEN}}")
        lines += [f"    {item}" for item in extra]
    path = tmp_path / "targets.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_targets_region_and_edge_reach_its_twilio_client(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ", region: ie1, edge: dublin",
        "eu",
        "au, region: au1, edge: sydney",
        "us, region: us1",
    )
    fleet = load_targets(path)
    resolver = Resolver(fleet, ENV)
    located = {}
    for each in fleet.targets:
        client = build_client(resolver.settings(each))  # no endpoint: Twilio's own hosts
        try:
            located[each.name] = (client.region, client.edge)
        finally:
            close_client(client)
    assert located == {
        "eu": ("ie1", "dublin"),
        "au": ("au1", "sydney"),
        "us": ("us1", "dublin"),  # the default edge still applies
    }


def test_without_region_the_environment_decides(tmp_path: Path) -> None:
    fleet = load_targets(write(tmp_path, "", "eu"))
    settings = Resolver(fleet, ENV).settings(fleet.targets[0])
    assert (settings.region, settings.edge) == ("us1", None)


@pytest.mark.parametrize(("key", "value"), [("region", "IE 1"), ("edge", "7"), ("region", "''")])
def test_a_malformed_region_or_edge_is_refused_at_its_line(
    tmp_path: Path, key: str, value: str
) -> None:
    path = write(tmp_path, "", f"eu, {key}: {value}")
    with pytest.raises(ConfigError) as raised:
        load_targets(path)
    [issue] = raised.value.issues
    assert issue.line == 6
    assert f"targets[0] (eu).{key} must be a Twilio {key} name in lower case" in issue.message
