"""The HTTP face of Studio Flows: /v2/Flows and /v2/Flows/{Sid} on studio.twilio.com, with the
`links` of the description's examples. Lists page with `meta`, 50 by default and at most 1,000
a page, as the description's PageSize says."""

from __future__ import annotations

from reconciler.emulator.resources import V1Resource

FLOWS = V1Resource(
    collection=lambda account: account.studio,
    key="flows",
    prefix="/v2/Flows",
    links=(("test_users", "TestUsers"), ("revisions", "Revisions"), ("executions", "Executions")),
    maximum=1000,
)
