"""Execute a plan level by level, with bounded concurrency, and report every step's outcome.

Creates whose outcome is unknown are checked by reading before they are retried, so nothing is
created twice. When a step fails, later steps that depend on the same service, role or
resource are skipped rather than run against a half-built parent; a rerun converges.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from twilio.base.exceptions import TwilioException

from reconciler import clock, kinds
from reconciler.apply import twins
from reconciler.apply.pacing import Pacer
from reconciler.apply.schedule import dependencies, run_graph
from reconciler.errors import ReconcilerError
from reconciler.kinds import Kind, Reference, Resource
from reconciler.live.api import LiveApi
from reconciler.live.reader import LiveState
from reconciler.live.retry import (
    FORBIDDEN,
    UNAUTHORIZED,
    Attempts,
    describe_error,
    http_status,
    is_not_found,
    is_transient,
)
from reconciler.plan.model import Action, Change, Plan
from reconciler.plan.order import SERVICE_DELETE_LEVEL

CONFLICT = 409
MAX_WAITING_STEPS = 256
"""Threads for steps waiting on their twin check; beyond that, creates wait their turn."""
PACING_SHARE = 0.8
"""Pace writes at this share of Twilio's per-parent limit: margin for jitter and other runs."""
SERVICE_SID = re.compile(r"^IS[0-9a-fA-F]{32}$")
ROLE_SID = re.compile(r"^RL[0-9a-fA-F]{32}$")

Token = tuple[str, ...]


class Outcome:
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass
class Step:
    change: Change
    phase: Action
    level: int

    @property
    def description(self) -> str:
        verb = self.phase.value
        if self.change.action is Action.REPLACE:
            verb = {
                Action.CREATE: "replace (create new)",
                Action.DELETE: "replace (delete old)",
            }.get(self.phase, "replace")
        return f"{verb} {self.change.kind} {self.change.key}"


@dataclass
class StepResult:
    step: Step
    outcome: str
    seconds: float = 0.0
    attempts: int = 0
    detail: str = ""
    transient: bool = False
    """A failure that a rerun may get past (throttling, a 5xx, a dropped connection)."""


@dataclass
class ApplyReport:
    results: list[StepResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for result in self.results if result.outcome == outcome)

    @property
    def succeeded(self) -> bool:
        return self.count(Outcome.FAILED) == 0 and self.count(Outcome.SKIPPED) == 0

    def summary_line(self) -> str:
        return (
            f"Apply {'complete' if self.succeeded else 'incomplete'}: "
            f"{self.count(Outcome.DONE)} done, {self.count(Outcome.FAILED)} failed, "
            f"{self.count(Outcome.SKIPPED)} skipped."
        )

    @property
    def rerun_helps(self) -> bool:
        """Every failure was Twilio being busy or unreachable: running apply again finishes."""
        failed = [result for result in self.results if result.outcome == Outcome.FAILED]
        return bool(failed) and all(result.transient for result in failed)

    def advice(self) -> str:
        """What to do next, fitted to what failed: a rerun only helps with transient failures."""
        if self.rerun_helps:
            return (
                "some changes did not complete because Twilio was busy or unreachable; the "
                "completed ones are kept, and running apply again finishes the rest"
            )
        return (
            "some changes failed and those that depend on them were skipped; the completed "
            "ones are kept. Fix the cause shown for each failure, then plan and apply again"
        )


