"""Short words for a value held in memory: what it is and what it costs.

Used where the notebook says what it loaded (``%load_node``) and what the kernel keeps between
runs (the catalog display). Sizes are estimates that never copy the data: exact for pandas and
NumPy (their own byte counts), the container and its items one level deep otherwise.
"""

from __future__ import annotations

import sys
from typing import Any

_UNITS = ("B", "KB", "MB", "GB", "TB")


def value_summary(value: Any) -> str:
    """``DataFrame 1,000 x 3``, ``list of 4``, ``dict of 2``, ``int``."""
    kind = type(value).__name__
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple) and shape and all(isinstance(n, int) for n in shape):
        return f"{kind} {' x '.join(f'{n:,}' for n in shape)}"
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        return f"{kind} of {len(value):,}"
    return kind


def memory_size(value: Any) -> int:
    """Bytes ``value`` holds, estimated without copying it."""
    usage = getattr(value, "memory_usage", None)
    if callable(usage) and type(value).__module__.startswith("pandas"):
        try:
            total = usage(deep=True)
            return int(total.sum()) if hasattr(total, "sum") else int(total)
        except Exception:  # an odd pandas object: fall through to the rough count
            pass
    nbytes = getattr(value, "nbytes", None)
    if isinstance(nbytes, int):
        return nbytes
    size = sys.getsizeof(value, 0)
    if isinstance(value, dict):
        size += sum(sys.getsizeof(k, 0) + sys.getsizeof(v, 0) for k, v in value.items())
    elif isinstance(value, (list, tuple, set, frozenset)):
        size += sum(sys.getsizeof(item, 0) for item in value)
    return size


def human_bytes(size: int) -> str:
    """``512 B``, ``1.5 KB``, ``12.3 MB`` (powers of 1024)."""
    amount = float(size)
    for unit in _UNITS:
        if amount < 1024 or unit == _UNITS[-1]:
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{size} B"
