"""The first API of the course: add two numbers from the query string, maybe divide."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from demo_api.models import Calculation
from demo_api.models.errors import ErrorMessage

router = APIRouter(prefix="/api/calculate", tags=["calculate"])

# Big enough for any lesson, small enough that (x + y) / z is an ordinary float.
LIMIT = 10**15
Operand = Annotated[int, Query(ge=-LIMIT, le=LIMIT)]
OptionalOperand = Annotated[int | None, Query(ge=-LIMIT, le=LIMIT)]


@router.get("", responses={400: {"model": ErrorMessage, "description": "z is zero"}})
def calculate(x: Operand, y: Operand = 10, z: OptionalOperand = None) -> Calculation:
    """Return ``x + y``, divided by ``z`` when ``z`` is given."""
    if z == 0:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "z cannot be zero")
    value: int | float = x + y
    if z is not None:
        value = value / z
    return Calculation(x=x, y=y, z=z, value=value)
