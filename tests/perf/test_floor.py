"""The benchmark's round-trip floor: the bound its wall-time target is measured against."""

from __future__ import annotations

from benchmarks.run import floor_of


def test_the_floor_is_the_larger_of_parallel_rounds_and_the_longest_chain() -> None:
    # The benchmark account's no-change plan: 40 services, 400 addresses, concurrency 8.
    reads = {
        "GET /v1/Services": 1,
        "GET /v1/Configuration": 1,
        "GET /v1/Configuration/Addresses": 8,
        "GET /v1/Services/{Sid}/Roles": 40,
        "GET /v1/Services/{Sid}/Configuration": 40,
        "GET /v1/Services/{Sid}/Configuration/Webhooks": 40,
    }
    floor = floor_of(reads, services=40, concurrency=8)
    assert (floor.total, floor.parallel, floor.chain, floor.rounds) == (130, 17, 8, 17)

    # Few requests, long paging: the chain decides.
    floor = floor_of({**reads, "GET /v1/Configuration/Addresses": 80}, services=40, concurrency=64)
    assert (floor.parallel, floor.chain, floor.rounds) == (4, 80, 80)

    # Three pages of roles per service follow the services list.
    floor = floor_of(
        {"GET /v1/Services": 4, "GET /v1/Services/{Sid}/Roles": 1200}, services=400, concurrency=800
    )
    assert (floor.chain, floor.rounds) == (7, 7)
    assert "services list, then 3 Roles page(s)" in floor.describe()
    # No writes count, and nothing but GETs is a read.
    assert floor_of({"POST /v1/Services": 9}, services=1, concurrency=1).rounds == 0
