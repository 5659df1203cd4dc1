from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.testclient import TestClient

from demo_api.api.replay import AnswerReplays, ReplayRoute, replay_while
from demo_api.models import Location, Units, WeatherReport
from demo_api.services.cache import TTLCache
from demo_api.services.errors import UpstreamError
from demo_api.services.providers.offline import OfflineWeatherProvider
from demo_api.services.weather import WeatherService

pytest_plugins = ["demo_api.testing"]

ClientFactory = Callable[..., TestClient]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingProvider:
    """The offline weather, counting calls; ``fail`` makes the next calls raise."""

    name = "counting"

    def __init__(self) -> None:
        self.calls = 0
        self.fail = False
        self._offline = OfflineWeatherProvider()

    async def current_weather(self, location: Location, units: Units) -> WeatherReport:
        self.calls += 1
        if self.fail:
            raise UpstreamError("The weather provider failed with HTTP 500")
        return await self._offline.current_weather(location, units)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def provider(client: TestClient, clock: FakeClock) -> CountingProvider:
    """The started demo app's weather service, rebuilt on a counting provider and a fake clock."""
    provider = CountingProvider()
    service = WeatherService(provider, TTLCache(60, clock=clock))
    client.app.state.weather_service = service  # type: ignore[attr-defined]
    return provider


def test_replay_repeated_weather_request_gets_the_same_bytes_and_headers(
    client: TestClient, provider: CountingProvider
) -> None:
    client.get("/api/weather/Portland?state=OR")  # a miss: "cached": false
    kept = client.get("/api/weather/Portland?state=OR")  # the first hit, through the endpoint
    replayed = client.get("/api/weather/Portland?state=OR")
    assert replayed.status_code == 200
    assert replayed.json()["cached"] is True
    assert replayed.content == kept.content
    assert replayed.headers == kept.headers
    assert provider.calls == 1
    assert len(client.app.state.answer_replays) == 1  # type: ignore[attr-defined]


def test_replay_other_spellings_and_units_are_answered_separately(
    client: TestClient, provider: CountingProvider
) -> None:
    portland = [client.get("/api/weather/Portland?state=OR") for _ in range(3)][-1].json()
    folded = [client.get("/api/weather/portland?state=or") for _ in range(2)][-1].json()
    imperial = [client.get("/api/weather/Portland?state=OR&units=imperial") for _ in range(3)]
    assert folded == portland  # one cache entry, so one report
    assert imperial[-1].json()["units"] == "imperial"
    assert provider.calls == 2


def test_replay_stops_when_the_cached_report_expires(
    client: TestClient, provider: CountingProvider, clock: FakeClock
) -> None:
    for _ in range(3):
        client.get("/api/weather/Portland?state=OR")
    clock.now += 61
    fresh = client.get("/api/weather/Portland?state=OR")
    assert fresh.json()["cached"] is False
    assert provider.calls == 2


def test_replay_never_repeats_an_error(client: TestClient, provider: CountingProvider) -> None:
    provider.fail = True
    assert [client.get("/api/weather/Paris?country=FR").status_code for _ in range(3)] == [502] * 3
    provider.fail = False
    assert client.get("/api/weather/Paris?country=FR").status_code == 200
    assert provider.calls == 4


def test_replay_with_caching_off_always_asks_the_provider(make_client: ClientFactory) -> None:
    client = make_client(cache_ttl_seconds=0)
    answers = [client.get("/api/weather/Portland?state=OR").json() for _ in range(3)]
    assert [answer["cached"] for answer in answers] == [False, False, False]
    assert len(client.app.state.answer_replays) == 0  # type: ignore[attr-defined]


def make_app(holds: dict[str, bool], *, max_entries: int = 1024) -> FastAPI:
    """A tiny app whose ``/items/{name}`` answers are replayable while ``holds[name]``."""
    calls: list[str] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.answer_replays = AnswerReplays(max_entries=max_entries)
        yield

    router = APIRouter(route_class=ReplayRoute)

    @router.get("/items/{name}")
    async def item(name: str, request: Request) -> dict[str, object]:
        calls.append(name)
        replay_while(request, lambda: holds.get(name, False))
        if name == "missing":
            raise HTTPException(404, "No such item")
        return {"name": name, "call": len(calls)}

    app = FastAPI(lifespan=lifespan)
    app.include_router(router)
    return app


def test_replay_only_while_the_endpoint_check_holds() -> None:
    holds = {"a": True}
    with TestClient(make_app(holds)) as client:
        assert client.get("/items/a").json() == {"name": "a", "call": 1}
        assert client.get("/items/a").json() == {"name": "a", "call": 1}
        holds["a"] = False
        assert client.get("/items/a").json() == {"name": "a", "call": 2}
        assert client.get("/items/a").json() == {"name": "a", "call": 3}


def test_replay_query_string_is_part_of_the_request() -> None:
    with TestClient(make_app({"a": True})) as client:
        assert client.get("/items/a").json()["call"] == 1
        assert client.get("/items/a?x=1").json()["call"] == 2
        assert client.get("/items/a?x=1").json()["call"] == 2


def test_replay_error_answers_are_not_kept() -> None:
    with TestClient(make_app({"missing": True})) as client:
        assert client.get("/items/missing").status_code == 404
        assert len(client.app.state.answer_replays) == 0  # type: ignore[attr-defined]


def test_replay_keeps_at_most_max_entries() -> None:
    holds = {name: True for name in "abcd"}
    with TestClient(make_app(holds, max_entries=2)) as client:
        for name in "abcd":
            client.get(f"/items/{name}")
        replays = client.app.state.answer_replays  # type: ignore[attr-defined]
        assert len(replays) == 2
        assert client.get("/items/d").json()["call"] == 4  # the newest are kept
        assert client.get("/items/a").json()["call"] == 5
