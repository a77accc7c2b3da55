"""`validate --format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run, with every registered rule in `tool.driver.rules` and one result per finding. Paths are
relative URIs from the repository root (GITHUB_WORKSPACE when set, else the working directory),
which is what code scanning matches against the repository. Each result carries a fingerprint of
its rule, config path and message, so an alert keeps its identity when lines move.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from reconciler import __version__
from reconciler.findings.model import RULES, Finding, Rule, rule_for
from reconciler.findings.report import Report
from reconciler.output.findings.json_format import FORMAT_VERSION
from reconciler.output.json_text import dumps

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "notice": "note"}
FINGERPRINT = "reconcilerFinding/v1"


def artifact_uri(file: str, root: str) -> str:
    """A relative URI under `root`, or an absolute file: URI for a file outside it."""
    absolute = Path(os.path.abspath(file))
    try:
        relative = absolute.relative_to(os.path.abspath(root))
    except ValueError:
        return absolute.as_uri()
    return quote(relative.as_posix())


def _rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "defaultConfiguration": {"level": LEVELS[rule.default_severity]},
        "properties": {"tags": list(rule.tags)},
    }


def _fingerprint(finding: Finding) -> str:
    identity = "\0".join((finding.rule, finding.path or finding.file or "", finding.message))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def _location(file: str, line: int | None, column: int | None, root: str) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(file, root)}}
    if line is not None:
        region: dict[str, Any] = {"startLine": line}
        if column is not None:
            region["startColumn"] = column
        physical["region"] = region
    return {"physicalLocation": physical}


def _result(finding: Finding, index: dict[str, int], root: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "partialFingerprints": {FINGERPRINT: _fingerprint(finding)},
    }
    if finding.file is not None:
        location = _location(finding.file, finding.line, finding.column, root)
        if finding.path:
            location["logicalLocations"] = [{"fullyQualifiedName": finding.path, "kind": "member"}]
        result["locations"] = [location]
    related = [
        {"id": number, **_location(file, line, None, root), "message": {"text": what}}
        for number, (file, line, what) in enumerate(finding.related)
    ]
    if related:
        result["relatedLocations"] = related
    return result


def report_to_sarif(report: Report, root: str | None = None) -> dict[str, Any]:
    base = root or os.environ.get("GITHUB_WORKSPACE") or os.getcwd()
    rules = dict(RULES)
    for finding in report.findings:
        rules.setdefault(finding.rule, rule_for(finding.rule))
    ordered = sorted(rules.values(), key=lambda rule: rule.id)
    index = {rule.id: number for number, rule in enumerate(ordered)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "reconciler",
                        "semanticVersion": __version__,
                        "rules": [_rule_json(rule) for rule in ordered],
                    }
                },
                "invocations": [{"executionSuccessful": True}],
                "columnKind": "unicodeCodePoints",
                "results": [_result(finding, index, base) for finding in report.findings],
                "properties": {
                    "reconciler": {
                        "format_version": FORMAT_VERSION,
                        "paths": list(report.paths),
                        "valid": report.valid,
                    }
                },
            }
        ],
    }


def render_sarif(report: Report, root: str | None = None) -> str:
    """The report as an indented SARIF 2.1.0 log with a final newline."""
    return dumps(report_to_sarif(report, root))
