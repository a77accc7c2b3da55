"""Every deletion names the SID it deletes, in text and Markdown (JSON has `sid` per change):
a delete, and a replace, which deletes the old resource. Plans built directly, then a newer
twin's delete through the real SDK and the emulator.
"""

from __future__ import annotations

import json

from reconciler.output.plan import render_markdown, render_text
from reconciler.plan.document import plan_document
from reconciler.plan.model import Action, Change, FieldDiff, Plan
from tests.engine.conftest import Cli, Engine

FINGERPRINT = "f" * 64


def deleting() -> Plan:
    """A twin credential's delete, a role's replace, an unnamed live service's delete, and an
    update (which deletes nothing)."""
    return Plan(
        changes=[
            Change(
                Action.DELETE,
                "credential",
                ("android",),
                "android",
                0,
                sid="CR" + "b" * 32,
                diffs=[FieldDiff("type", "fcm", None)],
                reasons=["a newer twin of CR" + "a" * 32 + " (same name); the oldest is kept"],
            ),
            Change(
                Action.REPLACE,
                "role",
                ("support", "agent"),
                "support/agent",
                0,
                sid="RL" + "c" * 32,
                parent_key="support",
                diffs=[FieldDiff("type", "conversation", "service")],
            ),
            Change(
                Action.DELETE,
                "service",
                ("IS" + "d" * 32,),
                "Legacy (IS" + "d" * 32 + ")",
                0,
                sid="IS" + "d" * 32,
            ),
            Change(
                Action.UPDATE,
                "service_webhooks",
                ("support",),
                "support",
                0,
                sid="IS" + "e" * 32,
                parent_key="support",
                diffs=[FieldDiff("method", "GET", "POST")],
            ),
        ],
        fingerprint=FINGERPRINT,
    )


def test_every_deletion_names_the_sid_it_deletes() -> None:
    plan = deleting()
    text = render_text(plan)
    assert f"- credential android (CR{'b' * 32}) will be deleted" in text
    assert f"# a newer twin of CR{'a' * 32}" in text  # and the one it keeps
    assert f"-/+ role support/agent (RL{'c' * 32}) must be replaced" in text
    legacy = f"- service Legacy (IS{'d' * 32}) will be deleted"  # not twice
    assert legacy in text
    assert "~ service_webhooks support will be updated in place" in text  # deletes nothing
    markdown = render_markdown(plan)
    assert (
        f"<code>-</code> credential <code>android</code> (<code>CR{'b' * 32}</code>) will be "
        "deleted"
    ) in markdown
    assert f"<code>support/agent</code> (<code>RL{'c' * 32}</code>) must be replaced" in markdown
    assert markdown.count("d" * 32) == 1
    assert "<code>support</code> will be updated in place" in markdown
    document = plan_document(plan)
    assert [change["sid"] for change in document["changes"]][:2] == [
        "CR" + "b" * 32,
        "RL" + "c" * 32,
    ]


def test_a_twin_delete_names_the_sid_it_deletes(run: Cli, engine: Engine) -> None:
    made = [
        engine.v1.credentials.create(type="fcm", friendly_name="android", secret="s" * 20)
        for _ in range(2)
    ]
    oldest, newer = sorted(made, key=lambda c: (c.date_created, c.sid))
    path = run.config(
        {
            "version": 1,
            "credentials": {"android": {"type": "fcm"}},
            "policy": {"prune": ["credentials"]},
        }
    )
    text = run("plan", path)
    assert text.exit_code == 0, text.output + text.stderr
    assert f"- credential android ({newer.sid}) will be deleted" in text.stdout
    assert f"# a newer twin of {oldest.sid}" in text.stdout
    markdown = run("plan", path, "--format", "markdown")
    assert f"(<code>{newer.sid}</code>) will be deleted" in markdown.stdout
    document = json.loads(run("plan", path, "--format", "json").stdout)
    [delete] = document["changes"]
    assert (delete["action"], delete["sid"]) == ("delete", newer.sid)
