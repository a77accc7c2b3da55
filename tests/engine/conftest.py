"""Engine-test helpers: configs written to disk, the engine API and the CLI, aimed at the emulator.

Everything goes through the real stack: YAML on disk, `load_config`, the real twilio SDK over a
loopback socket, and the emulator. Writes are counted with the emulator's request stats.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from twilio.rest import Client

from reconciler.apply import ApplyReport, Executor
from reconciler.cli.main import cli
from reconciler.config import LoadedConfig, load_config
from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.live.api import LiveApi
from reconciler.live.connection import build_client
from reconciler.live.reader import LiveState
from reconciler.live.retry import RetryPolicy
from reconciler.plan import Plan, PlanOptions, plan_account
from reconciler.plan.document import plan_document
from tests.conftest import close_client, emulator_settings
from tests.plan_json.checks import assert_valid, check_cli_output

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CREDENTIALS_ENV = {
    "TWILIO_ACCOUNT_SID": defaults.ACCOUNT_SID,
    "TWILIO_AUTH_TOKEN": defaults.AUTH_TOKEN,
}
EXAMPLE_ENV = {
    # The account pins of examples/environments, and the push secrets the examples read.
    "TWILIO_ACCOUNT_SID_PROD": defaults.ACCOUNT_SID,
    "TWILIO_ACCOUNT_SID_STAGING": defaults.ACCOUNT_SID,
    **{
        name: f"example-secret-{name.lower()}"
        for name in (
            "APN_CERTIFICATE",
            "APN_PRIVATE_KEY",
            "APN_DEV_CERTIFICATE",
            "APN_DEV_PRIVATE_KEY",
            "FCM_SERVER_KEY",
        )
    },
}
NEIGHBOUR_VARIABLES = ("PROD_MESSAGING_SERVICE_SID", "PROD_STUDIO_FLOW_SID")
"""The examples' variables that name resources of other products (plan checks they exist)."""


def example_env(client: Client) -> dict[str, str]:
    """EXAMPLE_ENV plus the SIDs of a Messaging Service and a published Studio Flow made in the
    emulator behind `client`, for the examples that point into those products."""
    service = client.messaging.v1.services.create(friendly_name="Example sender")
    flow = client.studio.v2.flows.create(
        friendly_name="Example inbound",
        status="published",
        definition={"description": "example", "states": [], "initial_state": "Trigger"},
    )
    messaging, studio = NEIGHBOUR_VARIABLES
    return {**EXAMPLE_ENV, messaging: str(service.sid), studio: str(flow.sid)}


FAST_RETRIES = RetryPolicy(attempts=12, base_delay=0.001, max_delay=0.01, budget_seconds=20)
_counter = itertools.count()


def example_dirs() -> list[Path]:
    """Every complete example config: a folder directly holding .yaml files, except `base`
    and names starting with `_`."""
    found = []
    for folder in sorted({path.parent for path in EXAMPLES.rglob("*.yaml")}):
        relative = folder.relative_to(EXAMPLES)
        if folder.name == "base" or any(part.startswith("_") for part in relative.parts):
            continue
        found.append(folder)
    return found


def writes(stats: Mapping[str, Any]) -> int:
    by_method = stats["by_method"]
    return int(by_method.get("POST", 0)) + int(by_method.get("DELETE", 0))


