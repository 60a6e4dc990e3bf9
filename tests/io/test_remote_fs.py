"""Credentials and fs_args reach the fsspec file system of a remote-style protocol.

A small file system registered under its own protocol stands in for s3/gcs: it is a real
fsspec implementation (memory-backed) that insists on the right key, like a cloud store.
"""

from __future__ import annotations

import traceback
from typing import Any, ClassVar

import fsspec
import pandas as pd
import pytest
from fsspec.implementations.memory import MemoryFileSystem

from kedro_nb.io import DataCatalog, DatasetError

SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"


class KeyedFileSystem(MemoryFileSystem):
    """Memory file system that refuses to start without the right key."""

    protocol = "kntest"
    seen: ClassVar[list[dict[str, Any]]] = []
    store: ClassVar[dict[str, Any]] = {}  # its own storage, apart from memory://
    pseudo_dirs: ClassVar[list[str]] = [""]

    def __init__(self, key: str | None = None, region: str | None = None, **kwargs: Any):
        if key != SECRET:
            raise PermissionError(f"access denied for key {key!r}")
        KeyedFileSystem.seen.append({"region": region, **kwargs})
        super().__init__(**kwargs)


@pytest.fixture(autouse=True)
def _registered() -> None:
    fsspec.register_implementation("kntest", KeyedFileSystem, clobber=True)
    KeyedFileSystem.seen.clear()
    KeyedFileSystem.store.clear()


def test_credentials_and_fs_args_reach_the_file_system() -> None:
    catalog = DataCatalog.from_config(
        {
            "cars": {
                "type": "pandas.CSVDataset",
                "filepath": "kntest://bucket/cars.csv",
                "credentials": "cloud",
                "fs_args": {"region": "eu-west-1"},
                "versioned": True,
            }
        },
        credentials={"cloud": {"key": SECRET}},
    )
    frame = pd.DataFrame({"a": [1, 2]})
    catalog.save("cars", frame)
    assert catalog.load("cars").equals(frame)
    assert KeyedFileSystem.seen and KeyedFileSystem.seen[0]["region"] == "eu-west-1"
    assert catalog["cars"].list_versions() == [catalog.save_version]
    assert SECRET not in repr(catalog["cars"]) + str(catalog.describe_datasets())


def test_wrong_credentials_error_is_scrubbed() -> None:
    catalog = DataCatalog.from_config(
        {
            "cars": {
                "type": "pandas.CSVDataset",
                "filepath": "kntest://bucket/cars.csv",
                "credentials": "cloud",
            }
        },
        credentials={"cloud": {"key": SECRET[::-1]}},
    )
    with pytest.raises(DatasetError) as info:
        catalog.load("cars")
    rendered = "".join(traceback.format_exception(info.value))
    assert "access denied" in rendered
    assert SECRET[::-1] not in rendered
