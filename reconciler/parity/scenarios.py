"""The parity scenarios: every configuration endpoint the engine uses, read, written, refused
and paged, as a caller meets them, and the plan's reads of other products (a Messaging Service
and a Studio Flow by SID, the account's phone numbers) and of a service's conversations.

Each scenario is a function of a `Session`; its steps are the answers its snapshot holds, in
order. A step that expects a refusal names the Twilio code the project reads Twilio's error
list to give for it (`refusal=`): a published snapshot takes that code's entry from the list.
Setup and cleanup calls are `quiet` (outside the snapshot). Everything created is named with
the run's prefix; account-wide singletons a scenario changes are put back as they were read
(`Session.changing`, account_wide.py).

Differences between the emulator and a snapshot that the project knows about are declared on
the scenario, with the reason (`Difference`); the check reports them and fails if one no longer
occurs, so a declaration cannot outlive its cause.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from reconciler.kinds.neighbours import (
    CONVERSATION_COUNT_BOUND,
    NUMBER_LOOKUP_PAGE_SIZE,
    NUMBERS_PAGE_SIZE,
)
from reconciler.parity.account_wide import CONFIGURATION, WEBHOOKS
from reconciler.parity.session import (
    ACCOUNTS,
    IAM_KEYS,
    MESSAGING_SERVICES,
    STUDIO_FLOWS,
    Session,
)

UNKNOWN = "0" * 32
ADDRESS_ENV = "RECONCILER_PARITY_ADDRESS"
DEFAULT_ADDRESS = "+15005550006"
"""Twilio's magic test number; on a live account set RECONCILER_PARITY_ADDRESS to a number
the account owns (address configurations need one, and the phone-number reads list it)."""
NUMBER_ENV = "RECONCILER_PARITY_NUMBER"
DEFAULT_NUMBER = "+15005550006"
"""The number the purchase scenario buys and releases against an emulator (Twilio's magic
"available" number, which only test credentials can buy). Against Twilio the scenario runs only
when RECONCILER_PARITY_NUMBER names a number available to buy: setting it is the consent to
the charge."""
FLOW_DEFINITION = {
    "description": "parity: a flow that only starts",
    "states": [
        {
            "name": "Trigger",
            "type": "trigger",
            "transitions": [],
            "properties": {"offset": {"x": 0, "y": 0}},
        }
    ],
    "initial_state": "Trigger",
    "flags": {"allow_concurrent_calls": True},
}
"""The smallest Studio definition: the trigger widget alone."""


@dataclass(frozen=True)
class Difference:
    """A known difference: the emulator's answer at `path` of `step` differs from snapshots of
    the sources in `against`, for `reason`."""

    step: str
    path: str
    reason: str
    against: tuple[str, ...] = ("published",)


@dataclass(frozen=True)
class Charge:
    """What a scenario buys on a live account, and the variable whose setting is the consent:
    such a scenario runs against Twilio only when the user has set it."""

    what: str
    consent: str


@dataclass(frozen=True)
class Scenario:
    name: str
    run: Callable[[Session], None]
    summary: str
    differences: tuple[Difference, ...] = ()
    charge: Charge | None = None


def _service(session: Session, suffix: str = "svc") -> str:
    """A service of this run, created outside the snapshot; its SID."""
    return session.created("/v1/Services", {"FriendlyName": session.name(suffix)}, "service")


def _roles(session: Session, service: str) -> dict[str, str]:
    page = session.quiet("GET", f"/v1/Services/{service}/Roles") or {}
    return {role["friendly_name"]: role["sid"] for role in page.get("roles", [])}


def account_configuration(s: Session) -> None:
    before = s.call("fetch", "GET", "/v1/Configuration")
    with s.changing(CONFIGURATION, before):
        s.call(
            "update timers",
            "POST",
            "/v1/Configuration",
            {"DefaultInactiveTimer": "PT1M", "DefaultClosedTimer": "PT10M"},
        )
        s.call(
            "refused: inactive timer under a minute",
            "POST",
            "/v1/Configuration",
            {"DefaultInactiveTimer": "PT30S"},
            refusal=50375,
        )
        s.call(
            "refused: unknown default service",
            "POST",
            "/v1/Configuration",
            {"DefaultChatServiceSid": "IS" + UNKNOWN},
            refusal=50050,
        )
    # recorded: what the account reads after the cleanup, a null timer cleared as the engine
    # clears one (DefaultInactiveTimer=) included: on Twilio, evidence of that rule
    s.call("fetch after putting back", "GET", "/v1/Configuration")


def account_webhooks(s: Session) -> None:
    before = s.call("fetch", "GET", "/v1/Configuration/Webhooks")
    with s.changing(WEBHOOKS, before):
        s.call(
            "update",
            "POST",
            "/v1/Configuration/Webhooks",
            {
                "PreWebhookUrl": "https://hooks.example.com/pre",
                "PostWebhookUrl": "https://hooks.example.com/post",
                "Method": "POST",
                "Filters": ["onConversationAdded", "onMessageAdded"],
                "Target": "webhook",
            },
        )
        s.call(
            "refused: unknown target",
            "POST",
            "/v1/Configuration/Webhooks",
            {"Target": "pager"},
            refusal=20001,
        )
        s.call(
            "refused: unknown filter",
            "POST",
            "/v1/Configuration/Webhooks",
            {"Filters": ["onSomethingElse"]},
            refusal=20001,
        )
    s.call("fetch after putting back", "GET", "/v1/Configuration/Webhooks")


def services(s: Session) -> None:
    default = (s.quiet("GET", "/v1/Configuration") or {}).get("default_chat_service_sid")
    s.call("fetch the default service", "GET", f"/v1/Services/{default}")
    created = s.call("create", "POST", "/v1/Services", {"FriendlyName": s.name("svc")})
    sid = created.field("sid")
    s.call("fetch", "GET", f"/v1/Services/{sid}")
    s.call("list (own and default only)", "GET", "/v1/Services", own_only=True)
    s.call("refused: no friendly name", "POST", "/v1/Services", {}, refusal=20001)
    s.call("refused: unknown SID", "GET", f"/v1/Services/IS{UNKNOWN}", refusal=20404)
    s.call(
        "refused: delete the default service",
        "DELETE",
        f"/v1/Services/{default}",
        refusal=20409,
    )
    s.call("delete", "DELETE", f"/v1/Services/{sid}")
    s.call("fetch deleted", "GET", f"/v1/Services/{sid}", refusal=20404)


def service_configuration(s: Session) -> None:
    service = _service(s)
    roles = _roles(s, service)
    path = f"/v1/Services/{service}/Configuration"
    s.call("fetch", "GET", path)
    s.call(
        "update",
        "POST",
        path,
        {
            "DefaultConversationCreatorRoleSid": roles.get("channel admin", ""),
            "DefaultConversationRoleSid": roles.get("channel user", ""),
            "DefaultChatServiceRoleSid": roles.get("service user", ""),
            "ReachabilityEnabled": True,
        },
    )
    s.call(
        "refused: a service role as the conversation role",
        "POST",
        path,
        {"DefaultConversationRoleSid": roles.get("service admin", "")},
        refusal=50105,
    )
    s.call(
        "refused: unknown role",
        "POST",
        path,
        {"DefaultConversationRoleSid": "RL" + UNKNOWN},
        refusal=50109,
    )


def service_notifications(s: Session) -> None:
    path = f"/v1/Services/{_service(s)}/Configuration/Notifications"
    s.call("fetch", "GET", path)
    s.call(
        "update",
        "POST",
        path,
        {
            "LogEnabled": True,
            "NewMessage.Enabled": True,
            "NewMessage.Template": "${PARTICIPANT}: ${MESSAGE}",
            "NewMessage.Sound": "default",
            "NewMessage.BadgeCountEnabled": True,
            "NewMessage.WithMedia.Enabled": True,
            "NewMessage.WithMedia.Template": "${PARTICIPANT} sent a file",
            "AddedToConversation.Enabled": True,
            "AddedToConversation.Template": "You joined ${CONVERSATION}",
            "AddedToConversation.Sound": "ring",
            "RemovedFromConversation.Enabled": False,
        },
    )
    s.call("fetch after update", "GET", path)


def service_webhooks(s: Session) -> None:
    path = f"/v1/Services/{_service(s)}/Configuration/Webhooks"
    s.call("fetch", "GET", path, example="fetchEmpty")
    s.call(
        "update",
        "POST",
        path,
        {
            "PreWebhookUrl": "https://hooks.example.com/pre",
            "PostWebhookUrl": "https://hooks.example.com/post",
            "Filters": ["onMessageAdd", "onParticipantAdd"],
            "Method": "POST",
        },
    )
    s.call("fetch after update", "GET", path)
    s.call("refused: method PATCH", "POST", path, {"Method": "PATCH"}, refusal=50055)
    s.call(
        "refused: not a URL", "POST", path, {"PostWebhookUrl": "hooks.example.com"}, refusal=50054
    )


def _role_steps(s: Session, base: str) -> None:
    """Create, refuse, read, update and delete roles under `base` (a service's, or /v1/Roles)."""
    created = s.call(
        "create a conversation role",
        "POST",
        base,
        {
            "FriendlyName": s.name("agent"),
            "Type": "conversation",
            "Permission": ["sendMessage", "leaveConversation"],
        },
    )
    s.call(
        "create a service role",
        "POST",
        base,
        {"FriendlyName": s.name("lead"), "Type": "service", "Permission": ["createConversation"]},
    )
    s.call(
        "refused: no permission",
        "POST",
        base,
        {"FriendlyName": s.name("bare"), "Type": "conversation"},
        refusal=20001,
    )
    s.call(
        "refused: unknown role type",
        "POST",
        base,
        {"FriendlyName": s.name("odd"), "Type": "channel", "Permission": ["sendMessage"]},
        refusal=50105,
    )
    s.call(
        "refused: a conversation permission on a service role",
        "POST",
        base,
        {"FriendlyName": s.name("mixed"), "Type": "service", "Permission": ["sendMessage"]},
        refusal=50104,
    )
    sid = created.field("sid")
    s.call("fetch", "GET", f"{base}/{sid}")
    s.call(
        "update permissions",
        "POST",
        f"{base}/{sid}",
        {"Permission": ["sendMessage", "sendMediaMessage", "leaveConversation"]},
    )
    s.call("refused: unknown SID", "GET", f"{base}/RL{UNKNOWN}", refusal=20404)
    s.call("delete", "DELETE", f"{base}/{sid}")
    s.call("fetch deleted", "GET", f"{base}/{sid}", refusal=20404)


def service_roles(s: Session) -> None:
    base = f"/v1/Services/{_service(s)}/Roles"
    s.call("list the built-in roles", "GET", base)
    _role_steps(s, base)


def default_service_roles(s: Session) -> None:
    s.call("list (own and built-in only)", "GET", "/v1/Roles", own_only=True)
    _role_steps(s, "/v1/Roles")


def role_paging(s: Session) -> None:
    base = f"/v1/Services/{_service(s)}/Roles"
    for number in range(3):
        s.quiet(
            "POST",
            base,
            {
                "FriendlyName": s.name(f"r{number}"),
                "Type": "conversation",
                "Permission": "sendMessage",
            },
        )
    page = s.call("page 1 of 7 roles, 3 a page", "GET", base, query={"PageSize": 3})
    for number in (2, 3):
        url = ((page.body or {}).get("meta") or {}).get("next_page_url")
        if not url:
            break
        page = s.call(f"page {number}", "GET", url)
    s.call("page size over the maximum", "GET", base, query={"PageSize": 1000}, example="readFull")


def _placeholder(s: Session, variable: str, default: str, placeholder: str) -> str:
    """The phone number `variable` names (else `default`), replaced by `placeholder` wherever
    it appears: as sent, and URL-encoded inside the answers' uris."""
    number = os.environ.get(variable) or default
    for form in (number, quote(number, safe="")):
        s.transformer.replacements[form] = placeholder
    return number


def address_configurations(s: Session) -> None:
    address = _placeholder(s, ADDRESS_ENV, DEFAULT_ADDRESS, "<address>")
    base = "/v1/Configuration/Addresses"
    s.call(
        "list sms addresses (own only)",
        "GET",
        base,
        query={"Type": "sms"},
        own_only=True,
        example="readByAddressType",
    )
    created = s.call(
        "create",
        "POST",
        base,
        {
            "Type": "sms",
            "Address": address,
            "FriendlyName": s.name("sms"),
            "AutoCreation.Enabled": True,
            "AutoCreation.Type": "webhook",
            "AutoCreation.WebhookUrl": "https://hooks.example.com/inbound",
            "AutoCreation.WebhookMethod": "POST",
            "AutoCreation.WebhookFilters": ["onParticipantAdded", "onMessageAdded"],
        },
    )
    sid = created.field("sid")
    s.call("fetch", "GET", f"{base}/{sid}")
    s.call(
        "update",
        "POST",
        f"{base}/{sid}",
        {"FriendlyName": s.name("sms-renamed"), "AutoCreation.Enabled": False},
    )
    s.call(  # named, as every create is: were it accepted, cleanup would find it
        "refused: unknown type",
        "POST",
        base,
        {"Type": "pager", "Address": address, "FriendlyName": s.name("odd")},
        refusal=20001,
    )
    s.call(
        "refused: no address",
        "POST",
        base,
        {"Type": "sms", "FriendlyName": s.name("bare")},
        refusal=20001,
    )
    s.call(
        "refused: a filter that is not a conversation event",
        "POST",
        f"{base}/{sid}",
        {"AutoCreation.Enabled": True, "AutoCreation.WebhookFilters": ["onUserAdded"]},
        refusal=50365,
    )
    s.call("delete", "DELETE", f"{base}/{sid}")
    s.call("fetch deleted", "GET", f"{base}/{sid}", refusal=20404)


def credentials(s: Session) -> None:
    base = "/v1/Credentials"
    s.call("list (own only)", "GET", base, own_only=True)
    created = s.call(
        "create fcm",
        "POST",
        base,
        {"Type": "fcm", "FriendlyName": s.name("push"), "Secret": s.secret("fcm")},
        example="createPushTypeFcm",
    )
    sid = created.field("sid")
    s.call("fetch", "GET", f"{base}/{sid}")
    s.call(
        "update",
        "POST",
        f"{base}/{sid}",
        {"FriendlyName": s.name("push-2"), "Secret": s.secret("fcm")},
    )
    s.call(
        "refused: unknown type",
        "POST",
        base,
        {"Type": "pager", "FriendlyName": s.name("odd"), "Secret": s.secret("odd")},
        refusal=20001,
    )
    s.call(
        "refused: fcm without its secret",
        "POST",
        base,
        {"Type": "fcm", "FriendlyName": s.name("bare")},
        refusal=20001,
    )
    s.call("delete", "DELETE", f"{base}/{sid}")
    s.call("fetch deleted", "GET", f"{base}/{sid}", refusal=20404)


def accounts(s: Session) -> None:
    me = s.transformer.account_sid
    s.call("fetch own account", "GET", f"{ACCOUNTS}/{me}.json")
    created = s.call(
        "create a subaccount", "POST", f"{ACCOUNTS}.json", {"FriendlyName": s.name("sub")}
    )
    sid = created.field("sid")
    s.call("fetch the subaccount", "GET", f"{ACCOUNTS}/{sid}.json")
    s.call(
        "list by friendly name",
        "GET",
        f"{ACCOUNTS}.json",
        query={"FriendlyName": s.name("sub")},
        example="readFull",
    )
    s.call(
        "rename",
        "POST",
        f"{ACCOUNTS}/{sid}.json",
        {"FriendlyName": s.name("sub-renamed")},
    )
    s.call("refused: unknown SID", "GET", f"{ACCOUNTS}/AC{UNKNOWN}.json", refusal=20003)
    s.call("close", "POST", f"{ACCOUNTS}/{sid}.json", {"Status": "closed"})


def messaging_services(s: Session) -> None:
    """A Messaging Service fetched by SID, as the plan checks one a configuration names."""
    sid = s.created(MESSAGING_SERVICES, {"FriendlyName": s.name("messaging")}, "Messaging Service")
    s.call("fetch", "GET", f"{MESSAGING_SERVICES}/{sid}")
    s.call("refused: unknown SID", "GET", f"{MESSAGING_SERVICES}/MG{UNKNOWN}", refusal=20404)


def studio_flows(s: Session) -> None:
    """A Studio Flow fetched by SID, as the plan checks one an address configuration names."""
    data = {
        "FriendlyName": s.name("flow"),
        "Status": "published",
        "Definition": json.dumps(FLOW_DEFINITION),
    }
    sid = s.created(STUDIO_FLOWS, data, "Studio Flow")
    s.call("fetch", "GET", f"{STUDIO_FLOWS}/{sid}")
    s.call("refused: unknown SID", "GET", f"{STUDIO_FLOWS}/FW{UNKNOWN}", refusal=20404)


def _numbers(s: Session) -> str:
    return f"{ACCOUNTS}/{s.transformer.account_sid}/IncomingPhoneNumbers"


def incoming_phone_numbers(s: Session) -> None:
    """The account's phone numbers, read as the plan reads them to check an SMS address (the
    2010-04-01 list, with the PhoneNumber filter and in pages), by the number the account owns
    (RECONCILER_PARITY_ADDRESS). Reads only, so it runs on a live account unasked; against an
    emulator (a target that is not live) that number is bought first, quietly."""
    address = _placeholder(s, ADDRESS_ENV, DEFAULT_ADDRESS, "<address>")
    base = f"{_numbers(s)}.json"
    if not s.live:  # already there (an emulator kept from another run): a refusal, fine
        s.quiet("POST", base, {"PhoneNumber": address, "FriendlyName": s.name("owned")})
    s.call(
        "list by the owned number, as the plan looks an SMS address up",
        "GET",
        base,
        query={"PhoneNumber": address, "PageSize": NUMBER_LOOKUP_PAGE_SIZE},
    )
    s.call(
        "list by the owned number, 1 a page",
        "GET",
        base,
        query={"PhoneNumber": address, "PageSize": 1},
    )
    s.call(
        "list (own only), as the plan pages",
        "GET",
        base,
        query={"PageSize": NUMBERS_PAGE_SIZE},
        own_only=True,
    )


def phone_number_purchase(s: Session) -> None:
    """A phone number bought, listed and released: on Twilio its first month is charged, so a
    live run needs RECONCILER_PARITY_NUMBER (a number available to buy) as the consent."""
    number = _placeholder(s, NUMBER_ENV, DEFAULT_NUMBER, "<number>")
    base = _numbers(s)
    s.call(
        "list by a number not bought yet",
        "GET",
        f"{base}.json",
        query={"PhoneNumber": number},
        example="readEmpty",
    )
    bought = s.call(  # a trial account that may not buy it answers a refusal, evidence too
        "buy it", "POST", f"{base}.json", {"PhoneNumber": number, "FriendlyName": s.name("number")}
    )
    sid = bought.field("sid")
    s.call("list by phone number", "GET", f"{base}.json", query={"PhoneNumber": number})
    s.call("release it", "DELETE", f"{base}/{sid}.json")
    s.call(
        "list by phone number after the release",
        "GET",
        f"{base}.json",
        query={"PhoneNumber": number},
        example="readEmpty",
    )


def iam_keys(s: Session) -> None:
    """A restricted API key made, listed, read, changed and deleted (IAM v1 /v1/Keys, which
    needs the auth token or a Main key: a Standard key is refused at the first step)."""
    me = {"AccountSid": s.transformer.account_sid}
    policy = {"allow": ["/twilio/studio/flows/read"]}
    s.call("list (own only)", "GET", IAM_KEYS, query=me, own_only=True, example="readEmpty")
    created = s.call(
        "create a restricted key",
        "POST",
        IAM_KEYS,
        {
            **me,
            "FriendlyName": s.name("key"),
            "KeyType": "restricted",
            "Policy": json.dumps(policy),
        },
        example="createRestrictedKey",
    )
    s.call(
        "refused: a restricted key without a policy",
        "POST",
        IAM_KEYS,
        {**me, "FriendlyName": s.name("bare"), "KeyType": "restricted"},
        refusal=20001,
    )
    sid = created.field("sid")
    s.call("list (own only) after", "GET", IAM_KEYS, query=me, own_only=True, example="readFull")
    s.call("fetch", "GET", f"{IAM_KEYS}/{sid}", example="fetchRestrictedKey")
    s.call(
        "update the policy",
        "POST",
        f"{IAM_KEYS}/{sid}",
        {
            "FriendlyName": s.name("key-2"),
            "Policy": json.dumps({"allow": ["/twilio/studio/flows/*"]}),
        },
        example="updateRestrictedKey",
    )
    s.call("refused: unknown SID", "GET", f"{IAM_KEYS}/SK{UNKNOWN}", refusal=20404)
    s.call("delete", "DELETE", f"{IAM_KEYS}/{sid}")
    s.call("fetch deleted", "GET", f"{IAM_KEYS}/{sid}", refusal=20404)


def service_conversations(s: Session) -> None:
    """One page of a service's conversations, as the plan counts what a deletion destroys:
    empty, one page, and pages linked by `meta`."""
    base = f"/v1/Services/{_service(s)}/Conversations"
    bound = {"PageSize": CONVERSATION_COUNT_BOUND}
    s.call("list an empty service", "GET", base, query=bound)
    for number in range(3):  # with timers, as the published example's conversation has
        timers = {"Timers.Inactive": "PT1M", "Timers.Closed": "PT10M"}
        s.quiet("POST", base, {"FriendlyName": s.name(f"c{number}"), **timers})
    s.call("one page of 3", "GET", base, query=bound)
    page = s.call("page 1 of 3 conversations, 2 a page", "GET", base, query={"PageSize": 2})
    url = ((page.body or {}).get("meta") or {}).get("next_page_url")
    if url:
        s.call("page 2", "GET", url)


def _scenario(
    run: Callable[[Session], None], *differences: Difference, charge: Charge | None = None
) -> Scenario:
    summary = (run.__doc__ or "").strip() or run.__name__.replace("_", " ")
    return Scenario(run.__name__, run, summary, differences, charge)


SCENARIOS: dict[str, Scenario] = {
    scenario.name: scenario
    for scenario in (
        _scenario(account_configuration),
        _scenario(account_webhooks),
        _scenario(services),
        _scenario(service_configuration),
        _scenario(service_notifications),
        _scenario(
            service_webhooks,
            Difference(
                "fetch",
                "$.body.method",
                "Twilio's fetchEmpty example (a service without webhooks) shows method null, "
                "which its own schema does not allow (the method enum is not nullable); the "
                "emulator answers POST, the method a new service's webhooks are sent with",
            ),
        ),
        _scenario(service_roles),
        _scenario(default_service_roles),
        _scenario(
            role_paging,
            *(
                Difference(
                    step,
                    "$.body.meta.url",
                    "the published list example is a first page; a later page's own URL "
                    "carries the PageToken of the next_page_url that led to it",
                )
                for step in ("page 2", "page 3")
            ),
        ),
        _scenario(
            address_configurations,
            *(
                Difference(
                    step,
                    "$.body.auto_creation.conversation_service_sid",
                    "Twilio's examples show auto_creation.conversation_service_sid on every "
                    "address configuration (presumably the default service, filled in); the "
                    "emulator leaves the key out unless AutoCreation.ConversationServiceSid "
                    "was sent. Not published: what Twilio fills in",
                )
                for step in ("create", "fetch", "update")
            ),
            *(
                Difference(
                    "update",
                    f"$.body.auto_creation.{key}",
                    "the published update example switches auto-creation to studio; this "
                    "step keeps type webhook, and auto_creation holds its type's keys only "
                    "(as the examples of each type show)",
                )
                for key in (
                    "studio_flow_sid",
                    "studio_retry_count",
                    "webhook_url",
                    "webhook_method",
                    "webhook_filters",
                )
            ),
        ),
        _scenario(credentials),
        _scenario(accounts),
        _scenario(messaging_services),
        _scenario(
            studio_flows,
            *(
                Difference(
                    "fetch",
                    f"$.body.definition.{key}",
                    "a flow's definition is its own JSON document, answered as it was created "
                    "(the schema gives it no properties); the published example abbreviates "
                    "its definition to initial_state, which the scenario's definition has too",
                )
                for key in ("description", "states", "flags")
            ),
        ),
        _scenario(incoming_phone_numbers),
        _scenario(
            phone_number_purchase,
            charge=Charge("buys a phone number (its first month is charged)", NUMBER_ENV),
        ),
        _scenario(iam_keys),
        _scenario(
            service_conversations,
            Difference(
                "page 2",
                "$.body.meta.url",
                "the published list example is a first page; a later page's own URL carries "
                "the PageToken of the next_page_url that led to it",
            ),
        ),
    )
}


def step_names(answers: list[Any]) -> list[str]:
    return [answer.step for answer in answers]
