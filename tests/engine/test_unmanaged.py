"""`plan --show-unmanaged` lists what the configuration does not manage; the plan is unchanged."""

from __future__ import annotations

import json

from tests.engine.conftest import Cli, Engine, apply_ok

MANAGED = {
    "version": 1,
    "services": {
        "support": {"roles": {"agent": {"type": "conversation", "permissions": ["sendMessage"]}}}
    },
    "policy": {"prune": ["roles"]},
}


def test_unmanaged_resources_are_listed_without_changing_the_plan(run: Cli, engine: Engine) -> None:
    path = run.config(MANAGED)
    apply_ok(run, path)
    support = engine.service_sid("support")
    engine.v1.services(support).roles.create(
        friendly_name="stray", type="conversation", permission=["sendMessage"]
    )
    engine.v1.services.create(friendly_name="Side project")
    engine.v1.credentials.create(type="fcm", friendly_name="old-android", secret="x" * 20)

    plain = json.loads(run("plan", path, "--format", "json").stdout)
    shown = json.loads(run("plan", path, "--format", "json", "--show-unmanaged").stdout)
    unmanaged = shown.pop("unmanaged")
    assert shown == plain, "the plan itself does not change"
    listed = {(item["kind"], item["pruned"]) for item in unmanaged}
    assert ("role", True) in listed  # roles are pruned: this plan deletes the stray role
    assert ("service", False) in listed and ("credential", False) in listed
    by_kind = {item["kind"]: item for item in unmanaged}
    assert by_kind["credential"]["prune_name"] == "credentials"

    text = run("plan", path, "--show-unmanaged").output
    assert "add services to policy.prune to delete it" in text
    assert "deleted by this plan (policy.prune)" in text
    markdown = run("plan", path, "--show-unmanaged", "--format", "markdown").output
    assert "#### Unmanaged" in markdown
