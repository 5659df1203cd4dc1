"""The answer of the first-API lesson's ``/api/calculate`` endpoint."""

from __future__ import annotations

from pydantic import BaseModel


class Calculation(BaseModel):
    """The inputs echoed back with ``value = (x + y) / z`` (or ``x + y`` without ``z``)."""

    x: int
    y: int
    z: int | None
    value: int | float
