"""Masking of registered secrets in rendered text, escaped forms included."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from reconciler import escape, redact

FCM_SERVICE_ACCOUNT = json.dumps(
    {
        "type": "service_account",
        "project_id": "acme-push",
        "private_key": (
            "-----BEGIN PRIVATE KEY-----\nMIIEvQk3yQsecret0123\n-----END PRIVATE KEY-----\n"
        ),
        "client_email": "push@acme-push.iam.gserviceaccount.com",
    },
    indent=2,
)
"""An FCM credential's `secret` as people paste it: JSON, with quotes, `@`, `:`, `_`, `\\n`."""
ODD = "k3yQ\"quote' &amp <b> |@_*[x]~#!: \\back \u2039\u00fc\U0001f600 \x1b[2J \u202e\t\x7f Z9tail"
"""Every character an escaping changes, between markers no escaping changes."""


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    redact.forget_all()
    yield
    redact.forget_all()


RENDERINGS: dict[str, Callable[[str], str]] = {
    "raw": lambda s: s,
    "json": lambda s: json.dumps({"after": s}, indent=2, ensure_ascii=False),
    "json-ascii": lambda s: json.dumps({"after": s}),
    "text-plan": lambda s: "+ secret = " + escape.terminal(json.dumps(s, ensure_ascii=False)),
    "markdown-plan": lambda s: "| " + escape.markdown(json.dumps(s, ensure_ascii=False)) + " |",
    "markdown-note": lambda s: escape.markdown(f"named {s!r}"),
    "terminal": lambda s: "Note: " + escape.terminal(s),
    "repr": lambda s: f"Error: named {s!r}",
    "repr-in-list": lambda s: f"got {[s, 'other']!r}",
    "repr-in-json": lambda s: json.dumps({"notes": [f"named {s!r}"]}, ensure_ascii=False),
    "repr-in-json-ascii": lambda s: json.dumps({"notes": [f"named {s!r}"]}),
    "json-in-json": lambda s: json.dumps({"error": f"saved {json.dumps(s, ensure_ascii=False)}"}),
    "in-a-longer-value": lambda s: json.dumps(f"prefix {s} suffix", ensure_ascii=False),
}


@pytest.mark.parametrize("render", RENDERINGS.values(), ids=RENDERINGS.keys())
@pytest.mark.parametrize(
    "secret",
    [ODD, ODD.replace('"', ""), FCM_SERVICE_ACCOUNT],
    ids=["odd", "apostrophe-no-quote", "fcm-json"],
)
def test_a_secret_is_masked_however_it_was_escaped(
    render: Callable[[str], str], secret: str
) -> None:
    redact.register([secret])
    rendered = render(secret)
    masked = redact.mask(rendered)
    assert redact.MASK in masked
    for marker in ("k3yQ", "Z9tail", "secret0123", "acme-push"):
        assert marker not in masked, masked


def test_each_line_of_a_multi_line_secret_is_masked_escaped() -> None:
    redact.register([FCM_SERVICE_ACCOUNT])
    for line in FCM_SERVICE_ACCOUNT.splitlines():
        if len(line.strip()) >= redact.MIN_LENGTH:
            assert redact.mask(escape.markdown(line.strip())) == redact.MASK, line
            assert redact.mask(json.dumps(line.strip())) == f'"{redact.MASK}"', line


def test_a_plain_secret_has_one_form() -> None:
    """Tokens and keys need no escaping: masking checks one string for each."""
    token = "0123456789abcdef0123456789abcdef"
    assert redact.escaped_forms(token) == {token}
    assert len(redact.escaped_forms('a"b&c<d')) > 1


def test_overlapping_secrets_are_masked_as_one() -> None:
    redact.register(["abcdef123", "123456xyz"])
    assert redact.mask("[abcdef123456xyz]") == "[***]"
    assert redact.mask("abcdef123 and 123456xyz") == "*** and ***"
    assert redact.mask("abcdef123123456xyz") == "******"
    assert redact.mask("nothing here") == "nothing here"


def test_forget_stops_masking_a_value_and_its_forms() -> None:
    redact.register(['emulator"token', "real-token-value"])
    redact.forget(['emulator"token'])
    assert redact.mask('emulator"token real-token-value') == 'emulator"token ***'
    assert redact.mask(json.dumps('emulator"token')) == json.dumps('emulator"token')
