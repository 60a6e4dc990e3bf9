"""Logging for a run, as Kedro sets it up: the project's own loggers at INFO are shown,
``$KEDRO_LOGGING_CONFIG`` or the project's ``conf/logging.yml`` replace the default.

The default writes to stderr (stdout holds kedro-nb's run summary) and keeps kedro-nb's own
INFO lines out, since the summary already says what they say; ``--verbose`` shows every INFO
line. As in Kedro, a logging file may name classes only from ``logging``, ``kedro.logging`` and
the modules listed in ``$KEDRO_LOGGING_MODULE_ALLOWLIST``, and no ``()`` factories. A logging
file that cannot be applied is reported in one line and the default is used: logging never
stops a run.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

__all__ = [
    "LOGGING_VARIABLE",
    "CurrentStderrHandler",
    "configure_logging",
    "logging_config_path",
]

LOGGING_VARIABLE = "KEDRO_LOGGING_CONFIG"
#: Kedro's variable naming further modules a logging file may take classes from
ALLOWLIST_VARIABLE = "KEDRO_LOGGING_MODULE_ALLOWLIST"
_OWN_LOGGER = "kedro_nb"


class CurrentStderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The default handler: writes to whatever ``sys.stderr`` is when a record is emitted,
    not the stream that was current when logging was configured. A kernel cell's captured
    output, a test's capture or a redirect made later all get the lines, and a closed one is
    never written to."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        """Ignored: the stream is always the current ``sys.stderr``."""


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


_DEFAULT_FORMAT = "%(levelname)s %(name)s: %(message)s"


#: the loggers the default names, as Kedro's default logging does
_DEFAULT_LOGGERS: dict[str, dict[str, Any]] = {"kedro": {"level": "INFO"}}


def _apply_default(loggers: dict[str, Any], verbose: bool) -> None:
    """The default set-up, as ``dictConfig`` of a one-handler configuration would leave it
    (root: one :class:`CurrentStderrHandler`, WARNING or INFO with ``verbose``; each named
    logger: its level, no handlers of its own, propagating), without importing
    ``logging.config`` (and with it ``socketserver``...): about 4-5 ms CPU of a ``kedro-nb
    run`` start. (IPython imports ``logging.config`` itself, so ``%load_ext`` gains nothing.)"""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        if isinstance(handler, CurrentStderrHandler):
            handler.close()
    handler = CurrentStderrHandler()
    handler.setFormatter(logging.Formatter(_DEFAULT_FORMAT))
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    for name, settings in {**_DEFAULT_LOGGERS, **loggers}.items():
        logger = logging.getLogger(name)
        level = settings.get("level") if isinstance(settings, dict) else None
        if level is not None:
            logger.setLevel(level)
        for old in list(logger.handlers):
            logger.removeHandler(old)
        logger.propagate = True
        logger.disabled = False


def configure_logging(
    project_path: Path | None, package_name: str | None, *, verbose: bool = False
) -> Path | None:
    """Apply the run's logging configuration; returns the file used (None: the default).

    As Kedro: the project package's logger is at INFO unless the configuration names it.
    kedro-nb's own logger stays at WARNING unless ``verbose`` or the configuration names it.
    """
    path = logging_config_path(project_path)
    loaded: dict[str, Any] | None = None
    if path is not None:
        import yaml  # only for a logging file: most projects have none

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("it is not a mapping")
            _check_trusted(data, _allowed_modules())
            loaded = data
        except Exception as exc:
            _not_used(path, exc)
            path = None
    loggers: dict[str, Any] = {}
    if loaded is not None:
        loggers = loaded.setdefault("loggers", {})
    if package_name and package_name not in loggers:
        loggers[package_name] = {"level": "INFO"}
    if _OWN_LOGGER not in loggers:
        loggers[_OWN_LOGGER] = {"level": "INFO" if verbose else "WARNING"}
    if loaded is None:
        _apply_default(loggers, verbose)
        return None
    import logging.config  # a logging file: applied as Kedro applies it

    try:
        logging.config.dictConfig(loaded)
    except Exception as exc:
        _not_used(path, exc)
        _apply_default(
            {name: value for name, value in loggers.items() if name in (package_name, _OWN_LOGGER)},
            verbose,
        )
        return None
    return path


def _allowed_modules() -> tuple[str, ...]:
    """Modules a logging file may name classes from, as Kedro 1.7 allows: ``logging``,
    ``kedro.logging`` and those in ``$KEDRO_LOGGING_MODULE_ALLOWLIST`` (comma separated)."""
    extra = os.environ.get(ALLOWLIST_VARIABLE, "")
    return ("logging", "kedro.logging", *(m.strip() for m in extra.split(",") if m.strip()))


def _check_trusted(config: Any, allowed: tuple[str, ...]) -> None:
    """Refuse what Kedro refuses in a logging file, since applying it runs code: a ``()``
    factory key anywhere, a ``class`` from a module outside ``allowed``. Raises ValueError."""
    if isinstance(config, dict):
        if "()" in config:
            raise ValueError("the '()' key is not allowed (it calls any function named there)")
        class_path = config.get("class")
        if isinstance(class_path, str) and "." in class_path:
            module = class_path.rpartition(".")[0]
            if not any(module == m or module.startswith(m + ".") for m in allowed):
                raise ValueError(
                    f"class {class_path!r} is from a module not allowed; list {module!r} in "
                    f"{ALLOWLIST_VARIABLE} to trust it"
                )
        for value in config.values():
            _check_trusted(value, allowed)
    elif isinstance(config, list):
        for value in config:
            _check_trusted(value, allowed)


def _not_used(path: Path | None, exc: BaseException) -> None:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    print(
        f"kedro-nb: logging configuration {path} not used ({type(exc).__name__}: {first}); "
        f"fix it or unset {LOGGING_VARIABLE}.",
        file=sys.stderr,
    )
