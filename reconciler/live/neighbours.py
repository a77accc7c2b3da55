"""What the configuration (or an account) points at in other Twilio products, read from the
account: each Messaging Service and Studio Flow named, by SID, and whether each SMS address is
one of the account's phone numbers. The plan reads them beside the account's own read and
judges them (plan/neighbours.py); doctor reads them for the account's own values. A read the
credentials may not make is its result (`NotReadable`), never an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from reconciler import kinds
from reconciler.config import rules
from reconciler.config.models import Config
from reconciler.kinds import Kind, Resource
from reconciler.kinds.base import Product
from reconciler.kinds.neighbours import (
    NUMBERS_FILTERED_UP_TO,
    NotReadable,
    incoming_numbers,
    is_incoming_number,
    messaging_service,
    studio_flow,
)
from reconciler.live.api import LiveApi

_FETCH: dict[Product, Callable[[Any, str], dict[str, Any] | None]] = {
    Product.MESSAGING_SERVICE: messaging_service,
    Product.STUDIO_FLOW: studio_flow,
}
_SID = {
    Product.MESSAGING_SERVICE: rules.sid_pattern("MG"),
    Product.STUDIO_FLOW: rules.sid_pattern("FW"),
}


@dataclass(frozen=True)
class Pointer:
    """A value (of the configuration, or of the account) that names something in another
    product."""

    resource: Resource
    field: str
    product: Product
    value: str
    where: tuple[str | int, ...]
    """Its configuration path; an account's value has none."""

    @property
    def kind(self) -> str:
        return self.resource.kind

    @property
    def identity(self) -> tuple[str, ...]:
        return self.resource.identity


@dataclass
class NeighbourReads:
    """What was read of the other products (None: not readable with these credentials)."""

    found: dict[tuple[Product, str], dict[str, Any] | NotReadable | None] = field(
        default_factory=dict
    )
    numbers: set[str] | NotReadable | None = None
    """The account's phone numbers, when the configuration has SMS addresses to check."""


def pointers(resources_of: Callable[[Kind], Iterable[Resource]]) -> list[Pointer]:
    """Every value of these resources that names a resource of another product."""
    found = []
    for kind in kinds.ALL_KINDS:
        specs = [spec for spec in kind.fields if spec.product is not None]
        if not specs:
            continue
        for resource in resources_of(kind):
            for spec in specs:
                value = resource.values.get(spec.name)
                if isinstance(value, str) and spec.product and _SID[spec.product].match(value):
                    where = (*resource.source, *spec.name.split("."))
                    found.append(Pointer(resource, spec.name, spec.product, value, where))
    return found


def _phone_addresses(addresses: Iterable[Resource]) -> list[Resource]:
    kind = kinds.ADDRESS_CONFIGURATION
    return [
        resource
        for resource in addresses
        if resource.identity[0] in kind.phone_number_types
        and rules.E164.match(str(resource.identity[1]))
    ]


@dataclass(frozen=True)
class Targets:
    """What points into other products, found once per plan (or doctor run)."""

    pointers: list[Pointer]
    phone_addresses: list[Resource]

    @classmethod
    def of(cls, config: Config) -> Targets:
        """What the configuration points at (its values as the plan would write them)."""
        return cls.among(lambda kind: kind.desired(config))

    @classmethod
    def among(cls, resources_of: Callable[[Kind], Iterable[Resource]]) -> Targets:
        """What these resources point at: `resources_of(kind)` gives a kind's resources, asked
        once per kind (a configuration's desired resources are built anew on each call)."""
        found: dict[str, list[Resource]] = {}

        def once(kind: Kind) -> list[Resource]:
            if kind.name not in found:
                found[kind.name] = list(resources_of(kind))
            return found[kind.name]

        return cls(pointers(once), _phone_addresses(once(kinds.ADDRESS_CONFIGURATION)))


NOT_A_NUMBER_OF_THE_ACCOUNT = (
    "is not a phone number of this account (IncomingPhoneNumbers): Twilio will not route its "
    "messages here"
)


def foreign_numbers(targets: Targets, reads: NeighbourReads) -> list[Resource]:
    """The SMS addresses that are not one of the account's phone numbers, as far as the
    numbers were read (none when they could not be)."""
    owned = reads.numbers
    if not isinstance(owned, set):
        return []
    return [address for address in targets.phone_addresses if address.identity[1] not in owned]


@contextmanager
def reading_neighbours(api: LiveApi, targets: Targets) -> Iterator[Callable[[], NeighbourReads]]:
    """Read the other products while the block reads the account; the value yielded returns
    what was read (waiting for it). No thread when the configuration points nowhere."""
    if not targets.pointers and not targets.phone_addresses:
        yield NeighbourReads  # nothing to read: an empty result
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reconciler-neighbours") as side:
        future: Future[NeighbourReads] = side.submit(read_neighbours, api, targets)
        yield future.result


def read_neighbours(api: LiveApi, targets: Targets) -> NeighbourReads:
    """Every read of the other products `targets` needs, concurrently."""
    reads = NeighbourReads()
    wanted = sorted({(pointer.product, pointer.value) for pointer in targets.pointers})
    numbers = sorted({str(address.identity[1]) for address in targets.phone_addresses})
    by_filter = len(numbers) <= NUMBERS_FILTERED_UP_TO
    operations: list[Callable[[Any], Any]] = [
        guarded(_fetcher(api, product, sid)) for product, sid in wanted
    ]
    if by_filter:
        operations += [guarded(_number_lookup(api, number)) for number in numbers]
    elif numbers:
        operations.append(guarded(lambda _v1: incoming_numbers(api.client)))
    results = api.gather(operations)
    reads.found = dict(zip(wanted, results[: len(wanted)], strict=True))
    answers = results[len(wanted) :]
    if not numbers:
        return reads
    if not by_filter:
        reads.numbers = answers[0]
        return reads
    refused = [answer for answer in answers if isinstance(answer, NotReadable)]
    owned = {number for number, answer in zip(numbers, answers, strict=True) if answer is True}
    reads.numbers = refused[0] if refused else owned
    return reads


def _number_lookup(api: LiveApi, number: str) -> Callable[[Any], bool]:
    return lambda _v1: is_incoming_number(api.client, number)


def _fetcher(api: LiveApi, product: Product, sid: str) -> Callable[[Any], Any]:
    return lambda _v1: _FETCH[product](api.client, sid)


def guarded(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A read whose refusal for lack of permission is its result, not an error."""

    def run(v1: Any) -> Any:
        try:
            return read(v1)
        except NotReadable as refused:
            return refused

    return run
