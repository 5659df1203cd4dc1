"""The HTML home page, rendered with Jinja2: what this API is and what people posted."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from demo_api.api.deps import ReportRepositoryDep, SettingsDep

router = APIRouter(tags=["home"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")

EXAMPLES = [
    ("GET", "/api/calculate?x=7&y=3&z=2", "add x and y, divide by z"),
    ("GET", "/api/weather/Portland?state=OR&units=imperial", "weather in Portland, Oregon"),
    ("GET", "/api/weather/S%C3%A3o%20Paulo?country=BR", "weather in São Paulo, Brazil"),
    ("GET", "/api/weather/London?country=GB&units=standard", "weather in London, in kelvin"),
    ("GET", "/api/reports?limit=5", "the five newest reports"),
    ("GET", "/api/health", "is the API healthy?"),
]


# Also at /api/: behind the shipped nginx the course takes / and only /api/... reaches the
# app, so the page has one address that works on a laptop and on the server alike.
@router.get("/", response_class=HTMLResponse, include_in_schema=False)
@router.get("/api/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, repository: ReportRepositoryDep, settings: SettingsDep) -> HTMLResponse:
    """What the API is, its endpoints with example links, and the 10 latest reports."""
    return templates.TemplateResponse(
        request,
        "index.html",
        {
            "examples": EXAMPLES,
            "reports": repository.latest(10),
            "docs_enabled": settings.docs_enabled,
        },
    )
