"""The steps of the GitHub Action (action.yml at the repository root), as one script.

action.yml only maps its inputs to environment variables and runs
`python3 $GITHUB_ACTION_PATH/reconciler/ci/action.py STEP`; everything else is here, so the
steps are tested directly (tests/export/test_ci_kit.py), without a runner. The script uses the
standard library only: its `install` step runs before the reconciler is installed, and every
other step talks to the `reconciler` command line, the interface CI pipelines rely on.

Steps:
- `install`: a virtualenv under RUNNER_TEMP with the reconciler in it, on the job's PATH. pip
  runs with a minimal environment, so no secret given to the action reaches it or the build
  backends of what it installs;
- `scope`: the concurrency group name and whether this push or pull request changes any file the
  configuration reads (includes followed), from one setting: the config paths;
- `validate`: `reconciler validate --format github`, offline, without Twilio credentials;
- `run`: `plan` (markdown for the comment and the job summary; never fails the step, so the
  comment can still be posted), `drift` (plan --detailed-exitcode: exit 2 is drift, 1 an error,
  each with its own annotation) or `apply --auto-approve`;
- `comment`: posts the plan on the pull request, or updates the comment posted before;
- `finish`: fails the job when the plan failed (after the comment told the reviewers why).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

COMMANDS = ("validate", "plan", "apply", "drift", "scope")
CREDENTIALS = ("ACCOUNT_SID", "API_KEY", "API_SECRET", "AUTH_TOKEN")
INPUT_PREFIX = "RECONCILER_INPUT_TWILIO_"
COMMENT_LIMIT = 65_000
"""GitHub refuses comments over 65,536 characters; the marker and footer need some room."""
SUMMARY_LIMIT = 900_000
"""A step summary may hold 1 MiB."""
PIP_ENVIRONMENT = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "TMPDIR",
    "SYSTEMROOT",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
)
"""What pip may see of the step's environment (plus PIP_* settings): nothing secret."""

Runner = Callable[..., "subprocess.CompletedProcess[str]"]


class ActionError(Exception):
    """A wrong input: shown as one error annotation, exit 1."""


@dataclass
class Context:
    """The step's environment and where its output goes (replaced in tests)."""

    env: Mapping[str, str]
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    run: Runner = subprocess.run
    opener: Callable[..., Any] = urllib.request.urlopen

    def get(self, name: str, default: str = "") -> str:
        return self.env.get(name, default)

    @property
    def paths(self) -> list[str]:
        paths = shlex.split(self.get("RECONCILER_CONFIG"))
        if not paths:
            raise ActionError("the config input is empty: give the configuration's paths")
        return paths

    @property
    def targets(self) -> list[str]:
        return [name for name in re.split(r"[\s,]+", self.get("RECONCILER_TARGETS")) if name]

    @property
    def selection(self) -> list[str]:
        """The configuration on the command line, last: its paths; with targets, the targets
        file (the config input) and a --target for each."""
        if not self.targets:
            return ["--", *self.paths]
        if len(self.paths) != 1:
            raise ActionError(
                f"with targets, the config input names the targets file (one path); got "
                f"{len(self.paths)} paths"
            )
        flags = [flag for name in self.targets for flag in ("--target", name)]
        return ["--targets", self.paths[0], *flags]

    @property
    def extra_args(self) -> list[str]:
        return shlex.split(self.get("RECONCILER_EXTRA_ARGS"))

    @property
    def reconciler(self) -> str:
        return self.get("RECONCILER_BIN") or "reconciler"

    @property
    def temp(self) -> Path:
        return Path(self.get("RUNNER_TEMP") or tempfile.gettempdir())

    @property
    def label(self) -> str:
        """The configuration as people name it: its paths, and its targets if any."""
        text = " ".join(self.paths)
        return f"{text} (targets: {', '.join(self.targets)})" if self.targets else text

    def output(self, name: str, value: str) -> None:
        """A step output (GITHUB_OUTPUT); values are single lines."""
        self._append("GITHUB_OUTPUT", f"{name}={value}\n")

    def summary(self, markdown: str) -> None:
        if len(markdown) > SUMMARY_LIMIT:
            markdown = markdown[:SUMMARY_LIMIT] + "\n\n… truncated.\n"
        self._append(
            "GITHUB_STEP_SUMMARY", markdown if markdown.endswith("\n") else markdown + "\n"
        )

    def _append(self, variable: str, text: str) -> None:
        target = self.get(variable)
        if target:
            with open(target, "a", encoding="utf-8") as handle:
                handle.write(text)

    def annotate(self, level: str, title: str, message: str) -> None:
        self.out.write(f"::{level} title={_property(title)}::{_data(message)}\n")
        self.out.flush()


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _without_credentials(env: Mapping[str, str]) -> dict[str, str]:
    """The environment with no Twilio credential and no action input in it."""
    return {
        name: value
        for name, value in env.items()
        if not name.startswith(INPUT_PREFIX)
        and name not in {f"TWILIO_{part}" for part in CREDENTIALS}
        and name != "RECONCILER_GITHUB_TOKEN"
    }


