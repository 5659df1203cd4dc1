"""The cache the weather service asks: what every cache offers, and the in-process one.

:class:`TTLCache` is the default (``WEATHER_CACHE_URL=memory``): each worker process
has its own, which is fine for weather that may be an hour old anyway, and keeps it
free of locks between processes. :class:`demo_api.services.redis_cache.RedisCache`
is the one every worker and host shares. Both follow :class:`Cache`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, NamedTuple, Protocol, TypeVar

T = TypeVar("T")


class Cache(Protocol[T]):
    """What :class:`demo_api.services.weather.WeatherService` needs of a cache."""

    kind: str
    """``memory`` or ``redis``: what the health endpoint reports."""

    async def get_or_load(self, key: str, load: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        """``(value, came_from_cache)``; concurrent misses of one key share one ``load``."""
        ...

    def peek(self, key: str) -> T | None:
        """The value a hit would hand out now (the very object), or None; never loads."""
        ...

    async def check(self) -> str | None:
        """None when the cache works, else a short message saying what is wrong."""
        ...


class _Entry(NamedTuple, Generic[T]):
    value: T
    expires_at: float


class TTLCache(Generic[T]):
    """Values expire ``ttl_seconds`` after they were loaded; ``ttl_seconds=0`` caches nothing."""

    kind = "memory"  # what /api/health calls this cache

    def __init__(
        self,
        ttl_seconds: float,
        *,
        max_entries: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl_seconds = ttl_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._entries: dict[str, _Entry[T]] = {}
        self._loading: dict[str, asyncio.Task[T]] = {}

    async def get_or_load(self, key: str, load: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        """Return ``(value, came_from_cache)``, calling ``load`` at most once per miss.

        A request that arrives while another is loading the same key waits for
        that load instead of starting its own ("single flight"). Failures are not
        cached: the next request tries again.
        """
        entry = self._entries.get(key)
        if entry is not None and entry.expires_at > self._clock():
            return entry.value, True
        task = self._loading.get(key)
        if task is not None:
            return await asyncio.shield(task), True
        task = asyncio.ensure_future(self._load(key, load))
        self._loading[key] = task
        task.add_done_callback(lambda done: self._loaded(key, done))
        # shield(): a caller that gives up (client went away) does not cancel the others' load.
        return await asyncio.shield(task), False

    def peek(self, key: str) -> T | None:
        """The unexpired value for ``key``, or None; never loads."""
        entry = self._entries.get(key)
        if entry is not None and entry.expires_at > self._clock():
            return entry.value
        return None

    async def check(self) -> str | None:
        """Always fine: the cache is this process's own memory."""
        return None

    async def _load(self, key: str, load: Callable[[], Awaitable[T]]) -> T:
        value = await load()
        if self._ttl_seconds > 0:
            self._store(key, value)
        return value

    def _loaded(self, key: str, task: asyncio.Task[T]) -> None:
        del self._loading[key]
        if not task.cancelled():
            task.exception()  # mark a failure as seen even if every waiter has gone

    def _store(self, key: str, value: T) -> None:
        now = self._clock()
        if len(self._entries) >= self._max_entries:
            self._entries = {k: e for k, e in self._entries.items() if e.expires_at > now}
        while len(self._entries) >= self._max_entries:
            del self._entries[next(iter(self._entries))]  # the oldest entry
        self._entries[key] = _Entry(value, now + self._ttl_seconds)

    def __len__(self) -> int:
        return len(self._entries)
