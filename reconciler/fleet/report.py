"""One report for a whole fleet run: text for terminals, JSON for scripts, Markdown for PRs.

Every format starts from the same per-target results, so they cannot disagree. The JSON is one
object: a fleet summary and, per target, its status, account, error and plan (the document
`plan --format json` prints for one account). `python -m reconciler.fleet.merge` joins the JSON
reports of several shards into one and renders any of the formats from it.

Exit codes are those of one account, over the fleet: 1 if any target failed, else 2 if any has
changes under --detailed-exitcode, else 0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from reconciler import escape
from reconciler.apply import ApplyReport, Outcome
from reconciler.findings import Finding, finding_to_json, format_finding
from reconciler.output import plan as plan_render
from reconciler.output.unmanaged import render_unmanaged_markdown, render_unmanaged_text
from reconciler.output.words import compact_names
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
MARKDOWN_TITLE = "### reconciler plan\n\n"


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


def render_json(report: FleetReport) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


def _plan_of(result: TargetResult) -> Plan | None:
    if result.plan is not None:
        return result.plan
    if result.plan_data is not None:
        from reconciler.plan.planfile import plan_from_document

        return plan_from_document(result.plan_data)
    return None


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def render_text(report: FleetReport, colour: bool = False) -> str:
    """A section per target with changes or a failure; the unchanged ones in the summary."""
    lines: list[str] = []
    for result in report.targets:
        name = escape.terminal(result.name)
        account = f" ({result.account_sid})" if result.account_sid else ""
        if result.failed:
            lines.append(f"=== {name}{account}: {result.status.upper()} ===")
            lines.extend(f"Error: {escape.terminal(line)}" for line in _lines(result.error))
            lines.extend(escape.terminal(format_finding(f)) for f in _errors(result.findings))
            lines.append("")
            continue
        plan = _plan_of(result)
        changed = plan is not None and not plan.empty
        if not changed and not result.unmanaged:
            continue  # in the summary only
        lines.append(f"=== {name}{account} ===")
        if plan is not None and changed:
            lines.append(plan_render.render_text(plan, colour=colour).rstrip("\n"))
            if result.apply_json() is not None:
                lines.append(_apply_line(result))
        if result.unmanaged:
            lines.append(render_unmanaged_text(result.unmanaged).rstrip("\n"))
        lines.append("")
    return "\n".join(lines) + ("\n" if lines else "") + render_summary(report)


def render_summary(report: FleetReport) -> str:
    """The fleet's summary line, then the targets by outcome (failures with their reason; the
    others named, and a long list shortened: `compact_names`)."""
    lines = [report.summary_line()]
    for status in STATUSES[report.command]:
        members = [result for result in report.targets if result.status == status]
        if not members:
            continue
        label = f"  {LABELS[status]}:"
        if status in (FAILED, INVALID):
            lines.append(label)
            lines.extend(
                f"    {escape.terminal(r.name)}: {escape.terminal(_first_line(r.error or ''))}"
                for r in members
            )
        else:
            names = compact_names([escape.terminal(r.name) for r in members])
            lines.append(f"{label} {names}")
    return "\n".join(lines) + "\n"


def _lines(text: str | None) -> list[str]:
    return (text or "").splitlines() or ([""] if text is not None else [])


def _errors(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity == "error"]


def _apply_line(result: TargetResult) -> str:
    data = result.apply_json() or {}
    verdict = "complete" if data.get("succeeded") else "incomplete"
    return (
        f"Apply {verdict}: {data.get('done', 0)} done, {data.get('failed', 0)} failed, "
        f"{data.get('skipped', 0)} skipped."
    )


def render_markdown(report: FleetReport) -> str:
    """A summary table first, then a section per target; unchanged targets collapsed."""
    counts = report.summary()
    shard = f" (shard {report.shard})" if report.shard else ""
    lines = [f"### reconciler fleet {report.command}{shard}", ""]
    lines.append(f"**{report.summary_line()}**")
    lines.append("")
    with_counts = report.command in ("plan", "apply")
    header = "| target | account | result |"
    rule = "|---|---|---|"
    if with_counts:
        header += " create | update | replace | delete |"
        rule += "---:|---:|---:|---:|"
    lines += [header, rule]
    for result in report.targets:
        account = f"`{result.account_sid}`" if result.account_sid else ""
        status = LABELS[result.status]
        shown = f"**{status}**" if result.failed else status
        row = f"| `{escape.markdown(result.name)}` | {account} | {shown} |"
        if with_counts:
            plan_counts = result.counts()
            known = result.plan_json() is not None
            row += "".join(f" {plan_counts[action.value] if known else ''} |" for action in Action)
        lines.append(row)
    lines.append("")
    if with_counts and counts["targets"]:
        totals = ", ".join(f"{counts[action.value]} to {action.value}" for action in Action)
        lines += [f"Changes across the fleet: {totals}.", ""]
    for result in report.targets:
        lines += _markdown_section(result)
    return "\n".join(lines) + "\n"


def _markdown_section(result: TargetResult) -> list[str]:
    name = escape.markdown(result.name)
    if result.failed:
        lines = [f"#### `{name}`: {LABELS[result.status]}", ""]
        lines += [f"> {escape.markdown(line)}" for line in _lines(result.error)]
        lines += [f"> {escape.markdown(format_finding(f))}" for f in _errors(result.findings)]
        return [*lines, ""]
    plan = _plan_of(result)
    if plan is None or plan.empty:
        detail = "No changes." if plan is not None else escape.markdown(LABELS[result.status])
        if result.path:
            detail = f"Written to `{escape.markdown(result.path)}`."
        if result.resources is not None:
            detail = escape.markdown(
                ", ".join(f"{count} {kind}" for kind, count in result.resources.items())
            )
        return [
            "<details>",
            f"<summary><code>{name}</code>: {escape.markdown(LABELS[result.status])}</summary>",
            "",
            detail,
            *_unmanaged_markdown(result),
            "",
            "</details>",
            "",
        ]
    body = plan_render.render_markdown(plan)
    if body.startswith(MARKDOWN_TITLE):
        body = body[len(MARKDOWN_TITLE) :]
    lines = [f"#### `{name}`", "", body.rstrip("\n")]
    if result.apply_json() is not None:
        lines += ["", escape.markdown(_apply_line(result))]
    return [*lines, *_unmanaged_markdown(result), ""]


def _unmanaged_markdown(result: TargetResult) -> list[str]:
    """The target's unmanaged resources (`plan --show-unmanaged`), as one account's plan
    shows them; nothing when they were not asked for."""
    if result.unmanaged is None:
        return []
    return render_unmanaged_markdown(result.unmanaged).rstrip("\n").split("\n")
