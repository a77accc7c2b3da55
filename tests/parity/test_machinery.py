"""The parts of the parity suite on their own: who may be targeted, cleanup by prefix after an
interrupted run, the transformers, the comparison rules and declared differences."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.live.connection import ConnectionSettings, build_client
from reconciler.parity import runner, session, snapshots
from reconciler.parity.__main__ import main
from reconciler.parity.compare import ParityFailure, compare_answer, judge
from reconciler.parity.scenarios import SCENARIOS, Difference, Scenario
from reconciler.parity.session import IAM_KEYS, MESSAGING_SERVICES, STUDIO_FLOWS, Session
from reconciler.parity.target import OPT_IN, Target, TargetRefused, open_target, resolve
from reconciler.parity.transform import Transformer
from reconciler.testing import EmulatorContext, close_client, emulator
from tests.conftest import client_for
from tests.parity.proxy import AlteringProxy

REAL = "AC" + "1" * 32
OTHER = "AC" + "2" * 32
WORKFLOW = snapshots.spec.REPO / "examples" / "ci" / "_github" / "workflows" / "parity.yml.example"


# --- targets: Twilio only when the opt-in names the credentials' account ----------------------


def test_twilio_needs_the_opt_in_naming_the_same_account() -> None:
    credentials = {"TWILIO_ACCOUNT_SID": REAL, "TWILIO_AUTH_TOKEN": "live-token-123"}
    with pytest.raises(TargetRefused, match="RECONCILER_PARITY_ACCOUNT="):
        resolve("twilio", environ=credentials)
    with pytest.raises(TargetRefused, match="does not name"):
        resolve("twilio", environ={**credentials, "RECONCILER_PARITY_ACCOUNT": OTHER})
    with pytest.raises(TargetRefused, match="TWILIO_ACCOUNT_SID"):
        resolve("twilio", environ={"RECONCILER_PARITY_ACCOUNT": REAL})
    with pytest.raises(TargetRefused, match="RECONCILER_ENDPOINT"):
        resolve(
            "twilio",
            environ={
                **credentials,
                "RECONCILER_PARITY_ACCOUNT": REAL,
                "RECONCILER_ENDPOINT": "http://127.0.0.1:4010",
            },
        )
    target = resolve("twilio", environ={**credentials, "RECONCILER_PARITY_ACCOUNT": REAL})
    assert target is not None and target.kind == "twilio" and target.endpoint is None
    assert target.secrets == ("live-token-123",)


def test_an_endpoint_off_this_machine_needs_the_opt_in_too() -> None:
    credentials = {"TWILIO_ACCOUNT_SID": REAL, "TWILIO_AUTH_TOKEN": "live-token-123"}
    with pytest.raises(TargetRefused, match="RECONCILER_PARITY_ACCOUNT"):
        resolve("endpoint", "https://proxy.example.com", credentials)
    local = resolve("endpoint", "http://127.0.0.1:4010/", {})
    assert local is not None and local.settings.account_sid == defaults.ACCOUNT_SID


def test_a_loopback_endpoint_with_credentials_from_the_environment_needs_the_opt_in() -> None:
    """A loopback URL may be an SSH tunnel to Twilio: real credentials make it live."""
    credentials = {"TWILIO_ACCOUNT_SID": REAL, "TWILIO_AUTH_TOKEN": "live-token-123"}
    for url in ("http://127.0.0.1:4010", "http://localhost:4010"):
        with pytest.raises(TargetRefused, match=f"RECONCILER_PARITY_ACCOUNT={REAL}"):
            resolve("endpoint", url, credentials)
    key = {
        "TWILIO_ACCOUNT_SID": REAL,
        "TWILIO_API_KEY": "SK" + "3" * 32,
        "TWILIO_API_SECRET": "x" * 8,
    }
    with pytest.raises(TargetRefused, match="RECONCILER_PARITY_ACCOUNT"):
        resolve("endpoint", "http://127.0.0.1:4010", key)
    tunnel = resolve("endpoint", "http://127.0.0.1:4010", {**credentials, OPT_IN: REAL})
    assert tunnel is not None and tunnel.live
    # the emulator's own defaults, exported as `emulator serve` prints them: an emulator
    exported = {
        "TWILIO_ACCOUNT_SID": defaults.ACCOUNT_SID,
        "TWILIO_API_KEY": defaults.API_KEY_SID,
        "TWILIO_API_SECRET": defaults.API_KEY_SECRET,
    }
    emulated = resolve("endpoint", "http://127.0.0.1:4010", exported)
    assert emulated is not None and not emulated.live


def _key_of_a_subaccount(running: EmulatorContext) -> tuple[str, str, str]:
    """(subaccount SID, API key SID, its secret): a key of another account than the main one,
    made with the main account's credentials (IAM `/v1/Keys`, docs/emulator.md)."""
    sub = running.client.api.v2010.accounts.create(friendly_name="another team").sid
    made = requests.post(
        f"{running.url}/iam.twilio.com/v1/Keys",
        {"AccountSid": sub, "FriendlyName": "theirs"},
        auth=(running.account_sid, running.auth_token),
        timeout=10,
    )
    assert made.status_code == 201, made.text
    return sub, made.json()["sid"], made.json()["secret"]


