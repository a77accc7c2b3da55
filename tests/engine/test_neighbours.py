"""References into other Twilio products, checked at plan time; what a service deletion destroys.

Through the real SDK against the emulator, which serves Messaging Services, Studio Flows and
IncomingPhoneNumbers beside Conversations at one URL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from reconciler.emulator.server import EmulatorServer
from reconciler.kinds.neighbours import (
    CONVERSATION_COUNT_BOUND,
    NUMBER_LOOKUP_PAGE_SIZE,
    NUMBERS_FILTERED_UP_TO,
    NUMBERS_PAGE_SIZE,
)
from tests.engine.conftest import Cli, Engine, one_line_error
from tests.relay import Relay, relaying

NUMBER = "+15017122661"
FLOW_DEFINITION = {
    "description": "inbound",
    "states": [{"name": "Trigger", "type": "trigger", "transitions": [], "properties": {}}],
    "initial_state": "Trigger",
    "flags": {"allow_concurrent_calls": True},
}


def pointing(messaging: str, flow: str, address: str = NUMBER) -> dict[str, Any]:
    return {
        "version": 1,
        "account": {"configuration": {"default_messaging_service_sid": messaging}},
        "address_configurations": [
            {
                "type": "sms",
                "address": address,
                "auto_creation": {"enabled": True, "type": "studio", "studio_flow_sid": flow},
            }
        ],
    }


def neighbours(engine: Engine, status: str = "published") -> tuple[str, str]:
    client = engine.client
    service = client.messaging.v1.services.create(friendly_name="Support sender")
    flow = client.studio.v2.flows.create(
        friendly_name="Inbound", status=status, definition=FLOW_DEFINITION
    )
    client.api.v2010.account.incoming_phone_numbers.create(phone_number=NUMBER)
    return str(service.sid), str(flow.sid)


def test_a_missing_messaging_service_or_flow_is_refused_at_its_line(
    run: Cli, engine: Engine
) -> None:
    messaging, flow = "MG" + "0" * 31 + "9", "FW" + "0" * 31 + "9"
    path = run.config(pointing(messaging, flow))
    message = one_line_error(run("plan", path))
    lines = Path(path).read_text("utf-8").splitlines()
    mg_line = next(i for i, line in enumerate(lines, 1) if "default_messaging_service" in line)
    fw_line = next(i for i, line in enumerate(lines, 1) if "studio_flow_sid" in line)
    mg_key = "account.configuration.default_messaging_service_sid"
    fw_key = "address_configurations[0].auto_creation.studio_flow_sid"
    assert f"{path}:{mg_line}: {mg_key}: {messaging} is not a Messaging Service" in message
    assert f"{path}:{fw_line}: {fw_key}: {flow} is not a Studio Flow" in message
    assert engine.emulator.stats()["by_method"].get("POST", 0) == 0


def test_existing_neighbours_plan_and_an_unpublished_flow_or_foreign_number_is_warned(
    run: Cli, engine: Engine
) -> None:
    messaging, flow = neighbours(engine, status="draft")
    path = run.config(pointing(messaging, flow, address="+15017122699"))
    planned = run("plan", path, "--format", "json")
    assert planned.exit_code == 0, planned.stderr
    notes = json.loads(planned.stdout)["checks"]
    assert any(f"Studio Flow {flow} is not published (status 'draft')" in note for note in notes)
    assert any("address +15017122699 is not a phone number of this account" in n for n in notes)

    engine.client.studio.v2.flows(flow).update(status="published", definition=FLOW_DEFINITION)
    clean = run("plan", run.config(pointing(messaging, flow)), "--format", "json")
    assert not any("is not" in note for note in json.loads(clean.stdout)["checks"])


def test_an_unchanged_missing_neighbour_is_warned_not_refused(run: Cli, engine: Engine) -> None:
    """Twilio keeps a deleted Messaging Service's SID: refusing it breaks an exported config."""
    messaging, flow = neighbours(engine)
    path = run.config(pointing(messaging, flow))
    assert run("apply", path, "--auto-approve").exit_code == 0
    engine.client.messaging.v1.services(messaging).delete()
    planned = run("plan", path, "--detailed-exitcode", "--format", "json")
    assert planned.exit_code == 0, planned.stderr
    (note,) = [n for n in json.loads(planned.stdout)["checks"] if messaging in n]
    assert "the account already holds it unchanged" in note


@pytest.mark.parametrize(("held", "shown"), [(3, "3 conversations"), (0, "0 conversations")])
def test_a_service_deletion_says_how_many_conversations_it_destroys(
    run: Cli, engine: Engine, held: int, shown: str
) -> None:
    engine.converge({"version": 1, "services": {"doomed": {}}})
    sid = engine.service_sid("doomed")
    for number in range(held):
        engine.v1.services(sid).conversations.create(friendly_name=f"c{number}")
    path = run.config({"version": 1, "policy": {"prune": ["services"]}})
    text = run("plan", path).stdout
    assert f"holds {shown}, which the delete destroys" in text
    document = json.loads(run("plan", path, "--format", "json").stdout)
    (change,) = [c for c in document["changes"] if c["kind"] == "service"]
    assert f"holds {shown}, which the delete destroys" in change["reasons"]
    assert change["conversations"] == {"count": held, "exact": True}
    assert f"holds {shown}" in run("plan", path, "--format", "markdown").stdout
    refused = one_line_error(run("apply", path, "--auto-approve"))
    assert f"destroys every conversation in it ({shown})" in refused


