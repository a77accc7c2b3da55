"""`validate --format json`: one JSON object, for scripts and dashboards.

The shape is described by schemas/validate.schema.json and documented in docs/findings.md. It is
stable while `format_version` is 1: keys may be added, none is removed or changes meaning.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler import __version__
from reconciler.findings.model import Finding
from reconciler.findings.report import Report

FORMAT_VERSION = 1


def finding_to_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "path": finding.path,
        "related": [
            {"file": file, "line": line, "message": what} for file, line, what in finding.related
        ],
    }


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
    return json.dumps(report_to_json(report), indent=2, ensure_ascii=False) + "\n"
