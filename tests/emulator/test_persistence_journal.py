"""The state file's journal: a write appends the records it changed (not the whole account),
starts replay it on the snapshot, compaction folds it in, and a crash at any point, mid-append
or mid-compaction, loses no acknowledged write."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from twilio.rest import Client

from reconciler.emulator import defaults, persistence
from reconciler.emulator.accounts import Directory
from reconciler.emulator.models import Account
from reconciler.emulator.persistence import StateFileError, StateStore, journal_path
from reconciler.emulator.server import EmulatorServer
from reconciler.live.connection import ConnectionSettings, build_client
from tests.conftest import close_client

AUTH = (defaults.ACCOUNT_SID, defaults.AUTH_TOKEN)


@contextmanager
def session(server: EmulatorServer) -> Iterator[Callable[..., Any]]:
    """`call(method, path, **form)` as the main account: asserts success, returns the JSON."""
    with requests.Session() as http:
        http.auth = AUTH

        def call(method: str, path: str, **form: Any) -> Any:
            response = http.request(method, server.url + path, data=form or None, timeout=10)
            assert response.status_code < 300, response.text
            return response.json() if response.content else None

        yield call


@contextmanager
def sdk(server: EmulatorServer, username: str, password: str) -> Iterator[Client]:
    settings = ConnectionSettings(account_sid=username, username=username, password=password)
    client = build_client(settings, server.url)
    client.api.base_url = server.url
    try:
        yield client
    finally:
        close_client(client)


def copy_files(state: Path, into: Path) -> Path:
    """The state file, its journal and any temporary file as they are on disk right now: what
    a kill -9 at this instant would leave."""
    into.mkdir()
    for path in state.parent.iterdir():
        if path.name.startswith((state.name, f".{state.name}.")):
            shutil.copy2(path, into / path.name)
    return into / state.name


def many_writes(server: EmulatorServer) -> None:
    """Every kind of write the emulator journals, on the main account and on a subaccount."""
    with session(server) as call:
        service = call("POST", "/v1/Services", FriendlyName="journaled")["sid"]
        doomed = call("POST", "/v1/Services", FriendlyName="doomed")["sid"]
        call(
            "POST",
            f"/v1/Services/{doomed}/Roles",
            FriendlyName="x",
            Type="service",
            Permission="joinConversation",
        )
        call(
            "POST", "/v1/Configuration", DefaultChatServiceSid=service, DefaultInactiveTimer="PT5M"
        )
        call("DELETE", f"/v1/Services/{doomed}")
        role = call(
            "POST",
            f"/v1/Services/{service}/Roles",
            FriendlyName="agent",
            Type="conversation",
            Permission=["sendMessage", "leaveConversation"],
        )["sid"]
        call("POST", f"/v1/Services/{service}/Roles/{role}", Permission="sendMessage")
        gone = call(
            "POST", "/v1/Roles", FriendlyName="gone", Type="service", Permission="joinConversation"
        )
        call("DELETE", f"/v1/Roles/{gone['sid']}")
        call("POST", f"/v1/Services/{service}/Configuration", DefaultConversationRoleSid=role)
        call(
            "POST",
            f"/v1/Services/{service}/Configuration/Notifications",
            **{"NewMessage.Enabled": "true"},
        )
        call(
            "POST",
            f"/v1/Services/{service}/Configuration/Webhooks",
            PreWebhookUrl="https://hooks.test/pre",
        )
        call("POST", "/v1/Configuration/Webhooks", Method="GET", Filters="onMessageAdded")
        address = call(
            "POST",
            "/v1/Configuration/Addresses",
            Type="sms",
            Address="+15005550006",
            **{"AutoCreation.Enabled": "true", "AutoCreation.Type": "default"},
        )["sid"]
        call("POST", f"/v1/Configuration/Addresses/{address}", FriendlyName="front desk")
        other = call("POST", "/v1/Configuration/Addresses", Type="sms", Address="+15005550007")
        call("DELETE", f"/v1/Configuration/Addresses/{other['sid']}")
        credential = call("POST", "/v1/Credentials", Type="fcm", Secret="s3cret")["sid"]
        call("POST", f"/v1/Credentials/{credential}", FriendlyName="push")
    with sdk(server, *AUTH) as parent:
        tenant = parent.api.v2010.accounts.create(friendly_name="tenant-a")
        parent.api.v2010.accounts(tenant.sid).update(friendly_name="tenant-b")
    with sdk(server, tenant.sid, tenant.auth_token) as client:
        client.conversations.v1.services.create(friendly_name="the tenant's own")


def views(server: EmulatorServer) -> list[Any]:
    """What clients read back (SIDs, dates, links), with the host taken out."""
    paths = ["/v1/Services", "/v1/Roles", "/v1/Configuration", "/v1/Configuration/Addresses"]
    paths += ["/v1/Credentials", "/v1/Configuration/Webhooks", "/2010-04-01/Accounts.json"]
    with requests.Session() as http:
        http.auth = AUTH
        bodies = [http.get(server.url + path, timeout=10).text for path in paths]
    return [json.loads(body.replace(server.url, "http://emulator")) for body in bodies]


def frozen(server: EmulatorServer) -> dict[str, Any]:
    """Every account as of now (snapshot_all shares the live dictionaries)."""
    copy: dict[str, Any] = json.loads(json.dumps(server.snapshot_all()))
    return copy


def journal_lines(state: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in journal_path(state).read_text().splitlines()]


def test_a_restart_after_a_crash_replays_the_journal_to_the_live_state(tmp_path: Path) -> None:
    state = tmp_path / "live" / "state.json"
    with EmulatorServer(state_path=state, aps_limit=0) as live:
        before = state.stat()
        many_writes(live)
        expected, expected_views = frozen(live), views(live)
        crashed = copy_files(state, tmp_path / "crashed")
        assert (state.stat().st_ino, state.stat().st_mtime_ns) == (
            before.st_ino,
            before.st_mtime_ns,
        ), "no write below the compaction bound rewrites the snapshot"
    header, *entries = journal_lines(crashed)
    assert header == {"journal": json.loads(crashed.read_text())["journal"]["id"]}
    assert len(entries) == 22, "one line per acknowledged write"
    with EmulatorServer(state_path=crashed) as resumed:
        assert resumed.snapshot_all() == expected
        assert views(resumed) == expected_views
    assert not journal_path(crashed).exists(), "replayed, compacted, and gone"
    with EmulatorServer(state_path=state) as cleanly_stopped:
        assert cleanly_stopped.snapshot_all() == expected


def test_a_write_on_a_large_account_appends_what_it_changed_and_nothing_more(
    tmp_path: Path,
) -> None:
    """The regression guard against a full rewrite per write, measured in bytes, not time."""
    state = tmp_path / "state.json"
    directory = Directory.fresh(defaults.ACCOUNT_SID, defaults.AUTH_TOKEN)
    account = directory.main.conversations
    for index in range(50):
        sid = account.create_service({"FriendlyName": [f"service-{index}"]})["sid"]
        for role in range(26):  # with the 4 built-in roles: 30 per service
            form = {
                "FriendlyName": [f"r{role}"],
                "Type": ["service"],
                "Permission": ["joinConversation"],
            }
            account.create_role(sid, "/", form)
    persistence.save_state(state, directory.to_dict())
    with EmulatorServer(state_path=state, aps_limit=0) as server, session(server) as call:
        snapshot = state.stat()
        assert snapshot.st_size > 500_000
        journal = journal_path(state)
        service = call("GET", "/v1/Services?PageSize=1")["services"][0]["sid"]
        writes: list[tuple[str, str, dict[str, Any]]] = [
            (
                "POST",
                f"/v1/Services/{service}/Roles",
                {"FriendlyName": "new", "Type": "service", "Permission": "joinConversation"},
            ),
            ("POST", "/v1/Configuration", {"DefaultInactiveTimer": "PT10M"}),
            ("POST", "/v1/Services", {"FriendlyName": "one more"}),
            (
                "POST",
                f"/v1/Services/{service}/Configuration/Webhooks",
                {"PostWebhookUrl": "https://hooks.test/p"},
            ),
        ]
        size = 0
        for method, path, form in writes:
            call(method, path, **form)
            grown, size = journal.stat().st_size - size, journal.stat().st_size
            assert 0 < grown < 8192, (path, grown)
            after = state.stat()
            assert (after.st_ino, after.st_mtime_ns, after.st_size) == (
                snapshot.st_ino,
                snapshot.st_mtime_ns,
                snapshot.st_size,
            )
        assert server.store is not None and server.store.compactions == 1  # the start's only


def test_a_torn_last_line_is_an_unacknowledged_write_and_is_ignored(tmp_path: Path) -> None:
    state = tmp_path / "live" / "state.json"
    with EmulatorServer(state_path=state) as live, session(live) as call:
        call("POST", "/v1/Services", FriendlyName="kept")
        kept = frozen(live)
        call("POST", "/v1/Services", FriendlyName="torn")
        crashed = copy_files(state, tmp_path / "crashed")
    journal = journal_path(crashed)
    whole = journal.read_bytes()
    last = whole[whole.rstrip(b"\n").rfind(b"\n") + 1 :]
    journal.write_bytes(whole[: len(whole) - len(last) // 2])  # the kill landed mid-line
    with EmulatorServer(state_path=crashed) as resumed, session(resumed) as call:
        assert resumed.snapshot_all() == kept
        call("POST", "/v1/Services", FriendlyName="after")  # not glued to the torn bytes
        expected = frozen(resumed)
    with EmulatorServer(state_path=crashed) as again:
        assert again.snapshot_all() == expected
        assert [s["friendly_name"] for s in again.snapshot()["services"]][1:] == ["kept", "after"]


def test_a_damaged_journal_is_a_clear_error_naming_the_file_and_line(tmp_path: Path) -> None:
    state = tmp_path / "live" / "state.json"
    with EmulatorServer(state_path=state) as live, session(live) as call:
        for name in ("one", "two", "three"):
            call("POST", "/v1/Services", FriendlyName=name)
        crashed = copy_files(state, tmp_path / "crashed")
    journal = journal_path(crashed)
    lines = journal.read_text().splitlines(keepends=True)
    assert len(lines) == 4
    journal.write_text("".join([*lines[:2], '{"seq": 3, "chan\n', lines[3]]))
    with pytest.raises(StateFileError, match=rf"{journal}, line 3: not a JSON journal entry"):
        EmulatorServer(state_path=crashed)
    unknown = json.dumps(
        {"seq": 3, "changes": [{"account": "AC" + "0" * 32, "path": ["seq"], "value": 1}]}
    )
    journal.write_text("".join([*lines[:2], unknown + "\n", lines[3]]))
    with pytest.raises(
        StateFileError, match=rf"{journal}, line 3: unusable journal entry .*unknown account"
    ):
        EmulatorServer(state_path=crashed)
    journal.write_text("".join(lines).replace(lines[0], '{"journal": "someone-else"}\n'))
    with pytest.raises(StateFileError, match="does not belong to"):
        EmulatorServer(state_path=crashed)
    journal.write_text("".join(lines))
    crashed.unlink()
    with pytest.raises(StateFileError, match="a journal without its state file"):
        EmulatorServer(state_path=crashed)


def test_compaction_keeps_the_journal_bounded(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with (
        EmulatorServer(state_path=state, aps_limit=0, min_journal_bytes=0) as server,
        session(server) as call,
    ):
        store = server.store
        assert store is not None
        for index in range(60):
            call(
                "POST",
                "/v1/Roles",
                FriendlyName=f"role-{index}",
                Type="service",
                Permission="joinConversation",
            )
            journal = journal_path(state)
            size = journal.stat().st_size if journal.exists() else 0
            assert size < state.stat().st_size, "compacted once it reaches the snapshot's size"
        assert store.compactions >= 4
        expected = frozen(server)
    assert not journal_path(state).exists()
    with EmulatorServer(state_path=state) as resumed:
        assert resumed.snapshot_all() == expected


def test_a_crash_at_any_point_of_a_compaction_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files copied at each step of a compaction (under the emulator's lock, after the write
    that triggered it was journaled) load to the state at that instant."""
    state = tmp_path / "live" / "state.json"
    crashes: list[tuple[Path, dict[str, Any]]] = []
    running: list[EmulatorServer] = []
    real_save, real_remove = persistence.save_state, StateStore._remove_journal

    def capture(step: str) -> None:
        if running and journal_path(state).exists():
            app = running[0].app
            assert app.lock.locked()
            copy = copy_files(state, tmp_path / f"crash-{len(crashes)}-{step}")
            crashes.append((copy, json.loads(json.dumps(app.directory.to_dict()))))

    def save(path: Path, data: dict[str, Any]) -> int:
        if not running:
            return real_save(path, data)
        leftover = path.parent / f".{path.name}.interrupted.tmp"
        leftover.write_text("half a snapshot")  # as a kill -9 mid-save leaves it
        capture("before-snapshot")
        leftover.unlink()
        return real_save(path, data)

    def remove(store: StateStore) -> None:
        capture("before-journal-removed")
        real_remove(store)

    monkeypatch.setattr(persistence, "save_state", save)
    monkeypatch.setattr(StateStore, "_remove_journal", remove)
    with (
        EmulatorServer(state_path=state, aps_limit=0, min_journal_bytes=0) as server,
        session(server) as call,
    ):
        running.append(server)
        for index in range(1000):
            if len(crashes) >= 6:
                break
            call(
                "POST",
                "/v1/Roles",
                FriendlyName=f"role-{index}",
                Type="service",
                Permission="joinConversation",
            )
    monkeypatch.undo()
    steps = {path.parent.name.split("-", 2)[2] for path, _ in crashes}
    assert steps == {"before-snapshot", "before-journal-removed"}
    for copy, expected in crashes:
        assert (copy.parent / f".{copy.name}.interrupted.tmp").exists() or "removed" in str(copy)
        with EmulatorServer(state_path=copy) as resumed:
            assert resumed.snapshot_all() == expected, copy.parent.name
        left = sorted(path.name for path in copy.parent.iterdir())
        assert left == [copy.name, copy.name + ".lock"]  # the lock file stays, unlocked


