"""Running scenarios against a target: recording snapshots, making the published ones, and
checking a run against the committed snapshots.

Every run starts by putting back the account-wide settings an interrupted run left changed
(account_wide.py) and removing what interrupted parity runs left (names of runs that started
over two hours ago, session.leftovers), and every scenario ends, however it ends, by putting
back what it changed and removing what this run created.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twilio.rest import Client

from reconciler.parity import compare, snapshots
from reconciler.parity.account_wide import Pending, state_file
from reconciler.parity.scenarios import SCENARIOS, Scenario
from reconciler.parity.session import (
    Answer,
    ScenarioBroken,
    Session,
    leftovers,
    new_run_prefix,
    put_back,
    sweep,
)
from reconciler.parity.target import Target, TargetRefused, open_target
from reconciler.parity.transform import Transformer


@dataclass
class Played:
    """One scenario's run: its raw answers and the transformer that saw them."""

    scenario: Scenario
    answers: list[Answer]
    transformer: Transformer
    cut_short: ScenarioBroken | None = None
    """The step the target refused that the rest of the scenario needed; `answers` end there."""

    def cut_note(self) -> dict[str, str] | None:
        """The snapshot's `cut_short`: the step, and why (transformed, as the answers are)."""
        if self.cut_short is None:
            return None
        return {
            "step": self.cut_short.step,
            "reason": self.transformer.text(self.cut_short.reason),
        }

    def failure(self, target: str) -> compare.ParityFailure:
        """A run that should have gone through, cut short: one line naming where and why."""
        assert self.cut_short is not None
        return compare.ParityFailure(
            f"scenario {self.scenario.name}: {target} cut the run short at step "
            f"{self.cut_short.step!r}: {self.transformer.text(self.cut_short.reason)}",
            [],
        )


@dataclass
class Report:
    """What a check found: scenarios checked, differences accepted by declaration."""

    checked: list[str] = field(default_factory=list)
    declared: list[compare.Mismatch] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    """Scenarios left out, each with why (a charge on a live account nobody consented to)."""
    restored: list[str] = field(default_factory=list)
    """Account-wide settings an interrupted run left changed, and what became of them."""
    unrecorded: list[str] = field(default_factory=list)
    """Scenarios checked only up to where their snapshot was cut short, each with what the
    run did beyond it that no snapshot holds."""


@dataclass
class Recording:
    """What a recording wrote, and the scenarios it left out (with why)."""

    written: list[Path] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    cut_short: list[str] = field(default_factory=list)
    """Scenarios the target cut short (written up to the refusal), each with where and why."""
    restored: list[str] = field(default_factory=list)
    """Account-wide settings an interrupted run left changed, and what became of them."""


def selected(names: Iterable[str] | None) -> list[Scenario]:
    chosen = list(names or SCENARIOS)
    unknown = [name for name in chosen if name not in SCENARIOS]
    if unknown:
        raise KeyError(f"unknown scenario(s) {', '.join(unknown)}: one of {', '.join(SCENARIOS)}")
    return [SCENARIOS[name] for name in chosen]


def consented(
    target: Target,
    scenarios: list[Scenario],
    named: bool,
    environ: Mapping[str, str] | None = None,
) -> tuple[list[Scenario], list[str]]:
    """The scenarios that may run against `target`, and why the others may not. On a live
    account a scenario that buys something runs only when its consent variable is set; a
    scenario the user named without that consent is refused rather than left out."""
    env = os.environ if environ is None else environ
    runnable: list[Scenario] = []
    left_out: list[str] = []
    for scenario in scenarios:
        charge = scenario.charge
        if not target.live or charge is None or env.get(charge.consent):
            runnable.append(scenario)
            continue
        why = (
            f"{scenario.name} {charge.what} on account {target.settings.account_sid}: set "
            f"{charge.consent} to consent"
        )
        if named:
            raise TargetRefused(why)
        left_out.append(f"{why} (not run)")
    return runnable, left_out


def _session(target: Target, client: Client, prefix: str, pending: Pending) -> Session:
    transformer = Transformer(
        bases=target.bases, run_prefix=prefix, account_sid=target.settings.account_sid
    )
    transformer.add_secrets(target.secrets)
    return Session(
        client=client, transformer=transformer, prefix=prefix, live=target.live, pending=pending
    )


def pending_for(target: Target) -> Pending:
    """What earlier runs against this account and target left to put back (account_wide.py);
    an in-process emulator is new each run, so it keeps nothing."""
    if target.kind == "emulator":
        return Pending()
    account = target.settings.account_sid
    return Pending.load(state_file(account, target.endpoint or target.kind))


