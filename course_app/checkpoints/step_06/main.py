"""The student's weather app, build-along step 6: a nested location model."""

# ANCHOR: imports
from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, HTTPException, Query
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel, Field

# ANCHOR_END: imports

# ANCHOR: app
app = FastAPI(title="My weather app")
# The course's pages call this app from another address (the course site): allow it.
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"],
                   allow_headers=["*"], expose_headers=["Location"])
# ANCHOR_END: app


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


# ANCHOR: weather
@app.get("/api/weather/{city}")
def weather(city: str, state: str | None = None, units: str = "metric") -> dict[str, object]:
    return {"location": {"city": city, "state": state}, "units": units}
# ANCHOR_END: weather


# ANCHOR: location
class Location(BaseModel):
    city: str
    state: str | None = None
    country: str = "US"
# ANCHOR_END: location


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
def create_report(submittal: ReportSubmittal) -> Report:
    report = Report(id=max(reports, default=0) + 1, **submittal.model_dump())
    reports[report.id] = report
    return report
# ANCHOR_END: create
