"""``tracking.MetricsDataset``: a flat dict of numbers saved as JSON, versioned like Kedro's."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kedro_nb.io import DataCatalog, DatasetError


def catalog(tmp_path: Path, **entry: object) -> DataCatalog:
    config = {"type": "tracking.MetricsDataset", "filepath": str(tmp_path / "metrics.json")}
    return DataCatalog.from_config({"metrics": {**config, **entry}}, save_version="v1")


def test_saves_numbers_as_json_and_loads_them_back(tmp_path: Path) -> None:
    metrics = catalog(tmp_path)
    metrics.save("metrics", {"r2": np.float64(0.91), "n": 12, "mae": 3.25})
    assert json.loads((tmp_path / "metrics.json").read_text()) == {"r2": 0.91, "n": 12, "mae": 3.25}
    assert metrics.load("metrics") == {"r2": 0.91, "n": 12, "mae": 3.25}


def test_versioned_saves_keep_every_run(tmp_path: Path) -> None:
    first = catalog(tmp_path, versioned=True)
    first.save("metrics", {"r2": 0.5})
    second = DataCatalog.from_config(
        {
            "metrics": {
                "type": "tracking.MetricsDataset",
                "filepath": str(tmp_path / "metrics.json"),
                "versioned": True,
            }
        },
        save_version="v2",
    )
    second.save("metrics", {"r2": 0.7})
    assert second.load("metrics") == {"r2": 0.7}
    assert second.load("metrics", version="v1") == {"r2": 0.5}
    assert (tmp_path / "metrics.json" / "v1" / "metrics.json").is_file()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([0.5], "got list"),
        ({"r2": "high"}, "'r2' must be a number"),
        ({"nested": {"a": 1}}, "'nested' must be a number"),
        ({"ok": True}, "'ok' must be a number"),
        ({"r2": float("nan")}, "not a finite number"),
    ],
)
def test_refuses_what_is_not_a_flat_dict_of_numbers(
    tmp_path: Path, data: object, message: str
) -> None:
    with pytest.raises(DatasetError, match=message):
        catalog(tmp_path).save("metrics", data)
    assert not (tmp_path / "metrics.json").exists()  # nothing half-written