def credential_environment(env: Mapping[str, str]) -> dict[str, str]:
    """The environment for plan and apply: the action's credential inputs as TWILIO_* variables.

    An input left empty keeps the variable the job may have set itself. The auth token is passed
    only when no API key is (the API key is preferred and can be revoked alone).
    """
    result = {name: value for name, value in env.items() if not name.startswith(INPUT_PREFIX)}
    result.pop("RECONCILER_GITHUB_TOKEN", None)
    for part in CREDENTIALS:
        given = env.get(INPUT_PREFIX + part, "")
        if given:
            result[f"TWILIO_{part}"] = given
    if result.get("TWILIO_API_KEY"):
        result.pop("TWILIO_AUTH_TOKEN", None)
    return result


# --- install ----------------------------------------------------------------------------------


def pip_environment(env: Mapping[str, str]) -> dict[str, str]:
    """What pip runs with: the allowlist and PIP_* settings, nothing else."""
    return {
        name: value
        for name, value in env.items()
        if name in PIP_ENVIRONMENT or name.startswith("PIP_")
    }


def check_inputs(context: Context) -> None:
    """The inputs that choose what runs: a typo must fail the job, not skip a step silently."""
    command = context.get("RECONCILER_COMMAND")
    if command and command not in COMMANDS:
        raise ActionError(f"command is {command!r}; it takes {', '.join(COMMANDS)}")
    comment = context.get("RECONCILER_COMMENT")
    if comment and comment not in ("true", "false"):
        raise ActionError(f"comment is {comment!r}; it takes true or false")


def install(context: Context) -> int:
    check_inputs(context)
    package = context.get("RECONCILER_PACKAGE") or context.get("GITHUB_ACTION_PATH")
    if not package:
        raise ActionError("nothing to install: set the package input (a pip requirement)")
    venv = context.temp / "reconciler-venv"
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    clean = pip_environment(context.env)
    if not python.exists():
        context.run([sys.executable, "-m", "venv", str(venv)], env=clean, check=True)
    quiet = ["--quiet", "--disable-pip-version-check"]
    context.run([str(python), "-m", "pip", "install", *quiet, package], env=clean, check=True)
    context._append("GITHUB_PATH", f"{bin_dir}\n")
    context.out.write(f"Installed {package} into {venv}\n")
    return 0


# --- scope ------------------------------------------------------------------------------------


def concurrency_group(paths: Sequence[str], targets: Sequence[str]) -> str:
    """A readable group name that differs for every configuration: its slug and a hash."""
    key = "\0".join([*paths, "--targets", *targets])
    slug = re.sub(r"[^a-z0-9]+", "-", " ".join([*paths, *targets]).lower()).strip("-")[:60]
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"reconciler-{slug or 'config'}-{digest}"


def _git(context: Context, *args: str) -> str | None:
    result = context.run(["git", *args], capture_output=True, text=True, check=False)
    return result.stdout if result.returncode == 0 else None


