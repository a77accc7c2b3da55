"""Token windows: stable while items come and go between pages, and lazy about views."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reconciler.emulator.errors import ApiError
from reconciler.emulator.paging import window


def test_tokens_page_by_sequence_number_across_deletions_and_creations() -> None:
    items = [(seq, f"item{seq}") for seq in (1, 2, 4, 7, 8, 9, 12)]
    first, has_next, has_previous = window(items, 0, 3, "", after="PT")
    assert [seq for seq, _ in first] == [1, 2, 4] and has_next and not has_previous
    # Item 7 is deleted and 13 created before the next page is read.
    items = [item for item in items if item[0] != 7] + [(13, "item13")]
    second, has_next, has_previous = window(items, 1, 3, "PT4", after="PT")
    assert [seq for seq, _ in second] == [8, 9, 12] and has_next and has_previous
    last, has_next, _ = window(items, 2, 3, "PT12", after="PT")
    assert [seq for seq, _ in last] == [13] and not has_next
    back, has_next, has_previous = window(items, 1, 3, "PB13", after="PT")
    assert [seq for seq, _ in back] == [8, 9, 12] and has_next and has_previous
    front, _, has_previous = window(items, 0, 3, "PB8", after="PT")
    assert [seq for seq, _ in front] == [1, 2, 4] and not has_previous
    # A token past the end is an empty last page; one before the start, the first page.
    assert window(items, 3, 3, "PT99", after="PT") == ([], False, True)
    assert window(items, 0, 3, "PT0", after="PT")[0] == items[:3]


def test_a_page_builds_only_its_own_views() -> None:
    built: list[int] = []

    def maker(seq: int) -> Callable[[], dict[str, int]]:
        def view() -> dict[str, int]:
            built.append(seq)
            return {"seq": seq}

        return view

    items = [(seq, maker(seq)) for seq in range(1, 10_001)]
    chunk, _, _ = window(items, 0, 50, "PT5000", after="PT")
    views = [view() for _, view in chunk]
    assert built == list(range(5001, 5051)) and views[0] == {"seq": 5001}


@pytest.mark.parametrize("token", ["PTx", "garbage", "PB-1"])
def test_a_malformed_token_is_refused(token: str) -> None:
    with pytest.raises(ApiError):
        window([(1, "a")], 0, 3, token, after="PT")
