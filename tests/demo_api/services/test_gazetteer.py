from __future__ import annotations

import pytest

from demo_api.services.gazetteer import City, Gazetteer, load_gazetteer, name_key


def test_name_key_ignores_case_accents_and_hyphens() -> None:
    assert name_key("São-Paulo") == name_key("sao  paulo") == "sao paulo"
    assert name_key("ZÜRICH") == "zurich"


@pytest.mark.parametrize(
    ("name", "country", "state", "found"),
    [
        ("Portland", "US", "OR", ("Portland", "OR")),
        ("Portland", "US", "ME", ("Portland", "ME")),
        ("Portland", "US", None, ("Portland", "OR")),  # the most populous wins
        ("sao paulo", "BR", None, ("São Paulo", "27")),
        ("New York", "US", None, ("New York City", "NY")),  # an alternate name
        ("Cologne", "DE", None, ("Köln", "07")),
    ],
)
def test_gazetteer_finds_real_cities(
    name: str, country: str, state: str | None, found: tuple[str, str]
) -> None:
    city = load_gazetteer().find(name, country=country, state=state)
    assert city is not None
    assert (city.name, city.admin1) == found


def test_gazetteer_unknown_city_is_none() -> None:
    assert load_gazetteer().find("Nowhereville", country="US") is None


def test_gazetteer_countries_with_lists_biggest_first() -> None:
    cities = [
        City(1, "Springfield", "US", "IL", 39.8, -89.6, 100),
        City(2, "Springfield", "AU", "04", -27.6, 152.9, 500),
    ]
    gazetteer = Gazetteer(cities, alternate_names={})
    assert gazetteer.countries_with("springfield") == ["AU", "US"]
