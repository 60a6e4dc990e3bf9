"""Keeping credential values out of log output.

Node errors can quote anything (a storage library may echo its options), and the runner logs
them. Every session registers its credential values here; a log-record factory, installed
once per process, masks them in each record's message and formatted traceback before any
handler sees the record.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Iterable
from typing import Any

__all__ = ["register_secrets"]

_SECRETS: set[str] = set()
_LOCK = threading.Lock()
_installed = False


def register_secrets(secrets: Iterable[str]) -> None:
    """Mask ``secrets`` in every log record from now on (the factory is installed once)."""
    global _installed
    with _LOCK:
        _SECRETS.update(secret for secret in secrets if secret)
        if _installed or not _SECRETS:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            if _SECRETS:
                _scrub_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True


def _scrub_record(record: logging.LogRecord) -> None:
    from kedro_nb.io import scrub  # registered secrets come from a catalog: kedro_nb.io is loaded

    try:
        message = record.getMessage()
    except Exception:  # a malformed record is the handler's business
        return
    clean = scrub(message, _SECRETS)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[1] is not None:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_text = scrub(text, _SECRETS)
