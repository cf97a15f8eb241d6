"""Logging that never writes message text, user IDs or room IDs, nio's own loggers included."""

from __future__ import annotations

import logging
import re
import sys

# On Tchap a user ID carries the person's e-mail address.
_PATTERNS = (
    (re.compile(r"@[^\s:'\"]+:[A-Za-z0-9.\-]+(?::\d+)?"), "@[utilisateur]"),
    (re.compile(r"![A-Za-z0-9]+:[A-Za-z0-9.\-]+(?::\d+)?"), "![salon]"),
    (re.compile(r"\$[A-Za-z0-9_\-+/=]{16,}"), "$[événement]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[e-mail]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = ()
        if record.exc_info:
            # Tracebacks can quote event contents: keep the exception type only.
            record.msg = (
                f"{record.msg} ({record.exc_info[0].__name__ if record.exc_info[0] else 'erreur'})"
            )
            record.exc_info = None
            record.exc_text = None
        return True


def setup_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # nio logs user and device IDs at WARNING ("undecryptable Megolm event ... @user:server").
    for name in ("nio", "peewee", "aiohttp", "asyncio"):
        logging.getLogger(name).setLevel(logging.ERROR)
