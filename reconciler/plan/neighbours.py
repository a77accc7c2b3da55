"""References into other Twilio products, checked at plan time against the account.

`validate` is offline, so it cannot know whether `MG...` is a Messaging Service of this account,
whether `FW...` is a published Studio Flow, or whether an SMS address is one of the account's
phone numbers. The plan reads exactly those (one fetch per SID named; each SMS address looked
up by the numbers list's filter, or past a few of them the account's whole list), concurrently
with the account's own read, and then:
- refuses a SID that names nothing, at the configuration's file and line, when the plan would
  write it (a SID the account already holds unchanged is warned about instead: refusing it
  would make an exported configuration unplannable);
- warns for a flow that is not published and an SMS address that is not the account's;
- notes each check the credentials may not make ("not checked"), never failing for it.
It also counts the conversations of each service a plan deletes or replaces.
Notes name the configuration path (`address_configurations[0].address`), not the file: they
are part of a saved plan, which must read the same from any checkout. Each keeps the path as
data too, so `plan --format github` annotates the value's line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from reconciler import kinds
from reconciler.config import rules
from reconciler.config.models import Config
from reconciler.config.validation import describe
from reconciler.errors import ReconcilerError
from reconciler.kinds import Resource
from reconciler.kinds.base import Product
from reconciler.kinds.neighbours import (
    NUMBERS_FILTERED_UP_TO,
    ConversationCount,
    NotReadable,
    conversations_of,
    flow_is_published,
    incoming_numbers,
    is_incoming_number,
    messaging_service,
    studio_flow,
)
from reconciler.live.api import LiveApi
from reconciler.live.reader import LiveState
from reconciler.plan.model import ProductCheck

Locate = Callable[[Sequence[str | int]], "str | None"]

_FETCH: dict[Product, Callable[[Any, str], dict[str, Any] | None]] = {
    Product.MESSAGING_SERVICE: messaging_service,
    Product.STUDIO_FLOW: studio_flow,
}
_SID = {
    Product.MESSAGING_SERVICE: rules.sid_pattern("MG"),
    Product.STUDIO_FLOW: rules.sid_pattern("FW"),
}


class MissingNeighbour(ReconcilerError):
    """The configuration names a Messaging Service or Studio Flow the account does not have."""


@dataclass(frozen=True)
class Pointer:
    """A configuration value that names something in another product."""

    kind: str
    identity: tuple[str, ...]
    field: str
    product: Product
    value: str
    where: tuple[str | int, ...]


@dataclass
class NeighbourReads:
    """What was read of the other products (None: not readable with these credentials)."""

    found: dict[tuple[Product, str], dict[str, Any] | NotReadable | None] = field(
        default_factory=dict
    )
    numbers: set[str] | NotReadable | None = None
    """The account's phone numbers, when the configuration has SMS addresses to check."""


def pointers(config: Config) -> list[Pointer]:
    """Every value of the configuration that names a resource of another product."""
    found = []
    for kind in kinds.ALL_KINDS:
        specs = [spec for spec in kind.fields if spec.product is not None]
        if not specs:
            continue
        for resource in kind.desired(config):
            for spec in specs:
                value = resource.values.get(spec.name)
                if isinstance(value, str) and spec.product and _SID[spec.product].match(value):
                    where = (*resource.source, *spec.name.split("."))
                    found.append(
                        Pointer(kind.name, resource.identity, spec.name, spec.product, value, where)
                    )
    return found


def _phone_addresses(config: Config) -> list[Resource]:
    kind = kinds.ADDRESS_CONFIGURATION
    return [
        resource
        for resource in kind.desired(config)
        if resource.identity[0] in kind.phone_number_types
        and rules.E164.match(str(resource.identity[1]))
    ]


@dataclass(frozen=True)
class Targets:
    """What of the configuration points into other products, found once per plan."""

    pointers: list[Pointer]
    phone_addresses: list[Resource]

    @classmethod
    def of(cls, config: Config) -> Targets:
        return cls(pointers(config), _phone_addresses(config))


@contextmanager
def reading_neighbours(api: LiveApi, targets: Targets) -> Iterator[Callable[[], NeighbourReads]]:
    """Read the other products while the block reads the account; the value yielded returns
    what was read (waiting for it). No thread when the configuration points nowhere."""
    if not targets.pointers and not targets.phone_addresses:
        yield NeighbourReads  # nothing to read: an empty result
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reconciler-neighbours") as side:
        future: Future[NeighbourReads] = side.submit(_read, api, targets)
        yield future.result


