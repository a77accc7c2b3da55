"""The Conversations API as the engine uses it: retried calls and bounded concurrency."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from twilio.rest import Client

from reconciler.live.retry import DEFAULT_POLICY, Attempts, RetryPolicy, call_with_retry

T = TypeVar("T")
DEFAULT_CONCURRENCY = 8


class LiveApi:
    """One twilio Client shared by a bounded pool of worker threads."""

    def __init__(
        self,
        client: Client,
        concurrency: int = DEFAULT_CONCURRENCY,
        policy: RetryPolicy = DEFAULT_POLICY,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.client = client
        self.concurrency = concurrency
        self.policy = policy

    @property
    def account_sid(self) -> str | None:
        """The account SID the client was built with (TWILIO_ACCOUNT_SID)."""
        sid = getattr(self.client, "account_sid", None)
        return str(sid) if sid else None

    @property
    def v1(self) -> Any:
        return self.client.conversations.v1

    def last_headers(self) -> dict[str, str]:
        """Headers of the response this thread received last (Retry-After, Date)."""
        recorder = getattr(self.client.http_client, "last_response_headers", None)
        return dict(recorder()) if recorder else {}

    def call(
        self,
        operation: Callable[[Any], T],
        check_before_retry: Callable[[Any], T | None] | None = None,
        attempts: Attempts | None = None,
    ) -> T:
        """Run one API operation against `v1`, retrying what is safe to retry."""
        check = (lambda: check_before_retry(self.v1)) if check_before_retry else None
        return call_with_retry(
            lambda: operation(self.v1),
            headers=self.last_headers,
            policy=self.policy,
            check_before_retry=check,
            attempts=attempts,
        )

    def gather(self, operations: Iterable[Callable[[Any], T]]) -> list[T]:
        """Run independent operations concurrently (at most `concurrency` at once), in order."""
        pending = list(operations)
        if len(pending) <= 1:
            return [self.call(operation) for operation in pending]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(pending))) as pool:
            futures = [pool.submit(self.call, operation) for operation in pending]
            return [future.result() for future in futures]

    @contextmanager
    def pool(self) -> Iterator[Calls]:
        """Workers (at most `concurrency` calls at once) for calls that depend on earlier ones:
        each is submitted as soon as what it needs has arrived, so no call waits for a whole
        wave of unrelated ones. Leaving the block waits for every call; on an error, calls not
        yet started are cancelled."""
        executor = ThreadPoolExecutor(max_workers=self.concurrency)
        try:
            yield Calls(self, executor)
        except BaseException:
            executor.shutdown(wait=True, cancel_futures=True)
            raise
        executor.shutdown(wait=True)


class Calls:
    """Submits API operations to a LiveApi's worker pool (see `LiveApi.pool`)."""

    def __init__(self, api: LiveApi, executor: ThreadPoolExecutor) -> None:
        self._api = api
        self._executor = executor

    def submit(self, operation: Callable[[Any], T]) -> Future[T]:
        """Run one operation as `LiveApi.call` does (retried), on the next free worker."""
        return self._executor.submit(self._api.call, operation)
