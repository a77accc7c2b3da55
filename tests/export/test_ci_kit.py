"""The CI kit: the GitHub Action's steps run for real, the workflow's shape, the pre-commit hook.

The action's logic is reconciler/ci/action.py; action.yml maps inputs to environment variables
and runs one of its steps. These tests check that mapping, then run each step as the runner
would (same environment variables, output files), against the project's own examples, an
emulator for the Twilio side and a local stand-in for GitHub's REST API.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from twilio.rest import Client

from reconciler.ci import action
from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from tests.relay import serving

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / "examples" / "ci" / "_github" / "workflows" / "reconciler.yml.example"
ACTION = REPO / "action.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
TOKEN = "ghs_test-token-never-printed"
API_KEY = "SK" + "5" * 32
ACTION_STEP = re.compile(r'^python3 "\$GITHUB_ACTION_PATH/reconciler/ci/action\.py" (\w+)$')


# --- the workflow and action.yml, as files ---------------------------------------------------


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as a boolean
    return dict(data)


def action_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if "YOUR-ORG/reconciler@" in step.get("uses", "")]


def test_workflow_triggers_and_jobs() -> None:
    data = load(WORKFLOW)
    assert set(data["on"]) == {"pull_request", "push", "schedule", "workflow_dispatch"}
    assert data["on"]["push"] == {"branches": ["main"]}
    assert data["permissions"] == {"contents": "read"}
    jobs = data["jobs"]
    commands = {
        name: [s["with"]["command"] for s in action_steps(job)] for name, job in jobs.items()
    }
    assert commands == {
        "scope": ["scope"],
        "validate": ["validate"],
        "plan": ["plan"],
        "apply": ["apply"],
        "drift": ["drift"],
    }
    assert action_steps(jobs["plan"])[0]["with"]["comment"] is True
    assert jobs["plan"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    uses = {step["uses"] for job in jobs.values() for step in action_steps(job)}
    assert len(uses) == 1, "every job runs the same version of the action"
    for job in jobs.values():
        assert "timeout-minutes" in job
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_one_config_setting_drives_the_filter_and_the_concurrency_groups() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    data = load(WORKFLOW)
    assert data["env"]["CONFIG"] == "envs/prod"
    assert text.count("envs/prod") == 1, "the configuration's path is written once"
    assert not (data["on"]["pull_request"] or {}).get("paths"), "the scope job filters instead"
    jobs = data["jobs"]
    for name, job in jobs.items():
        for step in action_steps(job):
            assert step["with"]["config"] == "${{ env.CONFIG }}", name
        if name != "scope":
            assert "scope" in ([job["needs"]] if isinstance(job["needs"], str) else job["needs"])
    for name in ("validate", "plan", "apply"):
        assert "needs.scope.outputs.changed == 'true'" in jobs[name]["if"]
    assert jobs["scope"]["steps"][0]["with"]["fetch-depth"] == 0
    assert jobs["scope"]["outputs"]["group"] == "${{ steps.scope.outputs.group }}"


def test_drift_shares_the_apply_group_and_neither_is_cancelled() -> None:
    jobs = load(WORKFLOW)["jobs"]
    assert jobs["apply"]["concurrency"] == jobs["drift"]["concurrency"]
    assert jobs["apply"]["concurrency"] == {
        "group": "${{ needs.scope.outputs.group }}",
        "cancel-in-progress": False,
    }
    plan_group = jobs["plan"]["concurrency"]
    assert plan_group["group"].startswith("${{ needs.scope.outputs.group }}-plan-")
    assert plan_group["cancel-in-progress"] is True
    assert "schedule" in jobs["drift"]["if"] and "workflow_dispatch" in jobs["drift"]["if"]


def test_secrets_reach_only_the_steps_that_talk_to_twilio() -> None:
    data = load(WORKFLOW)
    assert "secrets." not in json.dumps(data.get("env", {}))
    for name, job in data["jobs"].items():
        assert "secrets." not in json.dumps(job.get("env", {})), name
        for step in job["steps"]:
            shown = json.dumps(step)
            command = step.get("with", {}).get("command")
            if command in ("plan", "apply", "drift"):
                # Only the merge job's key may write; plan and drift get the read-only one.
                key = "TWILIO_API_KEY" if command == "apply" else "TWILIO_READ_API_KEY"
                secret_name = key.replace("KEY", "SECRET")
                for secret in ("TWILIO_ACCOUNT_SID", key, secret_name):
                    assert f"secrets.{secret} " in shown, (name, secret)
                if command != "apply":
                    assert "secrets.TWILIO_API_KEY " not in shown, (name, "the write key")
                    # Not the auth token either: it can rewrite the account, and with the
                    # read-only key unset the job would quietly plan with it.
                    assert "secrets.TWILIO_AUTH_TOKEN" not in shown, (name, "the auth token")
            else:
                assert "secrets." not in shown, (name, step)


def test_fork_pull_requests_are_validated_not_planned() -> None:
    jobs = load(WORKFLOW)["jobs"]
    assert "head.repo.full_name == github.repository" in jobs["plan"]["if"]
    assert "full_name" not in jobs["validate"]["if"]
    assert "pull_request" in jobs["validate"]["if"]


def test_action_yml_maps_inputs_to_the_script_steps() -> None:
    data = load(ACTION)
    assert data["runs"]["using"] == "composite"
    inputs = data["inputs"]
    assert {"command", "config", "targets", "comment", "github-token"} <= set(inputs)
    assert inputs["command"]["default"] == "validate"
    assert inputs["config"]["required"] is True
    assert "fleet" in inputs["targets"]["description"]
    steps = data["runs"]["steps"]
    ran = []
    for step in steps:
        used = re.findall(r"inputs\.([\w-]+)", json.dumps(step))
        assert set(used) <= set(inputs), step["name"]
        if "run" in step:
            match = ACTION_STEP.match(step["run"])
            assert match, step["run"]
            assert match[1] in action.STEPS
            ran.append(match[1])
            assert step["shell"] == "bash"
    assert ran == ["install", "scope", "validate", "run", "comment", "finish"]
    step_ids = {step.get("id") for step in steps}
    for output in data["outputs"].values():
        assert re.match(r"^\$\{\{ steps\.([\w-]+)\.outputs\.[\w-]+ \}\}$", output["value"])
        assert output["value"].split(".")[1] in step_ids


def test_action_yml_gives_credentials_and_the_token_to_one_step_each() -> None:
    steps = {step["name"]: step for step in load(ACTION)["runs"]["steps"]}
    holders = {
        name: sorted(step.get("env", {}))
        for name, step in steps.items()
        if any(
            key.startswith("RECONCILER_INPUT_TWILIO_") or key == "RECONCILER_GITHUB_TOKEN"
            for key in step.get("env", {})
        )
    }
    assert set(holders) == {"Run ${{ inputs.command }}", "Post or update the plan comment"}
    assert steps["Install reconciler"]["env"] == {
        "RECONCILER_PACKAGE": "${{ inputs.package }}",
        "RECONCILER_COMMAND": "${{ inputs.command }}",
        "RECONCILER_COMMENT": "${{ inputs.comment }}",
    }
    run_env = steps["Run ${{ inputs.command }}"]["env"]
    for part in action.CREDENTIALS:
        name = "twilio-" + part.lower().replace("_", "-")
        assert run_env[f"RECONCILER_INPUT_TWILIO_{part}"] == f"${{{{ inputs.{name} }}}}"


def action_env(name: str, inputs: Mapping[str, str]) -> dict[str, str]:
    """The environment action.yml maps onto step `name`, its `${{ inputs.X }}` filled in."""
    data = load(ACTION)
    defaults_ = {key: str(spec.get("default", "")) for key, spec in data["inputs"].items()}
    given = {**defaults_, **inputs}
    for step in data["runs"]["steps"]:
        match = ACTION_STEP.match(step.get("run", ""))
        if match and match[1] == name:
            return {
                key: re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: given[m[1]], value)
                for key, value in step.get("env", {}).items()
            }
    raise AssertionError(f"action.yml runs no step {name!r}")


def test_every_step_that_reads_the_config_input_knows_the_targets() -> None:
    """With targets set, the config input is a targets file: a step without them misreads it."""
    for step in load(ACTION)["runs"]["steps"]:
        env = step.get("env", {})
        if "RECONCILER_CONFIG" in env:
            assert env.get("RECONCILER_TARGETS") == "${{ inputs.targets }}", step["name"]


def test_pre_commit_hook_runs_validate() -> None:
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "reconciler-validate"
    assert hook["entry"] == "reconciler validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False


# --- running the steps ---------------------------------------------------------------------


@dataclass
class Step:
    """Runs action.py steps the way the runner runs action.yml's (env, output files)."""

    folder: Path
    base: dict[str, str]
    last_out: str = ""
    last_err: str = ""

    @property
    def output_file(self) -> Path:
        return self.folder / "github_output"

    @property
    def summary_file(self) -> Path:
        return self.folder / "step_summary"

    def __call__(self, name: str, **env: str) -> int:
        for path in (self.output_file, self.summary_file):
            path.write_text("", encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        context = action.Context(env={**self.base, **env}, out=out, err=err)
        code = action.main([name], context)
        self.last_out, self.last_err = out.getvalue(), err.getvalue()
        return code

    def as_action_runs(self, name: str, inputs: Mapping[str, str], **env: str) -> int:
        """Runs step `name` with the environment action.yml gives it for these inputs."""
        return self(name, **action_env(name, inputs), **env)

    @property
    def outputs(self) -> dict[str, str]:
        lines = self.output_file.read_text(encoding="utf-8").splitlines()
        return dict(line.split("=", 1) for line in lines)

    @property
    def summary(self) -> str:
        return self.summary_file.read_text(encoding="utf-8")


@pytest.fixture
def step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Step:
    folder = tmp_path / "runner"
    (folder / "temp").mkdir(parents=True)
    bin_dir = Path(sys.executable).parent
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TWILIO_", "RECONCILER", "GITHUB_"))
    }
    base.update(
        {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "RUNNER_TEMP": str(folder / "temp"),
            "GITHUB_OUTPUT": str(folder / "github_output"),
            "GITHUB_STEP_SUMMARY": str(folder / "step_summary"),
            "GITHUB_PATH": str(folder / "github_path"),
            "NO_COLOR": "1",
        }
    )
    monkeypatch.chdir(REPO)
    return Step(folder, base)


