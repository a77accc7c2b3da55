"""`Kind.unread_keys` and `keeping_records`: the kinds-level view doctor's unread fields use."""

from __future__ import annotations

from twilio.rest import Client

from reconciler import kinds
from reconciler.kinds import Resource
from reconciler.kinds.base import keeping_records


def test_a_record_as_read_has_no_unread_keys(sdk_client: Client) -> None:
    """Every kind, on the emulator's own records (nested ones included): nothing left over."""
    v1 = sdk_client.conversations.v1
    service = v1.services.create(friendly_name="Support")
    v1.address_configurations.create(
        type="sms", address="+15017122661", auto_creation_enabled=False
    )
    v1.credentials.create(type="fcm", friendly_name="push", secret="fcm-secret-value")
    for kind in kinds.ALL_KINDS:
        parent = service.sid if kind.parent else None
        with keeping_records() as records:
            resources = kind.read(v1, parent)
        assert len(records) == len(resources) > 0, kind.name
        for resource, record in zip(resources, records, strict=True):
            assert kind.unread_keys(record, resource) == [], kind.name


def test_unread_keys_are_dotted_paths_including_nested_ones() -> None:
    kind = kinds.ADDRESS_CONFIGURATION
    record = {
        "sid": "IG" + "1" * 32,
        "url": "https://conversations.twilio.com/v1/Configuration/Addresses/IG...",
        "type": "sms",
        "address": "+15017122661",
        "friendly_name": None,
        "auto_creation": {"enabled": True, "ai_agent_sid": "AG1", "nested": {"deeper": 1}},
        "channel_settings": {"rcs": True},
    }
    resource = Resource(kind=kind.name, identity=("sms", "+15017122661"), values={})
    assert kind.unread_keys(record, resource) == [
        "auto_creation.ai_agent_sid",
        "auto_creation.nested",
        "channel_settings",
    ]
    cleared = {**record, "auto_creation": None, "channel_settings": None}
    assert kind.unread_keys(cleared, resource) == ["channel_settings"]


def test_what_export_cannot_hold_is_an_unread_key_inside_auto_creation_that_sets_something() -> (
    None
):
    """Twilio answers every auto-creation key, null where its type has none: a newer null key
    sets nothing, so export has nothing to name (doctor still lists it as unread)."""
    kind = kinds.ADDRESS_CONFIGURATION
    record = {
        "sid": "IG" + "1" * 32,
        "type": "whatsapp",
        "address": "whatsapp:+15017122661",
        "auto_creation": {"enabled": True, "ai_agent_sid": "AG1", "ai_summary_sid": None},
        "channel_settings": {"rcs": True},
    }
    resource = Resource(kind=kind.name, identity=("whatsapp", "whatsapp:+15017122661"), values={})
    assert kind.unread_inside(record, resource) == {"auto_creation.ai_agent_sid": "AG1"}
    assert "auto_creation.ai_summary_sid" in kind.unread_keys(record, resource)


def test_records_are_kept_only_inside_the_block(sdk_client: Client) -> None:
    v1 = sdk_client.conversations.v1
    kinds.SERVICE.read(v1, None)
    with keeping_records() as records:
        with keeping_records() as inner:
            kinds.ACCOUNT_CONFIGURATION.read(v1, None)
        kinds.SERVICE.read(v1, None)
    assert len(inner) == 1
    assert [record["sid"] for record in records] == [s.sid for s in v1.services.list()]
