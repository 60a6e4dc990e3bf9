"""Projects: finding the root, settings, the pipeline registry, the session and run records.

Names are imported on first use (PEP 562), so a command that needs only the run records
(``kedro-nb runs``) does not pay for the session, the registry and their imports.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kedro_nb.project.discovery import ProjectMetadata, find_project_root, read_metadata
    from kedro_nb.project.errors import (
        PipelineLoadError,
        PipelineNotFoundError,
        ProjectError,
        ProjectMetadataError,
        RunRecordError,
        SessionError,
        SettingsError,
    )
    from kedro_nb.project.records import RunRecord, RunStore
    from kedro_nb.project.registry import PipelineImportWarning, ProjectPipelines, find_pipelines
    from kedro_nb.project.session import KedroNbSession

_WHERE = {
    "KedroNbSession": "session",
    "PipelineImportWarning": "registry",
    "PipelineLoadError": "errors",
    "PipelineNotFoundError": "errors",
    "ProjectError": "errors",
    "ProjectMetadata": "discovery",
    "ProjectMetadataError": "errors",
    "ProjectPipelines": "registry",
    "RunRecord": "records",
    "RunRecordError": "errors",
    "RunStore": "records",
    "SessionError": "errors",
    "SettingsError": "errors",
    "find_pipelines": "registry",
    "find_project_root": "discovery",
    "read_metadata": "discovery",
}

__all__ = [
    "KedroNbSession",
    "PipelineImportWarning",
    "PipelineLoadError",
    "PipelineNotFoundError",
    "ProjectError",
    "ProjectMetadata",
    "ProjectMetadataError",
    "ProjectPipelines",
    "RunRecord",
    "RunRecordError",
    "RunStore",
    "SessionError",
    "SettingsError",
    "find_pipelines",
    "find_project_root",
    "read_metadata",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'kedro_nb.project' has no attribute {name!r}")
    value = getattr(import_module(f"kedro_nb.project.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