class Resolver:
    """Names to SIDs: what was live when planned plus what this apply created."""

    def __init__(self, api: LiveApi, live: LiveState) -> None:
        self._api = api
        self._lock = threading.Lock()
        self._services = {key: str(service.sid) for key, service in live.bound.items()}
        self._roles: dict[tuple[str, str], str] = {}
        self._role_values: dict[tuple[str, str], dict[str, Any]] = {}
        for role in live.of(kinds.ROLE.name):
            self._roles[(role.identity[0], role.identity[1])] = str(role.sid)
        self._roles_read: set[str] = {role.identity[0] for role in live.of(kinds.ROLE.name)}
        self._reading: dict[str, threading.Lock] = {}
        self.known_sids: set[str] = {
            str(resource.sid)
            for resources in live.resources.values()
            for resource in resources
            if resource.sid
        }

    def service_sid(self, reference: str) -> str:
        if SERVICE_SID.match(reference):
            return reference
        with self._lock:
            sid = self._services.get(reference)
        if sid is None:
            raise ReconcilerError(f"service '{reference}' does not exist (was its create skipped?)")
        return sid

    def role_sid(self, service_key: str, reference: str) -> str:
        if ROLE_SID.match(reference):
            return reference
        with self._lock:
            sid = self._roles.get((service_key, reference))
            read = service_key in self._roles_read
        if sid is None and not read:
            self._read_roles(service_key)
            with self._lock:
                sid = self._roles.get((service_key, reference))
        if sid is None:
            raise ReconcilerError(f"role '{reference}' does not exist in service '{service_key}'")
        return sid

    def new_role_values(self, service_key: str, name: str) -> dict[str, Any] | None:
        """A role of a service this apply created, as Twilio made it (built-in roles)."""
        self.role_sid(service_key, name)
        with self._lock:
            return self._role_values.get((service_key, name))

    def _read_roles(self, service_key: str) -> None:
        """Roles of a service this apply created (its built-in roles): one list call, once,
        however many steps ask at the same time."""
        with self._lock:
            gate = self._reading.setdefault(service_key, threading.Lock())
        with gate:
            with self._lock:
                if service_key in self._roles_read:
                    return
            service_sid = self.service_sid(service_key)
            roles = self._api.call(lambda v1: kinds.ROLE.read(v1, service_sid))
            with self._lock:
                for role in roles:
                    identity = (service_key, role.identity[1])
                    self._roles.setdefault(identity, str(role.sid))
                    self._role_values.setdefault(identity, role.values)
                self._roles_read.add(service_key)

    def record(self, change: Change, sid: str) -> None:
        with self._lock:
            self.known_sids.add(sid)
            if change.kind == kinds.SERVICE.name:
                key = change.identity[0]
                if self._services.get(key, sid) != sid:  # a replace: the old roles went with it
                    self._forget_roles(key)
                self._services[key] = sid
            elif change.kind == kinds.ROLE.name:
                self._roles[(change.identity[0], change.identity[1])] = sid

    def _forget_roles(self, service_key: str) -> None:
        """Called with the lock held."""
        for identity in [identity for identity in self._roles if identity[0] == service_key]:
            del self._roles[identity]
            self._role_values.pop(identity, None)
        self._roles_read.discard(service_key)

    def resolve(self, kind: Kind, change: Change, values: dict[str, Any]) -> dict[str, Any]:
        resolved = {}
        for name, value in values.items():
            spec = kind.field(name)
            if isinstance(value, str) and spec.reference is Reference.SERVICE:
                value = self.service_sid(value)
            elif isinstance(value, str) and spec.reference is Reference.ROLE:
                value = self.role_sid(str(change.parent_key), value)
            resolved[name] = value
        return resolved


def steps_of(plan: Plan) -> list[Step]:
    steps = []
    for change in plan.changes:
        if change.kind == kinds.SERVICE.name and change.action is Action.REPLACE:
            steps.append(Step(change, Action.CREATE, change.level))
            steps.append(Step(change, Action.DELETE, SERVICE_DELETE_LEVEL))
        else:
            steps.append(Step(change, change.action, change.level))
    return steps


def _may_wait(step: Step) -> bool:
    """A create of a kind whose names may repeat: its twin check may wait for the clock."""
    kind = kinds.KINDS_BY_NAME[step.change.kind]
    return kind.names_may_repeat and step.phase in (Action.CREATE, Action.REPLACE)


def tokens_of(step: Step) -> set[Token]:
    """What a step depends on or provides: a failure taints every later step sharing one."""
    change = step.change
    kind = kinds.KINDS_BY_NAME[change.kind]
    tokens: set[Token] = {(change.kind, *change.identity)}
    if change.kind == kinds.SERVICE.name:
        tokens.add(("service", change.identity[0]))
    if change.parent_key:
        tokens.add(("service", change.parent_key))
    for name, value in change.send.items():
        reference = kind.field(name).reference
        if isinstance(value, str) and reference is Reference.SERVICE:
            tokens.add(("service", value))
        elif isinstance(value, str) and reference is Reference.ROLE:
            tokens.add((kinds.ROLE.name, str(change.parent_key), value))
    return tokens


ProgressCallback = Callable[[StepResult], None]