def test_journals_with_nothing_to_replay_are_deleted_before_any_compaction(
    tmp_path: Path,
) -> None:
    """A torn first line, or a journal the snapshot already absorbed (torn or not), goes at
    once: a compaction after it would make the snapshot forget the token that explains it."""
    state = tmp_path / "state.json"
    store = StateStore(state)
    store.load()
    store.compact({"version": 2})
    first = store.journal_id
    store.append({"seq": 1, "changes": []})
    store.compact({"version": 2})
    store.close(dict)
    assert json.loads(state.read_text())["journal"] == {"id": store.journal_id, "previous": first}
    for leftover in (
        '{"journ',  # a kill -9 while the journal's first line was written
        json.dumps({"journal": first}) + '\n{"seq": 1, "changes": []}\n',
        json.dumps({"journal": first}) + '\n{"seq": 1, "chan',
    ):
        journal_path(state).write_text(leftover)
        loaded = StateStore(state).load()
        assert (loaded.entries, loaded.needs_compaction) == ([], False)
        assert not journal_path(state).exists()


def test_state_files_from_before_the_journal_load_and_gain_a_marker(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    directory = Directory.fresh(defaults.ACCOUNT_SID, defaults.AUTH_TOKEN)
    directory.main.conversations.create_service({"FriendlyName": ["from version 2"]})
    directory.add_subaccount("tenant-x")
    persistence.save_state(state, directory.to_dict())  # version 2, no journal marker
    expected = Directory.from_dict(directory.to_dict(), defaults.AUTH_TOKEN).to_dict()
    journal_path(state).write_text('{"journal": "left by something else"}\n')
    with pytest.raises(StateFileError, match="does not belong to"):
        EmulatorServer(state_path=state)
    journal_path(state).unlink()
    with EmulatorServer(state_path=state) as server:
        assert server.snapshot_all() == expected
    saved = json.loads(state.read_text())
    assert saved["version"] == 2 and set(saved["journal"]) == {"id", "previous"}


def test_in_memory_writes_leave_no_changes_behind() -> None:
    with EmulatorServer(aps_limit=0) as server, session(server) as call:
        call("POST", "/v1/Services", FriendlyName="x")
        assert not server.app.directory.main.conversations.has_changes
        assert server.app.directory.drain_changes() is None


def _random_operation(account: Account, rng: random.Random) -> None:
    services = list(account.services)
    service = rng.choice(services)
    roles = [sid for sid, role in account.roles[service].items() if role["type"] == "service"]
    choice = rng.randrange(9)
    if choice == 0:
        account.create_service({"FriendlyName": [f"s{rng.random()}"]})
    elif choice == 1 and service != account.configuration["default_chat_service_sid"]:
        account.delete_service(service, "/")
    elif choice == 2:
        form = {
            "FriendlyName": [f"r{rng.random()}"],
            "Type": ["service"],
            "Permission": ["joinConversation"],
        }
        account.create_role(service, "/", form)
    elif choice == 3 and roles:
        account.update_role(service, rng.choice(roles), "/", {"Permission": ["editAnyMessage"]})
    elif choice == 4 and len(roles) > 1:
        config = account.service_configurations[service]
        unused = [sid for sid in roles if sid not in config.values()]
        if unused:
            account.delete_role(service, rng.choice(unused), "/")
    elif choice == 5:
        account.update_configuration({"DefaultChatServiceSid": [service]}, lambda _sid: False)
    elif choice == 6:
        account.update_notifications(service, "/", {"LogEnabled": [rng.choice(["true", "false"])]})
    elif choice == 7:
        number = f"+1500555{rng.randrange(10000):04d}"
        if all(item["address"] != number for item in account.addresses.values()):
            account.create_address({"Type": ["sms"], "Address": [number]})
    elif account.addresses:
        account.delete_address(rng.choice(list(account.addresses)), "/")


def test_changes_replayed_one_write_at_a_time_rebuild_the_account() -> None:
    """Model level: draining after every operation and applying the drained records to a copy
    keeps the copy equal to the original, order of every collection included."""
    rng = random.Random(11)
    account = Account.fresh(defaults.ACCOUNT_SID)
    copy = Account.from_dict(account.to_dict())
    account.drain_changes()
    for _ in range(300):
        _random_operation(account, rng)
        for change in json.loads(json.dumps(account.drain_changes())):
            copy.apply_change(change["path"], change["value"])
        assert copy.to_dict() == account.to_dict()
    for bad in (["nope"], ["roles"], ["roles", "a", "b", "c"], ["configuration", "x"], []):
        with pytest.raises(ValueError):
            copy.apply_change(bad, {})