def test_validate_step_on_the_examples(step: Step) -> None:
    assert step("validate", RECONCILER_CONFIG="examples/environments/prod") == 0
    assert "examples/environments/prod: valid" in step.last_out
    assert step.summary == ""


def test_validate_step_annotates_problems(step: Step, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nservices:\n  s:\n    webhooks: {method: null}\n", "utf-8")
    assert step("validate", RECONCILER_CONFIG=str(bad)) == 1
    assert step.last_out.startswith("::error file=")
    assert ",line=4," in step.last_out
    assert "is invalid" in step.summary


@dataclass
class Recorder:
    """Stands in for subprocess.run: records each command and its environment."""

    returncode: int = 0
    stdout: str = ""
    calls: list[tuple[list[str], dict[str, str]]] = field(default_factory=list)

    def __call__(self, command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append(([str(part) for part in command], dict(kwargs.get("env") or {})))
        return subprocess.CompletedProcess(command, self.returncode, self.stdout, "")


def run_recorded(name: str, env: Mapping[str, str], recorder: Recorder) -> action.Context:
    context = action.Context(env=dict(env), out=io.StringIO(), err=io.StringIO(), run=recorder)
    action.main([name], context)
    return context


def test_install_runs_pip_with_no_secret_in_its_environment(tmp_path: Path) -> None:
    recorder = Recorder()
    env = {
        "PATH": "/usr/bin",
        "HOME": "/home/runner",
        "PIP_INDEX_URL": "https://pypi.example.com/simple",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_PATH": str(tmp_path / "github_path"),
        "GITHUB_ACTION_PATH": "/actions/reconciler",
        "TWILIO_AUTH_TOKEN": "secret-1",
        "IOS_PUSH_PRIVATE_KEY": "secret-2",
        "ACTIONS_RUNTIME_TOKEN": "secret-3",
        "RECONCILER_INPUT_TWILIO_API_SECRET": "secret-4",
    }
    run_recorded("install", env, recorder)
    (venv, venv_env), (pip, pip_env) = recorder.calls
    assert venv[1:3] == ["-m", "venv"]
    assert pip[1:4] == ["-m", "pip", "install"] and pip[-1] == "/actions/reconciler"
    for seen in (venv_env, pip_env):
        assert seen == {
            "PATH": "/usr/bin",
            "HOME": "/home/runner",
            "PIP_INDEX_URL": "https://pypi.example.com/simple",
        }
    added = (tmp_path / "github_path").read_text(encoding="utf-8").strip()
    assert added == str(tmp_path / "reconciler-venv" / "bin")
    recorder.calls.clear()
    run_recorded(
        "install", {**env, "RECONCILER_PACKAGE": "twilio-conversations-reconciler==0.1.0"}, recorder
    )
    assert recorder.calls[-1][0][-1] == "twilio-conversations-reconciler==0.1.0"


def test_validate_never_sees_twilio_credentials_and_plan_gets_them_from_inputs() -> None:
    recorder = Recorder()
    env = {
        "RECONCILER_CONFIG": "envs/prod 'my envs/eu'",
        "TWILIO_AUTH_TOKEN": "from-the-job",
        "RECONCILER_INPUT_TWILIO_ACCOUNT_SID": defaults.ACCOUNT_SID,
        "RECONCILER_INPUT_TWILIO_API_KEY": API_KEY,
        "RECONCILER_INPUT_TWILIO_API_SECRET": "api-secret",
        "RECONCILER_INPUT_TWILIO_AUTH_TOKEN": "auth-token",
        "RECONCILER_GITHUB_TOKEN": TOKEN,
    }
    run_recorded("validate", env, recorder)
    command, seen = recorder.calls[-1]
    assert command == [
        "reconciler",
        "validate",
        "--format",
        "github",
        "--",
        "envs/prod",
        "my envs/eu",
    ]
    assert not [key for key in seen if key.startswith("TWILIO_") or "TOKEN" in key]

    run_recorded("run", {**env, "RECONCILER_COMMAND": "plan"}, recorder)
    command, seen = recorder.calls[-1]
    assert command[:5] == ["reconciler", "plan", "--format", "markdown", "--detailed-exitcode"]
    assert {key: value for key, value in seen.items() if key.startswith("TWILIO_")} == {
        "TWILIO_ACCOUNT_SID": defaults.ACCOUNT_SID,
        "TWILIO_API_KEY": API_KEY,
        "TWILIO_API_SECRET": "api-secret",
    }, "the auth token is dropped when an API key is given"
    assert not [key for key in seen if key.startswith("RECONCILER_INPUT") or "GITHUB_TOKEN" in key]


def test_with_targets_the_config_input_is_the_targets_file() -> None:
    recorder = Recorder()
    env = {
        "RECONCILER_CONFIG": "fleet.yaml",
        "RECONCILER_TARGETS": "eu-prod, us-prod\nasia-*",
        "RECONCILER_EXTRA_ARGS": "--concurrency 4",
    }
    fleet = ["--targets", "fleet.yaml", "--target", "eu-prod", "--target", "us-prod"]
    fleet += ["--target", "asia-*"]
    for command in ("plan", "drift", "apply"):
        run_recorded("run", {**env, "RECONCILER_COMMAND": command}, recorder)
        argv = recorder.calls[-1][0]
        assert argv[1] == ("plan" if command == "drift" else command)
        assert argv[-len(fleet) - 2 :] == ["--concurrency", "4", *fleet]
    run_recorded("validate", env, recorder)
    assert recorder.calls[-1][0][1:] == ["validate", "--format", "github", *fleet]
    # Without targets: the paths, after `--`, as before.
    run_recorded("run", {**env, "RECONCILER_TARGETS": "", "RECONCILER_COMMAND": "plan"}, recorder)
    assert recorder.calls[-1][0][-4:] == ["--concurrency", "4", "--", "fleet.yaml"]
    context = run_recorded(
        "validate", {**env, "RECONCILER_CONFIG": "base prod"}, recorder
    )  # two paths and targets: which is the targets file?
    assert "names the targets file (one path); got 2 paths" in str(context.out.getvalue())


def test_install_refuses_a_misspelt_command_or_comment(tmp_path: Path) -> None:
    recorder = Recorder()
    env = {"RUNNER_TEMP": str(tmp_path), "GITHUB_ACTION_PATH": "/actions/reconciler"}
    context = run_recorded("install", {**env, "RECONCILER_COMMAND": "deploy"}, recorder)
    assert recorder.calls == []
    assert isinstance(context.out, io.StringIO)
    assert context.out.getvalue() == (
        "::error title=reconciler action::command is 'deploy'; it takes validate, plan, apply, "
        "drift, scope\n"
    )
    context = run_recorded("install", {**env, "RECONCILER_COMMENT": "yes"}, recorder)
    assert recorder.calls == [] and "it takes true or false" in str(context.out.getvalue())
    run_recorded(
        "install", {**env, "RECONCILER_COMMAND": "drift", "RECONCILER_COMMENT": "false"}, recorder
    )
    assert len(recorder.calls) == 2


def test_inputs_are_checked(step: Step) -> None:
    assert step("validate", RECONCILER_CONFIG="  ") == 1
    assert step.last_out.startswith("::error title=reconciler action::the config input is empty")
    assert step("run", RECONCILER_CONFIG="x", RECONCILER_COMMAND="destroy") == 1
    assert "plan, drift or apply; got 'destroy'" in step.last_out
    assert step("nonsense") == 2


# --- plan, apply and drift against an account -------------------------------------------------


def credentials(emulator: EmulatorServer) -> dict[str, str]:
    return {
        "RECONCILER_ENDPOINT": emulator.url,
        "RECONCILER_INPUT_TWILIO_ACCOUNT_SID": defaults.ACCOUNT_SID,
        "RECONCILER_INPUT_TWILIO_AUTH_TOKEN": defaults.AUTH_TOKEN,
    }


def test_plan_apply_and_drift_on_the_support_desk_example(
    step: Step, emulator: EmulatorServer, sdk_client: Client, capfd: pytest.CaptureFixture[str]
) -> None:
    env = {"RECONCILER_CONFIG": "examples/support-desk", **credentials(emulator)}

    assert step("run", RECONCILER_COMMAND="plan", **env) == 0
    assert step.outputs["exitcode"] == "2" and step.outputs["changes"] == "true"
    plan = Path(step.outputs["plan"]).read_text(encoding="utf-8")
    assert "Customer Support" in plan
    assert plan in step.summary and "## reconciler plan: `examples/support-desk`" in step.summary
    assert step("finish", RECONCILER_EXITCODE=step.outputs["exitcode"]) == 0

    assert step("run", RECONCILER_COMMAND="apply", **env) == 0
    assert step.outputs["exitcode"] == "0"
    assert "done" in step.summary
    capfd.readouterr()

    assert step("run", RECONCILER_COMMAND="drift", **env) == 0
    assert step.outputs["changes"] == "false"
    assert "No drift" in step.last_out

    services = sdk_client.conversations.v1.services.list()
    support = next(s for s in services if s.friendly_name == "Customer Support")
    sdk_client.conversations.v1.services(support.sid).configuration().update(
        reachability_enabled=False
    )
    assert step("run", RECONCILER_COMMAND="drift", **env) == 2
    assert "::error title=Drift::the live account differs from examples/support-desk" in (
        step.last_out
    )
    assert step.outputs["exitcode"] == "2"
    assert "reachability_enabled" in step.summary


def test_validate_plan_apply_and_drift_on_the_fleet_example(step: Step) -> None:
    """With targets, the action runs the fleet: the targets file as config, a --target each.

    Each step gets the environment action.yml maps for these inputs, as the runner would.
    """
    with EmulatorServer(subaccounts=3) as emulator:
        inputs = {
            "config": "examples/fleet/reconciler-targets.yaml.example",
            "targets": "tenant-001 tenant-00[23]",
            "twilio-account-sid": defaults.ACCOUNT_SID,
            "twilio-auth-token": defaults.AUTH_TOKEN,
        }
        endpoint = {"RECONCILER_ENDPOINT": emulator.url}

        def run(command: str) -> int:
            return step.as_action_runs("run", {**inputs, "command": command}, **endpoint)

        assert step.as_action_runs("validate", inputs) == 0, step.last_out + step.last_err
        assert "3 valid" in step.last_out
        assert run("plan") == 0, step.last_err
        assert step.outputs["changes"] == "true"
        assert "tenant-002" in Path(step.outputs["plan"]).read_text(encoding="utf-8")
        assert run("apply") == 0
        assert run("drift") == 0, step.last_out
        assert step.outputs["changes"] == "false"
        inputs["targets"] = "tenant-004"
        assert run("plan") == 0
        assert step.outputs["exitcode"] == "1"
        assert "--target 'tenant-004' matches no target" in step.summary


def test_a_fleet_plan_with_a_failed_target_comments_the_others_plans(step: Step) -> None:
    """One target failing does not stop the others: the comment still shows their plans."""
    with EmulatorServer(subaccounts=2) as emulator:  # the example's tenant-003 does not exist
        env = {
            "RECONCILER_CONFIG": "examples/fleet/reconciler-targets.yaml.example",
            "RECONCILER_TARGETS": "tenant-00[123]",
            **credentials(emulator),
        }
        assert step("run", RECONCILER_COMMAND="plan", **env) == 0, step.last_err
    assert step.outputs["exitcode"] == "1"
    comment = Path(step.outputs["plan"]).read_text(encoding="utf-8")
    assert comment.startswith("### reconciler plan failed for ")
    assert "some targets failed" in comment
    assert "#### `tenant-001`" in comment and "#### `tenant-002`" in comment
    assert "#### `tenant-003`: failed" in comment
    assert "no subaccount" in comment


def test_a_failed_plan_is_an_error_not_drift_and_is_still_commented(
    step: Step, emulator: EmulatorServer
) -> None:
    env = {
        "RECONCILER_CONFIG": "examples/support-desk",
        "RECONCILER_ENDPOINT": emulator.url,
        "RECONCILER_INPUT_TWILIO_ACCOUNT_SID": defaults.ACCOUNT_SID,
        "RECONCILER_INPUT_TWILIO_AUTH_TOKEN": "wrong-token",
    }
    assert step("run", RECONCILER_COMMAND="drift", **env) == 1
    assert "::error title=Plan failed::reconciler plan failed" in step.last_out
    assert "(this is an error, not drift)" in step.last_out
    assert "Drift" not in step.last_out
    assert "wrong-token" not in step.last_out + step.last_err + step.summary

    # plan: the step passes (the comment step runs next), the outputs and the comment say why
    assert step("run", RECONCILER_COMMAND="plan", **env) == 0
    assert step.outputs["exitcode"] == "1" and step.outputs["changes"] == ""
    failure = Path(step.outputs["plan"]).read_text(encoding="utf-8")
    assert failure.startswith("### reconciler plan failed for `examples/support-desk`")
    assert "401" in failure
    assert step("finish", RECONCILER_EXITCODE="1") == 1


# --- scope: which runs matter, and the group names --------------------------------------------


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture
def config_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository laid out like the kit's users': envs/{base,staging,prod} and the workflow."""
    repo = tmp_path / "config-repo"
    shutil.copytree(REPO / "examples" / "environments", repo / "envs")
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(WORKFLOW, repo / ".github" / "workflows" / "reconciler.yml")
    (repo / "README.md").write_text("config\n", encoding="utf-8")
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "initial")
    monkeypatch.chdir(repo)
    return repo


def push_event(step: Step, repo: Path, before: str) -> dict[str, str]:
    event = repo.parent / "event.json"
    event.write_text(json.dumps({"before": before, "after": git(repo, "rev-parse", "HEAD")}))
    return {
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_WORKFLOW_REF": "org/config-repo/.github/workflows/reconciler.yml@refs/heads/main",
    }


def commit_change(repo: Path, path: str, text: str) -> str:
    before = git(repo, "rev-parse", "HEAD")
    target = repo / path
    target.write_text(target.read_text(encoding="utf-8") + text, encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", f"change {path}")
    return before


def test_scope_of_a_fleet_watches_the_targets_file_and_what_its_targets_read(
    step: Step, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "fleet-repo"
    shutil.copytree(REPO / "examples" / "fleet", repo / "fleet")
    (repo / "README.md").write_text("fleet\n", encoding="utf-8")
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "initial")
    monkeypatch.chdir(repo)
    env = {
        "RECONCILER_CONFIG": "fleet/reconciler-targets.yaml.example",
        "RECONCILER_TARGETS": "tenant-*",
    }
    for changed_file, verdict in [
        ("fleet/base/conversations.yaml", "true"),
        ("fleet/reconciler-targets.yaml.example", "true"),
        ("README.md", "false"),
    ]:
        before = commit_change(repo, changed_file, "\n# a comment\n")
        assert step("scope", **env, **push_event(step, repo, before)) == 0, step.last_out
        assert step.outputs["changed"] == verdict, (changed_file, step.last_out)


@pytest.mark.parametrize(
    ("changed_file", "prod", "staging"),
    [
        ("envs/base/shared.yaml", "true", "true"),  # included by both
        ("envs/prod/conversations.yaml", "true", "false"),
        ("envs/staging/conversations.yaml", "false", "true"),
        ("README.md", "false", "false"),
        (".github/workflows/reconciler.yml", "true", "true"),
    ],
)
def test_scope_follows_includes_on_a_push(
    step: Step, config_repo: Path, changed_file: str, prod: str, staging: str
) -> None:
    before = commit_change(config_repo, changed_file, "\n# a comment\n")
    event = push_event(step, config_repo, before)
    assert step("scope", RECONCILER_CONFIG="envs/prod", **event) == 0
    assert step.outputs["changed"] == prod
    assert step("scope", RECONCILER_CONFIG="envs/staging", **event) == 0
    assert step.outputs["changed"] == staging


def test_scope_on_a_pull_request_compares_with_its_base(step: Step, config_repo: Path) -> None:
    base = git(config_repo, "rev-parse", "HEAD")
    git(config_repo, "checkout", "--quiet", "-b", "feature")
    commit_change(config_repo, "envs/staging/conversations.yaml", "\n# staging only\n")
    event = config_repo.parent / "pr.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "base": {"sha": base}}}))
    env = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)}
    step("scope", RECONCILER_CONFIG="envs/prod", **env)
    assert step.outputs["changed"] == "false"
    step("scope", RECONCILER_CONFIG="envs/staging", **env)
    assert step.outputs["changed"] == "true"
    assert "envs/staging/conversations.yaml" in step.last_out


def test_scope_runs_everything_when_it_cannot_tell(step: Step, config_repo: Path) -> None:
    assert step("scope", RECONCILER_CONFIG="envs/prod", GITHUB_EVENT_NAME="schedule") == 0
    assert step.outputs["changed"] == "true"
    assert "schedule run checks the whole configuration" in step.last_out
    new_branch = push_event(step, config_repo, "0" * 40)
    step("scope", RECONCILER_CONFIG="envs/prod", **new_branch)
    assert step.outputs["changed"] == "true"
    unknown = push_event(step, config_repo, "f" * 40)
    step("scope", RECONCILER_CONFIG="envs/prod", **unknown)
    assert step.outputs["changed"] == "true" and "fetch-depth: 0" in step.last_out
    before = commit_change(config_repo, "README.md", "x")
    (config_repo / "envs/prod/conversations.yaml").write_text("version: [\n", encoding="utf-8")
    step("scope", RECONCILER_CONFIG="envs/prod", **push_event(step, config_repo, before))
    assert step.outputs["changed"] == "true" and "cannot be read" in step.last_out


def test_scope_group_names_differ_per_configuration_and_target(
    step: Step, config_repo: Path
) -> None:
    groups = set()
    for config, targets in [
        ("envs/prod", ""),
        ("envs/staging", ""),
        ("envs/prod", "eu"),
        ("envs-prod", ""),
    ]:
        step(
            "scope",
            RECONCILER_CONFIG=config,
            RECONCILER_TARGETS=targets,
            GITHUB_EVENT_NAME="schedule",
        )
        group = step.outputs["group"]
        assert re.fullmatch(r"reconciler-[a-z0-9-]+-[0-9a-f]{8}", group), group
        groups.add(group)
    assert len(groups) == 4
    step("scope", RECONCILER_CONFIG="envs/prod", GITHUB_EVENT_NAME="schedule")
    assert step.outputs["group"].startswith("reconciler-envs-prod-")
    assert step.outputs["group"] == action.concurrency_group(["envs/prod"], [])


# --- the plan comment, against a stand-in for GitHub's REST API -------------------------------


@dataclass
class FakeGitHub:
    """Issue comments of one pull request, served like GitHub's REST API (paged by 100)."""

    comments: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    refuse: int | None = None
    url: str = ""

    def add(self, body: str, bot: bool = True) -> dict[str, Any]:
        number = 1000 + len(self.comments)
        comment = {
            "id": number,
            "body": body,
            "user": {
                "login": "github-actions[bot]" if bot else "octocat",
                "type": "Bot" if bot else "User",
            },
            "html_url": f"https://github.example/org/repo/pull/7#issuecomment-{number}",
        }
        self.comments.append(comment)
        return comment


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    state = FakeGitHub()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def reply(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def handle_any(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"null")
            state.requests.append((method, self.path, self.headers.get("Authorization", "")))
            if state.refuse:
                self.reply(state.refuse, {"message": "Resource not accessible by integration"})
                return
            parts = urlsplit(self.path)
            if method == "GET" and parts.path == "/repos/org/repo/issues/7/comments":
                query = parse_qs(parts.query)
                page, size = int(query["page"][0]), int(query["per_page"][0])
                self.reply(200, state.comments[(page - 1) * size : page * size])
            elif method == "POST" and parts.path == "/repos/org/repo/issues/7/comments":
                self.reply(201, state.add(body["body"]))
            elif method == "PATCH" and parts.path.startswith("/repos/org/repo/issues/comments/"):
                number = int(parts.path.rsplit("/", 1)[1])
                comment = next(c for c in state.comments if c["id"] == number)
                comment["body"] = body["body"]
                self.reply(200, comment)
            else:
                self.reply(404, {"message": "Not Found"})

        def do_GET(self) -> None:
            self.handle_any("GET")

        def do_POST(self) -> None:
            self.handle_any("POST")

        def do_PATCH(self) -> None:
            self.handle_any("PATCH")

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as state.url:
        yield state


def comment_env(
    step: Step, github: FakeGitHub, plan: str, config: str = "envs/prod"
) -> dict[str, str]:
    plan_file = step.folder / "plan.md"
    plan_file.write_text(plan, encoding="utf-8")
    event = step.folder / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "head": {"sha": "abcdef1234567"}}}))
    return {
        "RECONCILER_CONFIG": config,
        "RECONCILER_PLAN_FILE": str(plan_file),
        "RECONCILER_GITHUB_TOKEN": TOKEN,
        "GITHUB_API_URL": github.url,
        "GITHUB_REPOSITORY": "org/repo",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_RUN_ID": "42",
    }


