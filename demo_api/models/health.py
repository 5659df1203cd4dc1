"""The answer of ``GET /api/health``: the API and each service it leans on."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ServiceHealth(BaseModel):
    """One backing service: what it is and whether it answers."""

    kind: str = Field(examples=["sqlite", "postgresql", "memory", "redis", "offline"])
    status: Literal["ok", "unavailable"]
    detail: str | None = Field(default=None, description="Why the service is unavailable")


class Services(BaseModel):
    store: ServiceHealth
    cache: ServiceHealth
    provider: ServiceHealth


class Health(BaseModel):
    """``degraded``: the cache is down, so answers still come, uncached.

    ``provider`` and ``database`` are the fields of the first health check, kept for the
    lessons and scripts that read them; ``services`` says more.
    """

    status: Literal["ok", "degraded"]
    provider: str
    database: Literal["ok"]
    services: Services


class HealthUnavailable(BaseModel):
    """The 503 answer: the reports store is unreachable, so the API cannot do its work."""

    detail: str
    status: Literal["unavailable"]
    provider: str
    database: Literal["unavailable"]
    services: Services
