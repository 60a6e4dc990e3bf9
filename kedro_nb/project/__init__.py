"""Projects: finding the root, settings, the pipeline registry, the session and run records."""

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
