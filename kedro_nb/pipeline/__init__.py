"""Nodes and pipelines with Kedro 1.7's API: ``node``, ``Node``, ``Pipeline``, ``pipeline``."""

from kedro_nb.pipeline._errors import (
    CircularDependencyError,
    ConfirmNotUniqueError,
    DuplicateNodeNameError,
    EmptyPipelineError,
    ModularPipelineError,
    NodeDefinitionError,
    NodeInputsError,
    NodeOutputError,
    NodeSignatureError,
    OutputNotUniqueError,
    PipelineError,
    TranscodingError,
    UnknownDatasetError,
    UnknownNamespaceError,
    UnknownNodeError,
)
from kedro_nb.pipeline._node import Node, node
from kedro_nb.pipeline._pipeline import GroupedNodes, Pipeline, pipeline
from kedro_nb.pipeline._slicing import SliceOptions
from kedro_nb.pipeline._transcoding import TRANSCODING_SEPARATOR, strip_transcoding, transcode_split

__all__ = [
    "TRANSCODING_SEPARATOR",
    "CircularDependencyError",
    "ConfirmNotUniqueError",
    "DuplicateNodeNameError",
    "EmptyPipelineError",
    "GroupedNodes",
    "ModularPipelineError",
    "Node",
    "NodeDefinitionError",
    "NodeInputsError",
    "NodeOutputError",
    "NodeSignatureError",
    "OutputNotUniqueError",
    "Pipeline",
    "PipelineError",
    "SliceOptions",
    "TranscodingError",
    "UnknownDatasetError",
    "UnknownNamespaceError",
    "UnknownNodeError",
    "node",
    "pipeline",
    "strip_transcoding",
    "transcode_split",
]
