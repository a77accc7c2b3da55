"""Lint the GitHub Action (action.yml) and the CI kit's workflow with jactionlint (.ci/run).

jactionlint is actionlint's checks plus composite actions and security rules, installed from
PyPI as a binary wheel by the `dev` extra. Two passes:
1. action.yml and the workflows (the CI kit's, and the parity suite's recording) as they are;
2. the workflow in a scratch repository where `YOUR-ORG/reconciler@...` is `./` next to a copy
   of action.yml, so the inputs the workflow gives the action are checked against action.yml.
Ignored: `unpinned-uses` (the kit cannot know your commit SHAs; pin them when you copy it) and
`concurrency-limits` (the kit sets concurrency per job, from the configuration).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
WORKFLOW = ROOT / "examples" / "ci" / "_github" / "workflows" / "reconciler.yml.example"
PARITY = ROOT / "examples" / "ci" / "_github" / "workflows" / "parity.yml.example"
"""The parity suite's recording workflow (docs/parity.md): uses no action of this project."""
OPTIONS = [
    "--shellcheck=",
    "--no-color",
    "--ignore",
    "unpinned-uses",
    "--ignore",
    "concurrency-limits",
]


def linter() -> str:
    beside = Path(sys.executable).parent / "jactionlint"
    found = str(beside) if beside.exists() else shutil.which("jactionlint")
    if not found:
        sys.exit("jactionlint is not installed: pip install -e '.[dev]'")
    return found


def main() -> int:
    binary = linter()
    status = subprocess.run(
        [binary, *OPTIONS, str(ACTION), str(WORKFLOW), str(PARITY)], cwd=ROOT
    ).returncode
    with tempfile.TemporaryDirectory() as scratch:
        repo = Path(scratch)
        subprocess.run(["git", "init", "--quiet", str(repo)], check=True)
        shutil.copy(ACTION, repo / "action.yml")
        workflows = repo / ".github" / "workflows"
        workflows.mkdir(parents=True)
        text = WORKFLOW.read_text(encoding="utf-8")
        local, count = re.subn(r"YOUR-ORG/reconciler@[\w.\-]+", "./", text)
        if count == 0:
            print(f"{WORKFLOW}: no `uses: YOUR-ORG/reconciler@...` step to check", file=sys.stderr)
            return 1
        (workflows / "reconciler.yml").write_text(local, encoding="utf-8")
        status |= subprocess.run([binary, *OPTIONS], cwd=repo).returncode
    print("action.yml and the CI kit's workflows: " + ("clean" if status == 0 else "see above"))
    return status


if __name__ == "__main__":
    sys.exit(main())
