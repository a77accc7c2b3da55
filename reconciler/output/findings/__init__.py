"""Findings (`reconciler.findings`) for every audience, one module a format:

- `text.py`: `file:line: message` lines for a terminal;
- `github.py`: GitHub Actions workflow commands that annotate a pull request's diff (and a
  plan's changes as such annotations, `plan --format github`);
- `json_format.py`: `validate --format json` (schemas/validate.schema.json);
- `sarif.py`: SARIF 2.1.0 for code scanning.

The renderer classes of `reconciler.output` import these where a format needs them.
docs/findings.md documents the formats.
"""
