"""A health check for load balancers, systemd and curious students.

It reports each backing service: the reports store (SQLite or PostgreSQL), the weather
cache (in memory or on Redis) and the weather provider. Only the store decides the
status code: without it nothing can be written, so a load balancer should send the
traffic elsewhere (503); without the cache the answers still come, uncached (200,
``degraded``).
"""

from __future__ import annotations

from typing import Any, Protocol

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from demo_api.api.deps import ReportRepositoryDep, WeatherServiceDep
from demo_api.models.health import Health, HealthUnavailable, ServiceHealth, Services
from demo_api.services.errors import DatabaseUnavailable

router = APIRouter(prefix="/api/health", tags=["health"])

_UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": HealthUnavailable, "description": "The reports database is unreachable"}
}


class CheckedCache(Protocol):
    """What health needs from the weather cache (in memory or on Redis)."""

    kind: str

    async def check(self) -> str | None:
        """None when the cache works, else a short message saying what is wrong."""
        ...


@router.get("", response_model=Health, responses=_UNAVAILABLE, response_model_exclude_none=True)
async def health(
    repository: ReportRepositoryDep, weather: WeatherServiceDep
) -> Health | JSONResponse:
    """``ok`` when every service answers, ``degraded`` when the cache does not, and a 503
    when the reports database does not."""
    cache: CheckedCache = weather.cache
    cache_problem = await cache.check()
    cache_health = ServiceHealth(
        kind=cache.kind,
        status="ok" if cache_problem is None else "unavailable",
        detail=cache_problem,
    )
    provider = weather.provider.name
    provider_health = ServiceHealth(kind=provider, status="ok")
    try:
        # The repositories block (SQLite, psycopg's pool): keep the event loop free.
        await run_in_threadpool(repository.ping)
    except DatabaseUnavailable as error:
        store = ServiceHealth(kind=repository.kind, status="unavailable", detail=str(error))
        answer = HealthUnavailable(
            detail=str(error),
            status="unavailable",
            provider=provider,
            database="unavailable",
            services=Services(store=store, cache=cache_health, provider=provider_health),
        )
        return JSONResponse(
            answer.model_dump(exclude_none=True), status_code=status.HTTP_503_SERVICE_UNAVAILABLE
        )
    store = ServiceHealth(kind=repository.kind, status="ok")
    return Health(
        status="ok" if cache_problem is None else "degraded",
        provider=provider,
        database="ok",
        services=Services(store=store, cache=cache_health, provider=provider_health),
    )
