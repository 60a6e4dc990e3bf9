"""Transcoding: ``name@format`` refers to dataset ``name`` read or written as ``format``.

Nodes connect through the part before ``@``, so ``a@pandas`` written by one node feeds a node
reading ``a@spark``.
"""

from __future__ import annotations

from kedro_nb.pipeline._errors import TranscodingError

TRANSCODING_SEPARATOR = "@"


def transcode_split(name: str) -> tuple[str, str]:
    """Split ``name@format`` into ``(name, format)``; ``format`` is ``""`` when absent.

    Raises:
        TranscodingError: when ``name`` holds more than one separator.
    """
    base, sep, fmt = name.partition(TRANSCODING_SEPARATOR)
    if sep and TRANSCODING_SEPARATOR in fmt:
        raise TranscodingError(
            f"Dataset name '{name}' has {name.count(TRANSCODING_SEPARATOR)} '@' separators; "
            f"at most one is allowed ('name@format'). Rename the dataset."
        )
    return base, fmt


def strip_transcoding(name: str) -> str:
    """Return the dataset name without its ``@format`` suffix (``a@pandas`` -> ``a``)."""
    if TRANSCODING_SEPARATOR not in name:
        return name
    return transcode_split(name)[0]
