"""Execute plans: level by level, retried where safe, reporting done, failed and skipped."""

from reconciler.apply.executor import ApplyReport, Executor, Outcome, StepResult

__all__ = ["ApplyReport", "Executor", "Outcome", "StepResult"]
