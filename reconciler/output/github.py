"""The github format: GitHub Actions workflow commands that annotate the pull request's diff.

Findings (and, for a plan, each change) become `::error file=...,line=...::` lines on stdout;
the plain-text plan or summary comes first for the job's log. Loading findings are annotations
too, errors included, since the log's error line does not annotate anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.output.base import Output, Renderer, out, register
from reconciler.output.text import TextRenderer, fleet_tail, saved_note, summary, verdict_line

if TYPE_CHECKING:
    from reconciler.api.results import Checked, FleetResult, PlanResult, Validation


@register
class GithubRenderer(Renderer):
    name = "github"
    order = 3

    def render_checked(self, checked: Checked) -> Output:
        from reconciler.output.findings.github import render_github

        return out(render_github(checked.findings))

    def render_validation(self, validation: Validation) -> Output:
        from reconciler.output.findings.github import render_github

        return out(render_github(validation.report.findings)) + verdict_line(validation)

    def render_plan(self, result: PlanResult) -> Output:
        """The plan as text for the log, then a notice per change on its config line."""
        from reconciler.output.findings.github import render_plan_github

        shown = out(render_plan_github(result.plan, result.loaded))
        if result.unmanaged is not None:
            shown += TextRenderer().render_unmanaged(result.unmanaged)
        return shown + saved_note(result)

    def render_fleet(self, result: FleetResult) -> Output:
        from reconciler.fleet.findings import fleet_findings
        from reconciler.output.findings.github import render_github
        from reconciler.output.fleet import render_text

        report = result.report
        annotations = out(render_github(fleet_findings(report, result.planned)))
        if report.command == "plan":
            # The report for the log (its summary last), then every finding and change once.
            shown = out(render_text(report, colour=False)) + annotations
        else:
            shown = annotations + summary(result)
        return shown + fleet_tail(result)
