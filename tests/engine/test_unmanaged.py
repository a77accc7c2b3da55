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
    # the account's default service is unmanaged too, but no policy deletes it
    (default,) = [item for item in unmanaged if item["kept"]]
    assert default["sid"] == engine.v1.configuration().fetch().default_chat_service_sid
    assert default["kind"] == "service" and not default["pruned"]
    assert sum(item["kind"] == "service" for item in unmanaged) == 2

    text = run("plan", path, "--show-unmanaged").output
    assert "add services to policy.prune to delete it" in text
    assert "deleted by this plan (policy.prune)" in text
    assert "left alone: the account's default service, which Twilio refuses to delete" in text
    markdown = run("plan", path, "--show-unmanaged", "--format", "markdown").output
    assert "#### Unmanaged" in markdown
