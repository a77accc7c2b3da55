"""One report for a whole fleet run: per target, what happened; for the fleet, the summary.

Every format (`reconciler.output.fleet`: text for terminals, JSON for scripts, Markdown for PRs)
starts from the same per-target results, so they cannot disagree. `to_json` is the report as
data: a fleet summary and, per target, its status, account, error and plan (the document `plan
--format json` prints for one account); `python -m reconciler.fleet.merge` reads such reports
of several shards back and joins them into one.

Exit codes are those of one account, over the fleet: 1 if any target failed, else 2 if any has
changes under --detailed-exitcode, else 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reconciler.apply import ApplyReport, Outcome
from reconciler.findings import Finding, finding_to_json
from reconciler.plan import Action, Plan
from reconciler.plan.document import plan_document

FORMAT_VERSION = 1
ERROR_EXIT_CODE = 1
CHANGES_EXIT_CODE = 2

FAILED = "failed"
CHANGES = "changes"
NO_CHANGES = "no_changes"
APPLIED = "applied"
VALID = "valid"
INVALID = "invalid"
EXPORTED = "exported"

STATUSES: dict[str, tuple[str, ...]] = {
    "validate": (VALID, INVALID),
    "plan": (CHANGES, NO_CHANGES, FAILED),
    "apply": (APPLIED, NO_CHANGES, FAILED),
    "export": (EXPORTED, FAILED),
}
"""The statuses a target can end in, per command; INVALID and FAILED are failures."""
LABELS = {
    FAILED: "failed",
    CHANGES: "with changes",
    NO_CHANGES: "unchanged",
    APPLIED: "applied",
    VALID: "valid",
    INVALID: "invalid",
    EXPORTED: "exported",
}


@dataclass
class TargetResult:
    """What happened to one target."""

    name: str
    status: str
    account_sid: str | None = None
    error: str | None = None
    seconds: float = 0.0
    plan: Plan | None = None
    plan_data: dict[str, Any] | None = None
    """The plan as its JSON document, when read back from a report (merge)."""
    apply: ApplyReport | None = None
    apply_data: dict[str, Any] | None = None
    findings: list[Finding] = field(default_factory=list)
    resources: dict[str, int] | None = None
    files: list[str] | None = None
    """The configuration files validate read for the target (includes followed)."""
    path: str | None = None
    """Where export wrote the target's configuration."""
    unmanaged: list[dict[str, Any]] | None = None
    """With `plan --show-unmanaged`: live resources the configuration does not manage."""

    @property
    def failed(self) -> bool:
        return self.status in (FAILED, INVALID)

    def plan_json(self) -> dict[str, Any] | None:
        if self.plan is not None:
            return plan_document(self.plan)
        return self.plan_data

    def counts(self) -> dict[str, int]:
        document = self.plan_json()
        summary = document.get("summary", {}) if document else {}
        return {action.value: int(summary.get(action.value, 0)) for action in Action}

    def apply_json(self) -> dict[str, Any] | None:
        if self.apply is None:
            return self.apply_data
        report = self.apply
        return {
            "succeeded": report.succeeded,
            "done": report.count(Outcome.DONE),
            "failed": report.count(Outcome.FAILED),
            "skipped": report.count(Outcome.SKIPPED),
            "steps": [
                {
                    "step": result.step.description,
                    "outcome": result.outcome,
                    "detail": result.detail,
                    "attempts": result.attempts,
                    "seconds": round(result.seconds, 3),
                }
                for result in report.results
            ],
        }

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "name": self.name,
            "status": self.status,
            "account_sid": self.account_sid,
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }
        if self.plan_json() is not None:
            document["plan"] = self.plan_json()
        if self.apply_json() is not None:
            document["apply"] = self.apply_json()
        if self.resources is not None:
            document["resources"] = self.resources
        if self.files is not None:
            document["files"] = self.files
        if self.path is not None:
            document["path"] = self.path
        if self.unmanaged is not None:
            document["unmanaged"] = self.unmanaged
        document["findings"] = [finding_to_json(finding) for finding in self.findings]
        return document


@dataclass
class FleetReport:
    command: str
    targets: list[TargetResult]
    targets_file: str = ""
    shard: str | None = None
    seconds: float = 0.0

    @property
    def failed(self) -> list[TargetResult]:
        return [result for result in self.targets if result.failed]

    @property
    def changed(self) -> list[TargetResult]:
        return [result for result in self.targets if result.status in (CHANGES, APPLIED)]

    def summary(self) -> dict[str, int]:
        counts = {"targets": len(self.targets)}
        for status in STATUSES[self.command]:
            counts[status] = sum(1 for result in self.targets if result.status == status)
        if self.command in ("plan", "apply"):
            for action in Action:
                counts[action.value] = sum(result.counts()[action.value] for result in self.targets)
        return counts

    def exit_code(self, detailed_exitcode: bool = False) -> int:
        if self.failed:
            return ERROR_EXIT_CODE
        if detailed_exitcode and any(result.status == CHANGES for result in self.targets):
            return CHANGES_EXIT_CODE
        return 0

    def summary_line(self) -> str:
        counts = self.summary()
        parts = [
            f"{counts[status]} {LABELS[status]}"
            for status in STATUSES[self.command]
            if counts[status] or status != FAILED
        ]
        noun = "target" if counts["targets"] == 1 else "targets"
        shard = f" (shard {self.shard})" if self.shard else ""
        timing = f" in {self.seconds:.2f}s" if self.seconds else ""
        return f"Fleet {self.command}{shard}: {counts['targets']} {noun}{timing}: " + (
            ", ".join(parts) + "."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "command": self.command,
            "targets_file": self.targets_file,
            "shard": self.shard,
            "seconds": round(self.seconds, 3),
            "summary": self.summary(),
            "targets": [result.to_json() for result in self.targets],
        }
