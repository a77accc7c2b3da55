"""Findings as GitHub Actions workflow commands, so that they annotate the pull request's diff.

`::error file=envs/prod/c.yaml,line=12,col=24,title=...::message` printed by a step becomes an
annotation on that line of the diff. GitHub resolves `file` against the repository root, so a
path is made relative to GITHUB_WORKSPACE when it lies under it. Values are escaped as the
runner expects (`%`, CR and LF everywhere; `:` and `,` too in properties), so a message cannot
break out of its command or start another.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from reconciler.findings.model import Finding, rule_for

if TYPE_CHECKING:
    from reconciler.config import LoadedConfig
    from reconciler.plan.model import Plan

COMMANDS = {"error": "error", "warning": "warning", "notice": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def repository_path(file: str, root: str | None) -> str:
    """`file` relative to the repository root `root` when it lies under it, with forward slashes.

    Relative paths are taken from the working directory, as the user gave them.
    """
    if root:
        try:
            relative = Path(os.path.abspath(file)).relative_to(os.path.abspath(root))
        except ValueError:
            pass
        else:
            return relative.as_posix()
    return Path(file).as_posix()


def format_command(finding: Finding, root: str | None) -> str:
    properties: list[tuple[str, str]] = []
    if finding.file is not None:
        properties.append(("file", repository_path(finding.file, root)))
        if finding.line is not None:
            properties.append(("line", str(finding.line)))
            if finding.column is not None:
                properties.append(("col", str(finding.column)))
    properties.append(("title", f"reconciler: {rule_for(finding.rule).title} ({finding.rule})"))
    shown = ",".join(f"{name}={escape_property(value)}" for name, value in properties)
    return f"::{COMMANDS[finding.severity]} {shown}::{escape_data(finding.message)}"


def render_github(findings: Iterable[Finding], root: str | None = None) -> str:
    """One workflow command per finding, each ending in a newline.

    `root` is the repository root; by default GITHUB_WORKSPACE (set on every runner).
    """
    base = root if root is not None else os.environ.get("GITHUB_WORKSPACE")
    return "".join(format_command(finding, base) + "\n" for finding in findings)


def render_plan_github(plan: Plan, loaded: LoadedConfig, root: str | None = None) -> str:
    """What `plan --format github` prints after the policy findings: the plan as plain text for
    the log, then one workflow command per change and guard (annotations on the diff, from
    `reconciler.findings.from_plan.plan_findings`)."""
    # Imported here: from_plan registers the plan's rules, which validate's SARIF must not list.
    from reconciler.findings.from_plan import plan_findings
    from reconciler.output.plan import render_text

    return render_text(plan, colour=False) + render_github(plan_findings(plan, loaded), root)
