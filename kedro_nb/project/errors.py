"""Project errors: one base class, one subclass per failure of discovery, settings, registry,
session or run records. Messages say what, where and how to fix; none quotes a credential."""

from __future__ import annotations


class ProjectError(Exception):
    """Base of every error raised by :mod:`kedro_nb.project`."""


class ProjectMetadataError(ProjectError):
    """Raised when ``pyproject.toml`` cannot be parsed or its ``[tool.kedro_nb]`` /
    ``[tool.kedro]`` table is incomplete (no package name, missing source folder)."""


class SettingsError(ProjectError):
    """Raised when ``src/<package>/settings.py`` fails to import or holds an invalid value."""


class PipelineNotFoundError(ProjectError, KeyError, ValueError):
    """Raised by ``session.pipelines[name]`` / ``session.run(name)`` for a name that no
    registry or ``pipelines/<name>/`` folder defines; the message lists close names. A
    ``KeyError`` (the pipelines are a mapping) and a ``ValueError`` (what Kedro's
    ``session.run`` raises)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class PipelineLoadError(ProjectError):
    """Raised when the module of an explicitly requested pipeline fails to import, has no
    ``create_pipeline``, or returns something other than a pipeline."""


class SessionError(ProjectError):
    """Raised by the session for bad run arguments (unknown runner, a runner class instead of
    an instance, bad ``load_versions``) and for catalog set-up failures it surfaces."""


class RunRecordError(ProjectError):
    """Raised when the run-record database cannot be read or written, or a run id is unknown."""
