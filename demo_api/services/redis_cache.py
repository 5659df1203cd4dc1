"""A weather cache on Redis that every worker process and every host shares.

Each entry is a Redis hash under ``weather:v1:<key>``: the value as JSON (pydantic) and a
``version`` id, with Redis's own expiry as the TTL. The version lets a process tell the
entry it already holds (and hands out as the very same object, which the answer replays
rely on) from one another process stored since.

Single flight across processes: on a miss the first process to take the lock
``weather:v1:<key>:loading`` (``SET NX PX`` through redis-py's lock) calls ``load``; the
others poll for the value with a short backoff, for at most the lock's lifetime, and load
it themselves if it never comes. Within a process, concurrent misses share one task first.

Redis down (at start or later) never fails a request: the value is loaded uncached, one
warning is logged (at most one a minute), Redis is left alone for ``retry_seconds``, and
the next request after that tries again, so the cache comes back with Redis.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Generic, NamedTuple, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

M = TypeVar("M", bound=BaseModel)

logger = logging.getLogger(__name__)

PREFIX = "weather:v1:"
# Short socket timeouts: a Redis that hangs must cost a request little more than a miss.
SOCKET_TIMEOUT_SECONDS = 1.0


def connect(url: str) -> Redis:
    """A client for ``redis://``, ``rediss://`` or ``unix://`` URLs; it connects on first use.

    One immediate retry (no backoff) gets past a pooled connection that a restarted Redis
    closed; redis-py's default backoff would keep a request waiting seconds on a dead one.
    """
    client: Redis = Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 1),
    )
    return client


def display_url(url: str) -> str:
    """``url`` without its user name and password, fit for a log line or an answer."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}"
    host = parts.hostname or "localhost"
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class _Seen(NamedTuple, Generic[M]):
    version: bytes
    value: M
    deadline: float  # time.monotonic() when Redis lets the entry expire


