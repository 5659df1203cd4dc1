"""The generator's exceptions. Problems in notes are diagnostics, not exceptions."""

from __future__ import annotations


class CoursegenError(Exception):
    """Base class for errors that stop a command."""


class VaultNotFound(CoursegenError):
    """The vault folder does not exist or is not a folder."""


class OutputError(CoursegenError):
    """The output folder cannot be written."""


class ConfigError(CoursegenError):
    """The course configuration is invalid."""
