"""server_setup.sh --postgres / --redis: scripts/backing_services.sh, run for real.

The script runs with apt-get, systemctl and the other system commands replaced by stubs on
PATH that log their arguments; psql is real against the tests' PostgreSQL server (runuser's
stub passes the call on to it), so the role, the database and the password are checked the
way the API will use them: a password login over TCP. Redis's configuration is a copy of
Debian's file, which the real redis-server then reads.
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, require_binary
from deploy.stack import SERVER_DIR, free_port, stop, wait_until
from deploy.unit import ENV_EXAMPLE
from realservers.postgres import PostgresServer

BACKING = SERVER_DIR / "scripts" / "backing_services.sh"
SETUP = SERVER_DIR / "scripts" / "server_setup.sh"
LESSON = ROOT / "notes" / "lessons" / "07 Deployment" / "When one server is not enough.md"
OURS = re.compile(
    r"^WEATHER_DATABASE_URL=postgresql://weather:([0-9a-f]{48})@127\.0\.0\.1:5432/weather$",
    re.MULTILINE,
)
DEBIAN_REDIS_CONF = Path("/etc/redis/redis.conf")
# What matters of Debian's redis.conf, when the machine has none to copy.
SMALL_REDIS_CONF = (
    "# bind 192.168.1.100 10.0.0.1\n"
    "bind 127.0.0.1 -::1\n"
    "protected-mode yes\n"
    "port 6379\n"
    "daemonize yes\n"
)
STUBS = {
    "apt-get": "",
    "systemctl": "",
    "pg_isready": "",
    "redis-cli": "echo PONG",
    # `runuser -u postgres -- psql …`: run the command as this user, on the test's server.
    "runuser": '[ "$1 $2 $3" = "-u postgres --" ] || exit 64\nshift 3\nexec "$@"',
}


class Machine:
    """A stubbed server: a bin folder in front of PATH, a log of every stubbed call, a .env."""

    def __init__(self, root: Path, env: dict[str, str] | None = None) -> None:
        self.root = root
        self.bin = root / "bin"
        self.bin.mkdir()
        self.calls = root / "calls.log"
        self.env_file = root / ".env"
        self.env_file.write_text(ENV_EXAMPLE.read_text())
        self.env_file.chmod(0o644)  # server_setup.sh makes it 0600; the script must keep it so
        self.redis_conf = root / "redis.conf"
        self.redis_conf.write_text(
            DEBIAN_REDIS_CONF.read_text() if DEBIAN_REDIS_CONF.is_file() else SMALL_REDIS_CONF
        )
        self.extra_env = env or {}
        for name, body in STUBS.items():
            self.stub(name, body)

    def stub(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(
            f'#!/bin/sh\nprintf "%s\\n" "{name} $*" >>{shlex.quote(str(self.calls))}\n{body}\n'
        )
        path.chmod(0o755)

    def run(self, *options: str) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": f"{self.bin}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
            "REDIS_CONF": str(self.redis_conf),
            **self.extra_env,
        }
        return subprocess.run(
            ["bash", str(BACKING), *options, str(self.env_file)],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip

    def logged(self) -> list[str]:
        return self.calls.read_text().splitlines() if self.calls.exists() else []

    def password(self) -> str:
        found = OURS.findall(self.env_file.read_text())
        assert len(found) == 1, self.env_file.read_text()
        return str(found[0])


@pytest.fixture
def postgres(postgres_server: PostgresServer) -> Iterator[PostgresServer]:
    """The session's PostgreSQL server; the role and database ``weather`` go after each test."""
    yield postgres_server
    drop_weather(postgres_server)