def write_yaml(directory: Path, document: Mapping[str, Any] | str, name: str = "") -> Path:
    """A config file in `directory` (a fresh name each time unless `name` is given)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (name or f"config-{next(_counter)}.yaml")
    text = document if isinstance(document, str) else yaml.safe_dump(dict(document))
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Engine:
    """The engine API over one emulator: load, plan, apply; plus counting and raw SDK access."""

    emulator: EmulatorServer
    directory: Path
    policy: RetryPolicy = FAST_RETRIES
    client: Client = field(init=False)
    api: LiveApi = field(init=False)

    def __post_init__(self) -> None:
        self.client = build_sdk(self.emulator)
        self.api = LiveApi(self.client, concurrency=8, policy=self.policy)

    @property
    def v1(self) -> Any:
        return self.client.conversations.v1

    def close(self) -> None:
        close_client(self.client)

    def load(
        self, document: Mapping[str, Any] | str, environ: Mapping[str, str] | None = None
    ) -> LoadedConfig:
        return load_config([write_yaml(self.directory, document)], environ=environ or {})

    def plan(self, loaded: LoadedConfig, rotate_secrets: bool = False) -> tuple[Plan, LiveState]:
        plan, live = plan_account(loaded, self.api, PlanOptions(rotate_secrets=rotate_secrets))
        assert_valid(plan_document(plan))
        return plan, live

    def apply(self, loaded: LoadedConfig, rotate_secrets: bool = False) -> tuple[Plan, ApplyReport]:
        plan, live = self.plan(loaded, rotate_secrets)
        report = Executor(self.api, live).run(plan)
        return plan, report

    def converge(self, document: Mapping[str, Any] | str) -> LoadedConfig:
        """Apply and check that it worked and that a fresh plan is empty."""
        loaded = self.load(document)
        _, report = self.apply(loaded)
        assert report.succeeded, report_details(report)
        assert_clean(self.plan(loaded)[0])
        return loaded

    def count_writes(self) -> int:
        return writes(self.emulator.stats())

    def service_sid(self, friendly_name: str) -> str:
        matches = [s.sid for s in self.v1.services.list() if s.friendly_name == friendly_name]
        assert len(matches) == 1, f"{len(matches)} services named {friendly_name!r}"
        return str(matches[0])

    def role(self, service_sid: str, name: str) -> Any:
        matches = [r for r in self.v1.services(service_sid).roles.list() if r.friendly_name == name]
        assert len(matches) == 1, f"{len(matches)} roles named {name!r}"
        return matches[0]


def build_sdk(emulator: EmulatorServer) -> Client:
    return build_client(emulator_settings(), emulator.url)


def report_details(report: ApplyReport) -> str:
    return "\n".join(
        f"{result.outcome}: {result.step.description}: {result.detail}"
        for result in report.results
        if result.outcome != "done"
    )


def describe_plan(plan: Plan) -> str:
    return "\n".join(
        f"{change.action.value} {change.kind} {change.key} "
        + ", ".join(f"{d.name}: {d.before!r} -> {d.after!r}" for d in change.diffs)
        for change in plan.changes
    )


def assert_clean(plan: Plan) -> None:
    assert plan.empty, "plan after apply is not clean:\n" + describe_plan(plan)


@pytest.fixture
def engine(emulator: EmulatorServer, tmp_path: Path) -> Iterator[Engine]:
    instance = Engine(emulator, tmp_path / "config")
    try:
        yield instance
    finally:
        instance.close()


@dataclass
class Cli:
    """`reconciler ...` through click's runner, with --endpoint aimed at the emulator."""

    emulator: EmulatorServer
    directory: Path
    runner: CliRunner = field(default_factory=CliRunner)

    def __call__(
        self, *args: str, env: Mapping[str, str | None] | None = None, endpoint: bool = True
    ) -> Result:
        arguments = list(args)
        if endpoint:
            arguments += ["--endpoint", self.emulator.url]
        environment: dict[str, str | None] = {
            **CREDENTIALS_ENV,
            "RECONCILER_ENDPOINT": None,
            **(env or {}),
        }
        result = self.runner.invoke(cli, arguments, env=environment, catch_exceptions=True)
        check_cli_output(arguments, result)
        assert_no_secret_shown(environment, result)
        return result

    def config(self, document: Mapping[str, Any] | str) -> str:
        return str(write_yaml(self.directory, document))


SECRET_NAMES = ("TOKEN", "SECRET", "PASSWORD", "PRIVATE", "CERT", "KEY")
"""Variables whose values every CLI test checks never reach stdout or stderr."""


def assert_no_secret_shown(environment: Mapping[str, str | None], result: Result) -> None:
    """Suite-wide: the credentials and secret variables a command ran with are not printed."""
    shown = result.output + (result.stderr if result.stderr_bytes is not None else "")
    for name, value in environment.items():
        if value and len(value) >= 6 and any(part in name.upper() for part in SECRET_NAMES):
            assert value not in shown, f"the value of {name} was printed"


@pytest.fixture
def run(emulator: EmulatorServer, tmp_path: Path) -> Cli:
    return Cli(emulator, tmp_path / "cli")


def assert_no_traceback(result: Result) -> None:
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


def one_line_error(result: Result) -> str:
    """The error a failed command printed: exit 1, on stderr, no traceback."""
    assert result.exit_code == 1, (result.exit_code, result.output, result.stderr)
    assert_no_traceback(result)
    assert result.stderr.startswith("Error: "), result.stderr
    return result.stderr


def apply_ok(run: Cli, *args: str, env: Mapping[str, str | None] | None = None) -> None:
    result = run("apply", *args, "--auto-approve", env=env)
    assert result.exit_code == 0, result.output + result.stderr
