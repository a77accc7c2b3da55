"""Every result the API returns, rendered in every format that renders its kind (and refused by
the others), from real runs against the emulator; the API itself prints nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler import api, output
from reconciler.api import Result
from reconciler.config import ConfigError
from reconciler.emulator.server import EmulatorServer
from reconciler.errors import ReconcilerError
from reconciler.output import UnsupportedFormat

BAD = "version: 1\nservices:\n  s:\n    colour: blue\n    webhooks: {method: BOGUS}\n"
FLEET = api.Selection(targets_file="examples/fleet/reconciler-targets.yaml.example")
EXPECTED_FORMATS = {
    "validation": ("text", "json", "github", "sarif"),
    "plan": ("text", "json", "markdown", "github"),
    "show": ("text", "json", "markdown"),
    "diff": ("text", "json", "markdown"),
    "unmanaged": ("text", "json", "markdown"),
    "fleet": ("text", "json", "markdown", "github", "sarif"),
    "export": ("text",),
    "apply": ("text",),
    "planned": ("text",),
    "doctor": ("text", "json"),
    "permissions": ("text", "json"),
    "schema": ("text",),
    "emulator": ("text",),
}


def every_result(tmp: Path) -> list[Result]:
    """One of each kind, from the API's own runs (events collected through notify)."""
    events: list[Result] = []
    Path("bad.yaml").write_text(BAD, encoding="utf-8")
    results: list[Result] = [api.validate("examples/support-desk"), api.validate("bad.yaml")]
    planned = api.plan(
        "examples/support-desk", show_unmanaged=True, out=tmp / "p.json", notify=events.append
    )
    assert planned.unmanaged is not None
    results += [planned, planned.unmanaged, api.show(tmp / "p.json")]
    results.append(api.apply(plan_file=tmp / "p.json", notify=events.append))
    results.append(api.export())
    results.append(api.export(out=tmp / "exported.yaml"))
    results.append(api.diff("examples/environments/staging", "examples/environments/prod"))
    results.append(api.diff("examples/support-desk", None))
    results.append(api.validate_fleet(FLEET))
    results.append(api.plan_fleet(FLEET, out=tmp / "plans", notify=events.append))
    results.append(api.show(tmp / "plans"))
    results.append(api.apply_fleet(FLEET, notify=events.append))
    results.append(api.export_fleet(FLEET, out_dir=tmp / "fleet-export"))
    results.append(api.doctor())
    results.append(api.permissions("examples/support-desk", "apply"))
    results += [api.export_schema(), api.export_schema(tmp / "schema.json")]
    serving = api.serve_emulator(port=0, subaccounts=1)
    serving.stop()
    results.append(serving)
    return results + events


def test_every_result_renders_in_every_format_of_its_kind(
    workspace: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = every_result(tmp_path)
    assert capsys.readouterr() == ("", ""), "the API printed"
    kinds = {result.kind for result in results}
    assert kinds >= {*EXPECTED_FORMATS, "checked", "message", "step"}, kinds
    for kind, names in EXPECTED_FORMATS.items():
        assert output.formats(kind) == names, kind
    for result in results:
        for name in output.FORMATS:
            renderer = output.renderer(name)
            if name not in output.formats(result.kind):
                with pytest.raises(UnsupportedFormat):
                    renderer.render(result)
                continue
            shown = renderer.render(result)
            assert shown == renderer.render(result), "deterministic"
            assert all(stream in ("stdout", "stderr") for stream, _ in shown.parts)
            if result.kind in (
                "validation",
                "plan",
                "show",
                "diff",
                "fleet",
                "unmanaged",
                "doctor",
                "permissions",
                "schema",
                "emulator",
            ):
                assert shown.stdout or shown.stderr, (result.kind, name)


def test_the_formats_render_what_the_engine_renders(
    workspace: EmulatorServer, tmp_path: Path
) -> None:
    """The output layer calls the engine's renderers: the same bytes as before it existed."""
    from reconciler.output.compare import render_json as diff_json
    from reconciler.output.findings.sarif import render_sarif
    from reconciler.output.plan import render_markdown, render_text

    planned = api.plan("examples/support-desk")
    assert output.renderer("text").render(planned).stdout == render_text(planned.plan)
    assert output.renderer("markdown").render(planned).stdout == render_markdown(planned.plan)
    checked = api.validate("examples/support-desk")
    sarif = output.renderer("sarif").render(checked)
    assert sarif.stdout == render_sarif(checked.report)
    assert sarif.stderr.startswith("examples/support-desk: valid (2 services")
    compared = api.diff("examples/environments/staging", "examples/environments/prod")
    assert output.renderer("json").render(compared).stdout == diff_json(compared.comparison)


def test_errors_are_exceptions_and_events_go_to_notify(
    workspace: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("bad.yaml").write_text(BAD, encoding="utf-8")
    invalid = api.validate("bad.yaml")
    assert not invalid.valid and invalid.loaded is None
    events: list[Result] = []
    with pytest.raises(ConfigError):
        api.plan("bad.yaml", notify=events.append)
    assert [event.kind for event in events] == ["checked"]
    with pytest.raises(ReconcilerError, match="apply cancelled; nothing was changed"):
        api.apply("examples/support-desk", approve=lambda question: False)
    assert api.plan("examples/support-desk").changed, "nothing was applied"
    asked: list[str] = []
    done = api.apply(
        "examples/support-desk", approve=lambda question: asked.append(question) or True
    )
    assert asked == ["Apply these changes?"] and done.succeeded
    done.raise_for_failure()
    with pytest.raises(ReconcilerError, match="local and endpoint"):
        api.plan("examples/support-desk", api.Connect(local=True, endpoint=workspace.url))
    with pytest.raises(UnsupportedFormat):
        output.renderer("yaml")
    assert capsys.readouterr() == ("", "")


def test_a_loaded_configuration_plans_like_its_paths(workspace: EmulatorServer) -> None:
    loaded = api.load("examples/support-desk")
    by_config = api.plan(loaded)
    by_paths = api.plan(["examples/support-desk"])
    assert by_config.plan.fingerprint == by_paths.plan.fingerprint
    with pytest.raises(ReconcilerError, match="records its configuration paths"):
        api.plan(loaded, out="p.json")
