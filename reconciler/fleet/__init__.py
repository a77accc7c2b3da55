"""Fleets: validate, plan, apply and export many accounts and subaccounts in one run.

A layer above plan and apply, not a branch inside them: for each target of a targets file it
runs one account's pipeline, exactly as `reconciler plan PATH...` would, with that target's
variables and credentials, at most `--parallel` targets at a time, and gathers one report.

- `model.py` / `loader.py`: the targets file (file:line errors, as the config loader's);
- `select.py`: `--all`, `--target NAME|GLOB`, `--shard K/N`;
- `credentials.py`: each target's own credentials, from the environment variables it names or,
  for a subaccount, through the parent's Accounts API listing (the real twilio SDK's
  `client.api.v2010.accounts`), every token masked as soon as it is read;
- `pipeline.py`: the bounded concurrent runner over the single-account pipeline;
- `report.py`: the combined report and the fleet's exit code (`reconciler.output.fleet` renders
  it as text, JSON and Markdown);
- `adopt.py`: `export --subaccounts`, one folder per subaccount plus a targets file;
- `combine.py`: the JSON reports of CI shards read back and combined into one;
- `merge.py`: `python -m reconciler.fleet.merge`, the command over it (a front end, like the
  commands of `reconciler.cli`: it renders through `reconciler.output`).

Importing this package is cheap (the command line loads it for every validate, plan, apply
and export): the modules that talk to Twilio are imported where they are used. See
docs/fleet.md.
"""

from reconciler.fleet.model import (
    DEFAULT_PARALLEL,
    DEFAULT_TARGETS_FILE,
    TARGETS_FILE_VARIABLE,
    CredentialVariables,
    Fleet,
    SubaccountRef,
    Target,
)
from reconciler.fleet.select import Shard, parse_shard, select_targets

__all__ = [
    "DEFAULT_PARALLEL",
    "DEFAULT_TARGETS_FILE",
    "TARGETS_FILE_VARIABLE",
    "CredentialVariables",
    "Fleet",
    "Shard",
    "SubaccountRef",
    "Target",
    "parse_shard",
    "select_targets",
]
