from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from demo_api.client import WeatherApiError, WeatherClient, main
from demo_api.models import Location, ReportSubmittal, Units

pytest_plugins = ["demo_api.testing"]


def test_client_weather_returns_the_report_as_a_model(client: TestClient) -> None:
    report = WeatherClient(client).weather("Portland", state="OR", units=Units.imperial)
    assert str(report.location) == "Portland, OR, US"
    assert report.units is Units.imperial


def test_client_error_answer_raises_with_the_api_detail(client: TestClient) -> None:
    with pytest.raises(WeatherApiError) as raised:
        WeatherClient(client).weather("Paris", country="France")
    assert raised.value.status_code == 400
    assert "two-letter code" in raised.value.detail


def test_client_added_report_is_first_of_the_latest(client: TestClient) -> None:
    weather = WeatherClient(client)
    added = weather.add_report(
        ReportSubmittal(location=Location(city="Zürich", country="CH"), description="föhn")
    )
    assert added.id >= 1
    assert weather.latest_reports(limit=1) == [added]


def test_client_main_without_a_server_says_so_and_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Port 9 (discard) on loopback: nothing listens there in a test run.
    assert main(["Portland", "--state", "OR", "--api", "http://127.0.0.1:9"]) == 2
    assert "cannot reach http://127.0.0.1:9" in capsys.readouterr().err
