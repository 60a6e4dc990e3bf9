"""Exceptions raised by :mod:`kedro_nb.pipeline`.

Every failure has its own class under :class:`PipelineError`, so callers can catch the whole
family or one precise case. Classes that correspond to a ``ValueError``/``TypeError`` in Kedro
also inherit from that builtin, so code written against Kedro's behaviour keeps working.
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base class of every error raised by ``kedro_nb.pipeline``."""


class NodeDefinitionError(PipelineError, ValueError):
    """Raised by ``node()``/``Node()`` when the arguments do not describe a valid node.

    Examples: ``func`` is not callable, inputs/outputs are neither ``None``, ``str``, ``list``
    nor ``dict``, no inputs and no outputs, a bad node name or tag, duplicate outputs, or an
    input that is also an output.
    """


class NodeSignatureError(PipelineError, TypeError):
    """Raised by ``node()``/``Node()`` when the declared inputs cannot be bound to the
    function's signature (too many, too few, or unknown keyword names)."""


class NodeInputsError(PipelineError, ValueError):
    """Raised by ``Node.run()`` when the given inputs do not match the node's declared inputs."""


class NodeOutputError(PipelineError, ValueError):
    """Raised by ``Node.run()`` when the function returns a value whose shape does not match
    the declared outputs (wrong type, wrong number of items, wrong dictionary keys)."""


class TranscodingError(PipelineError, ValueError):
    """Raised when a dataset name has more than one ``@`` separator, or when a pipeline refers
    to one dataset both with and without a transcoding suffix (``a`` and ``a@pandas``)."""


class DuplicateNodeNameError(PipelineError, ValueError):
    """Raised by ``Pipeline()`` and the pipeline operators when two different nodes share
    a name, or when the same node is listed twice in one ``Pipeline([...])`` call."""


class OutputNotUniqueError(PipelineError):
    """Raised by ``Pipeline()`` and the operators when two nodes write the same dataset
    (transcoded forms of one dataset count as the same dataset)."""


class ConfirmNotUniqueError(PipelineError):
    """Raised by ``Pipeline()`` and the operators when two nodes confirm the same dataset."""


class CircularDependencyError(PipelineError):
    """Raised by ``Pipeline()`` and the operators when the nodes form a cycle, so no
    execution order exists. The message spells the cycle out node by node, with datasets."""


class UnknownNodeError(PipelineError, ValueError):
    """Raised by ``only_nodes``/``from_nodes``/``to_nodes``/``filter`` when a node name is not
    part of the pipeline."""


class UnknownDatasetError(PipelineError, ValueError):
    """Raised by ``from_inputs``/``to_outputs``/``only_nodes_with_inputs``/
    ``only_nodes_with_outputs`` and by ``pipeline()`` when a dataset name is not used by the
    pipeline."""


class UnknownNamespaceError(PipelineError, ValueError):
    """Raised by ``only_nodes_with_namespaces`` when no node lives in a requested namespace."""


class EmptyPipelineError(PipelineError, ValueError):
    """Raised by ``Pipeline.filter`` when the combined filters select no node."""


class ModularPipelineError(PipelineError):
    """Raised by ``pipeline()`` when ``inputs``/``outputs``/``parameters`` do not fit the
    wrapped pipeline (for example an ``inputs`` entry that another node produces)."""
