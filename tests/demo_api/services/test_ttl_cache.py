from __future__ import annotations

import asyncio

import pytest

from demo_api.services.cache import TTLCache


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingLoader:
    """A load that waits until released, so tests decide when the 'upstream' answers."""

    def __init__(self) -> None:
        self.calls = 0
        self.release = asyncio.Event()

    async def __call__(self) -> str:
        self.calls += 1
        await self.release.wait()
        return f"value {self.calls}"


async def test_cache_concurrent_misses_make_one_upstream_call() -> None:
    cache: TTLCache[str] = TTLCache(60)
    load = CountingLoader()
    waiting = [asyncio.create_task(cache.get_or_load("portland", load)) for _ in range(20)]
    await asyncio.sleep(0)  # let every request reach the cache before the load finishes
    load.release.set()
    results = await asyncio.gather(*waiting)
    assert load.calls == 1
    assert {value for value, _ in results} == {"value 1"}
    assert [from_cache for _, from_cache in results].count(False) == 1


async def test_cache_hit_within_ttl_skips_the_load() -> None:
    clock = FakeClock()
    cache: TTLCache[str] = TTLCache(60, clock=clock)
    load = CountingLoader()
    load.release.set()
    assert await cache.get_or_load("k", load) == ("value 1", False)
    clock.now += 59
    assert await cache.get_or_load("k", load) == ("value 1", True)
    assert load.calls == 1


async def test_cache_entry_expires_after_ttl() -> None:
    clock = FakeClock()
    cache: TTLCache[str] = TTLCache(60, clock=clock)
    load = CountingLoader()
    load.release.set()
    await cache.get_or_load("k", load)
    clock.now += 61
    assert await cache.get_or_load("k", load) == ("value 2", False)


async def test_cache_different_keys_load_separately() -> None:
    cache: TTLCache[str] = TTLCache(60)
    load = CountingLoader()
    load.release.set()
    await cache.get_or_load("a", load)
    await cache.get_or_load("b", load)
    assert load.calls == 2


async def test_cache_failure_reaches_every_waiter_and_is_not_cached() -> None:
    cache: TTLCache[str] = TTLCache(60)
    calls = 0

    async def failing() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        raise RuntimeError("upstream down")

    waiting = [asyncio.create_task(cache.get_or_load("k", failing)) for _ in range(3)]
    results = await asyncio.gather(*waiting, return_exceptions=True)
    assert calls == 1
    assert all(isinstance(result, RuntimeError) for result in results)
    with pytest.raises(RuntimeError):
        await cache.get_or_load("k", failing)
    assert calls == 2


async def test_cache_cancelled_caller_does_not_cancel_the_others() -> None:
    cache: TTLCache[str] = TTLCache(60)
    load = CountingLoader()
    first = asyncio.create_task(cache.get_or_load("k", load))
    second = asyncio.create_task(cache.get_or_load("k", load))
    await asyncio.sleep(0)
    first.cancel()
    load.release.set()
    assert await second == ("value 1", True)


async def test_cache_zero_ttl_caches_nothing() -> None:
    cache: TTLCache[str] = TTLCache(0)
    load = CountingLoader()
    load.release.set()
    await cache.get_or_load("k", load)
    await cache.get_or_load("k", load)
    assert load.calls == 2


async def test_cache_keeps_at_most_max_entries() -> None:
    cache: TTLCache[str] = TTLCache(60, max_entries=3)
    load = CountingLoader()
    load.release.set()
    for key in "abcde":
        await cache.get_or_load(key, load)
    assert len(cache) == 3


async def test_cache_peek_sees_fresh_values_and_never_loads() -> None:
    clock = FakeClock()
    cache: TTLCache[str] = TTLCache(60, clock=clock)
    load = CountingLoader()
    load.release.set()
    assert cache.peek("k") is None
    await cache.get_or_load("k", load)
    assert cache.peek("k") == "value 1"
    clock.now += 60
    assert cache.peek("k") is None
    assert load.calls == 1


async def test_cache_reports_kind_memory_and_is_always_healthy() -> None:
    cache: TTLCache[str] = TTLCache(60)
    assert cache.kind == "memory"
    assert await cache.check() is None
