"""Comparing a run's transformed answers with a snapshot.

Two rules, chosen by where the snapshot's answer comes from:

* **exact** (a recording, live or not): after transformation, every value is equal.
* **published** (an answer taken from Twilio's published examples): the example fixes the
  answer's shape, not the values it made up for its own request. Compared: the status; the
  Twilio code; the keys of every object (a missing or extra field is a difference); the JSON
  type of every value (string, number, boolean, object, list), where null matches a value only
  if Twilio's schema marks the field nullable; SIDs by their prefix (`<RL>`), dates by format
  (`<date>` vs `<date:rfc2822>`); URLs by their path (SIDs by prefix) and the names of their
  query parameters; an error body's `code`, `status` and `more_info` exactly. Not compared:
  other strings (names, templates, enum values the example chose), numbers and booleans
  outside error bodies, the length of lists (each item is compared with the example's first),
  an error's `message` (the list gives the code's title; Twilio's bodies say more).

Requests are compared exactly in both: a scenario changed since its snapshot was made is
reported as such, not as Twilio's difference.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from reconciler.parity import spec
from reconciler.parity.scenarios import Difference

ABSENT = "<absent>"
NUMBERED = re.compile(r"<([A-Z]{2}):\d+>")
STRUCTURAL = ("<", "https://www.twilio.com/docs/errors/")


@dataclass(frozen=True)
class Mismatch:
    scenario: str
    step: str
    path: str
    expected: Any
    actual: Any
    declared: Difference | None = None

    def describe(self, target: str = "the target") -> str:
        return (
            f"scenario {self.scenario}, step {self.step!r}: {self.path}: snapshot has "
            f"{self.expected!r}, {target} answered {self.actual!r}"
        )


class ParityFailure(AssertionError):
    """The first undeclared difference (or a declaration that no longer holds)."""

    def __init__(self, message: str, mismatches: list[Mismatch]) -> None:
        super().__init__(message)
        self.mismatches = mismatches


def _type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"


def general(text: str) -> str:
    """A transformed string with SID numbers dropped: `<RL:2>` -> `<RL>`."""
    return NUMBERED.sub(r"<\1>", text)


def _url_shape(text: str) -> tuple[str, tuple[str, ...]]:
    base, _, query = general(text).partition("?")
    names = tuple(sorted(part.split("=", 1)[0] for part in query.split("&") if part))
    return base, names


def _steps(path: str) -> tuple[str | int, ...]:
    """`$.body.roles[0].sid` -> ("roles", 0, "sid"): where in the response schema it is."""
    parts: list[str | int] = []
    for token in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path.removeprefix("$.body")):
        parts.append(token[0] if token[0] else int(token[1]))
    return tuple(parts)


class _Comparer:
    def __init__(self, scenario: str, step: str, source: dict[str, Any] | None) -> None:
        self.scenario = scenario
        self.step = step
        self.source = source or {}
        self.found: list[Mismatch] = []

    def differ(self, path: str, expected: Any, actual: Any) -> None:
        self.found.append(Mismatch(self.scenario, self.step, path, expected, actual))

    def exact(self, path: str, expected: Any, actual: Any) -> None:
        if isinstance(expected, dict) and isinstance(actual, dict):
            self._keys(path, expected, actual, self.exact)
        elif isinstance(expected, list) and isinstance(actual, list):
            if len(expected) != len(actual):
                self.differ(f"{path}.length", len(expected), len(actual))
            for index, (left, right) in enumerate(zip(expected, actual, strict=False)):
                self.exact(f"{path}[{index}]", left, right)
        elif expected != actual or _type(expected) != _type(actual):
            self.differ(path, expected, actual)

    def _keys(self, path: str, expected: dict[str, Any], actual: dict[str, Any], then: Any) -> None:
        for key in expected:
            if key not in actual:
                self.differ(f"{path}.{key}", expected[key], ABSENT)
        for key in actual:
            if key not in expected:
                self.differ(f"{path}.{key}", ABSENT, actual[key])
        for key in expected:
            if key in actual:
                then(f"{path}.{key}", expected[key], actual[key])

    def shape(self, path: str, expected: Any, actual: Any) -> None:
        kinds = _type(expected), _type(actual)
        if "null" in kinds and kinds[0] != kinds[1]:
            if not self._nullable(path):
                self.differ(path, expected, actual)
            return
        if kinds[0] != kinds[1]:
            self.differ(path, expected, actual)
        elif isinstance(expected, dict):
            self._keys(path, expected, actual, self.shape)
        elif isinstance(expected, list):
            for index, item in enumerate(actual):
                if expected:
                    self.shape(f"{path}[{index}]", expected[0], item)
        elif (
            isinstance(expected, str)
            and expected.startswith(STRUCTURAL)
            and _url_shape(expected) != _url_shape(actual)
        ):
            self.differ(path, expected, actual)

    def _nullable(self, path: str) -> bool:
        if self.source.get("kind") != "openapi-example":
            return False
        return spec.nullable(self.source["spec"], self.source["operation"], _steps(path))


def compare_answer(
    scenario: str, expected: dict[str, Any], actual: dict[str, Any]
) -> list[Mismatch]:
    """Every difference between one snapshot answer and one run answer."""
    step = expected.get("step", "?")
    comparer = _Comparer(scenario, step, expected.get("source"))
    if expected.get("step") != actual.get("step") or expected.get("request") != actual.get(
        "request"
    ):
        comparer.differ(
            "$.request",
            {"step": expected.get("step"), **(expected.get("request") or {})},
            {"step": actual.get("step"), **(actual.get("request") or {})},
        )
        return comparer.found
    for key in ("status", "code"):
        if expected.get(key) != actual.get(key):
            comparer.differ(f"$.{key}", expected.get(key), actual.get(key))
    body, answered = expected.get("body"), actual.get("body")
    if "source" not in expected:
        comparer.exact("$.body", body, answered)
    elif expected["source"]["kind"] == "twilio-error-codes":
        if isinstance(body, dict) and isinstance(answered, dict):
            comparer._keys("$.body", body, answered, comparer.shape)
            for key in ("code", "status", "more_info"):
                if key in answered and body.get(key) != answered[key]:
                    comparer.differ(f"$.body.{key}", body.get(key), answered[key])
        else:
            comparer.shape("$.body", body, answered)
    else:
        comparer.shape("$.body", body, answered)
    return comparer.found


def compare(
    scenario: str, snapshot: dict[str, Any], answers: list[dict[str, Any]]
) -> list[Mismatch]:
    """Every difference between a snapshot and a run, in step order."""
    found: list[Mismatch] = []
    expected_answers = snapshot.get("answers") or []
    for expected, actual in zip(expected_answers, answers, strict=False):
        found.extend(compare_answer(scenario, expected, actual))
    if len(expected_answers) != len(answers):
        step = (expected_answers + answers)[min(len(expected_answers), len(answers))]["step"]
        found.append(
            Mismatch(scenario, step, "$.answers.length", len(expected_answers), len(answers))
        )
    return found


def _matches(declared: Difference, mismatch: Mismatch) -> bool:
    pattern = "^" + re.escape(declared.path).replace(r"\[\*\]", r"\[\d+\]") + "$"
    return declared.step == mismatch.step and re.match(pattern, mismatch.path) is not None


def judge(
    scenario: str,
    source_kind: str,
    found: list[Mismatch],
    declared: tuple[Difference, ...],
    target: str = "the emulator",
    steps: Collection[str] | None = None,
) -> list[Mismatch]:
    """Declared differences accepted (returned, for the report); the first undeclared one, or
    a declaration for this snapshot's source that matched nothing, raises ParityFailure. With
    `steps` (the steps compared, when a snapshot was cut short), a declaration about another
    step is not held to have matched."""
    applicable = [
        item
        for item in declared
        if source_kind in item.against and (steps is None or item.step in steps)
    ]
    accepted: list[Mismatch] = []
    for mismatch in found:
        reason = next((item for item in applicable if _matches(item, mismatch)), None)
        if reason is None:
            more = len(found) - len(accepted) - 1
            tail = f" ({more} more difference(s) after it)" if more > 0 else ""
            raise ParityFailure(mismatch.describe(target) + tail, found)
        accepted.append(
            Mismatch(
                mismatch.scenario,
                mismatch.step,
                mismatch.path,
                mismatch.expected,
                mismatch.actual,
                reason,
            )
        )
    for item in applicable:
        if not any(_matches(item, mismatch) for mismatch in found):
            raise ParityFailure(
                f"scenario {scenario}: the declared difference at step {item.step!r} "
                f"{item.path} ({item.reason}) no longer occurs: remove the declaration",
                found,
            )
    return accepted
