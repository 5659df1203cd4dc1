"""The systemd unit and the .env it reads: where the service may write, and how hardened it is."""

from __future__ import annotations

import posixpath
import re
import subprocess
from pathlib import Path

import pytest
from conftest import require_binary
from deploy.stack import SERVER_DIR
from deploy.unit import (
    ENV_EXAMPLE,
    UNIT,
    database_path,
    service_environment,
    unit_directives,
    writable_folders,
)

CHECK_ENV = SERVER_DIR / "scripts" / "check_env.sh"


def is_below(path: str, folders: list[str]) -> bool:
    return any(posixpath.commonpath([path, folder]) == folder for folder in folders)


def test_weather_unit_with_env_from_example_opens_database_under_read_write_paths() -> None:
    unit = unit_directives()
    # server_setup.sh creates the unit's EnvironmentFile (.env) as a copy of .env.example.
    files = {name.removeprefix("-"): ENV_EXAMPLE.read_text() for name in unit["EnvironmentFile"]}
    environment = service_environment(unit, files)
    database = database_path(unit, environment)
    writable = writable_folders(unit)
    assert is_below(posixpath.dirname(database), writable), (
        f"the service would open its database at {database}, but under ProtectSystem="
        f"{unit['ProtectSystem'][-1]} it may write only {writable}"
    )
    socket_dir = posixpath.dirname(environment["GUNICORN_BIND"].removeprefix("unix:"))
    assert socket_dir == posixpath.join("/run", unit["RuntimeDirectory"][-1])


def test_service_environment_lets_environment_file_override_environment() -> None:
    # systemd's rule, which the test above relies on; the file wins wherever its line stands.
    unit = {
        "EnvironmentFile": ["/apps/.env", "-/apps/missing.env"],
        "Environment": ["A=unit B=unit", '"C=with space"'],
    }
    environment = service_environment(unit, {"/apps/.env": "# comment\nB='file'\nB=later\n"})
    assert environment == {"A": "unit", "B": "later", "C": "with space"}


def run_check_env(env_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(CHECK_ENV), str(env_file), str(UNIT)], capture_output=True, text=True
    )


def test_check_env_relative_database_path_is_commented_out(tmp_path: Path) -> None:
    # What server_setup.sh made from the old .env.example: the service could not start.
    env_file = tmp_path / ".env"
    env_file.write_text("WEATHER_PROVIDER=auto\nWEATHER_DATABASE_PATH=demo_api.sqlite3\n")
    result = run_check_env(env_file)
    assert result.returncode == 0, result.stderr
    assert "commented out WEATHER_DATABASE_PATH=demo_api.sqlite3" in result.stdout
    assert env_file.read_text() == (
        "WEATHER_PROVIDER=auto\n# WEATHER_DATABASE_PATH=demo_api.sqlite3\n"
    )


@pytest.mark.parametrize(
    "text", ["WEATHER_PROVIDER=auto\n", 'WEATHER_DATABASE_PATH="/apps/data/reports.sqlite3"\n']
)
def test_check_env_usable_database_setting_is_left_alone(tmp_path: Path, text: str) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(text)
    result = run_check_env(env_file)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert env_file.read_text() == text


@pytest.mark.parametrize("path", ["/srv/db/reports.sqlite3", "/apps/data/../app_repo/x.sqlite3"])
def test_check_env_database_outside_read_write_paths_fails_with_fix(
    tmp_path: Path, path: str
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"WEATHER_DATABASE_PATH={path}\n")
    result = run_check_env(env_file)
    assert result.returncode == 1
    assert f"WEATHER_DATABASE_PATH={path} in {env_file} is outside the folders" in result.stderr
    assert "ReadWritePaths=/apps/data" in result.stderr
    assert env_file.read_text() == f"WEATHER_DATABASE_PATH={path}\n"


@pytest.mark.parametrize("url", ["sqlite:///data/reports.db", "reports.db"])
def test_check_env_relative_sqlite_database_url_is_commented_out(tmp_path: Path, url: str) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"WEATHER_DATABASE_URL={url}\n")
    result = run_check_env(env_file)
    assert result.returncode == 0, result.stderr
    assert f"commented out WEATHER_DATABASE_URL={url}" in result.stdout
    assert env_file.read_text() == f"# WEATHER_DATABASE_URL={url}\n"


def test_check_env_sqlite_database_url_outside_read_write_paths_fails_with_fix(
    tmp_path: Path,
) -> None:
    # The URL wins over the path: a usable WEATHER_DATABASE_PATH does not save it.
    env_file = tmp_path / ".env"
    text = "WEATHER_DATABASE_PATH=/apps/data/ok.sqlite3\nWEATHER_DATABASE_URL=sqlite:////srv/x.db\n"
    env_file.write_text(text)
    result = run_check_env(env_file)
    assert result.returncode == 1
    assert f"WEATHER_DATABASE_URL=sqlite:////srv/x.db in {env_file} is outside" in result.stderr
    assert env_file.read_text() == text


@pytest.mark.parametrize(
    "text",
    [
        "WEATHER_DATABASE_URL=postgresql://weather:pw@127.0.0.1:5432/weather\n",
        "WEATHER_DATABASE_URL=sqlite:////apps/data/reports.db\nWEATHER_DATABASE_PATH=rel.db\n",
    ],
)
def test_check_env_usable_database_url_is_left_alone(tmp_path: Path, text: str) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(text)
    result = run_check_env(env_file)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert env_file.read_text() == text


def test_check_env_script_shellcheck_reports_nothing() -> None:
    shellcheck = require_binary("shellcheck", "/usr/bin/shellcheck")
    result = subprocess.run(
        [shellcheck, "--severity=style", str(CHECK_ENV)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_weather_unit_systemd_analyze_security_rates_exposure_below_2() -> None:
    analyze = require_binary("systemd-analyze", "/usr/bin/systemd-analyze")
    result = subprocess.run(
        [analyze, "security", "--offline=yes", "--no-pager", str(UNIT)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    # A misspelt or misplaced directive is only a warning to systemd, and then not applied.
    assert result.stderr == "", result.stderr
    found = re.search(r"Overall exposure level for \S+: (\d+(?:\.\d+)?)", result.stdout)
    assert found, result.stdout
    assert float(found.group(1)) < 2.0, result.stdout


def test_weather_unit_keeps_what_gunicorn_needs_inside_the_sandbox() -> None:
    unit = {key: values[-1] for key, values in unit_directives().items()}
    # nginx's socket and gunicorn's control socket; OpenWeatherMap over IPv4 or IPv6.
    assert set(unit["RestrictAddressFamilies"].split()) == {"AF_UNIX", "AF_INET", "AF_INET6"}
    # gunicorn chowns its socket and reads its rlimits: both are @system-service, and
    # neither @privileged (chown) nor @resources (prlimit64) may be taken away.
    filters = unit_directives()["SystemCallFilter"]
    assert filters[0] == "@system-service"
    assert not any(f.startswith("~") and ("@privileged" in f or "@resources" in f) for f in filters)
    assert unit["SystemCallErrorNumber"] == "EPERM"
    assert unit["CapabilityBoundingSet"] == ""
