"""The shape of every error the API sends, documented in the OpenAPI schema."""

from __future__ import annotations

from pydantic import BaseModel


class ErrorMessage(BaseModel):
    """``{"detail": "..."}``: what went wrong, in words a student understands."""

    detail: str