def _read(api: LiveApi, targets: Targets) -> NeighbourReads:
    reads = NeighbourReads()
    wanted = sorted({(pointer.product, pointer.value) for pointer in targets.pointers})
    numbers = sorted({str(address.identity[1]) for address in targets.phone_addresses})
    by_filter = len(numbers) <= NUMBERS_FILTERED_UP_TO
    operations: list[Callable[[Any], Any]] = [
        _guarded(_fetcher(api, product, sid)) for product, sid in wanted
    ]
    if by_filter:
        operations += [_guarded(_number_lookup(api, number)) for number in numbers]
    elif numbers:
        operations.append(_guarded(lambda _v1: incoming_numbers(api.client)))
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


def _guarded(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A read whose refusal for lack of permission is its result, not an error."""

    def run(v1: Any) -> Any:
        try:
            return read(v1)
        except NotReadable as refused:
            return refused

    return run


def count_conversations(
    api: LiveApi, sids: list[str]
) -> dict[str, ConversationCount | NotReadable]:
    """How many conversations each service holds (one page each, concurrently), for the
    services a plan deletes or replaces; a count the credentials may not read is NotReadable."""
    counts = api.gather([_guarded(_counter(sid)) for sid in sids])
    return dict(zip(sids, counts, strict=True))


def _counter(sid: str) -> Callable[[Any], ConversationCount]:
    return lambda v1: conversations_of(v1, sid)


@dataclass
class NeighbourCheck:
    """The verdicts: problems refuse the plan; warnings and notes are shown with it."""

    problems: list[str] = field(default_factory=list)
    warnings: list[ProductCheck] = field(default_factory=list)
    not_checked: list[ProductCheck] = field(default_factory=list)


def check_neighbours(
    targets: Targets, live: LiveState, reads: NeighbourReads, locate: Locate
) -> NeighbourCheck:
    """Judge what was read; raises MissingNeighbour when the plan would write a SID that names
    nothing, else returns the warnings and not-checked notes."""
    verdict = NeighbourCheck()
    held = {
        (resource.kind, resource.identity): resource.values
        for kind_name in {pointer.kind for pointer in targets.pointers}
        for resource in live.of(kind_name)
    }
    for pointer in targets.pointers:
        at = describe(pointer.where)
        answer = reads.found.get((pointer.product, pointer.value))
        if isinstance(answer, NotReadable):
            verdict.not_checked.append(ProductCheck(f"{at}: {answer} (not checked)", pointer.where))
        elif answer is None:
            product = pointer.product.value
            missing = f"{pointer.value} is not a {product} of this account"
            unchanged = held.get((pointer.kind, pointer.identity), {}).get(pointer.field)
            if unchanged == pointer.value:
                verdict.warnings.append(
                    ProductCheck(
                        f"{at}: {missing} (the account already holds it unchanged)", pointer.where
                    )
                )
            else:
                verdict.problems.append(f"{_file_line(locate, pointer.where)}{at}: {missing}")
        elif pointer.product is Product.STUDIO_FLOW and not flow_is_published(answer):
            verdict.warnings.append(
                ProductCheck(
                    f"{at}: Studio Flow {pointer.value} is not published (status "
                    f"{answer.get('status')!r}): inbound messages will not run it until it is",
                    pointer.where,
                )
            )
    numbers = reads.numbers
    for address in targets.phone_addresses:
        where = (*address.source, "address")
        at = describe(where)
        number = str(address.identity[1])
        if isinstance(numbers, NotReadable):
            verdict.not_checked.append(
                ProductCheck(f"{at} {number}: {numbers} (not checked)", where)
            )
        elif numbers is not None and number not in numbers:
            verdict.warnings.append(
                ProductCheck(
                    f"{at} {number} is not a phone number of this account "
                    "(IncomingPhoneNumbers): Twilio will not route its messages here",
                    where,
                )
            )
    if verdict.problems:
        raise MissingNeighbour(
            "the configuration names resources of other Twilio products that the account does "
            "not have:\n" + "\n".join(verdict.problems)
        )
    return verdict


def _file_line(locate: Locate, where: tuple[str | int, ...]) -> str:
    """`file:line: ` of a config path, for a refusal. Notes that the plan keeps name the config
    path only: a saved plan applied from another checkout must read the same notes."""
    found = locate(where)
    return f"{found}: " if found else ""