def _event(context: Context) -> dict[str, Any]:
    path = context.get("GITHUB_EVENT_PATH")
    if not path or not Path(path).is_file():
        return {}
    loaded = json.loads(Path(path).read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def _diff_range(context: Context) -> tuple[str | None, str]:
    """The git range this run is about, or None and the reason to treat everything as changed."""
    name = context.get("GITHUB_EVENT_NAME")
    event = _event(context)
    if name in ("pull_request", "pull_request_target"):
        base = event.get("pull_request", {}).get("base", {}).get("sha")
        return (f"{base}...HEAD", "") if base else (None, "the event names no base commit")
    if name == "push":
        before, after = event.get("before", ""), event.get("after") or context.get("GITHUB_SHA")
        if not before or set(before) == {"0"} or not after:
            return None, "a new branch: every file is new"
        return f"{before}..{after}", ""
    return None, f"a {name or 'manual'} run checks the whole configuration"


def _config_files(context: Context) -> list[Path] | None:
    """Every file the configuration reads (includes followed), or None if it cannot be read."""
    result = context.run(
        [context.reconciler, "validate", "--format", "json", *context.selection],
        capture_output=True,
        text=True,
        check=False,
        env=_without_credentials(context.env),
    )
    try:
        report = json.loads(result.stdout)
        if context.targets:  # a fleet's report: each target's files
            files = [file for target in report["targets"] for file in target.get("files") or []]
        else:
            files = report.get("files") or []
    except (ValueError, AttributeError, KeyError, TypeError):
        return None
    return sorted({Path(file).resolve() for file in files}) or None


def changed_files(context: Context) -> tuple[list[Path] | None, str]:
    """Files changed by this run's event (absolute), or None with the reason it cannot tell."""
    spec, reason = _diff_range(context)
    if spec is None:
        return None, reason
    top = _git(context, "rev-parse", "--show-toplevel")
    names = _git(context, "diff", "--name-only", "-z", spec)
    if top is None or names is None:
        return None, f"git cannot compare {spec} (check out with fetch-depth: 0)"
    root = Path(top.strip())
    return [(root / name).resolve() for name in names.split("\0") if name], ""


def scope(context: Context) -> int:
    group = concurrency_group(context.paths, context.targets)
    context.output("group", group)
    changed, reason = changed_files(context)
    watched: list[Path] = []
    if changed is not None:
        files = _config_files(context)
        if files is None:
            changed, reason = None, "the configuration cannot be read: validate will say why"
        else:
            watched = files + [Path(path).resolve() for path in context.paths]
            watched += [
                Path(path).resolve() for path in shlex.split(context.get("RECONCILER_WATCH"))
            ]
            workflow = re.match(r"^[^/]+/[^/]+/(.+?)@", context.get("GITHUB_WORKFLOW_REF"))
            if workflow and (top := _git(context, "rev-parse", "--show-toplevel")):
                watched.append((Path(top.strip()) / workflow.group(1)).resolve())
    if changed is None:
        verdict, because = "true", reason
    else:
        hits = [
            file
            for file in changed
            if any(file == path or path in file.parents for path in watched)
        ]
        verdict = "true" if hits else "false"
        cwd = Path.cwd()
        shown = ", ".join(os.path.relpath(file, cwd) for file in hits[:5])
        because = f"changed: {shown}" if hits else "no file of the configuration changed"
    context.output("changed", verdict)
    context.out.write(f"{context.label}: changed={verdict} ({because}); group {group}\n")
    return 0


# --- validate ---------------------------------------------------------------------------------


def validate(context: Context) -> int:
    command = [context.reconciler, "validate", "--format", "github", *context.selection]
    result = context.run(
        command, env=_without_credentials(context.env), capture_output=True, text=True, check=False
    )
    context.out.write(result.stdout)
    context.err.write(result.stderr)
    if result.returncode != 0:
        context.summary(
            f"### reconciler validate: `{context.label}` is invalid\n\n"
            "Each problem is annotated on its line (Files changed tab) and listed in the log.\n"
        )
    return int(result.returncode)


# --- run: plan, drift, apply ------------------------------------------------------------------


def _failure_markdown(label: str, code: int, stderr: str, report: str = "") -> str:
    """The comment for a failed plan: what it printed on stderr, and with a fleet whose
    failed targets did not stop the others, the fleet's report (the others' plans, and why
    each failed target failed)."""
    fence = "````" if "```" in stderr else "```"
    head = f"### reconciler plan failed for `{label}`\n\n"
    if report.strip():
        details = (
            f"\n<details><summary>stderr</summary>\n\n{fence}\n{stderr.strip()}\n{fence}\n\n"
            "</details>\n"
            if stderr.strip()
            else ""
        )
        return (
            f"{head}`reconciler plan` exited {code}: some targets failed (their sections say "
            f"why); nothing was applied.\n\n{report.rstrip()}\n{details}"
        )
    return (
        f"{head}`reconciler plan` exited {code}; nothing was applied.\n\n"
        f"{fence}\n{stderr.strip() or '(no output)'}\n{fence}\n"
    )


def _plan(context: Context, drift: bool) -> int:
    command = [
        context.reconciler,
        "plan",
        "--format",
        "markdown",
        "--detailed-exitcode",
        *context.extra_args,
        *context.selection,
    ]
    result = context.run(
        command,
        env=credential_environment(context.env),
        capture_output=True,
        text=True,
        check=False,
    )
    context.err.write(result.stderr)
    code = int(result.returncode)
    plan_file = context.temp / "reconciler-plan.md"
    if code in (0, 2):
        markdown = result.stdout
    else:
        markdown = _failure_markdown(context.label, code, result.stderr, result.stdout)
    plan_file.write_text(markdown, encoding="utf-8")
    context.out.write(result.stdout if code in (0, 2) else "")
    context.summary(f"## reconciler plan: `{context.label}`\n\n{markdown}")
    context.output("exitcode", str(code))
    context.output("changes", {0: "false", 2: "true"}.get(code, ""))
    context.output("plan", str(plan_file))
    if code not in (0, 2):
        first = next((line for line in result.stderr.splitlines() if line.strip()), "no output")
        context.annotate(
            "error",
            "Plan failed",
            f"reconciler plan failed for {context.label} (exit {code}): {first}"
            + (" (this is an error, not drift)" if drift else ""),
        )
        return 1 if drift else 0
    if drift and code == 2:
        context.annotate(
            "error",
            "Drift",
            f"the live account differs from {context.label} (the plan is in the job summary): "
            "apply the configuration again to undo the change, or change the configuration "
            "to match",
        )
        return 2
    if drift:
        context.out.write(f"No drift: the live account matches {context.label}.\n")
    return 0


def _apply(context: Context) -> int:
    command = [
        context.reconciler,
        "apply",
        "--auto-approve",
        *context.extra_args,
        *context.selection,
    ]
    # not captured: a long apply shows its progress in the log as it goes
    result = context.run(command, env=credential_environment(context.env), check=False)
    code = int(result.returncode)
    context.output("exitcode", str(code))
    verdict = "done" if code == 0 else f"failed (exit {code}): the log lists what failed"
    context.summary(f"## reconciler apply: `{context.label}`\n\n{verdict}\n")
    return code


def run(context: Context) -> int:
    command = context.get("RECONCILER_COMMAND")
    if command == "plan":
        return _plan(context, drift=False)
    if command == "drift":
        return _plan(context, drift=True)
    if command == "apply":
        return _apply(context)
    raise ActionError(f"the run step takes plan, drift or apply; got {command!r}")


# --- comment ----------------------------------------------------------------------------------


def marker(label: str) -> str:
    """The hidden first line that finds this configuration's comment again."""
    safe = label.replace("--", "- -").replace(">", "")
    return f"<!-- reconciler-plan: {safe} -->"


@dataclass
class GitHub:
    """The few REST calls the comment needs; the token is sent, never printed."""

    api: str
    token: str
    opener: Callable[..., Any]

    def call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(
            self.api.rstrip("/") + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "reconciler-action",
                **({"Content-Type": "application/json"} if data is not None else {}),
            },
        )
        with self.opener(request, timeout=30) as response:
            return json.loads(response.read().decode("utf-8") or "null")


