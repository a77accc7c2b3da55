"""A real plan (against the emulator) as GitHub annotations on the config lines it changes."""

from __future__ import annotations

from pathlib import Path

from twilio.rest import Client

from reconciler.config import load_config
from reconciler.findings.from_plan import plan_findings
from reconciler.live.api import LiveApi
from reconciler.output.findings.github import render_github, render_plan_github
from reconciler.plan import PlanOptions, plan_account
from reconciler.plan.model import Action, Change, FieldDiff, Guard, Plan
from tests.findings.test_formats import annotations
from tests.lint.conftest import Workspace

CONFIG = """
version: 1
services:
  support:
    friendly_name: Support
    webhooks:
      method: POST
      post_webhook_url: https://hooks.example.com/support
      filters: [onMessageAdded]
"""


def test_every_change_is_a_notice_at_the_line_that_causes_it(
    workspace: Workspace, sdk_client: Client
) -> None:
    workspace.write({"c.yaml": CONFIG})
    api = LiveApi(sdk_client, concurrency=4)
    plan, _ = plan_account(load_config(["c.yaml"], environ={}), api, PlanOptions())
    found = annotations(render_github(plan_findings(plan, load_config(["c.yaml"], environ={}))))
    assert found, "a fresh emulator has no Support service: the plan creates it"
    assert {a["command"] for a in found} == {"notice"}
    created = [a for a in found if a["message"].startswith("+ service ")]
    assert created and created[0]["file"] == "c.yaml" and created[0]["line"] == "3"

    # the live service now exists with another URL: the update is annotated on the URL's line
    sid = sdk_client.conversations.v1.services.create(friendly_name="Support").sid
    sdk_client.conversations.v1.services(sid).configuration.webhooks().update(
        post_webhook_url="https://old.example.com/hook", method="POST", filters=["onMessageAdded"]
    )
    loaded = load_config(["c.yaml"], environ={})
    plan, _ = plan_account(loaded, api, PlanOptions())
    (update,) = annotations(render_github(plan_findings(plan, loaded)))
    assert (update["file"], update["line"]) == ("c.yaml", "7")
    assert workspace.line_of("c.yaml", 7).strip().startswith("post_webhook_url:")
    assert update["message"] == (
        "~ service_webhooks support will be updated in place: post_webhook_url"
    )
    assert "old.example.com" not in update["message"], "values are never shown"

    # plan --format github: the plan as text for the log, then the annotations
    output = render_plan_github(plan, loaded, root="")
    text, commands = output.split("::notice", 1)
    assert "~ service_webhooks support will be updated in place" in text
    assert '"https://old.example.com/hook" -> "https://hooks.example.com/support"' in text
    assert text.rstrip().endswith("0 to delete.")
    assert annotations("::notice" + commands) == [update]


def test_deletes_have_no_line_and_guards_are_warnings(workspace: Workspace) -> None:
    workspace.write({"c.yaml": CONFIG})
    loaded = load_config(["c.yaml"], environ={})
    plan = Plan(
        changes=[
            Change(Action.DELETE, "credential", ("old-android",), "old-android", 1),
            Change(
                Action.UPDATE,
                "service_webhooks",
                ("support",),
                "support",
                2,
                source=("services", "support", "webhooks"),
                diffs=[FieldDiff("method", "GET", "POST"), FieldDiff("filters", [], ["x"])],
            ),
        ],
        fingerprint="f",
        guards=[
            Guard("delete service legacy destroys every conversation in it", "--allow-destroy")
        ],
    )
    findings = plan_findings(plan, loaded)
    assert [(f.severity, f.file, f.line) for f in findings] == [
        ("notice", None, None),
        ("notice", "c.yaml", 6),  # the first changed field: method
        ("warning", None, None),
    ]
    assert findings[1].message.endswith("updated in place: method, filters")
    assert findings[2].message.endswith("(apply needs --allow-destroy)")


def test_a_sensitive_field_is_named_never_shown(workspace: Workspace) -> None:
    workspace.write({"c.yaml": "version: 1\ncredentials:\n  ios: {type: apn}\n"})
    loaded = load_config(["c.yaml"], environ={})
    change = Change(
        Action.UPDATE,
        "credential",
        ("ios",),
        "ios",
        1,
        source=("credentials", "ios"),
        diffs=[FieldDiff("certificate", None, "-----BEGIN SECRET-----", sensitive=True)],
    )
    (finding,) = plan_findings(Plan([change], "f"), loaded)
    assert "BEGIN SECRET" not in finding.message and "certificate" in finding.message
    assert Path(finding.file or "").name == "c.yaml"


NESTED = """
version: 1
services:
  support:
    friendly_name: Support
    notifications:
      new_message:
        enabled: true
        template: "New message"
address_configurations:
  - type: sms
    address: "+15017122661"
    auto_creation:
      enabled: true
      type: webhook
      webhook_url: https://hooks.example.com/inbound
      webhook_method: POST
"""


def test_a_nested_fields_change_is_annotated_on_the_fields_own_line(
    workspace: Workspace, sdk_client: Client
) -> None:
    workspace.write({"c.yaml": NESTED})
    v1 = sdk_client.conversations.v1
    sid = v1.services.create(friendly_name="Support").sid
    v1.services(sid).configuration.notifications().update(
        new_message_enabled=True, new_message_template="Old template"
    )
    v1.address_configurations.create(
        type="sms",
        address="+15017122661",
        auto_creation_enabled=True,
        auto_creation_type="webhook",
        auto_creation_webhook_url="https://old.example.com/inbound",
        auto_creation_webhook_method="POST",
    )
    loaded = load_config(["c.yaml"], environ={})
    plan, _ = plan_account(loaded, LiveApi(sdk_client, concurrency=4), PlanOptions())

    found = annotations(render_plan_github(plan, loaded, root=""))
    changes = [a for a in found if "plan-change" in a.get("title", "")]
    by_message = {a["message"]: (a["command"], a["file"], a["line"]) for a in changes}
    template = "~ service_notifications support will be updated in place: new_message.template"
    url = "will be updated in place: auto_creation.webhook_url"
    (address,) = [message for message in by_message if message.endswith(url)]
    assert by_message[template] == ("notice", "c.yaml", "8")
    assert by_message[address] == ("notice", "c.yaml", "15")
    assert workspace.line_of("c.yaml", 8).strip().startswith("template:")
    assert workspace.line_of("c.yaml", 15).strip().startswith("webhook_url:")
    assert len(changes) == 2, found
