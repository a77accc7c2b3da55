"""A no-change plan reads a few times per service, and its reads grow linearly with the account.

Issue 11: at most 4 reads per service plus a handful of account-level reads, whatever the
account's size; more services, roles or addresses add list pages in proportion, never a read
per resource.
"""

from __future__ import annotations

import itertools

from benchmarks.accounts import Shape
from tests.perf.conftest import Account

HANDFUL = 10
"""Account-level reads allowed on top of 4 per service."""
ROLE_PAGE, ADDRESS_PAGE = 50, 50
BUILT_IN_ROLES = 4


def test_no_change_plan_reads_at_most_four_per_service_plus_a_handful(account: Account) -> None:
    shape = Shape(services=6, roles=3, addresses=60)
    loaded = account.converge(shape)

    reads = account.plan_reads(loaded)

    assert reads.writes == 0
    assert reads.total <= 4 * shape.services + HANDFUL
    # Roles (one page of 7), configuration and webhooks: only what the config manages.
    assert reads.by_route["/v1/Services/{Sid}/Roles"] == shape.services
    assert reads.by_route["/v1/Services/{Sid}/Configuration"] == shape.services
    assert reads.by_route["/v1/Services/{Sid}/Configuration/Webhooks"] == shape.services
    assert reads.per_service == 3 * shape.services
    # The services list, the account configuration, two pages of address configurations, and
    # one page of the account's phone numbers (the SMS addresses are checked against it).
    assert reads.by_route == {
        **{route: n for route, n in reads.by_route.items() if route.startswith("/v1/Services/{")},
        "/v1/Services": 1,
        "/v1/Configuration": 1,
        "/v1/Configuration/Addresses": 2,
        "/2010-04-01/Accounts/{Sid}/IncomingPhoneNumbers.json": 1,
    }


def test_reads_grow_linearly_with_services_and_addresses(account: Account) -> None:
    """Each step adds 4 services and 45 addresses: the same number of reads every time."""
    counts = []
    for step in (1, 2, 3):
        shape = Shape(services=4 * step, roles=2, addresses=45 * step)
        loaded = account.converge(shape)
        reads = account.plan_reads(loaded)
        assert reads.writes == 0
        assert reads.total <= 4 * shape.services + HANDFUL
        counts.append(reads.total)
    steps = [later - earlier for earlier, later in itertools.pairwise(counts)]
    # 4 services x 3 reads, plus about one page of addresses (45 a step, 50 a page).
    assert all(12 <= added <= 13 for added in steps), counts
    assert counts[-1] - counts[0] <= 2 * 13


def test_roles_add_a_read_per_page_not_per_role(account: Account) -> None:
    shape = Shape(services=2, roles=3, addresses=0)
    loaded = account.converge(shape)
    before = account.plan_reads(loaded).by_route["/v1/Services/{Sid}/Roles"]
    assert before == 2

    # Unmanaged roles in the first service (no prune): still read, a page at a time.
    service = next(
        service
        for service in account.client.conversations.v1.services.list()
        if service.friendly_name == "Benchmark service 000"
    )
    for index in range(2 * ROLE_PAGE):
        service.roles.create(
            friendly_name=f"extra-{index:03d}", type="service", permission=["editAnyMessage"]
        )
    total = 3 + BUILT_IN_ROLES + 2 * ROLE_PAGE  # 107 roles: 3 pages

    after = account.plan_reads(loaded).by_route["/v1/Services/{Sid}/Roles"]
    assert after == 1 + -(-total // ROLE_PAGE)
