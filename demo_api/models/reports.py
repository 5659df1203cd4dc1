"""Weather reports that students post: what they send and what they get back."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from demo_api.models.location import Location

MAX_DESCRIPTION_LENGTH = 500


class ReportSubmittal(BaseModel):
    """The body of ``POST /api/reports`` and ``PUT /api/reports/{id}``."""

    model_config = ConfigDict(
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"location": {"city": "Portland", "state": "OR"}, "description": "misty"}]
        },
    )

    location: Location
    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION_LENGTH)


class ReportPatch(BaseModel):
    """The body of ``PATCH /api/reports/{id}``: only the fields to change."""

    model_config = ConfigDict(
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"description": "clearing up"}]},
    )

    location: Location | None = None
    description: str | None = Field(default=None, min_length=1, max_length=MAX_DESCRIPTION_LENGTH)

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        # A field left out keeps its value; a null would erase a field every report must have.
        for name in sorted(self.model_fields_set):
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null; leave it out to keep its value")
        return self

    def applied_to(self, report: ReportSubmittal) -> ReportSubmittal:
        """``report`` with the fields this patch names replaced."""
        return ReportSubmittal(
            location=self.location if self.location is not None else report.location,
            description=self.description if self.description is not None else report.description,
        )


class Report(ReportSubmittal):
    """A stored report, with the id and time the server gave it."""

    id: int
    created_at: datetime
