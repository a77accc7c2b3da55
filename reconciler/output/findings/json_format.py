"""`validate --format json`: one JSON object, for scripts and dashboards.

The shape is described by schemas/validate.schema.json and documented in docs/findings.md. It is
stable while `format_version` is 1: keys may be added, none is removed or changes meaning.
"""

from __future__ import annotations

from typing import Any

from reconciler import __version__
from reconciler.findings.model import finding_to_json
from reconciler.findings.report import Report
from reconciler.output.json_text import dumps

FORMAT_VERSION = 1


def report_to_json(report: Report) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "reconciler", "version": __version__},
        "paths": list(report.paths),
        "valid": report.valid,
        "summary": report.summary,
        "resources": report.resources,
        "files": list(report.files),
        "findings": [finding_to_json(finding) for finding in report.findings],
    }


def render_json(report: Report) -> str:
    """The report as indented JSON with a final newline (non-ASCII kept as is)."""
    return dumps(report_to_json(report))
