"""References into other Twilio products, judged at plan time against the account.

`validate` is offline, so it cannot know whether `MG...` is a Messaging Service of this account,
whether `FW...` is a published Studio Flow, or whether an SMS address is one of the account's
phone numbers. The plan reads exactly those (live/neighbours.py: one fetch per SID named; each
SMS address looked up by the numbers list's filter, or past a few of them the account's whole
list), concurrently with the account's own read, and then:
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

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.config.validation import describe
from reconciler.errors import ReconcilerError
from reconciler.kinds.base import Product
from reconciler.kinds.neighbours import (
    ConversationCount,
    NotReadable,
    conversations_of,
    flow_is_published,
)
from reconciler.live.api import LiveApi
from reconciler.live.neighbours import (
    NOT_A_NUMBER_OF_THE_ACCOUNT,
    NeighbourReads,
    Targets,
    foreign_numbers,
    guarded,
)
from reconciler.live.reader import LiveState
from reconciler.plan.model import ProductCheck

Locate = Callable[[Sequence[str | int]], "str | None"]


class MissingNeighbour(ReconcilerError):
    """The configuration names a Messaging Service or Studio Flow the account does not have."""


def count_conversations(
    api: LiveApi, sids: list[str]
) -> dict[str, ConversationCount | NotReadable]:
    """How many conversations each service holds (one page each, concurrently), for the
    services a plan deletes or replaces; a count the credentials may not read is NotReadable."""
    counts = api.gather([guarded(_counter(sid)) for sid in sids])
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
    if isinstance(reads.numbers, NotReadable):
        for address in targets.phone_addresses:
            where = (*address.source, "address")
            not_checked = f"{describe(where)} {address.identity[1]}: {reads.numbers} (not checked)"
            verdict.not_checked.append(ProductCheck(not_checked, where))
    for address in foreign_numbers(targets, reads):
        where = (*address.source, "address")
        warning = f"{describe(where)} {address.identity[1]} {NOT_A_NUMBER_OF_THE_ACCOUNT}"
        verdict.warnings.append(ProductCheck(warning, where))
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
