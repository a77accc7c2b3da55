"""One account's pipeline per target, run for many targets at once.

Nothing here plans or applies by itself: each target goes through exactly what the
single-account commands use (`load_config` with the target's own variables, the team's policy,
`plan_account`, `Executor`, `export_account`), with its own credentials and its own `LiveApi`
(`--concurrency` calls in flight), and at most `--parallel` targets run at a time. A target that
fails becomes a failed result with the reason; the others go on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from twilio.rest import Client

from reconciler import lint
from reconciler.apply import ApplyReport, Executor, StepResult
from reconciler.atomic import write_atomically
from reconciler.config import ConfigError, LoadedConfig, load_config
from reconciler.emulator import defaults
from reconciler.findings import Finding, findings_from_issues
from reconciler.fleet.credentials import (
    Resolver,
    SharedHttpClient,
    check_pin,
    close_client,
    describe_credentials,
    open_client,
)
from reconciler.fleet.errors import describe
from reconciler.fleet.model import DEFAULT_PARALLEL, Fleet, Target
from reconciler.fleet.report import (
    APPLIED,
    CHANGES,
    EXPORTED,
    FAILED,
    INVALID,
    NO_CHANGES,
    VALID,
    FleetReport,
    TargetResult,
)
from reconciler.live.api import DEFAULT_CONCURRENCY, LiveApi, Workers
from reconciler.live.connection import ConnectionSettings
from reconciler.live.reader import LiveState
from reconciler.plan import PlanOptions, plan_account, unmanaged
from reconciler.plan.planfile import SavedPlan, check_account, check_unchanged

EXPORT_FILE = "conversations.yaml"
SPARE_FILES = 64
"""Open files a run needs beyond its connections: state files, reports, the interpreter's."""

T = TypeVar("T")
R = TypeVar("R")
StepProgress = Callable[[str, StepResult], None]


@dataclass
class RunSettings:
    """How every target of a run connects."""

    endpoint: str | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    parallel: int = DEFAULT_PARALLEL
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    parent: ConnectionSettings | None = None
    """Overrides the parent's credentials (the embedded emulator's main account with --local)."""
    strict: bool = False
    """`validate --strict`: values outside this version's lists are errors in every target."""


@dataclass
class Session:
    """A target between plan and apply: its result so far and its open connection."""

    target: Target
    result: TargetResult
    client: Client | None = None
    api: LiveApi | None = None
    live: LiveState | None = None
    loaded: LoadedConfig | None = None
    """The target's configuration as planned (what `plan --out` saves with the plan)."""

    def close(self) -> None:
        if self.client is not None:
            close_client(self.client)
            self.client = None


def run_concurrently(items: Sequence[T], work: Callable[[T], R], parallel: int) -> list[R]:
    """`work` over `items`, at most `parallel` at once, results in input order. `work` reports
    its own failures; an interrupt cancels what has not started."""
    if not items:
        return []
    pool = ThreadPoolExecutor(max_workers=max(1, min(parallel, len(items))))
    futures: list[Future[R]] = [pool.submit(work, item) for item in items]
    try:
        results = [future.result() for future in futures]
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def allow_open_files(needed: int) -> int:
    """Raise this process's soft limit on open files towards `needed` (within the hard limit,
    as Go's runtime does at start): a run may hold a connection per call in flight, and with
    --local the emulator's end of each too, which the common soft limits (1,024 on Linux, 256
    on macOS) would refuse mid-run. Returns the soft limit now in force."""
    try:
        import resource
    except ImportError:  # not a POSIX system: nothing to raise
        return needed
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return needed
    wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ValueError, OSError):  # e.g. macOS caps it below the hard limit: keep what is
        return soft
    return wanted


@contextmanager
def embedded_emulator(state_dir: Path | None = None) -> Iterator[RunSettings]:
    """--local for a fleet: one emulator for every target (the state under `.reconciler/`, its
    subaccounts included), its main account as the parent."""
    from reconciler.emulator.server import EmulatorServer

    folder = state_dir or Path.cwd() / defaults.LOCAL_STATE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    server = EmulatorServer(
        host="127.0.0.1",
        port=0,
        state_path=folder / defaults.LOCAL_STATE_FILE,
        account_sid=defaults.ACCOUNT_SID,
        auth_token=defaults.AUTH_TOKEN,
    ).start()
    try:
        yield RunSettings(
            endpoint=server.url,
            parent=ConnectionSettings(
                account_sid=defaults.ACCOUNT_SID,
                username=defaults.ACCOUNT_SID,
                password=defaults.AUTH_TOKEN,
                endpoint=server.url,
            ),
        )
    finally:
        server.stop()


