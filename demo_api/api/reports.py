"""Weather reports that students post, read, replace and delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status

from demo_api.api.deps import JsonBody, ReportRepositoryDep
from demo_api.models import Report, ReportPatch, ReportSubmittal
from demo_api.models.errors import ErrorMessage

router = APIRouter(prefix="/api/reports", tags=["reports"])

# SQLite integers are 64-bit; a bigger id is a 422 rather than an overflow.
ReportId = Annotated[int, Path(ge=1, le=2**63 - 1)]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorMessage, "description": "No report has this id"}
}
_NOT_JSON: dict[int | str, dict[str, Any]] = {
    415: {
        "model": ErrorMessage,
        "description": "The body is not sent as JSON: no 'Content-Type: application/json' header",
    }
}


@router.get("")
def list_reports(
    repository: ReportRepositoryDep, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> list[Report]:
    """The newest reports first."""
    return repository.latest(limit)


@router.post("", status_code=status.HTTP_201_CREATED, dependencies=[JsonBody], responses=_NOT_JSON)
def create_report(
    submittal: ReportSubmittal,
    repository: ReportRepositoryDep,
    request: Request,
    response: Response,
) -> Report:
    """Store a report; the ``Location`` header says where to find it."""
    report = repository.add(submittal)
    response.headers["Location"] = request.app.url_path_for("get_report", report_id=report.id)
    return report


@router.get("/{report_id}", responses=_NOT_FOUND)
def get_report(report_id: ReportId, repository: ReportRepositoryDep) -> Report:
    return repository.get(report_id)


@router.put("/{report_id}", dependencies=[JsonBody], responses=_NOT_FOUND | _NOT_JSON)
def replace_report(
    report_id: ReportId, submittal: ReportSubmittal, repository: ReportRepositoryDep
) -> Report:
    """Replace the location and description of a report; its id and time stay."""
    return repository.replace(report_id, submittal)


@router.patch("/{report_id}", dependencies=[JsonBody], responses=_NOT_FOUND | _NOT_JSON)
def update_report(
    report_id: ReportId, changes: ReportPatch, repository: ReportRepositoryDep
) -> Report:
    """Change only the fields the body names; the others, the id and the time stay."""
    current = repository.get(report_id)
    return repository.replace(report_id, changes.applied_to(current))


@router.delete(
    "/{report_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=_NOT_FOUND,
)
def delete_report(report_id: ReportId, repository: ReportRepositoryDep) -> None:
    repository.delete(report_id)
