"""One invalid configuration per loader error and per rule: exact file, line and message.

Each case is (id, files, paths=["c.yaml"]); EXPECTED holds the issues, as "file:line: message"
with file names relative to the test's folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.config.conftest import issues_of, write_files

CASES: list[tuple[Any, ...]] = [
    (
        "yaml-syntax",
        {
            "c.yaml": """
        version: 1
        services:
          support: {friendly_name: Support
        """
        },
    ),
    (
        "duplicate-key",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            roles:
              agent: {type: conversation, permissions: [sendMessage]}
              agent: {type: conversation, permissions: [leaveConversation]}
        """
        },
    ),
    (
        "alias-bomb",
        {
            "c.yaml": """
        version: 1
        a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
        f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
        """
        },
    ),
    (
        "recursive-alias",
        {
            "c.yaml": """
        version: 1
        services: &s
          loop: *s
        """
        },
    ),
    (
        "python-tag",
        {
            "c.yaml": """
        version: 1
        services: !!python/object/apply:os.system ["true"]
        """
        },
    ),
    (
        "custom-tag",
        {
            "c.yaml": """
        version: 1
        account:
          configuration:
            default_service: !Ref support
        """
        },
    ),
    (
        "merge-key",
        {
            "c.yaml": """
        version: 1
        services:
          support: &base
            friendly_name: Support
          sales:
            <<: *base
        """
        },
    ),
    (
        "two-documents",
        {
            "c.yaml": """
        version: 1
        ---
        version: 1
        """
        },
    ),
    (
        "unquoted-phone-number-and-norway",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: sms
            address: 15017122661
            address_country: NO
        """
        },
    ),
    (
        "unquoted-scalars-are-quoted-as-written",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            friendly_name: 0123
          sales:
            friendly_name: 1_000
        address_configurations:
          - type: sms
            address: +15017122661
            address_country: off
            friendly_name: 42
        """
        },
    ),
    (
        "unquoted-number-quoted-as-the-winning-file-writes-it",
        {
            "a.yaml": """
        version: 1
        services:
          support:
            friendly_name: 0123
          sales:
            friendly_name: 7
        """,
            "b.yaml": """
        services:
          support:
            friendly_name: 83
          sales:
            friendly_name: 0x7
        """,
        },
        ["a.yaml", "b.yaml"],
    ),
    (
        "top-level-list",
        {
            "c.yaml": """
        - version: 1
        """
        },
    ),
    (
        "missing-variable",
        {
            "c.yaml": """
        version: 1
        account:
          configuration:
            default_messaging_service_sid: ${MESSAGING_SERVICE_SID}
        """
        },
    ),
    (
        "invalid-variable",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            friendly_name: ${1SUPPORT}
        """
        },
    ),
    (
        "unclosed-variable",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            notifications:
              new_message: {template: "Hi ${PARTICIPANT"}
        """
        },
    ),
    (
        "include-cycle",
        {
            "a.yaml": """
        include: b.yaml
        version: 1
        """,
            "b.yaml": """
        version: 1
        include: [a.yaml]
        """,
        },
        ["a.yaml"],
    ),
    (
        "include-missing",
        {
            "c.yaml": """
        version: 1
        include:
          - ../nowhere
        """
        },
    ),
    (
        "include-not-paths",
        {
            "c.yaml": """
        version: 1
        include: {path: base}
        """
        },
    ),
    ("path-missing", {}, ["missing.yaml"]),
    ("folder-empty", {"empty/readme.txt": "nothing here\n"}, ["empty"]),
    (
        "version-missing",
        {
            "c.yaml": """
        services: {}
        """
        },
    ),
    (
        "version-wrong",
        {
            "c.yaml": """
        version: 2
        """
        },
    ),
    (
        "unknown-top-level-key",
        {
            "c.yaml": """
        version: 1
        service:
          support: {}
        """
        },
    ),
    (
        "unknown-nested-key",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            webhooks:
              post_webhook: https://hooks.example.com/post
        """
        },
    ),
    (
        "wrong-type-bool",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            configuration:
              reachability_enabled: sometimes
        """
        },
    ),
    (
        "wrong-type-list",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            webhooks:
              filters: onMessageAdded
        """
        },
    ),
    (
        "role-type-enum",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            roles:
              agent: {type: admin, permissions: [sendMessage]}
        """
        },
    ),
    (
        "role-missing-permissions",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            roles:
              agent:
                type: conversation
        """
        },
    ),
    (
        "permission-wrong-scope",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            roles:
              supervisor:
                type: service
                permissions:
                  - joinConversation
                  - sendMessage
        """
        },
    ),
    (
        "permission-unknown",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            roles:
              agent:
                type: conversation
                permissions: [sendMessage,
                              sendMesage]
        """
        },
    ),
    (
        "permission-duplicate",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            roles:
              agent:
                type: conversation
                permissions:
                  - sendMessage
                  - sendMessage
        """
        },
    ),
    (
        "permissions-empty",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            roles:
              agent: {type: conversation, permissions: []}
        """
        },
    ),
    (
        "builtin-role-type",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            roles:
              channel user:
                type: service
                permissions: [joinConversation]
        """
        },
    ),
    (
        "default-role-dangling",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            roles:
              agent: {type: conversation, permissions: [sendMessage]}
            configuration:
              default_conversation_role: agnet
        """
        },
    ),
    (
        "default-role-wrong-type",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            roles:
              agent: {type: conversation, permissions: [sendMessage]}
            configuration:
              default_chat_service_role: agent
        """
        },
    ),
    (
        "default-role-builtin-wrong-type",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            configuration:
              default_conversation_role: service user
        """
        },
    ),
    (
        "default-service-dangling",
        {
            "c.yaml": """
        version: 1
        account:
          configuration:
            default_service: suport
        services:
          support: {}
        """
        },
    ),
    (
        "messaging-service-sid",
        {
            "c.yaml": """
        version: 1
        account:
          configuration:
            default_messaging_service_sid: MG123
        """
        },
    ),
    (
        "inactive-timer-too-short",
        {
            "c.yaml": """
        version: 1
        account:
          configuration:
            default_inactive_timer: PT30S
        """
        },
    ),
    (
        "closed-timer-too-short",
        {
            "c.yaml": """
        version: 1
        account:
          configuration:
            default_closed_timer: PT5M
        """
        },
    ),
    (
        "timer-months",
        {
            "c.yaml": """
        version: 1
        account:
          configuration:
            default_closed_timer: P6M
        """
        },
    ),
    (
        "timer-not-duration",
        {
            "c.yaml": """
        version: 1
        account:
          configuration:
            default_inactive_timer: 1 hour
        """
        },
    ),
    (
        "timer-too-long",
        {
            "c.yaml": """
        version: 1
        account:
          configuration:
            default_closed_timer: P99999999999999999999D
        """
        },
    ),
    (
        "timer-fraction",
        {
            "c.yaml": """
        version: 1
        account:
          configuration:
            default_inactive_timer: PT1.5M
        """
        },
    ),
    (
        "webhook-url-relative",
        {
            "c.yaml": """
        version: 1
        account:
          webhooks:
            post_webhook_url: /twilio/post
        """
        },
    ),
    (
        "webhook-url-scheme",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            webhooks:
              pre_webhook_url: ftp://hooks.example.com/pre
        """
        },
    ),
    (
        "account-filter-unknown",
        {
            "c.yaml": """
        version: 1
        account:
          webhooks:
            filters: [onMessageAdded, onMessageSent]
        """
        },
    ),
    (
        "service-filter-user-event",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            webhooks:
              filters:
                - onUserAdded
        """
        },
    ),
    (
        "address-filter-pre-event",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: sms
            address: "+15017122661"
            auto_creation:
              type: webhook
              webhook_url: https://hooks.example.com/inbound
              webhook_filters: [onMessageAdd]
        """
        },
    ),
    (
        "webhook-method-unknown",
        {
            "c.yaml": """
        version: 1
        account:
          webhooks:
            method: PUT
        """
        },
    ),
    (
        "webhook-target-enum",
        {
            "c.yaml": """
        version: 1
        account:
          webhooks:
            target: studio
        """
        },
    ),
    (
        "address-type-enum",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: voice
            address: "+15017122661"
        """
        },
    ),
    (
        "sms-address-not-e164",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: sms
            address: 501-712-2661
        """
        },
    ),
    (
        "sms-address-too-long",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: sms
            address: "+1501712266112345"
        """
        },
    ),
    (
        "whatsapp-address-form",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: whatsapp
            address: "+15017122661"
        """
        },
    ),
    (
        "messenger-address-form",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: messenger
            address: my-page
        """
        },
    ),
    (
        "email-address-form",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: email
            address: support.example.com
        """
        },
    ),
    (
        "address-duplicate",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: sms
            address: "+15017122661"
          - type: sms
            address: "+15017122661"
        """
        },
    ),
    (
        "address-country",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: sms
            address: "894546"
            address_country: usa
        """
        },
    ),
    (
        "address-name-too-long",
        {
            "c.yaml": f"""
        version: 1
        address_configurations:
          - type: sms
            address: "+15017122661"
            friendly_name: {"x" * 257}
        """
        },
    ),
    (
        "auto-creation-webhook-needs-url",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: sms
            address: "+15017122661"
            auto_creation:
              enabled: true
              type: webhook
        """
        },
    ),
    (
        "auto-creation-studio-needs-flow",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: whatsapp
            address: whatsapp:+15017122661
            auto_creation:
              type: studio
              studio_retry_count: 1
        """
        },
    ),
    (
        "auto-creation-studio-flow-sid",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: whatsapp
            address: whatsapp:+15017122661
            auto_creation:
              type: studio
              studio_flow_sid: FWnotasid
        """
        },
    ),
    (
        "auto-creation-other-type-field",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: sms
            address: "+15017122661"
            auto_creation:
              type: studio
              studio_flow_sid: FW0123456789abcdef0123456789abcdef
              webhook_url: https://hooks.example.com/inbound
        """
        },
    ),
    (
        "auto-creation-default-type-field",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: sms
            address: "+15017122661"
            auto_creation:
              type: default
              studio_retry_count: 2
        """
        },
    ),
    (
        "auto-creation-type-missing",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: sms
            address: "+15017122661"
            auto_creation:
              webhook_url: https://hooks.example.com/inbound
        """
        },
    ),
    (
        "auto-creation-type-enum",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: sms
            address: "+15017122661"
            auto_creation:
              type: flex
        """
        },
    ),
    (
        "auto-creation-retry-negative",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: sms
            address: "+15017122661"
            auto_creation:
              type: studio
              studio_flow_sid: FW0123456789abcdef0123456789abcdef
              studio_retry_count: -1
        """
        },
    ),
    (
        "auto-creation-retry-too-large",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: sms
            address: "+15017122661"
            auto_creation:
              type: studio
              studio_flow_sid: FW0123456789abcdef0123456789abcdef
              studio_retry_count: 3000000000
        """
        },
    ),
    (
        "conversation-service-dangling",
        {
            "c.yaml": """
        version: 1
        address_configurations:
          - type: sms
            address: "+15017122661"
            auto_creation:
              type: default
              conversation_service: IS123
        """
        },
    ),
    (
        "service-name-duplicate",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            friendly_name: Support
          Support: {}
        """
        },
    ),
    (
        "service-sid-invalid",
        {
            "c.yaml": """
        version: 1
        services:
          support:
            sid: IS-support
        """
        },
    ),
    (
        "service-name-too-long",
        {
            "c.yaml": f"""
        version: 1
        services:
          support:
            friendly_name: {"s" * 300}
        """
        },
    ),
    (
        "webhook-url-too-long",
        {
            "c.yaml": f"""
        version: 1
        services:
          support:
            webhooks:
              post_webhook_url: https://hooks.example.com/{"p" * 2030}
        """
        },
    ),
    (
        "notification-texts-too-long",
        {
            "c.yaml": f"""
        version: 1
        services:
          support:
            notifications:
              new_message:
                sound: {"s" * 257}
                with_media: {{template: {"t" * 1025}}}
              removed_from_conversation: {{template: {"t" * 1024}}}
        """
        },
    ),
    (
        "role-name-too-long",
        {
            "c.yaml": f"""
        version: 1
        services:
          support:
            roles:
              {"r" * 65}: {{type: service, permissions: [joinConversation]}}
        """
        },
    ),
    (
        "credential-type-enum",
        {
            "c.yaml": """
        version: 1
        credentials:
          ios: {type: apns, certificate: c, private_key: k}
        """
        },
    ),
    (
        "credential-fcm-api-key",
        {
            "c.yaml": """
        version: 1
        credentials:
          android:
            type: fcm
            secret: server-key
            api_key: legacy
        """
        },
    ),
    (
        "credential-fcm-sandbox",
        {
            "c.yaml": """
        version: 1
        credentials:
          android:
            type: fcm
            secret: server-key
            sandbox: true
        """
        },
    ),
    (
        "credential-name-duplicate",
        {
            "c.yaml": """
        version: 1
        credentials:
          android: {type: fcm, secret: a}
          android-2: {type: fcm, secret: b, friendly_name: android}
        """
        },
    ),
    (
        "credential-name-too-long",
        {
            "c.yaml": f"""
        version: 1
        credentials:
          {"c" * 65}: {{type: fcm, secret: a}}
        """
        },
    ),
    (
        "credential-secret-number",
        {
            "c.yaml": """
        version: 1
        credentials:
          android: {type: fcm, secret: 12345}
        """
        },
    ),
    (
        "protected-service-dangling",
        {
            "c.yaml": """
        version: 1
        services:
          support: {}
        policy:
          protected_services: [support, sales]
        """
        },
    ),
    (
        "prune-kind-enum",
        {
            "c.yaml": """
        version: 1
        policy:
          prune: [roles, webhooks]
        """
        },
    ),
    (
        "max-change-fraction",
        {
            "c.yaml": """
        version: 1
        policy:
          max_change_fraction: 0
        """
        },
    ),
]