class Executor:
    def __init__(self, api: LiveApi, live: LiveState, progress: ProgressCallback | None = None):
        self.api = api
        self.resolver = Resolver(api, live)
        self.progress = progress
        self._tainted: set[Token] = set()
        self._halted: str | None = None
        """Why no further step starts: the credentials were refused a write (401/403)."""
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(api.concurrency)
        """Held by a step while it talks to Twilio: `concurrency` requests at most in flight."""
        self._pacers = {
            kind.name: Pacer(
                max(1, int(kind.writes_per_second_per_parent * PACING_SHARE)), clock.current()
            )
            for kind in kinds.ALL_KINDS
            if kind.writes_per_second_per_parent
        }

    def run(self, plan: Plan) -> ApplyReport:
        """Every step once its dependencies are done, at most `concurrency` at a time."""
        steps = steps_of(plan)
        tokens = [tokens_of(step) for step in steps]
        waits = dependencies([step.level for step in steps], tokens)
        results: dict[int, StepResult] = {}
        workers = max(1, min(self.api.concurrency, len(steps) or 1))
        # A step that creates a service or credential waits for the server's clock to pass a
        # second (its twin check) without its request slot: a thread each for those, on top
        # of the slots, so that every such create can wait at once while others write.
        workers += min(MAX_WAITING_STEPS, sum(1 for step in steps if _may_wait(step)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            running: dict[Future[StepResult], int] = {}

            def start(index: int) -> None:
                running[pool.submit(self._run_step, steps[index])] = index

            def finished() -> list[int]:
                done, _ = wait(list(running), return_when=FIRST_COMPLETED)
                indices = []
                for future in done:
                    index = running.pop(future)
                    results[index] = future.result()
                    indices.append(index)
                return indices

            groups = [str(step.change.parent_key or step.change.key) for step in steps]
            run_graph(waits, groups, workers, start, finished)
        return ApplyReport([results[index] for index in range(len(steps))])

    def _run_step(self, step: Step) -> StepResult:
        with self._slots:
            return self._run_step_in_slot(step)

    def _wait_without_slot(self, seconds: float) -> None:
        """Sleep without holding a request slot, so another step's requests use it."""
        self._slots.release()
        try:
            clock.current().sleep(seconds)
        finally:
            self._slots.acquire()

    def _run_step_in_slot(self, step: Step) -> StepResult:
        tokens = tokens_of(step)
        with self._lock:
            blocked = tokens & self._tainted
            halted = self._halted
        if halted:
            result = StepResult(step, Outcome.SKIPPED, detail=f"not started: {halted}")
        elif blocked:
            result = StepResult(
                step, Outcome.SKIPPED, detail="depends on a step that did not complete"
            )
        else:
            started = time.monotonic()
            attempts = Attempts()
            try:
                detail = self._execute(step, attempts)
                result = StepResult(
                    step, Outcome.DONE, time.monotonic() - started, attempts.count, detail
                )
            except Exception as error:
                result = StepResult(
                    step,
                    Outcome.FAILED,
                    time.monotonic() - started,
                    attempts.count,
                    describe_error(error),
                    transient=is_transient(error),
                )
                if http_status(error) in (UNAUTHORIZED, FORBIDDEN):
                    with self._lock:  # the credentials may not write: stop starting writes
                        self._halted = self._halted or (
                            f"{step.description} was refused ({result.detail})"
                        )
        if result.outcome != Outcome.DONE:
            with self._lock:
                self._tainted |= tokens
        if self.progress is not None:
            self.progress(result)
        return result

    def _execute(self, step: Step, attempts: Attempts) -> str:
        """Run one step; returns a note for the progress line ("" when there is none)."""
        change = step.change
        kind = kinds.KINDS_BY_NAME[change.kind]
        pacer = self._pacers.get(kind.name)
        if pacer is None:
            return self._write(step, kind, attempts)
        with pacer.slot(str(change.parent_key), 2 if step.phase is Action.REPLACE else 1):
            return self._write(step, kind, attempts)

    def _write(self, step: Step, kind: Kind, attempts: Attempts) -> str:
        change = step.change
        parent_sid = self.resolver.service_sid(str(change.parent_key)) if kind.parent else None
        if step.phase is Action.DELETE:
            return self._delete(kind, parent_sid, str(change.sid), attempts)
        params = self.resolver.resolve(kind, change, change.send)
        if step.phase is Action.REPLACE:
            self._delete(kind, parent_sid, str(change.sid), attempts)
            return self._create(kind, change, parent_sid, params, attempts)
        if step.phase is Action.CREATE:
            return self._create(kind, change, parent_sid, params, attempts)
        sid = change.sid
        if sid is None and change.kind == kinds.ROLE.name:
            service_key, name = str(change.parent_key), change.identity[1]
            sid = self.resolver.role_sid(service_key, name)
            made = self.resolver.new_role_values(service_key, name)
            if change.built_in and made is not None and _already(kind, made, params):
                return "already so: Twilio created it this way"
        self.api.call(lambda v1: kind.update(v1, parent_sid, sid, params), attempts=attempts)
        return ""

    def _create(
        self,
        kind: Kind,
        change: Change,
        parent_sid: str | None,
        params: dict[str, Any],
        attempts: Attempts,
    ) -> str:
        found_by_reading: list[str] = []

        def already_created(v1: Any) -> str | None:
            for resource in kind.read(v1, parent_sid):
                if resource.sid in self.resolver.known_sids:
                    continue
                if _same_identity(kind, change, resource.identity, resource.values, params):
                    found_by_reading.append(str(resource.sid))
                    return str(resource.sid)
            return None

        def matches(resource: Resource) -> bool:
            return _same_identity(kind, change, resource.identity, resource.values, params)

        try:
            sid = self.api.call(
                lambda v1: kind.create(v1, parent_sid, change.identity, params),
                check_before_retry=already_created,
                attempts=attempts,
            )
        except TwilioException as error:
            if http_status(error) != CONFLICT:
                raise
            sid = self._adopt(kind, change, parent_sid, params, matches, error)
            self.resolver.record(change, sid)
            return f"already created by another run: adopted {sid}"
        detail = ""
        if kind.names_may_repeat:
            kept = twins.settle(
                self.api,
                kind,
                parent_sid,
                sid,
                matches,
                sleep=self._wait_without_slot,
                ambiguous=bool(found_by_reading),
                known=self.resolver.known_sids,  # what was live when planned, and our own
            )
            if kept != sid:
                detail = f"another run created it first: adopted {kept}, deleted own {sid}"
                sid = kept
        self.resolver.record(change, sid)
        return detail

    def _adopt(
        self,
        kind: Kind,
        change: Change,
        parent_sid: str | None,
        params: dict[str, Any],
        matches: Callable[[Resource], bool],
        conflict: Exception,
    ) -> str:
        """A create refused as a duplicate: another run made it. Take it over and write the
        wanted values to it, unless it differs in a field that cannot be changed."""
        existing = next(
            (
                resource
                for resource in self.api.call(lambda v1: kind.read(v1, parent_sid))
                if matches(resource)
            ),
            None,
        )
        if existing is None:
            raise conflict
        fixed = [spec.name for spec in kind.fields if spec.immutable and spec.name in params]
        if any(
            kind.field(name).compare.normalize(existing.values.get(name))
            != kind.field(name).compare.normalize(params[name])
            for name in fixed
        ):
            raise conflict
        mutable = {name: value for name, value in params.items() if name not in fixed}
        if mutable:
            self.api.call(lambda v1: kind.update(v1, parent_sid, existing.sid, mutable))
        return str(existing.sid)

    def _delete(self, kind: Kind, parent_sid: str | None, sid: str, attempts: Attempts) -> str:
        def delete(v1: Any) -> str:
            try:
                kind.delete(v1, parent_sid, sid)
            except TwilioException as error:
                if is_not_found(error):
                    # An earlier attempt deleted it before the connection dropped, or another
                    # run did: either way, what the plan named is gone.
                    return "already gone"
                raise
            return ""

        return self.api.call(delete, attempts=attempts)


def _already(kind: Kind, live: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Every wanted value is what the resource already has (compared as the plan compares)."""
    return all(
        kind.field(name).compare.normalize(live.get(name))
        == kind.field(name).compare.normalize(value)
        for name, value in wanted.items()
    )


def _same_identity(
    kind: Kind,
    change: Change,
    identity: tuple[str, ...],
    values: dict[str, Any],
    params: dict[str, Any],
) -> bool:
    if kind is kinds.SERVICE:
        return bool(values.get("friendly_name") == params.get("friendly_name"))
    if kind.parent:
        return identity[1:] == change.identity[1:]
    return identity == change.identity