def test_the_plan_comment_is_posted_once_then_updated_in_place(
    step: Step, github: FakeGitHub
) -> None:
    human = github.add("<!-- reconciler-plan: envs/prod -->\nquoting the bot", bot=False)
    other = github.add("<!-- reconciler-plan: envs/staging -->\nstaging's plan")
    assert step("comment", **comment_env(step, github, "Plan: 1 to create")) == 0
    assert len(github.comments) == 3
    mine = github.comments[-1]
    assert mine["body"].startswith("<!-- reconciler-plan: envs/prod -->\nPlan: 1 to create\n")
    assert "commit abcdef1" in mine["body"] and "actions/runs/42" in mine["body"]
    assert step.outputs["url"] == mine["html_url"]

    assert step("comment", **comment_env(step, github, "No changes.")) == 0
    assert len(github.comments) == 3, "updated, not posted again"
    assert "No changes." in mine["body"] and "Plan: 1 to create" not in mine["body"]
    assert human["body"].endswith("quoting the bot") and other["body"].endswith("staging's plan")
    assert {auth for _, _, auth in github.requests} == {f"Bearer {TOKEN}"}
    assert TOKEN not in step.last_out + step.last_err


def test_the_plan_comment_is_found_beyond_the_first_page(step: Step, github: FakeGitHub) -> None:
    for number in range(150):
        github.add(f"comment {number}", bot=number % 2 == 0)
    mine = github.add("<!-- reconciler-plan: envs/prod -->\nold plan")
    assert step("comment", **comment_env(step, github, "new plan")) == 0
    assert len(github.comments) == 151
    assert mine["body"].startswith("<!-- reconciler-plan: envs/prod -->\nnew plan")
    assert [m for m, _, _ in github.requests] == ["GET", "GET", "PATCH"]