class RedisCache(Generic[M]):
    """Values of ``model`` kept in Redis for ``ttl_seconds``; ``ttl_seconds=0`` caches nothing."""

    kind = "redis"

    def __init__(
        self,
        client: Redis,
        model: type[M],
        ttl_seconds: float,
        *,
        where: str,
        lock_seconds: float = 15.0,
        retry_seconds: float = 2.0,
        warn_every_seconds: float = 60.0,
        max_entries: int = 1024,
    ) -> None:
        self._client = client
        self._model = model
        self._ttl_ms = max(1, round(ttl_seconds * 1000)) if ttl_seconds > 0 else 0
        self._where = where  # the URL without credentials, for messages
        self._lock_seconds = lock_seconds
        self._retry_seconds = retry_seconds
        self._warn_every_seconds = warn_every_seconds
        self._max_entries = max_entries
        self._seen: dict[str, _Seen[M]] = {}
        self._loading: dict[str, asyncio.Task[tuple[M, bool]]] = {}
        self._available = True
        self._retry_at = 0.0
        self._quiet_until = 0.0

    async def get_or_load(self, key: str, load: Callable[[], Awaitable[M]]) -> tuple[M, bool]:
        """Return ``(value, came_from_cache)``; see the module's docstring for who loads."""
        task = self._loading.get(key)
        if task is not None:
            value, _ = await asyncio.shield(task)
            return value, True
        task = asyncio.ensure_future(self._fetch(key, load))
        self._loading[key] = task
        task.add_done_callback(lambda done: self._loaded(key, done))
        # shield(): a caller that gives up (client went away) does not cancel the others' load.
        return await asyncio.shield(task)

    def peek(self, key: str) -> M | None:
        """The value this process last read or stored for ``key`` while Redis still keeps it."""
        seen = self._seen.get(key)
        if seen is None or not self._available or seen.deadline <= time.monotonic():
            return None
        return seen.value

    async def check(self) -> str | None:
        """Ping Redis (which also reconnects): None when it answers, else why not."""
        try:
            await self._client.ping()
        except (RedisError, OSError) as error:
            self._went_down(error)
            return f"Redis at {self._where} is unreachable ({_describe(error)})"
        self._came_back()
        return None

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _fetch(self, key: str, load: Callable[[], Awaitable[M]]) -> tuple[M, bool]:
        if not self._ttl_ms or not self._worth_trying():
            return await load(), False
        lock = self._client.lock(_lock_key(key), timeout=self._lock_seconds, blocking=False)
        try:
            found = await self._read(key)
            if found is not None:
                return found, True
            owned = await lock.acquire()
        except (RedisError, OSError) as error:
            self._went_down(error)
            return await load(), False
        if owned:
            try:
                value = await load()
                await self._store(key, value)
                return value, False
            finally:
                await self._release(lock)
        found = await self._wait_for(key)
        if found is not None:
            return found, True
        # The loader failed or is too slow: load here, so that this answer still comes.
        value = await load()
        await self._store(key, value)
        return value, False

    async def _read(self, key: str) -> M | None:
        """The entry for ``key`` from Redis (the object already held if its version is known)."""
        async with self._client.pipeline(transaction=False) as pipe:
            pipe.hmget(PREFIX + key, "version", "report")
            pipe.pttl(PREFIX + key)
            (version, body), ttl_ms = await pipe.execute()
        self._came_back()
        if version is None or body is None:
            return None
        seen = self._seen.get(key)
        if seen is not None and seen.version == version:
            value = seen.value
        else:
            try:
                value = self._model.model_validate_json(body)
            except ValidationError:
                return None  # written by an incompatible version: a miss, overwritten on load
        left_ms = ttl_ms if ttl_ms >= 0 else self._ttl_ms if ttl_ms == -1 else 0
        self._remember(key, _Seen(version, value, time.monotonic() + left_ms / 1000))
        return value

    async def _store(self, key: str, value: M) -> None:
        version = uuid.uuid4().hex.encode()
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.hset(
                    PREFIX + key, mapping={"version": version, "report": value.model_dump_json()}
                )
                pipe.pexpire(PREFIX + key, self._ttl_ms)
                await pipe.execute()
        except (RedisError, OSError) as error:
            self._went_down(error)  # the value is still answered, uncached
            return
        self._remember(key, _Seen(version, value, time.monotonic() + self._ttl_ms / 1000))

    async def _wait_for(self, key: str) -> M | None:
        """Poll for the value another process is loading; None if it does not come."""
        deadline = time.monotonic() + self._lock_seconds
        delay = 0.005
        while time.monotonic() < deadline:
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.1)
            try:
                found = await self._read(key)
                if found is not None:
                    return found
                if not await self._client.exists(_lock_key(key)):
                    return None  # the loader gave up without a value (its load failed)
            except (RedisError, OSError) as error:
                self._went_down(error)
                return None
        return None

    async def _release(self, lock: Lock) -> None:
        try:
            await lock.release()
        except (RedisError, OSError):
            pass  # expired, or Redis went away: the lock's own expiry frees it

    def _worth_trying(self) -> bool:
        return self._available or time.monotonic() >= self._retry_at

    def _went_down(self, error: BaseException) -> None:
        now = time.monotonic()
        self._retry_at = now + self._retry_seconds
        if not self._available:
            return
        self._available = False
        self._seen.clear()  # Redis may come back empty: hold no entry it may have lost
        if now >= self._quiet_until:  # a Redis that comes and goes warns once a minute at most
            self._quiet_until = now + self._warn_every_seconds
            logger.warning(
                "The weather cache (Redis at %s) is unavailable: %s. Answers are not cached "
                "until it is back; trying again every %g s.",
                self._where,
                _describe(error),
                self._retry_seconds,
            )

    def _came_back(self) -> None:
        if self._available:
            return
        self._available = True
        logger.info("The weather cache (Redis at %s) is back.", self._where)

    def _loaded(self, key: str, task: asyncio.Task[tuple[M, bool]]) -> None:
        del self._loading[key]
        if not task.cancelled():
            task.exception()  # mark a failure as seen even if every waiter has gone

    def _remember(self, key: str, seen: _Seen[M]) -> None:
        if key not in self._seen and len(self._seen) >= self._max_entries:
            now = time.monotonic()
            self._seen = {k: s for k, s in self._seen.items() if s.deadline > now}
            while len(self._seen) >= self._max_entries:
                del self._seen[next(iter(self._seen))]  # the oldest entry
        self._seen[key] = seen


def _lock_key(key: str) -> str:
    # Entry keys end with the units, so no entry key can end in ":loading".
    return f"{PREFIX}{key}:loading"


def _describe(error: BaseException) -> str:
    text = str(error).strip().rstrip(".")
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
