"""Keep the OpenWeatherMap key out of the log.

OpenWeatherMap takes its key in the query string (``…/weather?q=Oslo&appid=KEY``), so
every URL of an upstream call holds it, and httpx logs each such URL at INFO. Under the
shipped ``gunicorn.conf.py`` (root logger at INFO) that put the key in journald on every
lookup. :func:`protect_secrets_in_logs` quiets the HTTP client's request log and redacts
key parameters from anything its loggers (and ours) still write.
"""

from __future__ import annotations

import logging
import re

# The query parameters that carry a key in the APIs we call (OpenWeatherMap: appid).
_SECRET_PARAMETER = re.compile(r"(?i)([?&](?:appid|api_key|apikey)=)[^&#\s'\"<>]*")
REDACTED = "***"

# httpx logs every request line at INFO and httpcore each step at DEBUG, URLs included.
HTTP_CLIENT_LOGGERS = ("httpx", "httpcore")
# Loggers that may write an upstream error, or a traceback whose exception holds a URL.
ERROR_LOGGERS = (
    "demo_api.api.errors",
    "demo_api.services.providers.openweathermap",
    "uvicorn.error",
)


def redact_secrets(text: str) -> str:
    """``text`` with the value of every key parameter in a URL replaced by ``***``."""
    return _SECRET_PARAMETER.sub(rf"\g<1>{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and traceback with :func:`redact_secrets`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed call: the handler reports it, as without this filter
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Formatters cache the formatted traceback here; fill it in, redacted, first.
            record.exc_text = redact_secrets(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact_secrets(record.exc_text)
        return True


_FILTER = RedactSecrets()


def protect_secrets_in_logs() -> None:
    """Quiet the HTTP client's request log and redact keys in the loggers that see URLs.

    A filter on a logger applies to the records logged on that very logger, so it goes on
    each one by name. Idempotent: every app built in a process shares the one filter.
    """
    for name in HTTP_CLIENT_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:  # an operator who set a level on purpose keeps it
            logger.setLevel(logging.WARNING)
        logger.addFilter(_FILTER)
    for name in ERROR_LOGGERS:
        logging.getLogger(name).addFilter(_FILTER)
