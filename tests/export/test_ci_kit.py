"""The CI kit: the workflow's shape, and its shell steps run for real against an emulator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from twilio.rest import Client

from reconciler.emulator.server import EmulatorServer
from tests.export.conftest import CREDENTIAL_ENV, Cli

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / "examples" / "ci" / "_github" / "workflows" / "reconciler.yml.example"
HOOKS = REPO / ".pre-commit-hooks.yaml"


def workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as a boolean
    return dict(data)


def step(job: str, name: str) -> dict[str, Any]:
    for candidate in workflow()["jobs"][job]["steps"]:
        if candidate.get("name") == name:
            return dict(candidate)
    raise AssertionError(f"no step {name!r} in job {job}")


def test_workflow_triggers_jobs_and_concurrency() -> None:
    data = workflow()
    assert set(data["on"]) >= {"pull_request", "push", "schedule"}
    assert data["on"]["push"]["branches"] == ["main"]
    jobs = data["jobs"]
    assert "pull_request" in jobs["plan"]["if"]
    assert jobs["plan"]["permissions"]["pull-requests"] == "write"
    assert "refs/heads/main" in jobs["apply"]["if"]
    assert jobs["apply"]["concurrency"]["cancel-in-progress"] is False
    assert jobs["apply"]["concurrency"]["group"] != jobs["drift"]["concurrency"]["group"]
    assert "schedule" in jobs["drift"]["if"]
    assert "--auto-approve" in step("apply", "Apply")["run"]
    assert "--detailed-exitcode" in step("drift", "Plan with --detailed-exitcode")["run"]
    assert "--format markdown" in step("plan", "Plan")["run"]
    comment = step("plan", "Post or update the plan comment")["with"]["script"]
    assert "updateComment" in comment and "createComment" in comment


def test_workflow_takes_credentials_from_secrets_preferring_an_api_key() -> None:
    env = workflow()["env"]
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_API_KEY", "TWILIO_API_SECRET"):
        assert env[name] == f"${{{{ secrets.{name} }}}}"
    assert env["TWILIO_AUTH_TOKEN"].startswith("${{ secrets.TWILIO_API_KEY == ''")


def test_pre_commit_hook_runs_validate() -> None:
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "reconciler-validate"
    assert hook["entry"] == "reconciler validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False


class Runner:
    """Runs a workflow step's shell script the way a GitHub runner does (bash -e)."""

    def __init__(self, repo: Path, emulator: EmulatorServer) -> None:
        self.repo = repo
        self.output = repo / "github_output"
        self.summary = repo / "step_summary"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "RECONCILER"))},
            **CREDENTIAL_ENV,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "RECONCILER_ENDPOINT": emulator.url,
            "CONFIG": "envs/prod",
            "NO_COLOR": "1",
            "GITHUB_OUTPUT": str(self.output),
            "GITHUB_STEP_SUMMARY": str(self.summary),
        }

    def __call__(self, job: str, name: str) -> subprocess.CompletedProcess[str]:
        script = step(job, name)["run"]
        for path in (self.output, self.summary):
            path.write_text("", encoding="utf-8")
        return subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=self.repo,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


@pytest.mark.skipif(sys.platform == "win32", reason="the workflow runs on ubuntu-latest")
def test_workflow_steps_work_against_an_account(
    run: Cli, emulator: EmulatorServer, sdk_client: Client, tmp_path: Path
) -> None:
    repo = tmp_path / "config-repo"
    config = repo / "envs" / "prod" / "conversations.yaml"
    config.parent.mkdir(parents=True)
    config.write_text(run("export").stdout, encoding="utf-8")
    step_run = Runner(repo, emulator)

    assert step_run("plan", "Validate").returncode == 0
    clean = step_run("plan", "Plan")
    assert clean.returncode == 0, clean.stderr
    assert "exitcode=0" in step_run.output.read_text(encoding="utf-8")

    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("reachability_enabled: false", "reachability_enabled: true"))
    changed = step_run("plan", "Plan")
    assert changed.returncode == 0, changed.stderr
    assert "exitcode=2" in step_run.output.read_text(encoding="utf-8")
    assert "reachability_enabled" in (repo / "plan.md").read_text(encoding="utf-8")

    applied = step_run("apply", "Apply")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert step_run("drift", "Plan with --detailed-exitcode").returncode == 0

    default = sdk_client.conversations.v1.configuration().fetch().default_chat_service_sid
    sdk_client.conversations.v1.services(default).configuration().update(reachability_enabled=False)
    drift = step_run("drift", "Plan with --detailed-exitcode")
    assert drift.returncode == 2
    assert "::error title=Drift::" in drift.stdout
    assert "reachability_enabled" in step_run.summary.read_text(encoding="utf-8")

    config.write_text("version: 1\nservices: {bad: {webhooks: {method: PUT}}}\n")
    assert step_run("plan", "Validate").returncode == 1
    failed = step_run("plan", "Plan")
    assert failed.returncode == 0, "the comment step still runs; a later step fails the job"
    assert "exitcode=1" in step_run.output.read_text(encoding="utf-8")
    assert "plan failed" in (repo / "plan.md").read_text(encoding="utf-8")
