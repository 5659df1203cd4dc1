"""A health check for load balancers, systemd and curious students."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel

from demo_api.api.deps import ReportRepositoryDep, WeatherServiceDep
from demo_api.models.errors import ErrorMessage

router = APIRouter(prefix="/api/health", tags=["health"])

_UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorMessage, "description": "The reports database is unreachable"}
}


class Health(BaseModel):
    status: Literal["ok"]
    provider: str
    database: Literal["ok"]


@router.get("", responses=_UNAVAILABLE)
def health(repository: ReportRepositoryDep, weather: WeatherServiceDep) -> Health:
    """``ok`` when the database answers; a 503 (from ``DatabaseUnavailable``) when it does not."""
    repository.ping()
    return Health(status="ok", provider=weather.provider.name, database="ok")
