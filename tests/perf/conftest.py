"""An emulator account built from the benchmark's generated configs, and request counting.

Counts come from the emulator's own request stats, through the real SDK over loopback: what
Twilio would be sent. Nothing here is timed (benchmarks/run.py measures time).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from twilio.rest import Client

from benchmarks.accounts import Shape, write_config
from reconciler.apply import Executor
from reconciler.cli.main import cli
from reconciler.config import LoadedConfig, load_config
from reconciler.emulator.server import EmulatorServer
from reconciler.live.api import LiveApi
from reconciler.plan import plan_account
from reconciler.testing import EmulatorContext, emulator

SERVICE_ROUTE_PREFIX = "/v1/Services/{Sid}/"


@dataclass
class Reads:
    """The GETs of one operation: under a service, and account-level, by route."""

    by_route: dict[str, int]
    writes: int

    @property
    def total(self) -> int:
        return sum(self.by_route.values())

    @property
    def per_service(self) -> int:
        return sum(
            n for route, n in self.by_route.items() if route.startswith(SERVICE_ROUTE_PREFIX)
        )

    @property
    def account_level(self) -> int:
        return self.total - self.per_service


@dataclass
class Account:
    """One emulator account, built up from generated configs."""

    context: EmulatorContext
    client: Client
    folder: Path

    @property
    def server(self) -> EmulatorServer:
        return self.context.server

    def api(self) -> LiveApi:
        return LiveApi(self.client, concurrency=8)

    def load(self, shape: Shape) -> LoadedConfig:
        folder = self.folder / f"{shape.services}-{shape.roles}-{shape.addresses}"
        folder.mkdir(parents=True, exist_ok=True)
        return load_config([write_config(shape, folder)], environ={})

    def converge(self, shape: Shape) -> LoadedConfig:
        """Apply the shape's config; return it, loaded."""
        loaded = self.load(shape)
        api = self.api()
        plan, live = plan_account(loaded, api)
        report = Executor(api, live).run(plan)
        assert report.succeeded, report.summary_line()
        return loaded

    def plan_reads(self, loaded: LoadedConfig, *, expect_changes: bool = False) -> Reads:
        """The requests of one plan of `loaded`."""
        self.server.reset_stats()
        plan, _ = plan_account(loaded, self.api())
        stats = self.server.stats()
        assert plan.empty != expect_changes, plan.summary
        return _reads(stats)

    def cli(self, *args: str) -> Result:
        return CliRunner().invoke(
            cli, list(args), env=dict(self.context.environ), catch_exceptions=False
        )


def _reads(stats: Mapping[str, Any]) -> Reads:
    by_route = {
        key.partition(" ")[2]: int(count)
        for key, count in stats["by_route"].items()
        if key.startswith("GET ")
    }
    by_method = stats["by_method"]
    return Reads(by_route, int(by_method.get("POST", 0)) + int(by_method.get("DELETE", 0)))


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    """A fresh in-memory emulator; Twilio's role-write limit is off, so accounts build fast."""
    context = emulator(aps_limit=0)
    with context as client:
        yield Account(context, client, tmp_path)
