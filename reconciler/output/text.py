"""The text format: what a person at a terminal reads.

Findings go to stderr as `file:line: message`; plans, diffs and reports to stdout (coloured
when the renderer is made with `colour=True`). What each result looks like is in this
package's modules per result (`plan`, `unmanaged`, `compare`, `fleet`, `findings.text`),
imported when used, so that `validate` never loads the plan layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler import escape
from reconciler.output.base import Output, Renderer, err, join, out, register, to
from reconciler.output.words import count, describe_counts

if TYPE_CHECKING:
    from reconciler.api.results import (
        ApplyResult,
        DiffResult,
        DoctorResult,
        EmulatorServing,
        ExportResult,
        FleetResult,
        PermissionsResult,
        Planned,
        PlanResult,
        SavedPlanView,
        SchemaResult,
        Unmanaged,
        Validation,
    )
    from reconciler.fleet.report import FleetReport, TargetResult


def verdict(validation: Validation) -> str:
    """`PATHS: valid (2 services, ...; 1 warning)` or `PATHS: invalid (1 error, ...)`."""
    from reconciler.findings import count as count_findings

    report = validation.report
    shown = " ".join(report.paths)
    counts = count_findings(report.findings)
    warnings = counts["warnings"]
    if report.valid and validation.loaded is not None:
        extra = f"; {count(warnings, 'warning')}" if warnings else ""
        summary = describe_counts(validation.loaded.resource_counts())
        return f"{shown}: valid ({summary}{extra})"
    extra = f", {count(warnings, 'warning')}" if warnings else ""
    return f"{shown}: invalid ({count(counts['errors'], 'error')}{extra})"


def verdict_line(validation: Validation, stderr: bool | None = None) -> Output:
    """The verdict, on stderr when invalid (or where `stderr` says)."""
    return to(not validation.valid if stderr is None else stderr, verdict(validation) + "\n")


def saved_note(result: PlanResult) -> Output:
    if result.saved_to is None:
        return Output()
    where = result.saved_to
    return err(f"Saved the plan to {where}; apply it with `reconciler apply --plan {where}`.\n")


def fleet_findings_text(
    report: FleetReport, severities: tuple[str, ...] = ("warning", "notice")
) -> Output:
    """Findings on stderr, each once: a shared base file's warning names the targets it
    concerns instead of repeating for every one of them."""
    from reconciler.findings import format_finding
    from reconciler.fleet.findings import merge_findings

    per_target = [
        (result.name, [f for f in result.findings if f.severity in severities])
        for result in report.targets
    ]
    return err(
        "".join(
            escape.terminal(format_finding(finding)) + "\n"
            for finding in merge_findings(per_target)
        )
    )


def fleet_document(result: FleetResult, document: str) -> Output:
    """A fleet report as one document on stdout (JSON, Markdown): a plan's findings on stderr
    first, as the text format shows them."""
    report = result.report
    findings = fleet_findings_text(report) if report.command == "plan" else Output()
    return findings + out(document) + fleet_tail(result)


def fleet_tail(result: FleetResult) -> Output:
    """What every format says last of a fleet run: where the JSON report was written."""
    if result.report_file is None:
        return Output()
    return err(f"Wrote the fleet report to {result.report_file}.\n")


def exported(target: TargetResult) -> Output:
    """Where a target's export went; a file that leaves resources out (the target failed) is
    written all the same, and each resource it leaves out is named under it."""
    name, path = escape.terminal(target.name), escape.terminal(str(target.path))
    if not target.error:
        return err(f"Exported {name} to {path}.\n")
    left_out = (target.error or "").splitlines()[1:]
    return err(
        f"Wrote {name}'s export to {path}, without what it cannot hold:\n"
        + "".join(f"  {escape.terminal(line)}\n" for line in left_out)
    )


def summary(result: FleetResult) -> Output:
    from reconciler.output.fleet import render_summary

    return out(render_summary(result.report))


@register
class TextRenderer(Renderer):
    name = "text"
    order = 0

    def render_validation(self, validation: Validation) -> Output:
        from reconciler.output.findings.text import render_text

        return err(render_text(validation.report.findings)) + verdict_line(validation)

    def render_plan(self, result: PlanResult) -> Output:
        from reconciler.output.plan import render_text

        shown = out(render_text(result.plan, colour=self.colour))
        if result.unmanaged is not None:
            shown += self.render_unmanaged(result.unmanaged)
        return shown + saved_note(result)

    def render_unmanaged(self, unmanaged: Unmanaged) -> Output:
        from reconciler.output.unmanaged import render_unmanaged_text

        return out(render_unmanaged_text(unmanaged.records))

    def render_show(self, view: SavedPlanView) -> Output:
        from reconciler.output.plan import render_text

        return out(render_text(view.plan, colour=self.colour, origin=view.origin))

    def render_planned(self, planned: Planned) -> Output:
        from reconciler.output.plan import render_text

        return out(render_text(planned.plan, colour=self.colour))

    def render_apply(self, result: ApplyResult) -> Output:
        return out(result.report.summary_line() + "\n") if result.report else Output()

    def render_export(self, result: ExportResult) -> Output:
        if result.written_to is None:
            return out(result.text)
        return err(f"Exported the account to {result.written_to}.\n")

    def render_emulator(self, serving: EmulatorServing) -> Output:
        from reconciler.output.emulator import banner

        return out(banner(serving))

    def render_schema(self, result: SchemaResult) -> Output:
        if result.written_to is None:
            return out(result.text)
        return err(f"Wrote {result.written_to}\n")

    def render_permissions(self, result: PermissionsResult) -> Output:
        from reconciler.permissions.table import ASSUMED_NOTE, assumed

        names = result.permissions
        width = max((len(name) for name in names), default=0)
        lines = [f"`{result.job}` of {' '.join(result.paths)} needs {len(names)} permissions:"]
        for name, reasons in names.items():
            mark = " (assumed)" if assumed(name) else ""
            lines.append(f"  {name.ljust(width)}  {'; '.join(reasons)}{mark}")
        if any(assumed(name) for name in names):
            lines.append(ASSUMED_NOTE)
        return out("\n".join(lines) + "\n")

    def render_doctor(self, result: DoctorResult) -> Output:
        from reconciler.doctor import render_text

        return out(render_text(result.report))

    def render_diff(self, result: DiffResult) -> Output:
        from reconciler.output.compare import render_text

        return out(render_text(result.comparison, colour=self.colour))

    def render_fleet(self, result: FleetResult) -> Output:
        from reconciler.output.fleet import render_text

        report = result.report
        if report.command == "validate":
            shown = fleet_findings_text(report, ("error", "warning", "notice"))
            for target in report.targets:
                resources = describe_counts(target.resources) if target.resources else ""
                line = target.error or f"valid ({resources})"
                shown += out(f"{escape.terminal(target.name)}: {line}\n")
            shown += summary(result)
        elif report.command == "plan":
            shown = fleet_findings_text(report)
            shown += out(render_text(report, colour=self.colour))
        elif report.command == "export":
            shown = join(exported(target) for target in report.targets if target.path)
            shown += summary(result)
        else:
            shown = Output() if result.nothing_to_apply else summary(result)
        return shown + fleet_tail(result)
