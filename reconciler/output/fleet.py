"""A fleet's report (`reconciler.fleet.report.FleetReport`) as text, Markdown and JSON.

Text and Markdown give a section per target with changes or a failure and name the others in
the summary; a long list of names is shortened (`words.compact_names`), so that a report over a
thousand targets stays readable. The JSON keeps every target whole.
"""

from __future__ import annotations

from reconciler import escape
from reconciler.findings import Finding, format_finding
from reconciler.fleet.report import (
    EXPORTED,
    FAILED,
    INVALID,
    LABELS,
    NO_CHANGES,
    STATUSES,
    VALID,
    FleetReport,
    TargetResult,
)
from reconciler.output import plan as plan_render
from reconciler.output.json_text import dumps
from reconciler.output.unmanaged import render_unmanaged_markdown, render_unmanaged_text
from reconciler.output.words import MAX_NAMES, compact_names
from reconciler.plan.model import Action, Plan

MARKDOWN_TITLE = "### reconciler plan\n\n"
QUIET = (NO_CHANGES, VALID, EXPORTED)
"""Outcomes with nothing to show but the outcome itself (the JSON keeps their details)."""


def render_json(report: FleetReport) -> str:
    """The report as one JSON document: what `--format json` prints and `--report FILE` holds."""
    return dumps(report.to_json())


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
    """A summary table first, then a section per target; unchanged targets collapsed, and past
    MAX_NAMES of them named in one line instead (as the text summary names them), so that a
    thousand targets stay one pull-request comment."""
    counts = report.summary()
    compact = _compacted(report)
    named = {result.name for members in compact.values() for result in members}
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
        if result.name in named:
            continue
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
    for status, members in compact.items():
        names = compact_names([escape.markdown(result.name) for result in members])
        lines += [f"**{LABELS[status].capitalize()}:** {names}", ""]
    if with_counts and counts["targets"]:
        totals = ", ".join(f"{counts[action.value]} to {action.value}" for action in Action)
        lines += [f"Changes across the fleet: {totals}.", ""]
    for result in report.targets:
        if result.name not in named:
            lines += _markdown_section(result)
    return "\n".join(lines) + "\n"


def _compacted(report: FleetReport) -> dict[str, list[TargetResult]]:
    """The targets Markdown names in one line, by outcome: those of a quiet outcome, when it
    has more than MAX_NAMES (fewer keep their row and section, as before); a target with
    unmanaged resources to list keeps its own."""
    groups: dict[str, list[TargetResult]] = {}
    for status in STATUSES[report.command]:
        members = [
            result
            for result in report.targets
            if result.status == status and status in QUIET and not result.unmanaged
        ]
        if len(members) > MAX_NAMES:
            groups[status] = members
    return groups


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