def comment_body(context: Context, plan: str) -> str:
    server = context.get("GITHUB_SERVER_URL", "https://github.com")
    repository, run_id = context.get("GITHUB_REPOSITORY"), context.get("GITHUB_RUN_ID")
    run_url = f"{server}/{repository}/actions/runs/{run_id}" if repository and run_id else ""
    head = _event(context).get("pull_request", {}).get("head", {}).get("sha", "")
    footer_parts = [f"commit {head[:7]}" if head else "", f"[run]({run_url})" if run_url else ""]
    footer = " · ".join(part for part in footer_parts if part)
    room = COMMENT_LIMIT - len(footer) - 200
    if len(plan) > room:
        where = f"the [job summary]({run_url})" if run_url else "the job summary"
        plan = plan[:room] + f"\n\n… truncated: the full plan is in {where}.\n"
    body = f"{marker(context.label)}\n{plan.rstrip()}\n"
    return body + (f"\n<sub>{footer}</sub>\n" if footer else "")


def comment(context: Context) -> int:
    number = _event(context).get("pull_request", {}).get("number")
    if not number:
        context.out.write("Not a pull request: no plan comment to post.\n")
        return 0
    plan_file = context.get("RECONCILER_PLAN_FILE")
    if not plan_file or not Path(plan_file).is_file():
        context.annotate("warning", "Plan comment", "no plan to post: the plan step did not run")
        return 0
    github = GitHub(
        api=context.get("GITHUB_API_URL", "https://api.github.com"),
        token=context.get("RECONCILER_GITHUB_TOKEN"),
        opener=context.opener,
    )
    repository = context.get("GITHUB_REPOSITORY")
    body = comment_body(context, Path(plan_file).read_text(encoding="utf-8"))
    first_line = body.split("\n", 1)[0]
    try:
        existing = None
        for page in range(1, 51):
            comments = github.call(
                "GET", f"/repos/{repository}/issues/{number}/comments?per_page=100&page={page}"
            )
            for candidate in comments:
                author = candidate.get("user") or {}
                text = candidate.get("body") or ""
                if author.get("type") == "Bot" and text.split("\n", 1)[0] == first_line:
                    existing = candidate
            if existing is not None or len(comments) < 100:
                break
        if existing is not None:
            posted = github.call(
                "PATCH", f"/repos/{repository}/issues/comments/{existing['id']}", {"body": body}
            )
            verb = "Updated"
        else:
            posted = github.call(
                "POST", f"/repos/{repository}/issues/{number}/comments", {"body": body}
            )
            verb = "Posted"
    except urllib.error.HTTPError as error:
        hint = (
            ": the token cannot write pull-request comments (the job needs permissions: "
            "pull-requests: write; pull requests from forks get a read-only token)"
            if error.code in (403, 404)
            else ""
        )
        context.annotate(
            "warning",
            "Plan comment",
            f"could not post the plan comment (HTTP {error.code}){hint}; "
            "the plan is in the job summary",
        )
        return 0
    except (urllib.error.URLError, OSError, ValueError) as error:
        context.annotate(
            "warning",
            "Plan comment",
            f"could not post the plan comment ({type(error).__name__}); "
            "the plan is in the job summary",
        )
        return 0
    url = str((posted or {}).get("html_url", ""))
    context.output("url", url)
    context.out.write(f"{verb} the plan comment: {url}\n")
    return 0


# --- finish -----------------------------------------------------------------------------------


def finish(context: Context) -> int:
    code = context.get("RECONCILER_EXITCODE")
    if code in ("", "0", "2"):
        return 0
    context.out.write(f"reconciler plan failed (exit {code}): the step above shows why.\n")
    return 1


STEPS: dict[str, Callable[[Context], int]] = {
    "install": install,
    "scope": scope,
    "validate": validate,
    "run": run,
    "comment": comment,
    "finish": finish,
}


def main(argv: Sequence[str] | None = None, context: Context | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    context = context or Context(env=dict(os.environ))
    if len(args) != 1 or args[0] not in STEPS:
        context.err.write(f"usage: action.py {{{','.join(STEPS)}}}\n")
        return 2
    try:
        return STEPS[args[0]](context)
    except ActionError as error:
        context.annotate("error", "reconciler action", str(error))
        return 1
    except subprocess.CalledProcessError as error:
        shown = shlex.join(str(part) for part in error.cmd)
        context.annotate(
            "error", "reconciler action", f"{args[0]} failed: {shown} exited {error.returncode}"
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
