"""Snapshot files: `<scenario>.snapshot.json`, one per scenario, committed under
tests/parity/snapshots/.

A snapshot holds the scenario's answers in order, each with the request that got it (method,
path, parameters), its status, Twilio code and body, all transformed (transform.py). Its
`source` says where the answers come from:

* `published`: Twilio's own published material, until someone records against a real account.
  Each answer names its origin: a success answer is the example response of the operation in
  Twilio's OpenAPI description (`openapi-example`: spec, operationId, example name); a refusal
  is the REST error body (`code`, `message`, `more_info`, `status`) with the code's title from
  Twilio's error-code list (`twilio-error-codes`); a 204 is the description's empty answer.
* `live`: recorded against a Twilio account on the date it names.
* `emulator` / `endpoint`: recorded against an emulator or another endpoint (for tests and
  for trying the workflow; never shipped, see tests/parity/test_snapshots.py).

A recording whose target refused a step the rest of the scenario needs (a trial account or a
Standard API key refused a subaccount, say) holds the answers up to and including that
refusal, and `cut_short`: `{"step": ..., "reason": ...}`. A check compares the answers it
holds and reports the rest of the run as unrecorded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from reconciler.parity import spec
from reconciler.parity.session import Answer
from reconciler.parity.transform import Transformer, leaks

SNAPSHOT_DIR = spec.REPO / "tests" / "parity" / "snapshots"
SUFFIX = ".snapshot.json"
ERROR_FORMAT = (
    "Twilio's REST error body: code, message, more_info "
    "(https://www.twilio.com/docs/errors/<code>), status"
)
STATUS_RULE = (
    "20xxx codes named after an HTTP status answer that status (20404: 404, 20409: 409); "
    "20003 answers 401; every other code 400"
)


class SecretLeak(Exception):
    """A snapshot about to be written holds a secret value; nothing was written."""


def path_for(directory: Path, scenario: str) -> Path:
    return directory / f"{scenario}{SUFFIX}"


def request_of(answer: Answer, transformer: Transformer) -> dict[str, Any]:
    return {
        "method": answer.method,
        "path": transformer.text(answer.path),
        "params": transformer.value(answer.params),
    }


def recorded(answers: Iterable[Answer], transformer: Transformer) -> list[dict[str, Any]]:
    """The answers as a snapshot holds them (in order: the SID numbering follows it)."""
    records = []
    for answer in answers:
        record: dict[str, Any] = {"step": answer.step, "request": request_of(answer, transformer)}
        if answer.own_only:
            record["own_only"] = True
        record.update(status=answer.status, code=answer.code, body=transformer.value(answer.body))
        records.append(record)
    return records


def refusal_status(code: int) -> int:
    """The HTTP status Twilio sends a code with (STATUS_RULE): the list gives none."""
    if code == 20003:
        return 401
    if 20000 < code < 21000 and 400 <= code - 20000 < 600:
        return code - 20000
    return 400


def published(answers: Iterable[Answer], transformer: Transformer) -> list[dict[str, Any]]:
    """The scenario's steps (as a run made them) answered with Twilio's published material.

    Requests are transformed as a check run transforms them (the run's answers included, so
    the SID numbering matches); the examples have a transformer of their own.
    """
    examples = Transformer(bases=(), run_prefix=transformer.run_prefix)
    records = []
    for answer in answers:
        op = spec.operation_for(answer.method, answer.path)
        record: dict[str, Any] = {
            "step": answer.step,
            "request": request_of(answer, transformer),
        }
        transformer.value(answer.body)  # numbers the run's SIDs as a check run will
        if answer.own_only:
            record["own_only"] = True
        if answer.refusal is not None:
            entry = spec.error_codes().get(answer.refusal)
            if entry is None:
                raise KeyError(f"{answer.step}: code {answer.refusal} is not in Twilio's list")
            status = refusal_status(answer.refusal)
            record["source"] = {
                "kind": "twilio-error-codes",
                "operation": op.operation_id,
                "code": answer.refusal,
                "format": ERROR_FORMAT,
                "status": STATUS_RULE,
            }
            body: Any = {
                "code": answer.refusal,
                "message": entry["message"],
                "more_info": spec.MORE_INFO.format(code=answer.refusal),
                "status": status,
            }
            record.update(status=status, code=answer.refusal, body=body)
        else:
            status, _ = spec.success(op)
            found = spec.example(op, answer.example)
            record["source"] = {
                "kind": "openapi-example" if found else "openapi-response",
                "spec": op.spec,
                "operation": op.operation_id,
                **({"example": found[0]} if found else {}),
            }
            example_body = examples.value(found[1]) if found else None
            record.update(status=status, code=None, body=example_body)
        records.append(record)
    return records


def document(
    scenario: str,
    source: dict[str, Any],
    answers: list[dict[str, Any]],
    cut_short: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A snapshot; `cut_short` (the step the target refused that the rest needed, and why)
    marks one whose answers end at that step."""
    written = {"scenario": scenario, "source": source, "answers": answers}
    return {**written, "cut_short": cut_short} if cut_short else written


def source_for(kind: str) -> dict[str, Any]:
    """A recording's source: the target kind and the date it was recorded."""
    name = "live" if kind == "twilio" else kind
    return {"kind": name, "recorded": date.today().isoformat()}


PUBLISHED_SOURCE = {
    "kind": "published",
    "recorded": None,
    "from": (
        "Twilio's OpenAPI descriptions (example responses) and error-code list, vendored "
        "under tests/; each answer names its own source"
    ),
}


def write(directory: Path, snapshot: dict[str, Any], secrets: Iterable[str]) -> Path:
    """Write one snapshot, refusing (SecretLeak) if any known secret value is in its text."""
    text = json.dumps(snapshot, indent=1, ensure_ascii=False) + "\n"
    found = leaks(text, secrets)
    if found:
        raise SecretLeak(f"{snapshot['scenario']}: {', '.join(found)} would be written")
    directory.mkdir(parents=True, exist_ok=True)
    target = path_for(directory, snapshot["scenario"])
    target.write_text(text, encoding="utf-8")
    return target


def read(directory: Path, scenario: str) -> dict[str, Any]:
    target = path_for(directory, scenario)
    if not target.exists():
        raise FileNotFoundError(
            f"{target}: no snapshot for scenario {scenario!r} (python -m reconciler.parity "
            "published, or record)"
        )
    return dict(json.loads(target.read_text(encoding="utf-8")))
