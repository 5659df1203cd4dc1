"""Current weather for a city: the async lesson's endpoint."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, status
from pydantic import ValidationError

from demo_api.api.deps import WeatherServiceDep
from demo_api.api.replay import ReplayRoute, replay_while
from demo_api.models import Location, Units, WeatherReport
from demo_api.models.errors import ErrorMessage

# ReplayRoute: a request repeated while its report is cached gets the same bytes straight away.
router = APIRouter(prefix="/api/weather", tags=["weather"], route_class=ReplayRoute)

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorMessage, "description": "The city, state or country is malformed"},
    404: {"model": ErrorMessage, "description": "No such city"},
    502: {"model": ErrorMessage, "description": "The weather provider failed"},
    503: {"model": ErrorMessage, "description": "The weather provider is rate-limiting us"},
    504: {"model": ErrorMessage, "description": "The weather provider did not answer in time"},
}


@router.get("/{city}", responses=_ERRORS)
async def get_weather(
    service: WeatherServiceDep,
    request: Request,
    city: Annotated[str, Path(examples=["Portland"])],
    state: Annotated[str | None, Query(description="Two-letter US state", examples=["OR"])] = None,
    country: Annotated[str, Query(description="Two-letter country code")] = "US",
    units: Units = Units.metric,
) -> WeatherReport:
    """The current weather in ``city``, from the cache when someone asked recently."""
    location = _parse_location(city, state, country)
    report = await service.get_weather(location, units)
    replay_while(request, lambda: service.still_cached(location, units, report))
    return report


def _parse_location(city: str, state: str | None, country: str) -> Location:
    # The Location model holds the rules; here a broken rule is a 400 about the query.
    try:
        return Location(city=city, state=state, country=country)
    except ValidationError as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, _explain(error)) from None


def _explain(error: ValidationError) -> str:
    messages = []
    for problem in error.errors(include_url=False):
        if problem["type"] == "value_error":
            messages.append(str(problem["ctx"]["error"]))
        else:
            field = ".".join(str(part) for part in problem["loc"]) or "location"
            messages.append(f"{field}: {problem['msg']}")
    return "; ".join(messages)
