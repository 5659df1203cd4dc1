"""Pydantic models: the shapes of data that go in and out of the API."""

from __future__ import annotations

from demo_api.models.calculation import Calculation
from demo_api.models.location import Location
from demo_api.models.reports import Report, ReportPatch, ReportSubmittal
from demo_api.models.weather import Units, WeatherReport, Wind

__all__ = [
    "Calculation",
    "Location",
    "Report",
    "ReportPatch",
    "ReportSubmittal",
    "Units",
    "WeatherReport",
    "Wind",
]
