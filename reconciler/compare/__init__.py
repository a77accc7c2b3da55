"""`reconciler diff`: two configurations, or a configuration and a live account, compared.

Each side is what it manages, resource by resource, matched by the kinds' identities and
compared with their normalization (`Field.compare`); references are compared by name, and
write-only secrets are never compared or shown. The result is a list of plan changes read from
side A to side B (create = only in B, delete = only in A), rendered in the plan's formats.

Public API:
- `compare_configs(a, b, side_a, side_b) -> Comparison`
- `compare_with_live(loaded, api, config_side, live_side) -> Comparison`

`reconciler.output.compare` renders a comparison as text, Markdown and JSON.
"""

from reconciler.compare.core import (
    Comparison,
    FieldDifference,
    Side,
    compare_configs,
    compare_with_live,
)

__all__ = [
    "Comparison",
    "FieldDifference",
    "Side",
    "compare_configs",
    "compare_with_live",
]
