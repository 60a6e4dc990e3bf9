"""Nodes and pipelines with Kedro 1.7's API: ``node``, ``Node``, ``Pipeline``, ``pipeline``."""

from ._errors import (
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
from ._node import Node, node
from ._pipeline import GroupedNodes, Pipeline, pipeline
from ._slicing import SliceOptions
from ._transcoding import TRANSCODING_SEPARATOR, strip_transcoding, transcode_split

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
