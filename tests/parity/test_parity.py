"""Done when: the default test command runs the parity suite against the emulator and checks
it against the shipped snapshots, with no skips; the shipped snapshots are what they say they
are (Twilio's published examples, each answer with its source) and hold no secret; the
coverage table in docs/parity.md is fresh and the suite covers every operation the engine
calls."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from reconciler.emulator import defaults
from reconciler.parity import coverage, runner, snapshots, spec
from reconciler.parity.scenarios import SCENARIOS
from reconciler.parity.transform import Transformer

SHIPPED = sorted(snapshots.SNAPSHOT_DIR.glob(f"*{snapshots.SUFFIX}"))


def _shipped(name: str) -> dict[str, Any]:
    return snapshots.read(snapshots.SNAPSHOT_DIR, name)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_emulator_matches_the_shipped_snapshot(scenario: str) -> None:
    report = runner.check("emulator", [scenario])
    assert report.checked == [scenario]
    for accepted in report.declared:  # every accepted difference is a declared one
        assert accepted.declared is not None and accepted.declared.reason


def test_every_scenario_has_a_snapshot_and_every_snapshot_a_scenario() -> None:
    names = {path.name.removesuffix(snapshots.SUFFIX) for path in SHIPPED}
    assert names == set(SCENARIOS)


def test_shipped_snapshots_are_published_or_live_never_emulated() -> None:
    for path in SHIPPED:
        source = json.loads(path.read_text(encoding="utf-8"))["source"]
        assert source["kind"] in ("published", "live"), path.name
        if source["kind"] == "live":
            assert source["recorded"], f"{path.name}: a live recording names its date"


def test_published_answers_are_twilios_examples_and_error_list_as_marked() -> None:
    """Provenance, re-derived: each success answer is the named example of its operation in the
    vendored description (transformed), each refusal is the REST error body with the code's
    title from Twilio's list; nothing in a published snapshot is the emulator's."""
    checked = total = 0
    for path in SHIPPED:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document["source"]["kind"] != "published":
            continue
        total += len(document["answers"])
        for answer in document["answers"]:
            source = answer["source"]
            request = answer["request"]
            op = spec.operation_for(request["method"], request["path"].removeprefix("<base>"))
            assert source["operation"] == op.operation_id
            if source["kind"] == "twilio-error-codes":
                code = source["code"]
                assert answer["code"] == code
                assert answer["body"] == {
                    "code": code,
                    "message": spec.error_codes()[code]["message"],
                    "more_info": f"https://www.twilio.com/docs/errors/{code}",
                    "status": answer["status"],
                }
            elif source["kind"] == "openapi-example":
                found = spec.example(op, source["example"])
                assert found is not None
                fresh = Transformer(bases=(), run_prefix="parity-00000000-").value(found[1])
                assert answer["body"] == fresh, f"{path.name}: {answer['step']}"
                assert answer["status"] == spec.success(op)[0]
            else:
                assert source["kind"] == "openapi-response"
                assert answer["body"] is None and answer["status"] == 204
            checked += 1
    assert checked == total > 0


def test_published_snapshots_are_what_the_scenarios_make_now(tmp_path: Path) -> None:
    """A scenario edited without `python -m reconciler.parity published` fails here."""
    runner.make_published(directory=tmp_path)
    for path in SHIPPED:
        if json.loads(path.read_text(encoding="utf-8"))["source"]["kind"] == "published":
            assert (tmp_path / path.name).read_text(encoding="utf-8") == path.read_text(
                encoding="utf-8"
            ), f"{path.name} is stale: python -m reconciler.parity published"


def test_no_secret_in_any_shipped_snapshot() -> None:
    texts = {path.name: path.read_text(encoding="utf-8") for path in SHIPPED}
    known = (defaults.AUTH_TOKEN, defaults.API_KEY_SECRET, "fcm-", 'auth_token": "auth_token')
    for name, text in texts.items():
        for secret in known:
            assert secret not in text, f"{name} holds {secret[:4]}..."
    # every secret-named field, request or answer, is the placeholder
    for path in SHIPPED:
        document = json.loads(texts[path.name])
        for answer in document["answers"]:
            for field in ("Secret", "Certificate", "PrivateKey", "ApiKey"):
                value = answer["request"]["params"].get(field)
                assert value in (None, "<secret>"), f"{path.name}: {field}"
            if isinstance(answer["body"], dict) and "auth_token" in answer["body"]:
                assert answer["body"]["auth_token"] in (None, "<secret>")


def test_the_coverage_table_is_fresh() -> None:
    assert coverage.DOC.read_text(encoding="utf-8") == coverage.render_document(), (
        "docs/parity.md is stale: python -m reconciler.parity coverage"
    )


def test_the_table_lists_every_operation_of_every_vendored_description() -> None:
    """Every description vendored for the emulator or the suite (IAM's included), on its own
    host: none is left out of the table."""
    listed = {
        (coverage.HOSTS[api], method, path) for api, method, path, _ in coverage.all_operations()
    }
    descriptions = sorted(
        [*spec.EMULATOR_SPEC.glob("*.openapi*.json"), *spec.PARITY_SPEC.glob("*.openapi*.json")]
    )
    assert len(descriptions) >= 5
    for description in descriptions:
        document = json.loads(description.read_text(encoding="utf-8"))
        host = urlsplit(document["servers"][0]["url"]).hostname
        for path, item in document["paths"].items():
            for method in ("get", "post", "delete"):
                if method in item:
                    row = (host, method.upper(), path)
                    assert row in listed, f"{description.name}: {method.upper()} {path}"


def test_the_suite_covers_every_operation_the_engine_calls() -> None:
    """Every endpoint the engine uses is emulated and has snapshot answers: the parity suite is
    about exactly those."""
    used = coverage.engine_operations()
    sources = coverage.snapshot_sources(snapshots.SNAPSHOT_DIR)
    engine_rows = [
        row for row in coverage.all_operations() if coverage._key(row[1], row[2], row[0]) in used
    ]
    listed = {coverage._key(method, path, api) for api, method, path, _ in engine_rows}
    assert used - listed == set(), "operations the engine calls that the table does not list"
    # measured: the kinds' reads and writes, the fleet's account listing, and the plan's reads
    # of Messaging, Studio, the account's numbers and a service's conversations
    assert len(engine_rows) == len(used) == 30
    for api, method, path, operation in engine_rows:
        assert coverage.emulated(api, method, path), operation
        assert (api, operation) in sources, f"{api} {operation} ({method} {path}) has no scenario"
