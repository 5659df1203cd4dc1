"""Gunicorn settings for the weather demo API: one master, N uvicorn workers, behind nginx.

Run it as the systemd unit does::

    gunicorn -k uvicorn_worker.UvicornWorker -c demo_api/server/gunicorn.conf.py demo_api.main:app

Knobs come from the environment so the unit, the topology test and a laptop share one file:

``GUNICORN_BIND``     where to listen; comma-separated, e.g. ``unix:/run/weather_api/gunicorn.sock``
                      (the default) or ``127.0.0.1:8000``
``GUNICORN_WORKERS``  worker count; default ``2 * CPU cores + 1``, capped at 8
``GUNICORN_TIMEOUT``  seconds a silent worker may live before the master kills it (default 30)
``FORWARDED_ALLOW_IPS``  who may set ``X-Forwarded-*`` on a TCP bind (default: loopback); on
                      an app host behind nginx on another machine, nginx's private address

The app itself reads ``WEATHER_*`` variables (see ``demo_api/settings.py``).
"""

from __future__ import annotations

import os

MAX_DEFAULT_WORKERS = 8


def _env_int(name: str, default: int, *, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise SystemExit(f"{name}={raw!r} must be at least {minimum}")
    return value


def default_workers(cores: int | None) -> int:
    """``2 * cores + 1`` (one busy, one waiting on I/O per core, plus one), capped."""
    return min(2 * (cores or 1) + 1, MAX_DEFAULT_WORKERS)


def trusted_proxies(binds: list[str], configured: str = "") -> str:
    """Who may set ``X-Forwarded-For`` / ``X-Forwarded-Proto``: nginx, and nobody else.

    On a unix socket the peer has no address; the socket's file mode (group ``www-data``,
    ``umask`` below) already admits only nginx, so every connection on it is trusted. On TCP
    only loopback is trusted, which is where nginx connects from on the same machine; an nginx
    on another machine is named in ``configured`` (``FORWARDED_ALLOW_IPS``).
    """
    if configured.strip():
        return configured.strip()
    if binds and all(bind.startswith("unix:") for bind in binds):
        return "*"
    return "127.0.0.1,::1"


bind = [
    part.strip()
    for part in os.environ.get("GUNICORN_BIND", "unix:/run/weather_api/gunicorn.sock").split(",")
    if part.strip()
]
# gunicorn >= 25.1 also opens a control socket (for `gunicornc`); keep it beside the app's
# socket (/run/weather_api under systemd) rather than in $HOME, which the unit hides.
_unix_binds = [b.removeprefix("unix:") for b in bind if b.startswith("unix:")]
if _unix_binds:
    control_socket = os.path.join(os.path.dirname(_unix_binds[0]), "gunicorn.ctl")
else:
    control_socket_disable = True
worker_class = "uvicorn_worker.UvicornWorker"
workers = _env_int("GUNICORN_WORKERS", default_workers(os.cpu_count()))
forwarded_allow_ips = trusted_proxies(bind, os.environ.get("FORWARDED_ALLOW_IPS", ""))
# The socket is created rw for the owner and the group (www-data, i.e. nginx), nothing for others.
umask = 0o007

# A worker that stops answering the master's heartbeat for `timeout` seconds is killed and
# replaced; on SIGTERM / SIGHUP workers get `graceful_timeout` seconds to finish requests.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never takes the service down; jitter keeps
# them from all restarting at once.
max_requests = 2000
max_requests_jitter = 200

# Logs go to stdout/stderr, which systemd hands to journald (`journalctl -u weather`).
# Uvicorn workers log requests through the `gunicorn.access` logger, but with their own
# message (client, request line, status); the format below adds the time and the worker pid.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
        "access": {
            "format": "%(asctime)s [%(process)d] access %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
    },
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "stream": "ext://sys.stderr",
        },
        "access_console": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access_console"], "propagate": False},
    },
}

proc_name = "weather_api"
