"""The HTTP face of Messaging Services: /v1/Services and /v1/Services/{Sid} on
messaging.twilio.com, with the `links` of the description's examples. Lists page the v1 way
(`meta`), 50 by default and at most 1,000 a page, as the description's PageSize says."""

from __future__ import annotations

from reconciler.emulator.resources import V1Resource

SERVICES = V1Resource(
    collection=lambda account: account.messaging,
    key="services",
    prefix="/v1/Services",
    links=(
        ("phone_numbers", "PhoneNumbers"),
        ("short_codes", "ShortCodes"),
        ("alpha_senders", "AlphaSenders"),
        ("messages", "Messages"),
        ("us_app_to_person", "Compliance/Usa2p"),
        ("us_app_to_person_usecases", "Compliance/Usa2p/Usecases"),
        ("channel_senders", "ChannelSenders"),
        ("destination_alpha_senders", "DestinationAlphaSenders"),
    ),
    maximum=1000,
)