def test_a_long_plan_is_truncated_and_points_at_the_summary(step: Step, github: FakeGitHub) -> None:
    assert step("comment", **comment_env(step, github, "x" * 200_000)) == 0
    body = github.comments[-1]["body"]
    assert len(body) <= 65_536
    assert (
        "truncated: the full plan is in the [job summary](https://github.example/org/repo/actions/runs/42)"
        in body
    )


def test_a_refused_comment_is_a_warning_and_never_shows_the_token(
    step: Step, github: FakeGitHub
) -> None:
    github.refuse = 403
    assert step("comment", **comment_env(step, github, "Plan")) == 0
    assert step.last_out.startswith(
        "::warning title=Plan comment::could not post the plan comment (HTTP 403)"
    )
    assert "pull-requests: write" in step.last_out
    assert TOKEN not in step.last_out + step.last_err


def test_no_comment_outside_a_pull_request(step: Step, github: FakeGitHub) -> None:
    env = comment_env(step, github, "Plan")
    Path(env["GITHUB_EVENT_PATH"]).write_text(json.dumps({"schedule": "23 4 * * *"}))
    assert step("comment", **env) == 0
    assert github.requests == [] and "Not a pull request" in step.last_out


def test_comment_markers_keep_configurations_and_targets_apart() -> None:
    assert action.marker("envs/prod") == "<!-- reconciler-plan: envs/prod -->"
    assert action.marker("fleet.yaml (targets: eu, us)") != action.marker("fleet.yaml")
    assert "--" not in action.marker("a--b -->")[4:-3]


def test_finish_fails_only_a_failed_plan(step: Step) -> None:
    assert [step("finish", RECONCILER_EXITCODE=code) for code in ("", "0", "2", "1")] == [
        0,
        0,
        0,
        1,
    ]
