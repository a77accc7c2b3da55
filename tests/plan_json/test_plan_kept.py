"""What a plan keeps, as every renderer shows it.

The `kept` list is filled by the planner (prune leaves resources of types this version does not
know, and the account's default service); here plans are built directly, so the rendering, the
JSON schema and the plan file are pinned on their own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.config import load_config
from reconciler.config.models import Config
from reconciler.output.plan import render_json, render_markdown, render_text
from reconciler.plan.diff import PlanOptions
from reconciler.plan.model import Kept, Origin, Plan
from reconciler.plan.planfile import (
    StalePlanError,
    check_unchanged,
    plan_from_document,
    read_plan,
    save_plan,
)
from tests.plan_json.checks import assert_valid

TELEGRAM = Kept(
    kind="address_configuration",
    key="telegram:@support_bot",
    sid="IG" + "4" * 32,
    reason="type telegram is not one this version knows; prune leaves it",
)
DEFAULT = Kept(
    kind="service",
    key="Default Conversations Service (IS" + "1" * 32 + ")",
    sid="IS" + "1" * 32,
    reason="the account's default service is never pruned",
)
FINGERPRINT = "f" * 64
ACCOUNT = "AC" + "0" * 31 + "1"


def kept_only() -> Plan:
    return Plan(changes=[], fingerprint=FINGERPRINT, kept=[TELEGRAM, DEFAULT])


def test_a_plan_that_only_keeps_has_no_changes_and_lists_what_it_keeps() -> None:
    plan = kept_only()
    assert plan.empty  # so `plan --detailed-exitcode` exits 0 and apply has nothing to do
    text = render_text(plan)
    assert text.splitlines() == [
        f"Kept: address_configuration telegram:@support_bot ({TELEGRAM.sid}): {TELEGRAM.reason}",
        f"Kept: service {DEFAULT.key}: {DEFAULT.reason}",  # the key shows the SID already
        "No changes. The account matches the configuration.",
    ]
    markdown = render_markdown(plan)
    assert "**No changes.**" in markdown
    assert (
        "> :lock: kept address_configuration <code>telegram&#58;&#64;support&#95;bot</code> "
        f"(<code>{TELEGRAM.sid}</code>): type telegram is not one this version knows; prune "
        "leaves it"
    ) in markdown
    document = json.loads(render_json(plan))
    assert_valid(document)
    assert document["summary"] == dict.fromkeys(("create", "update", "replace", "delete"), 0)
    assert document["kept"] == [
        {"kind": k.kind, "key": k.key, "sid": k.sid, "service": k.service, "reason": k.reason}
        for k in plan.kept
    ]
    assert plan_from_document(document).kept == plan.kept


def test_kept_lines_are_escaped_as_every_other_value() -> None:
    hostile = Kept(
        kind="address_configuration",
        key="tele\x1b[2Jgram:</code><img src=x>",
        sid=None,
        reason="@team \x1b]8;;https://evil.example\x07click",
    )
    plan = Plan(changes=[], fingerprint=FINGERPRINT, kept=[hostile])
    text = render_text(plan)
    assert "\x1b" not in text and "\\x1b[2J" in text and "(None)" not in text
    markdown = render_markdown(plan)
    assert "<img" not in markdown and "@team" not in markdown and "\x1b" not in markdown


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, Config]:
    config_path = tmp_path / "conversations.yaml"
    config_path.write_text("version: 1\n", encoding="utf-8")
    config = load_config([config_path], environ={}).config
    planfile = tmp_path / "kept.plan"
    save_plan(planfile, kept_only(), config, [str(config_path)], PlanOptions(), Origin(ACCOUNT))
    return planfile, config


def test_the_plan_file_keeps_the_kept_list_and_apply_compares_it(
    saved: tuple[Path, Config],
) -> None:
    planfile, config = saved
    reread = read_plan(planfile)
    assert reread.plan().kept == kept_only().kept
    assert reread.origin == Origin(ACCOUNT, None)
    assert reread.document["plan"]["kept"][0]["key"] == TELEGRAM.key
    check_unchanged(reread, config, kept_only())
    keeps_less = Plan(changes=[], fingerprint=FINGERPRINT, kept=[DEFAULT])
    with pytest.raises(StalePlanError, match=r"plan\.kept\[0\]\.kind"):
        check_unchanged(reread, config, keeps_less)
