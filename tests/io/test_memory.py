"""MemoryDataset: copy modes and Kedro's default copy rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kedro_nb.io import DatasetError, MemoryDataset, is_ephemeral
from kedro_nb.io.memory import infer_copy_mode


def test_default_deepcopy_isolates_nested_objects() -> None:
    data = {"a": [1, 2]}
    dataset = MemoryDataset(data)
    data["a"].append(3)
    loaded = dataset.load()
    assert loaded == {"a": [1, 2]}
    loaded["a"].append(4)
    assert dataset.load() == {"a": [1, 2]}


def test_dataframe_and_ndarray_use_copy() -> None:
    frame = pd.DataFrame({"x": [1, 2]})
    assert infer_copy_mode(frame) == "copy"
    assert infer_copy_mode(np.arange(3)) == "copy"
    dataset = MemoryDataset(frame)
    frame.loc[0, "x"] = 99
    assert dataset.load()["x"].tolist() == [1, 2]


def test_other_dataframe_types_are_assigned() -> None:
    class DataFrame:  # stands for Spark/Polars frames, which Kedro assigns
        pass

    obj = DataFrame()
    assert infer_copy_mode(obj) == "assign"
    assert MemoryDataset(obj).load() is obj


@pytest.mark.parametrize(("mode", "same"), [("assign", True), ("copy", False), ("deepcopy", False)])
def test_explicit_copy_modes(mode: str, same: bool) -> None:
    data = [1, 2]
    assert (MemoryDataset(data, copy_mode=mode).load() is data) is same  # type: ignore[arg-type]


def test_invalid_copy_mode_is_rejected() -> None:
    with pytest.raises(DatasetError, match=r"copy_mode 'clone'.*deepcopy, copy, assign"):
        MemoryDataset(copy_mode="clone")  # type: ignore[arg-type]


def test_empty_load_exists_release() -> None:
    dataset = MemoryDataset()
    assert not dataset.exists()
    with pytest.raises(DatasetError, match="has not been saved yet"):
        dataset.load()
    dataset.save(5)
    assert dataset.exists()
    dataset.release()
    assert not dataset.exists()


def test_save_none_is_refused() -> None:
    with pytest.raises(DatasetError, match="Saving 'None'"):
        MemoryDataset().save(None)


def test_repr_and_ephemeral() -> None:
    dataset = MemoryDataset({"a": 1}, metadata={"owner": "me"})
    assert repr(dataset) == "kedro_nb.io.memory.MemoryDataset(data='<dict>')"
    assert is_ephemeral(dataset)
    assert dataset.metadata == {"owner": "me"}


def test_kedro_memory_dataset_is_ephemeral() -> None:
    from kedro.io import MemoryDataset as KedroMemoryDataset

    assert is_ephemeral(KedroMemoryDataset())
