"""Counts in words, as every command says them ("2 services, 5 roles, 1 warning")."""

from __future__ import annotations


def count(number: int, singular: str, plural: str | None = None) -> str:
    """`1 role`, `2 roles`."""
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def describe_counts(counts: dict[str, int]) -> str:
    """`LoadedConfig.resource_counts()` in words, as validate says it."""
    return ", ".join(
        [
            count(counts["services"], "service"),
            count(counts["roles"], "role"),
            count(counts["address_configurations"], "address configuration"),
            count(counts["credentials"], "credential"),
        ]
    )
