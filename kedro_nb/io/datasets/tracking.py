"""``MetricsDataset``: a run's metrics, a flat mapping of names to numbers saved as JSON.

Kedro's former ``tracking.MetricsDataset`` (kedro-datasets), kept under its name so catalogs
written for it work unchanged. kedro-nb records the values of every metrics dataset a run saves
in the run's record (``kedro-nb runs``); ``versioned: true`` keeps each run's file as well.
"""

from __future__ import annotations

import json
import math
from numbers import Real
from typing import Any, ClassVar

from kedro_nb.io.datasets.json import JSONDataset
from kedro_nb.io.errors import DatasetError

__all__ = ["MetricsDataset"]


class MetricsDataset(JSONDataset):
    """``{"r2": 0.91, "mae": 3.2}`` at ``filepath``. Saving anything but a flat mapping of
    string keys to numbers fails with a ``DatasetError`` naming the offending key."""

    DEFAULT_SAVE_ARGS: ClassVar[dict[str, Any]] = {"indent": 2}

    def _write(self, path: str, data: Any) -> None:
        super()._write(path, _check_metrics(data))


def _check_metrics(data: Any) -> dict[str, float]:
    if not isinstance(data, dict):
        raise DatasetError(
            f"MetricsDataset saves a dict of metric names to numbers, got {type(data).__name__}."
        )
    checked: dict[str, float] = {}
    for key, value in data.items():
        if not isinstance(key, str) or isinstance(value, bool) or not isinstance(value, Real):
            raise DatasetError(
                f"MetricsDataset: metric {key!r} must be a number under a string name, got "
                f"{type(value).__name__} {value!r}. Save nested or non-numeric results with "
                "json.JSONDataset."
            )
        number = float(value)
        if not math.isfinite(number):
            raise DatasetError(f"MetricsDataset: metric {key!r} is {number}, not a finite number.")
        checked[key] = int(value) if isinstance(value, int) else number
    json.dumps(checked)  # what json.dump will write cannot fail any more
    return checked
