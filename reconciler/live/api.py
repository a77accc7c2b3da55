"""The Conversations API as the engine uses it: retried calls and bounded concurrency."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

from twilio.rest import Client

from reconciler.live.retry import DEFAULT_POLICY, Attempts, RetryPolicy, call_with_retry

T = TypeVar("T")
DEFAULT_CONCURRENCY = 8


class Workers:
    """Threads that many `LiveApi`s share (a fleet run: one pool for every target).

    Starting a thread costs far more CPU than a read's request does, and a pool of its own per
    read starts up to `concurrency` of them for every target. A shared pool starts each thread
    once and reuses it for every target; each `LiveApi` still has at most its own
    `concurrency` calls in flight (see `Calls`), and the pool never runs more than
    `max_workers` calls at once, whatever the number of targets.
    """

    def __init__(self, max_workers: int) -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self.max_workers = max_workers
        self._executor = ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix="reconciler-call"
        )

    def submit(self, function: Callable[[], None]) -> None:
        self._executor.submit(function)

    def close(self) -> None:
        """Wait for what was submitted, then stop the threads."""
        self._executor.shutdown(wait=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LiveApi:
    """One twilio Client, its calls run by a bounded pool of worker threads (its own per batch
    of calls, or `workers` shared with other LiveApis)."""

    def __init__(
        self,
        client: Client,
        concurrency: int = DEFAULT_CONCURRENCY,
        policy: RetryPolicy = DEFAULT_POLICY,
        workers: Workers | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.client = client
        self.concurrency = concurrency
        self.policy = policy
        self.workers = workers

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
        with self.pool() as calls:
            futures = [calls.submit(operation) for operation in pending]
            return [future.result() for future in futures]

    @contextmanager
    def pool(self) -> Iterator[Calls]:
        """Workers (at most `concurrency` calls at once) for calls that depend on earlier ones:
        each is submitted as soon as what it needs has arrived, so no call waits for a whole
        wave of unrelated ones. Leaving the block waits for every call; on an error, calls not
        yet started are cancelled."""
        if self.workers is not None:
            calls = Calls(self, self.workers.submit)
            try:
                yield calls
            except BaseException:
                calls.finish(cancel=True)
                raise
            calls.finish(cancel=False)
            return
        executor = ThreadPoolExecutor(max_workers=self.concurrency)
        calls = Calls(self, executor.submit)
        try:
            yield calls
        except BaseException:
            calls.finish(cancel=True)
            executor.shutdown(wait=True, cancel_futures=True)
            raise
        calls.finish(cancel=False)
        executor.shutdown(wait=True)


class Calls:
    """Submits API operations to a LiveApi's workers (see `LiveApi.pool`): at most the API's
    `concurrency` run at once, the others wait here in order of submission."""

    def __init__(self, api: LiveApi, start: Callable[[Callable[[], None]], object]) -> None:
        self._api = api
        self._start = start
        self._lock = threading.Lock()
        self._waiting: deque[tuple[Future[Any], Callable[[Any], Any]]] = deque()
        self._running = 0
        self._futures: list[Future[Any]] = []

    def submit(self, operation: Callable[[Any], T]) -> Future[T]:
        """Run one operation as `LiveApi.call` does (retried), on the next free worker."""
        future: Future[T] = Future()
        with self._lock:
            self._futures.append(future)
            if self._running >= self._api.concurrency:
                self._waiting.append((future, operation))
                return future
            self._running += 1
        self._launch(future, operation)
        return future

    def finish(self, cancel: bool) -> None:
        """Wait for every call submitted; with `cancel`, those not started are cancelled."""
        if cancel:
            with self._lock:
                waiting = list(self._waiting)
                self._waiting.clear()
            for future, _ in waiting:
                if future.cancel():  # and tell its waiters: nobody else will start it now
                    future.set_running_or_notify_cancel()
        with self._lock:
            futures = list(self._futures)
        wait(futures)

    def _launch(self, future: Future[Any], operation: Callable[[Any], Any]) -> None:
        """Hand a call to a worker (the caller holds one of the `concurrency` slots)."""
        while True:
            try:
                self._start(partial(self._run, future, operation))
                return
            except BaseException as error:  # the workers are shut down: it never starts
                if future.set_running_or_notify_cancel():
                    future.set_exception(error)
            following = self._next()
            if following is None:
                return
            future, operation = following

    def _run(self, future: Future[Any], operation: Callable[[Any], Any]) -> None:
        try:
            if future.set_running_or_notify_cancel():
                try:
                    result = self._api.call(operation)
                except BaseException as error:
                    future.set_exception(error)
                else:
                    future.set_result(result)
        finally:
            following = self._next()
            if following is not None:
                self._launch(*following)

    def _next(self) -> tuple[Future[Any], Callable[[Any], Any]] | None:
        """A slot came free: the next waiting call takes it, or the slot is given back."""
        with self._lock:
            if self._waiting:
                return self._waiting.popleft()
            self._running -= 1
            return None
