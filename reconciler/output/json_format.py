"""The JSON format: one document on stdout for scripts (the schemas under schemas/).

A validation's verdict still goes to stderr, and a fleet plan's findings too, as the text
format prints them: the document on stdout stays one parseable object.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from reconciler.output.base import Output, Renderer, out, register
from reconciler.output.json_text import dumps
from reconciler.output.text import fleet_document, saved_note, verdict_line

if TYPE_CHECKING:
    from reconciler.api.results import (
        DiffResult,
        DoctorResult,
        FleetResult,
        PermissionsResult,
        PlanResult,
        SavedPlanView,
        Unmanaged,
        Validation,
    )


@register
class JsonRenderer(Renderer):
    name = "json"
    order = 1

    def render_validation(self, validation: Validation) -> Output:
        from reconciler.output.findings.json_format import render_json

        return out(render_json(validation.report)) + verdict_line(validation, stderr=True)

    def render_plan(self, result: PlanResult) -> Output:
        """schemas/plan.schema.json, with `unmanaged` when it was asked for."""
        from reconciler.plan.document import plan_document

        document = plan_document(result.plan, result.origin)
        if result.unmanaged is not None:
            document["unmanaged"] = list(result.unmanaged.records)
        return out(dumps(document)) + saved_note(result)

    def render_unmanaged(self, unmanaged: Unmanaged) -> Output:
        return out(dumps(list(unmanaged.records)))

    def render_show(self, view: SavedPlanView) -> Output:
        from reconciler.output.plan import render_json

        return out(render_json(view.plan, view.origin))

    def render_permissions(self, result: PermissionsResult) -> Output:
        return out(json.dumps(result.policy, indent=2) + "\n")

    def render_doctor(self, result: DoctorResult) -> Output:
        from reconciler.doctor import render_json

        return out(render_json(result.report))

    def render_diff(self, result: DiffResult) -> Output:
        from reconciler.output.compare import render_json

        return out(render_json(result.comparison))

    def render_fleet(self, result: FleetResult) -> Output:
        from reconciler.output.fleet import render_json

        return fleet_document(result, render_json(result.report))
