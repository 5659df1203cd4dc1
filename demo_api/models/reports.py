"""Weather reports that students post: what they send and what they get back."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

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


class Report(ReportSubmittal):
    """A stored report, with the id and time the server gave it."""

    id: int
    created_at: datetime