def test_an_api_key_of_another_account_is_refused_before_anything_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """TWILIO_ACCOUNT_SID and the opt-in name the main account; the key is a subaccount's, so
    the run would reach the subaccount: refused, naming both, before the start-of-run sweep
    (an old run's leftover in the subaccount is still there)."""
    running = emulator()
    with running:
        sub, key, secret = _key_of_a_subaccount(running)
        settings = ConnectionSettings(account_sid=sub, username=key, password=secret)
        theirs = build_client(settings, running.url)
        old = session.new_run_prefix(time.time() - 2 * session.STALE_AFTER_SECONDS)
        theirs.conversations.v1.services.create(friendly_name=f"{old}svc")
        for name, value in {
            "TWILIO_ACCOUNT_SID": running.account_sid,
            "TWILIO_API_KEY": key,
            "TWILIO_API_SECRET": secret,
            OPT_IN: running.account_sid,
        }.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
        command = ["record", "--target", "endpoint", "--endpoint", running.url]
        assert main([*command, "--snapshots", str(tmp_path)]) == 1
        error = capsys.readouterr().err
        assert f"reach account {sub}, not {running.account_sid}" in error
        assert error.count("\n") == 1 and "Traceback" not in error
        assert list(tmp_path.iterdir()) == []
        left = [item.friendly_name for item in theirs.conversations.v1.services.list()]
        close_client(theirs)
        assert f"{old}svc" in left
        # The main account's own key, with the same opt-in, reaches the account it names.
        monkeypatch.setenv("TWILIO_API_KEY", running.server.api_key_sid)
        monkeypatch.setenv("TWILIO_API_SECRET", running.server.api_key_secret)
        with open_target("endpoint", running.url) as (target, _):
            assert (
                target.settings.account_sid == running.account_sid
            )  # the defaults: no opt-in needed


