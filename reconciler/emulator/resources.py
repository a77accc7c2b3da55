"""HTTP handlers for a v1/v2 list resource kept in a per-account `Collection` (Messaging
Services, Studio Flows): list with `meta` paging, create, fetch, update, delete, each answer
with its absolute `url` and `links`. The URL names no account: the credentials pick it, as for
Conversations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reconciler.emulator.apis.accounts.models import AccountRecord
from reconciler.emulator.paging import meta_page
from reconciler.emulator.records import View, WritableCollection
from reconciler.emulator.routing import Handler, Request, with_url


@dataclass(frozen=True)
class V1Resource:
    """One list resource: where its collection hangs off the account, its URL and links."""

    collection: Callable[[AccountRecord], WritableCollection]
    key: str
    """The list's key (`services`, `flows`), which `meta.key` repeats."""
    prefix: str
    """The list's path (`/v1/Services`); an item's URL is `{prefix}/{sid}`."""
    links: tuple[tuple[str, str], ...]
    """An item's `links`: name -> path segment under its URL."""
    maximum: int
    """The largest PageSize (larger ones are capped, as Twilio caps them)."""
    default_size: int = 50

    def list_handlers(self) -> dict[str, Handler]:
        return {"GET": self._list, "POST": self._create}

    def instance_handlers(self) -> dict[str, Handler]:
        return {"GET": self._fetch, "POST": self._update, "DELETE": self._delete}

    def _of(self, request: Request) -> WritableCollection:
        return self.collection(request.directory.own(request.principal))

    def _render(self, request: Request, view: View) -> View:
        url = f"{request.base}{self.prefix}/{view['sid']}"
        return with_url(view, url, {name: f"{url}/{segment}" for name, segment in self.links})

    def _list(self, request: Request) -> tuple[int, View | None]:
        items = self._of(request).listing()
        render = lambda view: self._render(request, view)  # noqa: E731
        return meta_page(request, items, self.key, render, self.default_size, self.maximum)

    def _create(self, request: Request) -> tuple[int, View | None]:
        view = self._of(request).create(request.principal.account_sid, request.form)
        return 201, self._render(request, view)

    def _fetch(self, request: Request) -> tuple[int, View | None]:
        return 200, self._render(request, self._of(request).fetch(request.args[0], request.path))

    def _update(self, request: Request) -> tuple[int, View | None]:
        view = self._of(request).update(request.args[0], request.path, request.form)
        return 200, self._render(request, view)

    def _delete(self, request: Request) -> tuple[int, View | None]:
        self._of(request).delete(request.args[0], request.path)
        return 204, None