def play(
    target: Target,
    client: Client,
    scenarios: list[Scenario],
    removed: list[str] | None = None,
    restored: list[str] | None = None,
) -> Iterator[Played]:
    """Each scenario, run with cleanup: account-wide settings an interrupted run left changed
    put back, and leftovers of earlier runs removed, first; its own after."""
    prefix = new_run_prefix()
    log = removed if removed is not None else []
    pending = pending_for(target)
    first = _session(target, client, prefix, pending)
    (restored if restored is not None else []).extend(put_back(first))
    log.extend(sweep(first, leftovers(prefix)))
    for scenario in scenarios:
        session = _session(target, client, prefix, pending)
        broken: ScenarioBroken | None = None
        try:
            scenario.run(session)
        except ScenarioBroken as refused:  # the answers up to it are evidence: keep them
            broken = refused
        finally:
            log.extend(sweep(session))
        yield Played(scenario, session.answers, session.transformer, broken)


@contextmanager
def _opened(kind: str, endpoint: str | None, **options: Any) -> Iterator[tuple[Target, Client]]:
    with open_target(kind, endpoint, **options) as opened:
        yield opened


def record(
    kind: str = "emulator",
    names: Iterable[str] | None = None,
    directory: Path = snapshots.SNAPSHOT_DIR,
    endpoint: str | None = None,
    **options: Any,
) -> Recording:
    """Record each scenario's answers from the target as its snapshot."""
    recording = Recording()
    with _opened(kind, endpoint, **options) as (target, client):
        chosen, recording.not_run = consented(target, selected(names), names is not None)
        for played in play(target, client, chosen, restored=recording.restored):
            note = played.cut_note()
            document = snapshots.document(
                played.scenario.name,
                snapshots.source_for(target.kind),
                snapshots.recorded(played.answers, played.transformer),
                note,
            )
            recording.written.append(
                snapshots.write(directory, document, played.transformer.secrets)
            )
            if note:
                recording.cut_short.append(
                    f"{played.scenario.name} cut short at step {note['step']!r}: "
                    f"{note['reason']} (its snapshot holds the answers up to that step)"
                )
    return recording


def make_published(
    names: Iterable[str] | None = None, directory: Path = snapshots.SNAPSHOT_DIR
) -> list[Path]:
    """The published snapshots: each scenario's steps, run against an in-process emulator to
    learn its requests, answered with Twilio's examples and error list."""
    written = []
    with _opened("emulator", None) as (target, client):
        for played in play(target, client, selected(names)):
            if played.cut_short:
                raise played.failure("the emulator")
            document = snapshots.document(
                played.scenario.name,
                dict(snapshots.PUBLISHED_SOURCE),
                snapshots.published(played.answers, played.transformer),
            )
            written.append(snapshots.write(directory, document, played.transformer.secrets))
    return written


def check(
    kind: str = "emulator",
    names: Iterable[str] | None = None,
    directory: Path = snapshots.SNAPSHOT_DIR,
    endpoint: str | None = None,
    **options: Any,
) -> Report:
    """Run each scenario and compare it with its snapshot; raises ParityFailure on the first
    undeclared difference. Snapshots are read before anything runs."""
    chosen = selected(names)
    stored = {scenario.name: snapshots.read(directory, scenario.name) for scenario in chosen}
    report = Report()
    label = "the emulator" if kind == "emulator" else ("Twilio" if kind == "twilio" else kind)
    with _opened(kind, endpoint, **options) as (target, client):
        chosen, report.not_run = consented(target, chosen, names is not None)
        for played in play(target, client, chosen, report.removed, report.restored):
            name = played.scenario.name
            snapshot = stored[name]
            cut = snapshot.get("cut_short")
            if played.cut_short and (not cut or cut.get("step") != played.cut_short.step):
                raise played.failure(label)
            answers = snapshots.recorded(played.answers, played.transformer)
            kept = len(snapshot.get("answers") or []) if cut else len(answers)
            found = compare.compare(name, snapshot, answers[:kept])
            report.declared += compare.judge(
                name,
                str(snapshot["source"]["kind"]),
                found,
                played.scenario.differences,
                label,
                {answer["step"] for answer in answers[:kept]},
            )
            if cut and len(answers) > kept:
                report.unrecorded.append(
                    f"{name}: its snapshot was cut short at step {cut.get('step')!r} "
                    f"({cut.get('reason')}); {label}'s {len(answers) - kept} later answer(s), "
                    f"from step {answers[kept]['step']!r} on, are unrecorded and not compared"
                )
            report.checked.append(name)
    return report