def login(server: PostgresServer, password: str) -> subprocess.CompletedProcess[str]:
    """Log in over TCP as the API will, with the URL's role, password and database."""
    psql = require_binary("psql", "/usr/bin/psql")
    url = f"postgresql://weather:{password}@127.0.0.1:{server.port}/weather"
    query = (
        "SELECT current_user || ' ' || pg_get_userbyid(datdba) FROM pg_database "
        "WHERE datname = current_database()"
    )
    return subprocess.run(
        [psql, "--no-psqlrc", "-tA", "-d", url, "-c", query],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip


def drop_weather(server: PostgresServer) -> None:
    subprocess.run(
        ["psql", "--no-psqlrc", "-d", "postgres", "-c", "DROP DATABASE IF EXISTS weather",
         "-c", "DROP ROLE IF EXISTS weather"],
        check=True, capture_output=True, env={"PATH": "/usr/bin:/bin", **server.superuser_env()},
    )  # fmt: skip


# ---- PostgreSQL ------------------------------------------------------------------------


def test_backing_postgres_creates_role_and_database_the_env_password_opens(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    drop_weather(postgres)
    machine = Machine(tmp_path, postgres.superuser_env())

    first = machine.run("--postgres")
    assert first.returncode == 0, first.stderr
    password = machine.password()
    mode = machine.env_file.stat()
    assert stat.S_IMODE(mode.st_mode) == 0o600
    assert "apt-get install -y -q --no-install-recommends postgresql" in machine.logged()
    assert "systemctl enable --now postgresql" in machine.logged()
    # The password never shows on a command line (`ps` shows those to every user), nor in
    # what the script prints.
    assert not [call for call in machine.logged() if password in call]
    assert password not in first.stdout + first.stderr

    opened = login(postgres, password)
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.strip() == "weather weather"  # logged in as weather, who owns the db
    refused = login(postgres, "0" * 48)
    assert refused.returncode != 0 and "password authentication failed" in refused.stderr


def test_backing_postgres_second_run_keeps_password_and_env(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    drop_weather(postgres)
    machine = Machine(tmp_path, postgres.superuser_env())
    assert machine.run("--postgres").returncode == 0
    password = machine.password()
    env_after_first = machine.env_file.read_text()

    again = machine.run("--postgres")
    assert again.returncode == 0, again.stderr  # CREATE ROLE / DATABASE are not repeated
    assert machine.env_file.read_text() == env_after_first
    assert login(postgres, password).returncode == 0


def test_backing_postgres_role_password_follows_env_after_manual_change(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    drop_weather(postgres)
    machine = Machine(tmp_path, postgres.superuser_env())
    assert machine.run("--postgres").returncode == 0
    password = machine.password()
    subprocess.run(
        ["psql", "--no-psqlrc", "-d", "postgres", "-c", "ALTER ROLE weather PASSWORD 'other'"],
        check=True, capture_output=True, env={"PATH": "/usr/bin:/bin", **postgres.superuser_env()},
    )  # fmt: skip
    assert login(postgres, password).returncode != 0

    assert machine.run("--postgres").returncode == 0
    assert login(postgres, password).returncode == 0


def test_backing_postgres_sql_takes_the_password_from_psql_variables(tmp_path: Path) -> None:
    machine = Machine(tmp_path)
    statements = tmp_path / "statements.sql"
    machine.stub("psql", f"cat >{shlex.quote(str(statements))}")

    result = machine.run("--postgres")
    assert result.returncode == 0, result.stderr
    sql = statements.read_text()
    password = machine.password()
    # psql quotes: :'x' as a literal, :"x" as an identifier, format(%I/%L) inside \gexec.
    assert password not in sql
    assert "\\getenv password WEATHER_DB_PASSWORD" in sql
    assert "ALTER ROLE :\"role\" WITH LOGIN PASSWORD :'password';" in sql
    assert "format('CREATE ROLE %I LOGIN', :'role')" in sql
    assert "format('CREATE DATABASE %I OWNER %I', :'db', :'role')" in sql
    psql_call = next(call for call in machine.logged() if call.startswith("psql "))
    assert "ON_ERROR_STOP=1" in psql_call and "role=weather" in psql_call


def test_backing_postgres_sqlite_setting_is_replaced_with_a_note(tmp_path: Path) -> None:
    machine = Machine(tmp_path)
    machine.stub("psql", "cat >/dev/null")
    machine.env_file.write_text("WEATHER_DATABASE_URL=sqlite:///apps/data/weather.sqlite3\n")

    result = machine.run("--postgres")
    assert result.returncode == 0, result.stderr
    assert "replacing WEATHER_DATABASE_URL=sqlite:///apps/data/weather.sqlite3" in result.stdout
    assert machine.env_file.read_text().count("WEATHER_DATABASE_URL=") == 1
    machine.password()


def test_backing_postgres_other_database_stops_before_installing(tmp_path: Path) -> None:
    machine = Machine(tmp_path)
    foreign = "WEATHER_DATABASE_URL=postgresql://app:s3cret@db.internal:5432/weather\n"
    machine.env_file.write_text(foreign)

    result = machine.run("--postgres")
    assert result.returncode == 1
    assert "already sets WEATHER_DATABASE_URL to another PostgreSQL" in result.stderr
    assert "db.internal" in result.stderr and "s3cret" not in result.stderr
    assert machine.env_file.read_text() == foreign
    assert machine.logged() == []


# ---- Redis -----------------------------------------------------------------------------


def active_lines(conf: Path, key: str) -> list[str]:
    return [line for line in conf.read_text().splitlines() if line.split()[:1] == [key]]


def test_backing_redis_binds_loopback_and_sets_cache_url(tmp_path: Path) -> None:
    machine = Machine(tmp_path)
    # A server someone opened up: every address, protected mode off.
    text = machine.redis_conf.read_text()
    text = re.sub(r"(?m)^bind .*$", "bind 0.0.0.0 ::", text)
    text = re.sub(r"(?m)^protected-mode .*$", "protected-mode no", text)
    machine.redis_conf.write_text(text)
    # .env belongs to the service user (server_setup.sh gives it to `weather`).
    owner = pwd.getpwnam("nobody").pw_uid if os.geteuid() == 0 else os.geteuid()
    os.chown(machine.env_file, owner, -1)

    result = machine.run("--redis")
    assert result.returncode == 0, result.stderr
    assert active_lines(machine.redis_conf, "bind") == ["bind 127.0.0.1 -::1"]
    assert active_lines(machine.redis_conf, "protected-mode") == ["protected-mode yes"]
    assert "systemctl restart redis-server" in machine.logged()
    env = machine.env_file.read_text()
    assert "\nWEATHER_CACHE_URL=redis://127.0.0.1:6379/0\n" in env
    assert stat.S_IMODE(machine.env_file.stat().st_mode) == 0o600
    assert machine.env_file.stat().st_uid == owner

    # A second run changes nothing, so it does not restart Redis (and empty the cache).
    conf_before, env_before = machine.redis_conf.read_text(), env
    machine.calls.unlink()
    assert machine.run("--redis").returncode == 0
    assert machine.redis_conf.read_text() == conf_before
    assert machine.env_file.read_text() == env_before
    assert "systemctl restart redis-server" not in machine.logged()
    assert "systemctl start redis-server" in machine.logged()


def test_backing_redis_config_is_read_by_redis_server_on_loopback(tmp_path: Path) -> None:
    redis_server = require_binary("redis-server", "/usr/bin/redis-server")
    redis_cli = require_binary("redis-cli", "/usr/bin/redis-cli")
    machine = Machine(tmp_path)
    machine.redis_conf.write_text(
        re.sub(r"(?m)^bind .*$", "bind 0.0.0.0", machine.redis_conf.read_text())
    )
    assert machine.run("--redis").returncode == 0

    port = free_port()
    log = tmp_path / "redis.log"
    # Debian's paths (pid file, log, data folder) are the real service's: keep to tmp_path.
    with log.open("wb") as output:
        server = subprocess.Popen(
            [redis_server, str(machine.redis_conf), "--port", str(port), "--daemonize", "no",
             "--supervised", "no", "--pidfile", str(tmp_path / "redis.pid"), "--logfile", "",
             "--dir", str(tmp_path), "--save", ""],
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:

        def answers() -> bool:
            if server.poll() is not None:
                pytest.fail(f"redis-server exited:\n{log.read_text()}", pytrace=False)
            ping = [redis_cli, "-h", "127.0.0.1", "-p", str(port), "ping"]
            return subprocess.run(ping, capture_output=True, text=True).stdout.strip() == "PONG"

        wait_until("redis-server with the edited configuration", answers, log.read_text)
        bind = subprocess.run(
            [redis_cli, "-h", "127.0.0.1", "-p", str(port), "config", "get", "bind"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert bind.stdout.split("\n", 1)[1].strip() == "127.0.0.1 -::1"
    finally:
        stop(server)


# ---- what the course and the README say -----------------------------------------------


def test_backing_lesson_and_readme_show_the_settings_the_script_writes(tmp_path: Path) -> None:
    machine = Machine(tmp_path)
    machine.stub("psql", "cat >/dev/null")
    assert machine.run("--postgres", "--redis").returncode == 0
    written = [
        line.replace(machine.password(), "…")
        for line in machine.env_file.read_text().splitlines()
        if line.startswith(("WEATHER_DATABASE_URL=", "WEATHER_CACHE_URL="))
    ]
    assert len(written) == 2
    bind = active_lines(machine.redis_conf, "bind")[0]
    for document in (LESSON, SERVER_DIR / "README.md"):
        text = document.read_text(encoding="utf-8")
        for line in written:
            assert line in text or line.replace("…", "<password>") in text, (document, line)
        assert bind in text, (document, bind)


# ---- the scripts -----------------------------------------------------------------------


def test_backing_services_script_shellcheck_reports_nothing() -> None:
    shellcheck = require_binary("shellcheck", "/usr/bin/shellcheck")
    result = subprocess.run(
        [shellcheck, "--severity=style", str(BACKING)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_server_setup_script_help_offers_postgres_and_redis() -> None:
    result = subprocess.run(["bash", str(SETUP), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "--postgres" in result.stdout and "--redis" in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [([], "Usage: "), (["--mysql", "x"], "Usage: ")],
)
def test_backing_services_bad_arguments_exit_2(arguments: list[str], message: str) -> None:
    result = subprocess.run(["bash", str(BACKING), *arguments], capture_output=True, text=True)
    assert result.returncode == 2 and message in result.stderr