EXPECTED: dict[str, list[str]] = {
    "yaml-syntax": ["c.yaml:4: invalid YAML: expected ',' or '}', but got '<stream end>'"],
    "duplicate-key": [
        "c.yaml:6: duplicate key 'agent': already defined at line 5 (each key may "
        "appear once in a mapping)"
    ],
    "alias-bomb": [
        "c.yaml:1: YAML aliases expand to more than 100000 values (an alias bomb?); "
        "refusing to load this file"
    ],
    "recursive-alias": [
        "c.yaml:2: a YAML alias refers to a value that contains it (recursive alias)"
    ],
    "python-tag": [
        "c.yaml:2: unsupported YAML tag !!python/object/apply:os.system: only plain "
        "mappings, lists, strings, numbers, booleans and null are allowed"
    ],
    "custom-tag": [
        "c.yaml:4: unsupported YAML tag !Ref: only plain mappings, lists, strings, "
        "numbers, booleans and null are allowed"
    ],
    "merge-key": [
        "c.yaml:6: YAML merge keys (<<) are not supported; share settings with `include:` instead"
    ],
    "two-documents": [
        "c.yaml:2: invalid YAML: a configuration file holds one YAML document; "
        "found a second one (---)"
    ],
    "unquoted-phone-number-and-norway": [
        "c.yaml:4: address_configurations[0].address: expected a string; got the number "
        '15017122661: YAML reads unquoted digits as a number, so quote it: "15017122661" '
        '(a phone number in E.164 form: "+15017122661")',
        "c.yaml:5: address_configurations[0].address_country: expected a string; got NO, "
        "which YAML reads as the boolean false (unquoted yes, no, on, off, true and false are "
        'booleans), so quote it: "NO"',
    ],
    # The hint quotes the text as written, not the value YAML made of it (a leading + or 0,
    # an octal 0123 read as 83, a 1_000 read as 1000), and only an address gets the
    # phone-number hint.
    "unquoted-scalars-are-quoted-as-written": [
        "c.yaml:4: services.support.friendly_name: expected a string; got the number 0123, "
        'which YAML reads as 83: YAML reads unquoted digits as a number, so quote it: "0123"',
        "c.yaml:6: services.sales.friendly_name: expected a string; got the number 1_000, "
        'which YAML reads as 1000: YAML reads unquoted digits as a number, so quote it: "1_000"',
        "c.yaml:9: address_configurations[0].address: expected a string; got the number "
        "+15017122661, which YAML reads as 15017122661: YAML reads unquoted digits as a "
        'number, so quote it: "+15017122661"',
        "c.yaml:10: address_configurations[0].address_country: expected a string; got off, "
        "which YAML reads as the boolean false (unquoted yes, no, on, off, true and false are "
        'booleans), so quote it: "off"',
        "c.yaml:11: address_configurations[0].friendly_name: expected a string; got the "
        'number 42: YAML reads unquoted digits as a number, so quote it: "42"',
    ],
    "unquoted-number-quoted-as-the-winning-file-writes-it": [
        "b.yaml:3: services.support.friendly_name: expected a string; got the number 83: "
        'YAML reads unquoted digits as a number, so quote it: "83"',
        "b.yaml:5: services.sales.friendly_name: expected a string; got the number 0x7, "
        'which YAML reads as 7: YAML reads unquoted digits as a number, so quote it: "0x7"',
    ],
    "top-level-list": [
        "c.yaml:1: not a configuration file: the top level must be a mapping with keys such "
        "as version, services, account; this file holds a list (its content is not shown)"
    ],
    "missing-variable": [
        "c.yaml:4: environment variable MESSAGING_SERVICE_SID is not set (set "
        "it, or give a default: ${MESSAGING_SERVICE_SID:-default})"
    ],
    "invalid-variable": [
        "c.yaml:4: invalid variable reference '${1SUPPORT}': write ${NAME} or "
        "${NAME:-default} (NAME of letters, digits and _; no nesting), or $${ "
        "for a literal ${"
    ],
    "unclosed-variable": [
        "c.yaml:5: unclosed '${' in a value: write ${NAME} or ${NAME:-default} "
        "for a variable, or $${ for a literal ${"
    ],
    "include-cycle": ["b.yaml:2: include cycle: a.yaml -> b.yaml -> a.yaml"],
    "include-missing": ["c.yaml:3: include '../nowhere': no such file or folder: /tmp/nowhere"],
    "include-not-paths": [
        "c.yaml:2: include must be a path or a list of paths (files or folders, "
        "relative to this file)"
    ],
    "path-missing": ["missing.yaml: no such file or folder: missing.yaml"],
    "folder-empty": ["empty: folder empty holds no .yaml or .yml files"],
    "version-missing": ["c.yaml:1: (top level): missing required key 'version'"],
    "version-wrong": ["c.yaml:1: version: must be 1 (the only configuration format so far); got 2"],
    "unknown-top-level-key": [
        "c.yaml:2: (top level): unknown key 'service' (did you mean "
        "'services'?); allowed keys here: version, account, services, "
        "address_configurations, credentials, policy"
    ],
    "unknown-nested-key": [
        "c.yaml:5: services.support.webhooks: unknown key 'post_webhook' (did "
        "you mean 'post_webhook_url'?); allowed keys here: method, "
        "pre_webhook_url, post_webhook_url, filters"
    ],
    "wrong-type-bool": [
        "c.yaml:5: services.support.configuration.reachability_enabled: expected "
        "true or false; got 'sometimes'"
    ],
    "wrong-type-list": [
        "c.yaml:5: services.support.webhooks.filters: expected a list; got 'onMessageAdded'"
    ],
    "role-type-enum": [
        "c.yaml:5: services.support.roles.agent.type: 'admin' is not a value this version "
        "knows; sent to Twilio as written; the role types this version knows: conversation, "
        "service (an error under --strict)",
    ],
    "role-missing-permissions": [
        "c.yaml:5: services.support.roles.agent: missing required key 'permissions'"
    ],
    "permission-wrong-scope": [
        "c.yaml:9: services.support.roles.supervisor.permissions[1]: 'sendMessage' is a "
        "conversation-scope permission, which Twilio documents as not for service roles; "
        "sent to Twilio as written; service roles may have: addParticipant, "
        "createConversation, deleteAnyMessage, deleteConversation, editAnyMessage, "
        "editAnyMessageAttributes, editAnyUserInfo, editConversationAttributes, "
        "editConversationName, editOwnMessage, editOwnMessageAttributes, editOwnUserInfo, "
        "joinConversation, removeParticipant (an error under --strict)",
    ],
    "permission-unknown": [
        "c.yaml:8: services.support.roles.agent.permissions[1]: 'sendMesage' is not a value "
        "this version knows; sent to Twilio as written (did you mean 'sendMessage'?); "
        "conversation roles may have: addParticipant, deleteAnyMessage, deleteOwnMessage, "
        "deleteConversation, editAnyMessage, editAnyMessageAttributes, editAnyUserInfo, "
        "editConversationAttributes, editConversationName, editOwnMessage, "
        "editOwnMessageAttributes, editOwnUserInfo, leaveConversation, removeParticipant, "
        "sendMediaMessage, sendMessage (an error under --strict)",
    ],
    "permission-duplicate": [
        "c.yaml:9: services.support.roles.agent.permissions[1]: 'sendMessage' is listed twice"
    ],
    "permissions-empty": [
        "c.yaml:5: services.support.roles.agent.permissions: a role needs at "
        "least one permission (Twilio requires one)"
    ],
    "builtin-role-type": [
        "c.yaml:6: services.support.roles['channel user'].type: 'channel user' "
        "is a built-in conversation role; its type cannot be 'service'"
    ],
    "default-role-dangling": [
        "c.yaml:7: "
        "services.support.configuration.default_conversation_role: 'agnet' "
        "is not a role of service 'support' (did you mean 'agent'?): use a "
        "role name (agent, channel admin, channel user, service admin, "
        "service user) or a role SID (RL and 32 hex digits)"
    ],
    "default-role-wrong-type": [
        "c.yaml:7: "
        "services.support.configuration.default_chat_service_role: "
        "'agent' is a conversation role; default_chat_service_role needs "
        "a service role"
    ],
    "default-role-builtin-wrong-type": [
        "c.yaml:5: "
        "services.support.configuration.default_conversation_role: "
        "'service user' is a service role; "
        "default_conversation_role needs a conversation role"
    ],
    "default-service-dangling": [
        "c.yaml:4: account.configuration.default_service: 'suport' is "
        "not a service of this configuration (did you mean 'support'?): "
        "use a key of services: (support) or a service SID (IS and 32 "
        "hex digits)"
    ],
    "messaging-service-sid": [
        "c.yaml:4: account.configuration.default_messaging_service_sid: "
        "'MG123' is not a Messaging Service SID: expected MG and 32 hex "
        "digits, such as MG00000000000000000000000000000001"
    ],
    "inactive-timer-too-short": [
        "c.yaml:4: account.configuration.default_inactive_timer: 'PT30S' "
        "is shorter than Twilio's minimum of PT1M (1 minute); use PT0S "
        "to turn it off"
    ],
    "closed-timer-too-short": [
        "c.yaml:4: account.configuration.default_closed_timer: 'PT5M' is "
        "shorter than Twilio's minimum of PT10M (10 minutes); use PT0S to "
        "turn it off"
    ],
    "timer-months": [
        "c.yaml:4: account.configuration.default_closed_timer: 'P6M' uses years, "
        "months or weeks; Twilio timers take days or smaller units (P180D rather "
        "than P6M, P365D rather than P1Y)"
    ],
    "timer-not-duration": [
        "c.yaml:4: account.configuration.default_inactive_timer: '1 hour' is "
        "not an ISO 8601 duration in days, hours, minutes and seconds, such as "
        "PT5M, PT1H, P30D or PT0S (off)"
    ],
    "timer-too-long": [
        "c.yaml:4: account.configuration.default_closed_timer: 'P99999999999999999999D' is "
        "longer than the longest timer Twilio is assumed to take, P24855DT3H14M7S (about 68 "
        "years); Twilio recommends up to P365D"
    ],
    "timer-fraction": [
        "c.yaml:4: account.configuration.default_inactive_timer: 'PT1.5M' has a "
        "fraction; Twilio timers have a precision of one second"
    ],
    "webhook-url-relative": [
        "c.yaml:4: account.webhooks.post_webhook_url: must be an absolute "
        "http(s) URL such as https://hooks.example.com/twilio; got "
        "'/twilio/post'"
    ],
    "webhook-url-scheme": [
        "c.yaml:5: services.support.webhooks.pre_webhook_url: must be an "
        "absolute http(s) URL such as https://hooks.example.com/twilio; got "
        "'ftp://hooks.example.com/pre'"
    ],
    "account-filter-unknown": [
        "c.yaml:4: account.webhooks.filters[1]: 'onMessageSent' is not a value this version "
        "knows; sent to Twilio as written; the events account webhooks take this version "
        "knows: onMessageAdd, onMessageAdded, onMessageUpdate, onMessageUpdated, "
        "onMessageRemove, onMessageRemoved, onConversationAdd, onConversationAdded, "
        "onConversationUpdate, onConversationUpdated, onConversationRemove, "
        "onConversationRemoved, onConversationStateUpdated, onParticipantAdd, "
        "onParticipantAdded, onParticipantUpdate, onParticipantUpdated, onParticipantRemove, "
        "onParticipantRemoved, onDeliveryUpdated, onUserAdded, onUserUpdate, onUserUpdated "
        "(an error under --strict)",
    ],
    "service-filter-user-event": [
        "c.yaml:6: services.support.webhooks.filters[0]: 'onUserAdded' is not a value this "
        "version knows; sent to Twilio as written; the events service webhooks take this "
        "version knows: onMessageAdd, onMessageAdded, onMessageUpdate, onMessageUpdated, "
        "onMessageRemove, onMessageRemoved, onConversationAdd, onConversationAdded, "
        "onConversationUpdate, onConversationUpdated, onConversationRemove, "
        "onConversationRemoved, onConversationStateUpdated, onParticipantAdd, "
        "onParticipantAdded, onParticipantUpdate, onParticipantUpdated, onParticipantRemove, "
        "onParticipantRemoved, onDeliveryUpdated (an error under --strict)",
    ],
    "address-filter-pre-event": [
        "c.yaml:8: address_configurations[0].auto_creation.webhook_filters[0]: "
        "'onMessageAdd' is not a value this version knows; sent to Twilio as written (did "
        "you mean 'onMessageAdded'?); the events address configuration webhooks take this "
        "version knows: onMessageAdded, onMessageUpdated, onMessageRemoved, "
        "onConversationUpdated, onConversationStateUpdated, onConversationRemoved, "
        "onParticipantAdded, onParticipantUpdated, onParticipantRemoved, onDeliveryUpdated "
        "(an error under --strict)",
    ],
    "webhook-method-unknown": [
        "c.yaml:4: account.webhooks.method: 'PUT' is not a value this version knows; sent to "
        "Twilio as written; the methods this version knows: GET, POST (an error under "
        "--strict)",
    ],
    "webhook-target-enum": [
        "c.yaml:4: account.webhooks.target: 'studio' is not a value this version knows; sent "
        "to Twilio as written; the targets this version knows: webhook, flex (an error under "
        "--strict)",
    ],
    "address-type-enum": [
        "c.yaml:3: address_configurations[0].type: 'voice' is not a value this version "
        "knows; sent to Twilio as written; the address types this version knows: sms, "
        "whatsapp, messenger, gbm, email, rcs, apple, chat (an error under --strict)",
    ],
    "sms-address-not-e164": [
        "c.yaml:4: address_configurations[0].address: '501-712-2661' is not "
        "a valid address for type sms: expected an E.164 number such as "
        "+15017122661, or a short code such as 894546"
    ],
    "sms-address-too-long": [
        "c.yaml:4: address_configurations[0].address: '+1501712266112345' is "
        "not a valid address for type sms: expected an E.164 number such as "
        "+15017122661, or a short code such as 894546"
    ],
    "whatsapp-address-form": [
        "c.yaml:4: address_configurations[0].address: '+15017122661' is not "
        "a valid address for type whatsapp: expected whatsapp: and an E.164 "
        "number, such as whatsapp:+15017122661"
    ],
    "messenger-address-form": [
        "c.yaml:4: address_configurations[0].address: 'my-page' is not a "
        "valid address for type messenger: expected messenger: and the "
        "numeric Facebook page id, such as messenger:101234567890123"
    ],
    "email-address-form": [
        "c.yaml:4: address_configurations[0].address: 'support.example.com' is "
        "not a valid address for type email: expected an email address such as "
        "support@example.com"
    ],
    "address-duplicate": [
        "c.yaml:6: address_configurations[1].address: sms address "
        "'+15017122661' is already configured by address_configurations[0] "
        "(c.yaml:3); Twilio allows one configuration per address"
    ],
    "address-country": [
        "c.yaml:5: address_configurations[0].address_country: 'usa' is not an ISO "
        "3166-1 alpha-2 country code such as US or GB"
    ],
    "address-name-too-long": [
        "c.yaml:5: address_configurations[0].friendly_name: friendly_name is 257 characters "
        "long; Twilio documents at most 256 (an error under --strict)",
    ],
    "auto-creation-webhook-needs-url": [
        "c.yaml:7: address_configurations[0].auto_creation.type: "
        "auto-creation type webhook needs webhook_url"
    ],
    "auto-creation-studio-needs-flow": [
        "c.yaml:6: address_configurations[0].auto_creation.type: "
        "auto-creation type studio needs studio_flow_sid"
    ],
    "auto-creation-studio-flow-sid": [
        "c.yaml:7: "
        "address_configurations[0].auto_creation.studio_flow_sid: "
        "'FWnotasid' is not a Studio Flow SID: expected FW and 32 "
        "hex digits, such as FW00000000000000000000000000000001"
    ],
    "auto-creation-other-type-field": [
        "c.yaml:8: "
        "address_configurations[0].auto_creation.webhook_url: "
        "webhook_url applies to auto-creation type webhook, not "
        "studio; remove it or change type"
    ],
    "auto-creation-default-type-field": [
        "c.yaml:7: "
        "address_configurations[0].auto_creation.studio_retry_count: "
        "studio_retry_count applies to auto-creation type "
        "studio, not default; remove it or change type"
    ],
    "auto-creation-type-missing": [
        "c.yaml:6: "
        "address_configurations[0].auto_creation.webhook_url: "
        "webhook_url applies to auto-creation type webhook; set type: "
        "webhook as well"
    ],
    "auto-creation-type-enum": [
        "c.yaml:6: address_configurations[0].auto_creation.type: 'flex' is not a value this "
        "version knows; sent to Twilio as written; the types this version knows: webhook, "
        "studio, default (an error under --strict)",
    ],
    "auto-creation-retry-too-large": [
        "c.yaml:8: address_configurations[0].auto_creation.studio_retry_count: "
        "must be at most 2147483647; got 3000000000"
    ],
    "auto-creation-retry-negative": [
        "c.yaml:8: "
        "address_configurations[0].auto_creation.studio_retry_count: "
        "must be 0 or more; got -1"
    ],
    "conversation-service-dangling": [
        "c.yaml:7: "
        "address_configurations[0].auto_creation.conversation_service: "
        "'IS123' is not a service of this configuration: use a key "
        "of services: (none defined) or a service SID (IS and 32 "
        "hex digits)"
    ],
    "service-name-duplicate": [
        "c.yaml:5: services.Support: friendly_name 'Support' is also the "
        "name of services.support (c.yaml:4); services are matched by "
        "name, so rename one or pin it with sid:"
    ],
    "service-sid-invalid": [
        "c.yaml:4: services.support.sid: 'IS-support' is not a Conversation "
        "Service SID: expected IS and 32 hex digits, such as "
        "IS00000000000000000000000000000001"
    ],
    "service-name-too-long": [
        "c.yaml:4: services.support.friendly_name: friendly_name is 300 characters long; "
        "Twilio documents at most 256 (an error under --strict)",
    ],
    "webhook-url-too-long": [
        "c.yaml:5: services.support.webhooks.post_webhook_url: the URL is 2056 characters "
        "long; Twilio documents at most 2048 (an error under --strict)",
    ],
    "notification-texts-too-long": [
        "c.yaml:6: services.support.notifications.new_message.sound: the sound is 257 "
        "characters long; Twilio documents at most 256 (an error under --strict)",
        "c.yaml:7: services.support.notifications.new_message.with_media.template: the "
        "template is 1025 characters long; Twilio documents at most 1024 (an error under "
        "--strict)",
    ],
    "role-name-too-long": [
        "c.yaml:5: "
        "services.support.roles.rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr: "
        "the role name is 65 characters long; Twilio documents at most 64 (an error under "
        "--strict)",
    ],
    "credential-type-enum": [
        "c.yaml:3: credentials.ios.type: 'apns' is not a value this version knows; sent to "
        "Twilio as written (did you mean 'apn'?); the credential types this version knows: "
        "apn, fcm, gcm (an error under --strict)",
    ],
    "credential-fcm-api-key": [
        "c.yaml:6: credentials.android.api_key: api_key is for gcm "
        "credentials, not fcm; type fcm takes secret"
    ],
    "credential-fcm-sandbox": [
        "c.yaml:6: credentials.android.sandbox: sandbox is for apn "
        "credentials, not fcm; type fcm takes secret"
    ],
    "credential-name-duplicate": [
        "c.yaml:4: credentials.android-2.friendly_name: friendly_name "
        "'android' is also the name of credentials.android (c.yaml:3); "
        "credentials are matched by name"
    ],
    "credential-name-too-long": [
        "c.yaml:3: "
        "credentials.ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc: the "
        "credential's friendly_name is 65 characters long; Twilio documents at most 64 (an "
        "error under --strict)",
    ],
    "credential-secret-number": [
        "c.yaml:3: credentials.android.secret: expected a string (the value written here is "
        "not shown)"
    ],
    "protected-service-dangling": [
        "c.yaml:5: policy.protected_services[1]: 'sales' is not a "
        "service of this configuration: use a key of services: "
        "(support) or a service SID (IS and 32 hex digits)"
    ],
    "prune-kind-enum": [
        "c.yaml:3: policy.prune[1]: 'webhooks' is not allowed; expected one of "
        "'services', 'roles', 'address_configurations' or 'credentials'"
    ],
    "max-change-fraction": ["c.yaml:3: policy.max_change_fraction: must be greater than 0; got 0"],
}


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_invalid_configuration_is_reported_at_its_line(
    tmp_path: Path, case: tuple[Any, ...]
) -> None:
    name, files = case[0], case[1]
    paths = case[2] if len(case) > 2 else ["c.yaml"]
    write_files(tmp_path, files)
    issues = issues_of(tmp_path, paths, strict=True)
    if name == "include-missing":  # the resolved path is absolute under tmp_path
        issues = [issue.replace(str(tmp_path.parent) + "/", "/tmp/") for issue in issues]
    assert issues == EXPECTED[name]


def test_there_is_a_case_per_rule() -> None:
    assert len(CASES) >= 40
    assert set(EXPECTED) == {case[0] for case in CASES}
