"""The Markdown format: a pull-request comment (user data escaped by `reconciler.escape`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.output.base import Output, Renderer, out, register
from reconciler.output.text import fleet_document, saved_note

if TYPE_CHECKING:
    from reconciler.api.results import (
        DiffResult,
        FleetResult,
        PlanResult,
        SavedPlanView,
        Unmanaged,
    )


@register
class MarkdownRenderer(Renderer):
    name = "markdown"
    order = 2

    def render_plan(self, result: PlanResult) -> Output:
        """The plan as a comment; the account is not named (a saved plan's `show` names it)."""
        from reconciler.output.plan import render_markdown

        shown = out(render_markdown(result.plan))
        if result.unmanaged is not None:
            shown += self.render_unmanaged(result.unmanaged)
        return shown + saved_note(result)

    def render_unmanaged(self, unmanaged: Unmanaged) -> Output:
        from reconciler.output.unmanaged import render_unmanaged_markdown

        return out(render_unmanaged_markdown(unmanaged.records))

    def render_show(self, view: SavedPlanView) -> Output:
        from reconciler.output.plan import render_markdown

        return out(render_markdown(view.plan, view.origin))

    def render_diff(self, result: DiffResult) -> Output:
        from reconciler.output.compare import render_markdown

        return out(render_markdown(result.comparison))

    def render_fleet(self, result: FleetResult) -> Output:
        from reconciler.output.fleet import render_markdown

        return fleet_document(result, render_markdown(result.report))
