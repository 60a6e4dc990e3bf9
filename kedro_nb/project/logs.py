"""Logging for a run, as Kedro sets it up: the project's own loggers at INFO are shown,
``$KEDRO_LOGGING_CONFIG`` or the project's ``conf/logging.yml`` replace the default.

The default writes to stderr (stdout holds kedro-nb's run summary) and keeps kedro-nb's own
INFO lines out, since the summary already says what they say; ``--verbose`` shows every INFO
line. A logging file that cannot be applied is reported in one line and the default is used:
logging never stops a run.
"""

from __future__ import annotations

import logging
import logging.config
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["LOGGING_VARIABLE", "configure_logging", "logging_config_path"]

LOGGING_VARIABLE = "KEDRO_LOGGING_CONFIG"
_OWN_LOGGER = "kedro_nb"


def logging_config_path(project_path: Path | None) -> Path | None:
    """``$KEDRO_LOGGING_CONFIG``, else ``<project>/conf/logging.yml`` (``.yaml``, ``.json``)
    when it exists, else None: Kedro's order."""
    given = os.environ.get(LOGGING_VARIABLE)
    if given:
        return Path(given).expanduser()
    if project_path is not None:
        for suffix in (".yml", ".yaml", ".json"):
            candidate = project_path / "conf" / f"logging{suffix}"
            if candidate.is_file():
                return candidate
    return None


def _default_config(verbose: bool) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {"kedro": {"level": "INFO"}},
        "root": {"handlers": ["console"], "level": "INFO" if verbose else "WARNING"},
    }


def configure_logging(
    project_path: Path | None, package_name: str | None, *, verbose: bool = False
) -> Path | None:
    """Apply the run's logging configuration; returns the file used (None: the default).

    As Kedro: the project package's logger is at INFO unless the configuration names it.
    kedro-nb's own logger stays at WARNING unless ``verbose`` or the configuration names it.
    """
    import yaml

    path = logging_config_path(project_path)
    config = _default_config(verbose)
    if path is not None:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
            if not isinstance(loaded, dict):
                raise ValueError("it is not a mapping")
            config = loaded
        except Exception as exc:
            _not_used(path, exc)
            path = None
    loggers = config.setdefault("loggers", {})
    if package_name and package_name not in loggers:
        loggers[package_name] = {"level": "INFO"}
    if _OWN_LOGGER not in loggers:
        loggers[_OWN_LOGGER] = {"level": "INFO" if verbose else "WARNING"}
    try:
        logging.config.dictConfig(config)
    except Exception as exc:
        _not_used(path, exc)
        fallback = _default_config(verbose)
        fallback["loggers"].update(
            {name: value for name, value in loggers.items() if name in (package_name, _OWN_LOGGER)}
        )
        logging.config.dictConfig(fallback)
        path = None
    return path


def _not_used(path: Path | None, exc: BaseException) -> None:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    print(
        f"kedro-nb: logging configuration {path} not used ({type(exc).__name__}: {first}); "
        f"fix it or unset {LOGGING_VARIABLE}.",
        file=sys.stderr,
    )