def test_the_command_refuses_twilio_without_the_opt_in(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", REAL)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "live-token-123")
    monkeypatch.delenv("RECONCILER_PARITY_ACCOUNT", raising=False)
    monkeypatch.delenv("RECONCILER_ENDPOINT", raising=False)
    assert main(["record", "--target", "twilio", "--snapshots", str(tmp_path)]) == 1
    assert "RECONCILER_PARITY_ACCOUNT" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# --- charges: what a scenario buys on a live account runs only with the user's consent ---------


def _live(kind: str = "twilio", live: bool = True) -> Target:
    settings = ConnectionSettings(account_sid=REAL, username=REAL, password="live-token-123")
    return Target(kind, settings, None, ("live-token-123",), live)


def test_a_scenario_that_buys_a_number_runs_live_only_with_consent() -> None:
    every = runner.selected(None)
    buying = [scenario.name for scenario in every if scenario.charge is not None]
    assert buying == ["phone_number_purchase"]

    chosen, left_out = runner.consented(_live(), every, named=False, environ={})
    assert "phone_number_purchase" not in [scenario.name for scenario in chosen]
    assert "incoming_phone_numbers" in [scenario.name for scenario in chosen]  # reads only
    assert len(chosen) == len(every) - 1
    assert left_out == [
        f"phone_number_purchase buys a phone number (its first month is charged) on account "
        f"{REAL}: set RECONCILER_PARITY_NUMBER to consent (not run)"
    ]
    # An empty variable (an unset GitHub Actions variable) is no consent either.
    empty = {"RECONCILER_PARITY_NUMBER": ""}
    assert runner.consented(_live(), every, named=False, environ=empty)[1] == left_out
    with pytest.raises(TargetRefused, match="RECONCILER_PARITY_NUMBER"):
        runner.consented(_live(), runner.selected(["phone_number_purchase"]), True, {})

    consent = {"RECONCILER_PARITY_NUMBER": "+15017122661"}
    assert runner.consented(_live(), every, named=False, environ=consent) == (every, [])
    # Against an emulator, nothing is charged: every scenario runs.
    assert runner.consented(_live("emulator", live=False), every, False, {}) == (every, [])


@pytest.mark.parametrize("live", [True, False])
def test_the_phone_number_reads_use_the_number_the_account_owns(
    live: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's reads of IncomingPhoneNumbers, recorded without buying anything on a live
    target: the number the account owns (RECONCILER_PARITY_ADDRESS) is listed by the filter and
    in the plan's page. Against an emulator that is not live, the scenario buys it quietly
    first and releases it after."""
    owned = "+15005550009"
    monkeypatch.setenv("RECONCILER_PARITY_ADDRESS", owned)
    running = emulator()
    with running as client:
        numbers = client.api.v2010.account.incoming_phone_numbers
        if live:
            numbers.create(phone_number=owned, friendly_name="our line")
        numbers.create(phone_number="+15005550001", friendly_name="another line")
        settings = ConnectionSettings(
            account_sid=running.account_sid,
            username=running.account_sid,
            password=running.auth_token,
        )
        target = Target("endpoint", settings, running.url, (running.auth_token,), live)
        scenario = runner.selected(["incoming_phone_numbers"])
        [played] = list(runner.play(target, client, scenario))
        left = sorted(item.friendly_name for item in numbers.list())
    assert {answer.method for answer in played.answers} == {"GET"}
    listed = [answer.body["incoming_phone_numbers"] for answer in played.answers]
    assert [[item["phone_number"] for item in page] for page in listed] == [[owned]] * 3
    assert left == (["another line", "our line"] if live else ["another line"])


def test_an_endpoint_off_this_machine_counts_as_live() -> None:
    opted_in = {
        "TWILIO_ACCOUNT_SID": REAL,
        "TWILIO_AUTH_TOKEN": "live-token-123",
        "RECONCILER_PARITY_ACCOUNT": REAL,
    }
    remote = resolve("endpoint", "https://proxy.example.com", opted_in)
    local = resolve("endpoint", "http://127.0.0.1:4010/", {})
    twilio = resolve("twilio", environ=opted_in)
    assert remote is not None and remote.live
    assert twilio is not None and twilio.live
    assert local is not None and not local.live


def test_usage_errors_exit_1_not_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", "--target", "nowhere"])
    assert exited.value.code == 1
    assert "see python -m reconciler.parity check --help" in capsys.readouterr().err


# --- cleanup: what a run (or an interrupted one) created, and nothing else ---------------------


def test_cleanup_removes_parity_leftovers_and_an_interrupted_scenarios_own_only() -> None:
    running = emulator()
    with running as client:
        api = client.conversations.v1
        killed = session.new_run_prefix(time.time() - 3 * 60 * 60)
        api.services.create(friendly_name=f"{killed}svc")  # what a run killed hours ago left
        api.services.create(friendly_name="parity-0badc0de-svc")  # not a run's shape
        api.services.create(friendly_name="customer support")
        api.services.create(friendly_name="parity-notes")  # parity-ish, but no run's name
        api.credentials.create(type="fcm", friendly_name="parity", secret="s3cret-value")

        client.messaging.v1.services.create(friendly_name="customer sender")
        numbers = client.api.v2010.account.incoming_phone_numbers
        numbers.create(phone_number="+15005550001", friendly_name="customer line")
        keys = f"{running.url}{IAM_KEYS}"
        auth = (running.account_sid, running.auth_token)
        mine = {"AccountSid": running.account_sid}
        requests.post(keys, {**mine, "FriendlyName": "customer key"}, auth=auth, timeout=10)

        def interrupted(session: Session) -> None:
            made = session.call(
                "create", "POST", "/v1/Services", {"FriendlyName": session.name("a")}
            )
            conversations = f"/v1/Services/{made.field('sid')}/Conversations"
            session.quiet("POST", conversations, {"FriendlyName": session.name("c")})
            session.quiet("POST", "/v1/Conversations", {"FriendlyName": session.name("c")})
            role = {"FriendlyName": session.name("r"), "Type": "service", "Permission": "x"}
            session.quiet("POST", "/v1/Roles", {**role, "Permission": "createConversation"})
            session.quiet("POST", MESSAGING_SERVICES, {"FriendlyName": session.name("m")})
            flow = {"FriendlyName": session.name("f"), "Status": "draft", "Definition": "{}"}
            session.quiet("POST", STUDIO_FLOWS, flow)
            number = {"PhoneNumber": "+15005550002", "FriendlyName": session.name("n")}
            session.quiet(
                "POST",
                f"/2010-04-01/Accounts/{running.account_sid}/IncomingPhoneNumbers.json",
                number,
            )
            session.quiet("POST", IAM_KEYS, {**mine, "FriendlyName": session.name("k")})
            raise KeyboardInterrupt

        settings = ConnectionSettings(
            account_sid=running.account_sid,
            username=running.account_sid,
            password=running.auth_token,
        )
        target = Target("emulator", settings, running.url, (running.auth_token,))
        with pytest.raises(KeyboardInterrupt):
            list(runner.play(target, client, [Scenario("interrupted", interrupted, "")]))
        services = {item.friendly_name for item in api.services.list()}
        credentials = {item.friendly_name for item in api.credentials.list()}
        roles = {role.friendly_name for role in api.roles.list()}
        left = {
            "conversations": [item.friendly_name for item in api.conversations.list()],
            "messaging": [item.friendly_name for item in client.messaging.v1.services.list()],
            "flows": [item.friendly_name for item in client.studio.v2.flows.list()],
            "numbers": [item.friendly_name for item in numbers.list()],
            "keys": [
                item["friendly_name"]
                for item in requests.get(keys, mine, auth=auth, timeout=10).json()["keys"]
            ],
        }
    assert services == {
        "Default Conversations Service",
        "customer support",
        "parity-notes",
        "parity-0badc0de-svc",
    }
    assert credentials == {"parity"}
    assert not any(role.startswith("parity-") for role in roles)
    assert left == {
        "conversations": [],
        "messaging": ["customer sender"],
        "flows": [],
        "numbers": ["customer line"],
        "keys": ["customer key"],
    }


UNNAMED_CREATES = {("services", "refused: no friendly name")}
"""Creates sent without a run-prefixed name on purpose: the refusal is about the name itself."""


def test_every_create_a_scenario_sends_is_named_for_cleanup() -> None:
    """A create expected to be refused is named with the run's prefix all the same: if Twilio
    accepts it, cleanup (by name) still finds it."""
    unnamed = []
    for path in sorted(snapshots.SNAPSHOT_DIR.glob(f"*{snapshots.SUFFIX}")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for answer in document["answers"]:
            request = answer["request"]
            if request["method"] != "POST":
                continue
            op = snapshots.spec.operation_for("POST", request["path"])
            name = str(request["params"].get("FriendlyName", ""))
            if op.operation_id.startswith("Create") and not name.startswith("parity-<run>-"):
                unnamed.append((document["scenario"], answer["step"]))
    assert set(unnamed) == UNNAMED_CREATES


def test_the_start_of_run_sweep_leaves_a_run_in_progress_alone() -> None:
    """Two runs on one account: the second's start-of-run sweep removes what a run that started
    hours ago left, and nothing of a run that started minutes ago (a colleague's, in progress),
    of its own, or of names not of a run's shape."""
    now = time.time()
    names = {
        "fresh": session.new_run_prefix(now - 20 * 60) + "svc",
        "near the bound": session.new_run_prefix(now - session.STALE_AFTER_SECONDS + 60) + "svc",
        "ahead (another machine's clock)": session.new_run_prefix(now + 5 * 60) + "svc",
        "old": session.new_run_prefix(now - session.STALE_AFTER_SECONDS - 60) + "svc",
        "older": session.new_run_prefix(now - 30 * 24 * 60 * 60) + "svc",
        "an 8-hex id of another tool": "parity-0badc0de-svc",
        "a prefix with no dash": session.new_run_prefix(0).rstrip("-") + "svc",
    }
    running = emulator()
    with running as client:
        api = client.conversations.v1
        for name in names.values():
            api.services.create(friendly_name=name)
        settings = ConnectionSettings(
            account_sid=running.account_sid,
            username=running.account_sid,
            password=running.auth_token,
        )
        target = Target("emulator", settings, running.url, (running.auth_token,))
        removed: list[str] = []
        seen: list[set[str]] = []

        def look(s: Session) -> None:
            seen.append({item.friendly_name for item in api.services.list()})

        list(runner.play(target, client, [Scenario("look", look, "")], removed))
    gone = {"old", "older"}
    assert removed == [f"service {names[label]}" for label in ("old", "older")]
    assert seen == [
        {"Default Conversations Service"}
        | {name for label, name in names.items() if label not in gone}
    ]
    prefix = session.new_run_prefix(now - 10 * session.STALE_AFTER_SECONDS)
    assert not session.leftovers(prefix, now)(prefix + "svc")  # never the current run's own
    assert session.leftovers(session.new_run_prefix(now), now)(prefix + "svc")
    assert session.RUN_PREFIX.match(session.new_run_prefix())


# --- refusals that cut a scenario short: evidence kept, the run goes on -------------------------


def _refuse_subaccounts_and_flows(
    method: str, path: str, status: int, body: Any
) -> tuple[int, Any]:
    """A Standard API key's answer to creating a subaccount, and a refused Studio Flow."""
    if method == "POST" and path.split("?")[0] in (
        "/2010-04-01/Accounts.json",
        f"{STUDIO_FLOWS}",
    ):
        return 403, {
            "code": 20403,
            "message": "Standard API keys can't perform those actions",
            "more_info": "https://www.twilio.com/docs/errors/20403",
            "status": 403,
        }
    return status, body


def test_a_refused_step_cuts_its_scenario_short_and_the_recording_goes_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A refused step the rest depends on (a recorded call's SID, or a quiet setup's) keeps
    the answers up to it, marked cut short with why; the other scenarios are recorded; every
    scenario's cleanup still ran; the command says which were cut short, and exits 0."""
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", OPT_IN):
        monkeypatch.delenv(name, raising=False)
    with EmulatorServer(port=0) as upstream:
        proxy = AlteringProxy(upstream.url, _refuse_subaccounts_and_flows)
        names = ("accounts", "studio_flows", "services")
        command = ["record", "--target", "endpoint", "--endpoint", proxy.url]
        with proxy.running():
            for name in names:
                command += ["--scenario", name]
            assert main([*command, "--snapshots", str(tmp_path)]) == 0
        with client_for(upstream) as client:
            accounts = client.api.v2010.accounts.list()
            flows = client.studio.v2.flows.list()
    out, error = capsys.readouterr()
    assert "parity: 3 snapshot(s) written" in out
    lines = error.splitlines()
    assert lines == [
        "parity: accounts cut short at step 'create a subaccount': the answer (403, code "
        "20403: Standard API keys can't perform those actions) has no 'sid' to continue with "
        "(its snapshot holds the answers up to that step)",
        "parity: studio_flows cut short at step 'setup: create the Studio Flow': the answer "
        "(403, code 20403: Standard API keys can't perform those actions) refused (its "
        "snapshot holds the answers up to that step)",
    ]
    recorded = {name: snapshots.read(tmp_path, name) for name in names}
    assert [answer["step"] for answer in recorded["accounts"]["answers"]] == [
        "fetch own account",
        "create a subaccount",
    ]
    assert recorded["accounts"]["answers"][-1]["code"] == 20403
    assert recorded["accounts"]["cut_short"]["step"] == "create a subaccount"
    assert recorded["studio_flows"]["answers"] == []
    assert recorded["studio_flows"]["cut_short"]["step"] == "setup: create the Studio Flow"
    assert "cut_short" not in recorded["services"]
    # what the refused calls made upstream anyway was swept by the scenarios' own cleanup
    assert [item.status for item in accounts if item.friendly_name.startswith("parity-")] == [
        "closed"
    ]
    assert flows == []
    # the check compares the answers a cut-short snapshot holds: the refusal is a difference
    with pytest.raises(
        ParityFailure, match=r"scenario accounts, step 'create a subaccount': \$\.status"
    ):
        runner.check("emulator", ["accounts"], tmp_path)


def _cut(document: dict[str, Any], step: str) -> dict[str, Any]:
    steps = [answer["step"] for answer in document["answers"]]
    held = document["answers"][: steps.index(step) + 1]
    return {**document, "answers": held, "cut_short": {"step": step, "reason": "refused"}}


def test_a_check_against_a_cut_short_snapshot_names_what_is_unrecorded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """What the snapshot holds is compared; the rest of the run is named as unrecorded, and a
    declared difference about a step past the cut is not held to be stale."""
    cuts = {
        "accounts": "create a subaccount",
        "address_configurations": "list sms addresses (own only)",
    }
    for name, step in cuts.items():
        document = _cut(snapshots.read(snapshots.SNAPSHOT_DIR, name), step)
        snapshots.write(tmp_path, document, ())
    command = ["check", "--snapshots", str(tmp_path)]
    assert main([*command, "--scenario", "accounts", "--scenario", "address_configurations"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "unrecorded: accounts: its snapshot was cut short at step 'create a subaccount' "
        "(refused); the emulator's 5 later answer(s), from step 'fetch the subaccount' on, "
        "are unrecorded and not compared",
        "unrecorded: address_configurations: its snapshot was cut short at step 'list sms "
        "addresses (own only)' (refused); the emulator's 8 later answer(s), from step "
        "'create' on, are unrecorded and not compared",
        "parity: 2 scenario(s) match their snapshots (2 up to a cut)",
    ]


def test_a_scenario_the_emulator_cuts_short_fails_the_check_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def broken(s: Session) -> None:
        s.call("fetch", "GET", f"/v1/Services/IS{'0' * 32}").field("sid")

    monkeypatch.setitem(SCENARIOS, "broken", Scenario("broken", broken, ""))
    snapshots.write(tmp_path, snapshots.document("broken", {"kind": "live"}, []), ())
    assert main(["check", "--snapshots", str(tmp_path), "--scenario", "broken"]) == 1
    error = capsys.readouterr().err
    assert error.splitlines() == [
        "parity: scenario broken: the emulator cut the run short at step 'fetch': the answer "
        "(404, code 20404: The requested resource /v1/Services/<IS:1> was not found) has no "
        "'sid' to continue with"
    ]


# --- transformers ------------------------------------------------------------------------------


def test_placeholders_keep_identity_within_a_scenario() -> None:
    service, other = "IS" + "a" * 32, "IS" + "b" * 32
    transformer = Transformer(
        bases=("http://127.0.0.1:999",), run_prefix="parity-12345678-", account_sid=REAL
    )
    transformer.add_secrets(["fcm-very-secret"])
    body = {
        "sid": other,
        "account_sid": REAL,
        "links": {"roles": f"http://127.0.0.1:999/v1/Services/{service}/Roles?PageToken=PTx&a=1"},
        "chat_service_sid": service,
        "again": other,
        "friendly_name": "parity-12345678-svc",
        "date_created": "2026-01-02T03:04:05Z",
        "date_updated": "Mon, 07 Dec 2026 04:25:05 +0000",
        "auth_token": "anything",
        "note": "key fcm-very-secret inside",
    }
    assert transformer.value(body) == {
        "sid": "<IS:1>",
        "account_sid": "<AC:1>",
        "links": {"roles": "<base>/v1/Services/<IS:2>/Roles?PageToken=<page-token>&a=1"},
        "chat_service_sid": "<IS:2>",
        "again": "<IS:1>",
        "friendly_name": "parity-<run>-svc",
        "date_created": "<date>",
        "date_updated": "<date:rfc2822>",
        "auth_token": "<secret>",
        "note": "key <secret> inside",
    }


def test_a_snapshot_with_a_secret_is_not_written(tmp_path: Path) -> None:
    document = snapshots.document("leaky", {"kind": "emulator"}, [{"body": "tok-123456"}])
    with pytest.raises(snapshots.SecretLeak) as leak:
        snapshots.write(tmp_path, document, {"tok-123456"})
    assert "tok-123456" not in str(leak.value)
    assert list(tmp_path.iterdir()) == []


# --- comparison rules --------------------------------------------------------------------------


def _answer(body: Any, source: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "step": "fetch",
        "request": {"method": "GET", "path": "/v1/Configuration", "params": {}},
        "status": 200,
        "code": None,
        "body": body,
        **extra,
    }
    if source:
        answer["source"] = source
    return answer


EXAMPLE = {"kind": "openapi-example", "spec": "conversations", "operation": "FetchConfiguration"}


def test_published_answers_compare_shape_and_recorded_ones_values() -> None:
    example = {
        "default_chat_service_sid": "<IS:1>",
        "default_inactive_timer": "PT1M",
        "url": "<base>/v1/Configuration",
    }
    ours = {
        "default_chat_service_sid": "<IS:4>",
        "default_inactive_timer": None,
        "url": "<base>/v1/Configuration",
    }
    assert compare_answer("s", _answer(example, EXAMPLE), _answer(ours)) == []  # nullable
    extra = compare_answer("s", _answer(example, EXAMPLE), _answer({**ours, "region": "us1"}))
    assert [(item.path, item.actual) for item in extra] == [("$.body.region", "us1")]
    renamed = {**ours, "default_chat_service_sid": "<MG:1>", "url": "<base>/v1/Config"}
    assert [
        item.path for item in compare_answer("s", _answer(example, EXAMPLE), _answer(renamed))
    ] == [
        "$.body.default_chat_service_sid",
        "$.body.url",
    ]
    typed = compare_answer("s", _answer({"a": "1"}, EXAMPLE), _answer({"a": 1}))
    assert [item.path for item in typed] == ["$.body.a"]
    exact = compare_answer("s", _answer(example), _answer(ours))
    assert [item.path for item in exact] == [
        "$.body.default_chat_service_sid",  # recorded: <IS:1> and <IS:4> are other SIDs
        "$.body.default_inactive_timer",
    ]


def test_declared_differences_are_accepted_and_stale_ones_fail() -> None:
    found = compare_answer("s", _answer({"a": 1}), _answer({"a": 2}))
    declared = (Difference("fetch", "$.body.a", "known", against=("emulator",)),)
    assert [item.declared for item in judge("s", "emulator", found, declared)] == list(declared)
    with pytest.raises(ParityFailure, match=r"scenario s, step 'fetch': \$\.body\.a"):
        judge("s", "published", found, declared)  # declared for another source
    with pytest.raises(ParityFailure, match="no longer occurs"):
        judge("s", "emulator", [], declared)


# --- the recording workflow ---------------------------------------------------------------------


def test_the_recording_workflow_runs_by_hand_or_weekly_with_the_opt_in() -> None:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = data[True]  # YAML 1.1 reads `on` as a boolean
    assert set(triggers) == {"workflow_dispatch", "schedule"}
    steps = data["jobs"]["record"]["steps"]
    record = next(step for step in steps if "record --target twilio" in step.get("run", ""))
    # exec: the signals of a cancelled job reach Python, whose cleanup then runs
    assert record["run"] == "exec python -m reconciler.parity record --target twilio"
    env = record["env"]
    assert env["RECONCILER_PARITY_ACCOUNT"] == "${{ vars.PARITY_ACCOUNT }}"
    assert env["TWILIO_ACCOUNT_SID"].startswith("${{ secrets.")
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload"))
    assert "tests/parity/snapshots/" in upload["with"]["path"]
    assert upload["if"] == "always()"  # a failed recording still uploads what it wrote
    assert all("secrets." not in json.dumps(step) for step in steps if step is not record)
    assert "parity.yml.example" in (snapshots.spec.REPO / "scripts" / "lint_actions.py").read_text()
