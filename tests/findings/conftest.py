"""The lint tests' workspace fixture, shared: findings are rendered from real configurations."""

from tests.lint.conftest import workspace

__all__ = ["workspace"]
