"""`export --subaccounts`: adopt every active subaccount of the parent in one run.

For a team that has a parent account with subaccounts and no targets file yet: the parent's
credentials list the subaccounts (one Accounts API call per 1,000), each active subaccount is
exported into `<out>/<slug of its friendly name>/conversations.yaml` with its own credentials,
and `<out>/reconciler-targets.yaml` names them all (by SID, with the account pin), so that
`reconciler plan --all --targets <out>/reconciler-targets.yaml` is clean straight away.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.atomic import write_atomically
from reconciler.fleet.credentials import (
    Subaccount,
    close_client,
    list_accounts,
    open_client,
    parent_settings,
)
from reconciler.fleet.model import DEFAULT_TARGETS_FILE, Fleet, SubaccountRef, Target
from reconciler.fleet.pipeline import FleetRun, RunSettings
from reconciler.fleet.report import FleetReport

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class Adoption:
    report: FleetReport
    targets_file: Path
    wrote_targets_file: bool
    skipped: list[Subaccount] = field(default_factory=list)
    """Subaccounts that are suspended or closed: Twilio accepts no calls with their tokens."""


def slug(name: str) -> str:
    """A folder and target name: `Acme Corp.` becomes `acme-corp`."""
    return _NOT_SLUG.sub("-", name.lower()).strip("-") or "subaccount"


def adopt_subaccounts(settings: RunSettings, out_dir: Path) -> Adoption:
    """Export every active subaccount into its own folder and write a targets file naming them."""
    placeholder = Fleet(path=out_dir / DEFAULT_TARGETS_FILE, targets=())
    parent = settings.parent or parent_settings(placeholder, settings.environ, settings.endpoint)
    client = open_client(parent, settings.endpoint)
    try:
        listing = list_accounts(client)
    finally:
        close_client(client)
    subaccounts = [
        account
        for account in listing.values()
        if account.sid != parent.account_sid and account.owner_account_sid == parent.account_sid
    ]
    active = [account for account in subaccounts if account.status == "active"]
    targets = _targets(active, out_dir)
    fleet = Fleet(path=placeholder.path, targets=tuple(targets))
    with FleetRun(fleet, targets, settings) as run:
        run.resolver.use_listing(parent.account_sid, listing)
        report = run.report("export", run.export(out_dir), shard=None)
    wrote = False
    if not fleet.path.exists():
        write_atomically(fleet.path, targets_file_text(parent.account_sid, targets, active))
        wrote = True
    skipped = [account for account in subaccounts if account.status != "active"]
    return Adoption(report, fleet.path, wrote, skipped)


def _targets(accounts: list[Subaccount], out_dir: Path) -> list[Target]:
    taken: set[str] = set()
    targets = []
    for account in accounts:
        name = slug(account.friendly_name)
        if name in taken:
            name = f"{name}-{account.sid[-6:].lower()}"
        taken.add(name)
        targets.append(
            Target(
                name=name,
                config=(str(out_dir / name),),
                account=account.sid,
                subaccount=SubaccountRef(sid=account.sid),
                where="(the parent's subaccounts)",
            )
        )
    return targets


def targets_file_text(parent_sid: str, targets: list[Target], accounts: list[Subaccount]) -> str:
    """The targets file for the adopted subaccounts; config paths are relative to it."""
    names = {account.sid: account.friendly_name for account in accounts}
    lines = [
        f"# One target per active subaccount of {parent_sid}, written by",
        "# `reconciler export --subaccounts`. Config paths are relative to this file; the",
        "# parent's credentials (TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN or a Main API key)",
        "# read each subaccount's own credentials. See docs/fleet.md.",
        "version: 1",
        "targets:",
    ]
    for target in targets:
        assert target.subaccount is not None and target.subaccount.sid is not None
        friendly = json.dumps(names.get(target.subaccount.sid, ""), ensure_ascii=True)
        lines += [
            f"  - name: {target.name}",
            f"    config: [{target.name}]",
            f"    subaccount: {target.subaccount.sid}  # {friendly}",
        ]
    return "\n".join(lines) + "\n"
