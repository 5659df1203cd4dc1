from __future__ import annotations

import re
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from demo_api.models import Location


def test_location_normalises_codes_and_spaces() -> None:
    location = Location(city="  Portland ", state="or", country="us")
    assert (location.city, location.state, location.country) == ("Portland", "OR", "US")
    assert str(location) == "Portland, OR, US"


def test_location_city_is_nfc_normalised() -> None:
    decomposed = "Sa\u0303o Paulo"
    assert Location(city=decomposed, country="BR").city == "São Paulo"


@pytest.mark.parametrize(
    "city", ["Winston-Salem", "Coeur d'Alene", "St. Louis", "Xi’an", "Al-`Ula", "Москва"]
)
def test_location_accepts_real_place_names(city: str) -> None:
    assert Location(city=city).city == city


@pytest.mark.parametrize(
    ("city", "message"),
    [
        ("../etc/passwd", "city must be a place name, not a path"),
        ("a\tb", "city contains the character '\\t'"),
        ("$HOME", "city contains the character '$'"),
        ("42", "city must contain at least one letter"),
    ],
)
def test_location_rejects_bad_cities(city: str, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        Location(city=city)


def test_location_as_a_bare_depends_answers_a_bad_state_with_500() -> None:
    # What "Location as a dependency" warns about: FastAPI validates the query parameters it
    # reads, but the model's own validator runs inside the dependency call, where a
    # ValidationError is a server error. The demo builds Location by hand to answer 400.
    app = FastAPI()

    @app.get("/weather/{city}")
    def weather(loc: Annotated[Location, Depends()]) -> str:
        return str(loc)

    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/weather/Portland?state=OR").json() == "Portland, OR, US"
    assert client.get("/weather/Portland?state=Oregon").status_code == 500
