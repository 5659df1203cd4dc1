"""A small Python client for the weather demo API, built on httpx.

    python -m demo_api.client Portland --state OR --units imperial

In code, ``WeatherClient`` takes any ``httpx.Client`` (tests hand it FastAPI's
``TestClient``, which is one), so the same class talks to a server or to an app in-process.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import httpx

from demo_api.models import Report, ReportSubmittal, Units, WeatherReport


class WeatherApiError(Exception):
    """The API answered with an error status; ``detail`` is its message."""

    def __init__(self, status_code: int, detail: Any) -> None:
        super().__init__(f"HTTP {status_code}: {detail}")
        self.status_code = status_code
        self.detail = detail


# ANCHOR: client
class WeatherClient:
    """Calls the demo API and returns its answers as the API's own Pydantic models."""

    def __init__(self, http: httpx.Client) -> None:
        self._http = http

    def weather(
        self,
        city: str,
        *,
        state: str | None = None,
        country: str = "US",
        units: Units = Units.metric,
    ) -> WeatherReport:
        params = {"country": country, "units": units.value}
        if state is not None:
            params["state"] = state
        response = self._http.get(f"/api/weather/{city}", params=params)
        return WeatherReport.model_validate_json(_checked(response).content)

    def latest_reports(self, limit: int = 5) -> list[Report]:
        response = self._http.get("/api/reports", params={"limit": limit})
        return [Report.model_validate(item) for item in _checked(response).json()]

    def add_report(self, submittal: ReportSubmittal) -> Report:
        response = self._http.post("/api/reports", json=submittal.model_dump(mode="json"))
        return Report.model_validate_json(_checked(response).content)


def _checked(response: httpx.Response) -> httpx.Response:
    # Every error of the API is {"detail": ...}: raise it as one exception the caller can catch.
    if response.is_error:
        try:
            detail = response.json()["detail"]
        except (ValueError, KeyError, TypeError):
            detail = response.text
        raise WeatherApiError(response.status_code, detail)
    return response


# ANCHOR_END: client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The current weather, from the demo API.")
    parser.add_argument("city")
    parser.add_argument("--state")
    parser.add_argument("--country", default="US")
    parser.add_argument("--units", choices=[unit.value for unit in Units], default="metric")
    parser.add_argument("--api", default="http://127.0.0.1:8000", help="the API's address")
    args = parser.parse_args(argv)
    with httpx.Client(base_url=args.api, timeout=10) as http:
        client = WeatherClient(http)
        try:
            report = client.weather(
                args.city, state=args.state, country=args.country, units=Units(args.units)
            )
        except WeatherApiError as error:
            print(f"error: {error.detail}", file=sys.stderr)
            return 1
        except httpx.TransportError as error:
            print(f"error: cannot reach {args.api}: {error}", file=sys.stderr)
            return 2
    symbol = {"metric": "°C", "imperial": "°F", "standard": "K"}[report.units.value]
    print(f"{report.location}: {report.temperature:g}{symbol}, {report.description}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