def load_target(
    target: Target, environ: Mapping[str, str], defer_secrets: bool = False, strict: bool = False
) -> tuple[LoadedConfig, list[Finding]]:
    """The target's configuration with its own variables, and the team's policy findings
    (raises ConfigError or PolicyError as the single-account commands do)."""
    loaded = load_config(
        list(target.config),
        environ=target.environment(dict(environ)),
        defer_secrets=defer_secrets,
        strict=strict,
    )
    findings = lint.check(loaded)
    return loaded, findings


class FleetRun:
    """validate, plan, apply and export over the selected targets of one fleet."""

    def __init__(self, fleet: Fleet, targets: Sequence[Target], settings: RunSettings) -> None:
        self.fleet = fleet
        self.targets = list(targets)
        self.settings = settings
        self.resolver = Resolver(fleet, settings.environ, settings.endpoint, settings.parent)
        self._prepared = False
        self._started = time.monotonic()
        calls = max(1, settings.parallel) * settings.concurrency
        allow_open_files(2 * calls + SPARE_FILES)
        self.http = SharedHttpClient(pool_size=calls)
        self.workers = Workers(max_workers=calls)
        """One pool of call threads for every target (each still `concurrency` calls at most)."""

    def close(self, interrupted: bool = False) -> None:
        """Close the run's threads and connections (after every session is done with them).
        The subaccount listing is waited for unless the run was interrupted (its thread is a
        daemon, and a listing can take a request timeout)."""
        self.resolver.close(wait=not interrupted)
        self.workers.close()
        self.http.close()

    def __enter__(self) -> FleetRun:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(interrupted=kind is not None and issubclass(kind, KeyboardInterrupt))

    def report(self, command: str, results: list[TargetResult], shard: str | None) -> FleetReport:
        """The run's report so far; its time counts from the start of the run."""
        return FleetReport(
            command,
            results,
            targets_file=str(self.fleet.path),
            shard=shard,
            seconds=time.monotonic() - self._started,
        )

    def _api(self, client: Client) -> LiveApi:
        """A target's API: its own client and `--concurrency`, on the run's shared workers."""
        return LiveApi(client, concurrency=self.settings.concurrency, workers=self.workers)

    def _prepare(self) -> None:
        """Start the subaccount listing; it overlaps the targets' configuration loads."""
        if not self._prepared:
            self.resolver.prepare(self.targets)
            self._prepared = True

    # ------------------------------------------------------------ validate

    def validate(self) -> list[TargetResult]:
        """Offline, like `validate`: no credentials, no network; secrets may be deferred."""
        return run_concurrently(self.targets, self._validate_one, self.settings.parallel)

    def _validate_one(self, target: Target) -> TargetResult:
        started = time.monotonic()
        try:
            loaded, findings = load_target(
                target, self.settings.environ, defer_secrets=True, strict=self.settings.strict
            )
        except ConfigError as error:
            findings = findings_from_issues(error.issues)
            return TargetResult(
                target.name,
                INVALID,
                error=_count_errors(findings),
                findings=findings,
                seconds=time.monotonic() - started,
            )
        except Exception as error:
            return TargetResult(target.name, INVALID, error=describe(error))
        invalid = any(finding.severity == "error" for finding in findings)
        return TargetResult(
            target.name,
            INVALID if invalid else VALID,
            error=_count_errors(findings) if invalid else None,
            findings=findings,
            resources=loaded.resource_counts(),
            files=[str(path) for path in loaded.files],
            seconds=time.monotonic() - started,
        )

    # ------------------------------------------------------------ plan

    def plan(
        self,
        options: PlanOptions,
        saved: Mapping[str, SavedPlan] | None = None,
        for_apply: bool = False,
    ) -> list[Session]:
        """Plan every target; sessions stay open so that apply can run the same plans. With
        `saved` plans (by target), each target is planned with its saved plan's options and
        fails unless the plan now is exactly the saved one. `for_apply` as `plan_account`'s."""
        self._prepare()
        return run_concurrently(
            self.targets,
            lambda target: self._plan_one(
                target, options, saved[target.name] if saved else None, for_apply
            ),
            self.settings.parallel,
        )

    def _plan_one(
        self,
        target: Target,
        options: PlanOptions,
        saved: SavedPlan | None = None,
        for_apply: bool = False,
    ) -> Session:
        started = time.monotonic()
        session = Session(target, TargetResult(target.name, FAILED))
        if saved is not None:
            options = saved.options
        try:
            loaded, findings = load_target(target, self.settings.environ)
            session.loaded = loaded
            session.result.findings = findings
            lint.raise_for_errors(findings)
            if options.only:
                from reconciler.plan.select import parse_selectors

                parse_selectors(options.only, loaded.config)
            settings = self.resolver.settings(target)
            session.result.account_sid = settings.account_sid
            if saved is not None:
                how = "the target's credentials are for account"
                check_account(saved, settings.account_sid, how)
            session.client = open_client(settings, self.settings.endpoint, self.http)
            session.api = self._api(session.client)
            plan, live = plan_account(loaded, session.api, options, for_apply)
            check_pin(target, live.account_sid, "the API answers for account")
            if saved is not None:
                check_account(saved, live.account_sid, "the API answers for account")
                check_unchanged(saved, loaded.config, plan)
            session.live = live
            session.result.plan = plan
            session.result.status = NO_CHANGES if plan.empty else CHANGES
        except Exception as error:
            session.result.error = describe(error, describe_credentials(target))
            session.result.status = FAILED
            session.close()
        session.result.seconds = time.monotonic() - started
        return session

    def show_unmanaged(self, sessions: Sequence[Session]) -> None:
        """`plan --show-unmanaged`: each planned target's live resources that its
        configuration does not manage (one more read of the target, as for one account); a
        target whose read fails fails with the reason."""

        def find(session: Session) -> None:
            if session.api is None or session.loaded is None or session.result.failed:
                return
            try:
                found = unmanaged.find_unmanaged(session.loaded, session.api)
                session.result.unmanaged = unmanaged.unmanaged_json(found)
            except Exception as error:
                session.result.status = FAILED
                session.result.error = "listing unmanaged resources failed: " + describe(
                    error, describe_credentials(session.target)
                )

        run_concurrently(list(sessions), find, self.settings.parallel)

    # ------------------------------------------------------------ apply

    def apply(
        self, sessions: Sequence[Session], flags: set[str], progress: StepProgress | None = None
    ) -> list[TargetResult]:
        """Apply each planned target's plan; targets whose plan a guard blocks fail (nothing
        applied to them) and the others go on."""
        return run_concurrently(
            list(sessions),
            lambda session: self._apply_one(session, flags, progress),
            self.settings.parallel,
        )

    def _apply_one(
        self, session: Session, flags: set[str], progress: StepProgress | None
    ) -> TargetResult:
        result = session.result
        plan = result.plan
        try:
            if result.status != CHANGES or plan is None:
                return result
            reasons = plan.blocked_reasons(flags)
            if reasons:
                result.status = FAILED
                result.error = f"nothing was applied to this target: {reasons}"
                return result
            assert session.api is not None and session.live is not None
            started = time.monotonic()
            name = session.target.name
            report = Executor(
                session.api,
                session.live,
                progress=(lambda step: progress(name, step)) if progress else None,
            ).run(plan)
            result.apply = report
            result.seconds += time.monotonic() - started
            result.status = APPLIED if report.succeeded else FAILED
            if not report.succeeded:
                result.error = _failure_advice(report)
        except Exception as error:
            result.status = FAILED
            result.error = describe(error, describe_credentials(session.target))
        finally:
            session.close()
        return result

    # ------------------------------------------------------------ export

    def export(self, out_dir: Path) -> list[TargetResult]:
        """Each target's live account to `<out_dir>/<target>/conversations.yaml`."""
        self._prepare()
        return run_concurrently(
            self.targets, lambda target: self._export_one(target, out_dir), self.settings.parallel
        )

    def _export_one(self, target: Target, out_dir: Path) -> TargetResult:
        """One target's export; a file that leaves resources out is written all the same (it
        validates and plans clean) and the target fails, naming them, as a single export does."""
        from reconciler.export import ExportIncomplete, export_account

        started = time.monotonic()
        result = TargetResult(target.name, FAILED)
        client: Client | None = None
        try:
            settings = self.resolver.settings(target)
            result.account_sid = settings.account_sid
            client = open_client(settings, self.settings.endpoint, self.http)
            path = out_dir / target.name / EXPORT_FILE
            try:
                text = export_account(self._api(client))
            except ExportIncomplete as incomplete:
                write_atomically(path, incomplete.text)
                result.path = str(path)
                raise ExportIncomplete(incomplete.text, incomplete.left_out, path) from None
            write_atomically(path, text)
            result.path = str(path)
            result.status = EXPORTED
        except Exception as error:
            result.error = describe(error, describe_credentials(target))
        finally:
            if client is not None:
                close_client(client)
        result.seconds = time.monotonic() - started
        return result


def _count_errors(findings: Sequence[Finding]) -> str:
    errors = sum(1 for finding in findings if finding.severity == "error")
    return f"invalid ({errors} error{'s' if errors != 1 else ''})"


def _failure_advice(report: ApplyReport) -> str:
    failed = [result for result in report.results if result.outcome == "failed"]
    details = "; ".join(f"{result.step.description}: {result.detail}" for result in failed[:3])
    more = f" (and {len(failed) - 3} more)" if len(failed) > 3 else ""
    return f"{report.summary_line()} {details}{more}. {report.advice()}."
