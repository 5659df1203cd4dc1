"""What can go wrong in the services; ``demo_api.api.errors`` turns each into an HTTP status."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class for every error the services raise on purpose."""


class LocationNotFound(ServiceError):
    """No city matches the requested location."""


class UpstreamError(ServiceError):
    """The weather provider failed or answered with something we cannot use."""


class UpstreamRateLimited(UpstreamError):
    """The weather provider says we sent too many requests."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UpstreamTimeout(UpstreamError):
    """The weather provider did not answer in time."""


class ReportNotFound(ServiceError):
    """No report has the requested id."""

    def __init__(self, report_id: int) -> None:
        super().__init__(f"Report {report_id} was not found")
        self.report_id = report_id


class DatabaseUnavailable(ServiceError):
    """The reports database cannot be opened or queried."""
