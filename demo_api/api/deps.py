"""Dependencies the routes ask for by type: ``repository: ReportRepositoryDep``.

The lifespan in :mod:`demo_api.main` puts the shared objects on ``app.state``;
these functions hand them to the routes, and tests can override them. They are
``async def`` although they never await: FastAPI runs a plain ``def`` dependency
in a worker thread, and a thread hop per request costs more than the lookup.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from demo_api.services.reports import ReportRepository
from demo_api.services.weather import WeatherService
from demo_api.settings import Settings

_SEND_JSON = "Send the body as JSON with the header 'Content-Type: application/json'"


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_weather_service(request: Request) -> WeatherService:
    service: WeatherService = request.app.state.weather_service
    return service


async def get_report_repository(request: Request) -> ReportRepository:
    repository: ReportRepository = request.app.state.report_repository
    return repository


async def require_json_body(request: Request) -> None:
    """Refuse a body not declared as JSON with a clear 415 instead of a puzzling 422.

    A body without ``Content-Type`` is refused too, as FastAPI itself does: reading it as
    JSON would let any web page post to a student's local API without a CORS preflight.
    """
    content_type = request.headers.get("content-type")
    if content_type is None:
        if not await request.body():
            return  # no body at all: the route's 422 says that the body is required
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            f"{_SEND_JSON} (the request has no Content-Type header)",
        )
    media_type = content_type.partition(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            f"{_SEND_JSON} (got {media_type or 'an empty Content-Type'!r})",
        )


SettingsDep = Annotated[Settings, Depends(get_settings)]
WeatherServiceDep = Annotated[WeatherService, Depends(get_weather_service)]
ReportRepositoryDep = Annotated[ReportRepository, Depends(get_report_repository)]
JsonBody = Depends(require_json_body)
