"""Where a weather report is for: a city, an optional US state and a country."""

from __future__ import annotations

import unicodedata

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_CITY_LENGTH = 100


class Location(BaseModel):
    """A place, validated so that bad input fails here with a message, not later with a 500."""

    model_config = ConfigDict(str_strip_whitespace=True)

    city: str = Field(
        min_length=1, max_length=MAX_CITY_LENGTH, examples=["Portland", "São Paulo", "Zürich"]
    )
    state: str | None = Field(default=None, description="Two-letter US state code", examples=["OR"])
    country: str = Field(default="US", description="Two-letter ISO country code", examples=["US"])

    @field_validator("city")
    @classmethod
    def _check_city(cls, city: str) -> str:
        city = unicodedata.normalize("NFC", city)
        if "/" in city or "\\" in city or ".." in city:
            raise ValueError("city must be a place name, not a path")
        for char in city:
            # Letters, marks, digits, punctuation, spaces and accents such as "`" ("Al-`Ula");
            # no other symbols ("<", "$", "+") and no control characters.
            category = unicodedata.category(char)
            if category[0] not in "LMNP" and category not in ("Zs", "Sk"):
                shown = repr(char) if category[0] == "C" else f"'{char}'"
                raise ValueError(
                    f"city contains the character {shown}; use letters, spaces, hyphens, "
                    "apostrophes and periods"
                )
        if not any(unicodedata.category(char)[0] == "L" for char in city):
            raise ValueError("city must contain at least one letter")
        return city

    @field_validator("state", mode="before")
    @classmethod
    def _empty_state_is_none(cls, state: object) -> object:
        # Query strings and forms send "state=" for "no state".
        if isinstance(state, str) and not state.strip():
            return None
        return state

    @field_validator("state")
    @classmethod
    def _check_state(cls, state: str | None) -> str | None:
        if state is None:
            return None
        if not _is_two_letters(state):
            raise ValueError(f"state must be a two-letter US state code like OR, not {state!r}")
        return state.upper()

    @field_validator("country")
    @classmethod
    def _check_country(cls, country: str) -> str:
        if not _is_two_letters(country):
            raise ValueError(f"country must be a two-letter code like US or GB, not {country!r}")
        return country.upper()

    @model_validator(mode="after")
    def _state_only_in_us(self) -> Location:
        if self.state is not None and self.country != "US":
            raise ValueError(
                f"state is only used for US cities; leave it out for country {self.country}"
            )
        return self

    def __str__(self) -> str:
        return ", ".join(part for part in (self.city, self.state, self.country) if part)


def _is_two_letters(code: str) -> bool:
    return len(code) == 2 and code.isascii() and code.isalpha()
