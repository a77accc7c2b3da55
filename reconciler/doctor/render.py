"""Doctor's report for people (text) and for scripts (JSON, schemas/doctor.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from reconciler import __version__, escape
from reconciler.doctor.model import DoctorReport, Unknown

FORMAT_VERSION = 1
SHOWN_LENGTH = 80
"""Longer names and values are cut in text output (JSON has them whole)."""


def doctor_document(report: DoctorReport) -> dict[str, Any]:
    """The report as JSON data: what `doctor --format json` prints."""
    credentials, endpoint = report.credentials, report.endpoint
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "reconciler", "version": __version__},
        "credentials": {
            "type": credentials.type,
            "account_sid": credentials.account_sid,
            "api_key_sid": credentials.api_key_sid,
            "source": credentials.source,
        },
        "account_sid": report.account_sid,
        "endpoint": {
            "url": endpoint.url,
            "local": endpoint.local,
            "region": endpoint.region,
            "edge": endpoint.edge,
            "answers_like_twilio": endpoint.answers_like_twilio,
            "server": endpoint.server,
            "request_id_header": endpoint.request_id_header,
        },
        "clock_skew_seconds": report.clock_skew_seconds,
        "concurrency": {
            "looked_for": list(report.concurrency.looked_for),
            "sent": dict(report.concurrency.sent),
        },
        "unknown": [_unknown_json(item) for item in report.unknown],
        "not_checked": [{"what": item.what, "reason": item.reason} for item in report.not_checked],
        "summary": report.summary,
    }


def _unknown_json(item: Unknown) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "key": item.key,
        "sid": item.sid,
        "field": item.field,
        "value": item.value,
        "problem": item.problem,
        "message": item.message,
    }


def render_json(report: DoctorReport) -> str:
    return json.dumps(doctor_document(report), indent=2, ensure_ascii=False) + "\n"


def render_text(report: DoctorReport) -> str:
    credentials, endpoint = report.credentials, report.endpoint
    source = "the embedded emulator's" if credentials.source == "local" else "TWILIO_* variables"
    lines = [f"Credentials:  {credentials.describe()} ({source}; the secret is never shown)"]
    if report.account_sid is None:
        lines.append("Account:      the API's answer named no account")
    elif report.account_matches:
        lines.append(f"Account:      {report.account_sid} (the API answered for it)")
    else:
        lines.append(
            f"Account:      {report.account_sid}: the API answered for this account, not for "
            f"{credentials.account_sid} that TWILIO_ACCOUNT_SID names"
        )
    where = "the embedded emulator at " if endpoint.local else ""
    located = ", ".join(
        f"{name} {value}"
        for name, value in (("region", endpoint.region), ("edge", endpoint.edge))
        if value
    )
    server = f"Server: {escape.terminal(endpoint.server)}" if endpoint.server else "no Server"
    request_id = (
        "Twilio-Request-Id sent"
        if endpoint.request_id_header
        else "Twilio-Request-Id not sent (Twilio's own answers carry it)"
    )
    lines.append(
        f"Endpoint:     {where}{endpoint.url}{f' ({located})' if located else ''} answers like "
        f"Twilio's Conversations API; {server}; {request_id}"
    )
    lines.append(f"Clock skew:   {_skew(report)}")
    lines.append(
        "Concurrency:  "
        + "; ".join(
            f"{name}: {escape.terminal(report.concurrency.sent[name])}"
            if name in report.concurrency.sent
            else f"{name}: not sent"
            for name in report.concurrency.looked_for
        )
    )
    counts = ", ".join(
        f"{kind.replace('_', ' ')} {count}" for kind, count in report.resources.items()
    )
    lines.append(f"Read:         {counts}")
    lines.append("")
    if report.not_checked:
        lines.append(f"Not checked: these credentials may not read ({len(report.not_checked)}):")
        lines += [
            f"  {escape.terminal(item.what)}: {escape.terminal(item.reason)}"
            for item in report.not_checked
        ]
        lines.append("")
    if not report.unknown:
        lines.append(
            "Nothing these credentials may read is unknown to this version."
            if report.not_checked
            else "Nothing in this account is unknown to this version."
        )
        return "\n".join(lines) + "\n"
    lines.append(f"Unknown to this version ({len(report.unknown)}):")
    resource: tuple[str, str, str | None] | None = None
    for item in report.unknown:
        if (item.kind, item.key, item.sid) != resource:
            resource = (item.kind, item.key, item.sid)
            sid = f" ({item.sid})" if item.sid and item.sid not in item.key else ""
            lines.append(f"  {item.kind} {_cut(item.key)}{sid}")
        value = _cut(json.dumps(item.value, ensure_ascii=False))
        lines.append(
            f"    {escape.terminal(item.field)} = {value}: {escape.terminal(item.message)} "
            f"[{item.problem}]"
        )
    lines.append("")
    counts = ", ".join(
        f"{problem.replace('_', ' ')} {count}"
        for problem, count in report.summary["by_problem"].items()
        if count
    )
    lines.append(
        f"{len(report.unknown)} thing{'s' if len(report.unknown) != 1 else ''} in this account "
        f"{'are' if len(report.unknown) != 1 else 'is'} unknown to this version ({counts}). "
        "Export, plan and apply keep them as they are; see docs/doctor.md."
    )
    return "\n".join(lines) + "\n"


def _skew(report: DoctorReport) -> str:
    skew = report.clock_skew_seconds
    if skew is None:
        return "unknown: no answer carried a Date header"
    against = f"the Date header of {report.answers_with_date} answers, to about a second"
    if skew == 0:
        return f"none ({against})"
    direction = "ahead of" if skew > 0 else "behind"
    return f"Twilio's clock is {abs(skew)} s {direction} this machine's ({against})"


def _cut(text: str) -> str:
    """User data for a terminal, cut to SHOWN_LENGTH characters (JSON has it whole)."""
    if len(text) > SHOWN_LENGTH:
        text = f"{text[: SHOWN_LENGTH - 1]}… ({len(text)} characters)"
    return escape.terminal(text)