def test_a_count_past_the_bound_is_at_least_the_bound_in_one_request(tmp_path: Path) -> None:
    with EmulatorServer(aps_limit=0) as emulator:  # 101 conversations without waiting 4 s
        engine = Engine(emulator, tmp_path / "config")
        try:
            _count_past_the_bound(Cli(emulator, tmp_path / "cli"), engine)
        finally:
            engine.close()


def _count_past_the_bound(run: Cli, engine: Engine) -> None:
    engine.converge({"version": 1, "services": {"busy": {}}})
    sid = engine.service_sid("busy")
    for number in range(CONVERSATION_COUNT_BOUND + 1):
        engine.v1.services(sid).conversations.create(friendly_name=f"c{number}")
    engine.emulator.reset_stats()
    config = run.config({"version": 1, "policy": {"prune": ["services"]}})
    text = run("plan", config).stdout
    assert f"holds at least {CONVERSATION_COUNT_BOUND} conversations" in text
    # One page read for the service, however many it holds.
    assert engine.emulator.stats()["by_route"]["GET /v1/Services/{Sid}/Conversations"] == 1
    document = json.loads(run("plan", config, "--format", "json").stdout)
    (change,) = [c for c in document["changes"] if c["kind"] == "service"]
    assert change["conversations"] == {"count": CONVERSATION_COUNT_BOUND, "exact": False}


def _numbers_read(run: Cli, engine: Engine, addresses: list[str]) -> list[str]:
    """The IncomingPhoneNumbers requests of one plan naming these SMS addresses."""
    seen: list[str] = []
    config = {
        "version": 1,
        "address_configurations": [{"type": "sms", "address": a} for a in addresses],
    }
    with relaying(Relay, engine.emulator.url, seen) as url:
        planned = run("plan", run.config(config), "--endpoint", url, endpoint=False)
    assert planned.exit_code == 0, planned.output
    return [unquote(line.split(" ", 1)[1]) for line in seen if "/IncomingPhoneNumbers" in line]


def test_sms_addresses_are_looked_up_by_number_not_by_listing_the_account(
    run: Cli, engine: Engine
) -> None:
    """The cost follows the configuration: one filtered read per SMS address (up to a few of
    them), whatever the account holds; many addresses read the whole list instead."""
    numbers = engine.client.api.v2010.account.incoming_phone_numbers
    owned = [f"+1501712{index:04d}" for index in range(NUMBERS_FILTERED_UP_TO + 1)]
    for number in owned:
        numbers.create(phone_number=number)

    reads = _numbers_read(run, engine, [owned[0], "+15017129999"])
    assert sorted(reads) == sorted(
        f"/2010-04-01/Accounts/{engine.emulator.account_sid}/IncomingPhoneNumbers.json"
        f"?PhoneNumber={number}&PageSize={NUMBER_LOOKUP_PAGE_SIZE}"
        for number in (owned[0], "+15017129999")
    )
    shown = run(
        "plan",
        run.config(
            {
                "version": 1,
                "address_configurations": [
                    {"type": "sms", "address": owned[0]},
                    {"type": "sms", "address": "+15017129999"},
                ],
            }
        ),
        "--format",
        "json",
    )
    notes = json.loads(shown.stdout)["checks"]
    assert [note for note in notes if "is not a phone number" in note] == [
        "address_configurations[1].address +15017129999 is not a phone number of this account "
        "(IncomingPhoneNumbers): Twilio will not route its messages here"
    ]

    many = _numbers_read(run, engine, owned)
    assert many == [
        f"/2010-04-01/Accounts/{engine.emulator.account_sid}/IncomingPhoneNumbers.json"
        f"?PageSize={NUMBERS_PAGE_SIZE}"
    ]


def test_github_format_annotates_the_checks_and_what_prune_keeps(run: Cli, engine: Engine) -> None:
    messaging, flow = neighbours(engine, status="draft")
    engine.converge({"version": 1, "services": {"spare": {}}})
    config = {**pointing(messaging, flow), "policy": {"prune": ["services"]}}
    path = run.config(config)
    shown = run("plan", path, "--format", "github").stdout
    lines = Path(path).read_text("utf-8").splitlines()
    fw_line = next(i for i, line in enumerate(lines, 1) if "studio_flow_sid" in line)
    annotations = [line for line in shown.splitlines() if line.startswith("::")]
    (flow_check,) = [line for line in annotations if "is not published" in line]
    # On the line of the value it is about, so the pull request shows it there.
    assert flow_check.startswith(f"::warning file={path},line={fw_line},")
    assert "title=reconciler%3A Other product (plan-check)::" in flow_check
    assert f"Studio Flow {flow} is not published" in flow_check
    assert "::notice title=reconciler%3A Kept by prune (plan-kept)::kept service" in shown
