"""One line (or the config's file:line list) for what stopped a target, never a traceback.

A fleet keeps going when one target fails, so the failure becomes text in the report instead
of the command's single error message; it is worded as the single-account commands word it.
"""

from __future__ import annotations

from reconciler.errors import ReconcilerError


class TargetError(ReconcilerError):
    """A target cannot run: its credentials, its subaccount, its pin."""


def describe(error: BaseException, credentials: str | None = None) -> str:
    """What went wrong, for the report. `credentials` says which credentials the target used
    (a refusal names them instead of the TWILIO_* variables a single account uses)."""
    if isinstance(error, ReconcilerError):
        return str(error)
    from reconciler.cli.diagnose import endpoint_problem
    from reconciler.live.retry import UNAUTHORIZED, describe_error, http_status, refused_credentials

    problem = endpoint_problem(error)
    if problem:
        return problem
    if http_status(error) == UNAUTHORIZED and credentials:
        return refused_credentials(
            error, f"{credentials}; check that they belong together and to an active account"
        )
    module = type(error).__module__.split(".")[0]
    if module in ("twilio", "requests", "urllib3"):
        return describe_error(error)
    return f"unexpected {type(error).__name__}: {error}"
