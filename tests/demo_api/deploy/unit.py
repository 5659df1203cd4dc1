"""The shipped systemd unit read the way systemd reads it: directives, and the environment it
gives the service (``Environment=``, then ``EnvironmentFile=``, which overrides it)."""

from __future__ import annotations

import posixpath
import shlex
from pathlib import Path

from deploy.stack import ROOT, SERVER_DIR

UNIT = SERVER_DIR / "units" / "weather.service"
ENV_EXAMPLE = ROOT / ".env.example"


def unit_directives(unit: Path = UNIT) -> dict[str, list[str]]:
    """Every ``Key=value`` of the unit, values in file order, continuation lines joined."""
    directives: dict[str, list[str]] = {}
    for line in unit.read_text().replace("\\\n", " ").splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";")):
            key, value = line.split("=", 1)
            directives.setdefault(key.strip(), []).append(" ".join(value.split()))
    return directives


def environment_file(text: str) -> dict[str, str]:
    """``KEY=VALUE`` lines as systemd's EnvironmentFile= reads them: ``#`` and ``;`` start
    comments, quotes around a value are not part of it, a later line wins."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")) or "=" not in line:
            continue
        key, value = (part.strip() for part in line.split("=", 1))
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def service_environment(
    directives: dict[str, list[str]], files: dict[str, str]
) -> dict[str, str]:
    """The service's environment: ``Environment=`` assignments in order, then each
    ``EnvironmentFile=`` (text from ``files`` by path), whose settings override them wherever
    the lines stand (systemd.exec(5)). A missing file named with ``-`` is skipped."""
    environment: dict[str, str] = {}
    for value in directives.get("Environment", []):
        for assignment in shlex.split(value):
            key, _, setting = assignment.partition("=")
            environment[key] = setting
    for name in directives.get("EnvironmentFile", []):
        path = name.removeprefix("-")
        if path in files:
            environment.update(environment_file(files[path]))
        else:
            assert name.startswith("-"), f"EnvironmentFile={name} is missing and not optional"
    return environment


def database_path(directives: dict[str, list[str]], environment: dict[str, str]) -> str:
    """Where the service opens its database: a relative WEATHER_DATABASE_PATH (or none, the
    app's default ``demo_api.sqlite3``) is taken from the WorkingDirectory."""
    working = directives.get("WorkingDirectory", ["/"])[-1]
    setting = environment.get("WEATHER_DATABASE_PATH", "demo_api.sqlite3")
    return posixpath.normpath(posixpath.join(working, setting))


def writable_folders(directives: dict[str, list[str]]) -> list[str]:
    """The ReadWritePaths= folders, without systemd's ``-`` / ``+`` prefixes."""
    return [
        path.lstrip("-+")
        for value in directives.get("ReadWritePaths", [])
        for path in value.split()
    ]
