from __future__ import annotations

import re

import pytest
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
