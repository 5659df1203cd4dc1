"""The student's weather app, build-along step 12: notes in SQLite, one connection per request."""

# ANCHOR: imports
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

# ANCHOR_END: imports

# ANCHOR: app
app = FastAPI(title="My weather app")
# The course's pages call this app from another address (the course site): allow it.
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"],
                   allow_headers=["*"], expose_headers=["Location"])
# ANCHOR_END: app
# ANCHOR: static
app.mount("/static", StaticFiles(directory="static"), name="static")
# ANCHOR_END: static
# ANCHOR: templates
templates = Jinja2Templates(directory="templates")


@app.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "index.html", {"title": "My weather app"})
# ANCHOR_END: templates


# ANCHOR: calculate
@app.get("/api/calculate")
def calculate(x: int, y: int = 10, z: int | None = None) -> dict[str, int | float | None]:
    if z == 0:
        raise HTTPException(status_code=400, detail="z cannot be zero")
    value: int | float = x + y
    if z is not None:
        value = value / z
    return {"x": x, "y": y, "z": z, "value": value}
# ANCHOR_END: calculate


# ANCHOR: location
class Location(BaseModel):
    city: str
    state: str | None = None
    country: str = "US"
# ANCHOR_END: location


# ANCHOR: weather
class Units(StrEnum):
    standard = "standard"
    metric = "metric"
    imperial = "imperial"


# Made-up readings in degrees Celsius: the demo API is where a real provider is called.
READINGS = {("portland", "US"): 11.0, ("london", "GB"): 9.0, ("paris", "FR"): 12.5}


def location(city: str, state: str | None = None, country: str = "US") -> Location:
    return Location(city=city, state=state, country=country.upper())


@app.get("/api/weather/{city}")
def weather(loc: Annotated[Location, Depends(location)],
            units: Units = Units.metric) -> dict[str, object]:
    celsius = READINGS.get((loc.city.lower(), loc.country))
    if celsius is None:
        raise HTTPException(status_code=404,
                            detail=f"City {loc.city!r} was not found in {loc.country}")
    temperature = {Units.metric: celsius, Units.imperial: celsius * 9 / 5 + 32,
                   Units.standard: celsius + 273.15}[units]
    return {"location": loc.model_dump(), "units": units.value,
            "temperature": round(temperature, 1)}
# ANCHOR_END: weather


# ANCHOR: models
class ReportSubmittal(BaseModel):
    location: Location
    description: str = Field(min_length=1, max_length=500)


class Report(ReportSubmittal):
    id: int


reports: dict[int, Report] = {}  # in memory: a restart forgets them
# ANCHOR_END: models


# ANCHOR: list
@app.get("/api/reports")
def list_reports(limit: Annotated[int, Query(ge=1, le=100)] = 20) -> list[Report]:
    return sorted(reports.values(), key=lambda r: r.id, reverse=True)[:limit]
# ANCHOR_END: list


# ANCHOR: create
@app.post("/api/reports", status_code=201)
def create_report(submittal: ReportSubmittal, response: Response) -> Report:
    report = Report(id=max(reports, default=0) + 1, **submittal.model_dump())
    reports[report.id] = report
    response.headers["Location"] = f"/api/reports/{report.id}"
    return report


@app.get("/api/reports/{report_id}")
def get_report(report_id: int) -> Report:
    if report_id not in reports:
        raise HTTPException(status_code=404, detail=f"Report {report_id} was not found")
    return reports[report_id]
# ANCHOR_END: create


# ANCHOR: replace
@app.put("/api/reports/{report_id}")
def replace_report(report_id: int, submittal: ReportSubmittal) -> Report:
    get_report(report_id)  # 404 when it is not there
    reports[report_id] = Report(id=report_id, **submittal.model_dump())
    return reports[report_id]


@app.delete("/api/reports/{report_id}", status_code=204)
def delete_report(report_id: int) -> None:
    get_report(report_id)
    del reports[report_id]
# ANCHOR_END: replace


# ANCHOR: db
def get_db() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect("notes.sqlite3")
    connection.execute("create table if not exists notes (text text not null)")
    try:
        yield connection              # the route runs here, with this connection
        connection.commit()           # the route finished: keep its changes
    except Exception:
        connection.rollback()         # the route failed: undo them
        raise                         # and let FastAPI answer with the route's error
    finally:
        connection.close()            # in every case


Db = Annotated[sqlite3.Connection, Depends(get_db)]


@app.post("/notes", status_code=201)
def add_note(text: str, db: Db) -> dict[str, int]:
    cursor = db.execute("insert into notes (text) values (?)", (text,))
    if not text.strip():
        raise HTTPException(status_code=400, detail="text cannot be blank")
    return {"id": cursor.lastrowid or 0}


@app.get("/notes/count")
def count_notes(db: Db) -> int:
    count: int = db.execute("select count(*) from notes").fetchone()[0]
    return count
# ANCHOR_END: db
