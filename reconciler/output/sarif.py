"""The sarif format: SARIF 2.1.0 on stdout, for GitHub code scanning and other viewers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.output.base import Output, Renderer, err, out, register
from reconciler.output.text import fleet_tail, verdict_line

if TYPE_CHECKING:
    from reconciler.api.results import FleetResult, Validation


@register
class SarifRenderer(Renderer):
    name = "sarif"
    order = 4

    def render_validation(self, validation: Validation) -> Output:
        from reconciler.output.findings.sarif import render_sarif

        return out(render_sarif(validation.report)) + verdict_line(validation, stderr=True)

    def render_fleet(self, result: FleetResult) -> Output:
        """One run over every target's findings (each shared one once), the files they read."""
        from reconciler.findings import Report
        from reconciler.fleet.findings import fleet_findings
        from reconciler.output.findings.sarif import render_sarif
        from reconciler.output.fleet import render_summary

        report = result.report
        files = dict.fromkeys(file for target in report.targets for file in target.files or ())
        sarif = Report([report.targets_file], fleet_findings(report), files=list(files))
        shown = out(render_sarif(sarif)) + err(render_summary(report))
        return shown + fleet_tail(result)
