"""Built-in file datasets on local disk and ``memory://``: formats, args, errors, atomicity."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Any

import fsspec
import pandas as pd
import pytest

from kedro_nb.io import DataCatalog, DatasetError, DatasetFileNotFoundError

FRAME = pd.DataFrame({"id": [1, 2, 3], "name": ["a", "b", "c"]})

FORMATS: list[tuple[str, str, Any]] = [
    ("pandas.CSVDataset", "t.csv", FRAME),
    ("pandas.ParquetDataset", "t.parquet", FRAME),
    ("pandas.JSONDataset", "t.json", FRAME),
    ("pandas.FeatherDataset", "t.feather", FRAME),
    ("pandas.ExcelDataset", "t.xlsx", FRAME),
    ("pickle.PickleDataset", "t.pkl", {"nested": [1, (2, 3)]}),
    ("json.JSONDataset", "t.json", {"a": [1, 2], "b": None}),
    ("yaml.YAMLDataset", "t.yml", {"a": [1, 2], "b": {"c": "d"}}),
    ("text.TextDataset", "t.txt", "héllo\nworld\n"),
]


def _equal(left: Any, right: Any) -> bool:
    return left.equals(right) if isinstance(left, pd.DataFrame) else left == right


@pytest.fixture(params=["local", "memory"])
def root(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "local":
        return str(tmp_path / "data")
    return f"memory://kedro-nb-tests/{uuid.uuid4().hex}"


@pytest.mark.parametrize(("dataset_type", "filename", "data"), FORMATS, ids=[f[0] for f in FORMATS])
def test_roundtrip(root: str, dataset_type: str, filename: str, data: Any) -> None:
    catalog = DataCatalog.from_config(
        {
            "d": {
                "type": dataset_type,
                "filepath": f"{root}/sub/{filename}",
                "metadata": {"owner": "team"},
            }
        }
    )
    assert not catalog.exists("d")
    catalog.save("d", data)
    assert catalog.exists("d")
    assert _equal(catalog.load("d"), data)
    assert catalog["d"].metadata == {"owner": "team"}


def test_load_and_save_args_reach_pandas(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    catalog = DataCatalog.from_config(
        {
            "d": {
                "type": "pandas.CSVDataset",
                "filepath": str(path),
                "save_args": {"sep": ";"},
                "load_args": {"sep": ";", "usecols": ["name"]},
            }
        }
    )
    catalog.save("d", FRAME)
    assert path.read_text().splitlines()[0] == "id;name"
    assert catalog.load("d").columns.tolist() == ["name"]


def test_csv_default_drops_index_like_kedro(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {"d": {"type": "pandas.CSVDataset", "filepath": str(tmp_path / "x.csv")}}
    )
    catalog.save("d", FRAME)
    assert (tmp_path / "x.csv").read_text().splitlines()[0] == "id,name"


def test_fs_args_open_args_control_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    catalog = DataCatalog.from_config(
        {
            "d": {
                "type": "text.TextDataset",
                "filepath": str(path),
                "fs_args": {
                    "open_args_save": {"encoding": "latin-1"},
                    "open_args_load": {"encoding": "latin-1"},
                },
            }
        }
    )
    catalog.save("d", "café")
    assert path.read_bytes() == "café".encode("latin-1")
    assert catalog.load("d") == "café"


def test_missing_file_error_names_dataset_path_and_hint(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    catalog = DataCatalog.from_config(
        {"companies": {"type": "pandas.CSVDataset", "filepath": str(path)}}
    )
    with pytest.raises(DatasetFileNotFoundError) as info:
        catalog.load("companies")
    message = str(info.value)
    assert "Dataset 'companies'" in message
    assert str(path) in message
    assert "Hint:" in message


def test_missing_file_on_memory_protocol() -> None:
    catalog = DataCatalog.from_config(
        {"j": {"type": "json.JSONDataset", "filepath": "memory://nowhere/x.json"}}
    )
    with pytest.raises(DatasetFileNotFoundError, match=re.escape("memory://nowhere/x.json")):
        catalog.load("j")


def test_failed_local_save_keeps_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {"p": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "m.pkl")}}
    )
    catalog.save("p", {"v": 1})

    class Unpicklable:
        def __reduce__(self) -> Any:
            raise RuntimeError("cannot pickle this")

    with pytest.raises(DatasetError, match="cannot pickle this"):
        catalog.save("p", Unpicklable())
    assert catalog.load("p") == {"v": 1}
    assert sorted(os.listdir(tmp_path)) == ["m.pkl"]


def test_saved_file_has_normal_permissions(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {"t": {"type": "text.TextDataset", "filepath": str(tmp_path / "t.txt")}}
    )
    catalog.save("t", "x")
    reference = tmp_path / "reference.txt"
    reference.write_text("x")
    assert (tmp_path / "t.txt").stat().st_mode == reference.stat().st_mode


def test_cloudpickle_backend_saves_notebook_functions(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {
            "f": {
                "type": "pickle.PickleDataset",
                "filepath": str(tmp_path / "f.pkl"),
                "backend": "cloudpickle",
            }
        }
    )
    offset = 10
    catalog.save("f", lambda x: x + offset)
    assert catalog.load("f")(1) == 11


def test_unknown_pickle_backend_is_a_config_error(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {
            "f": {
                "type": "pickle.PickleDataset",
                "filepath": str(tmp_path / "f.pkl"),
                "backend": "no_such_pickler",
            }
        }
    )
    with pytest.raises(DatasetError, match="backend 'no_such_pickler'"):
        catalog["f"]


@pytest.mark.parametrize(
    ("dataset_type", "data", "expected"),
    [
        ("text.TextDataset", 3, "saves str"),
        ("pandas.CSVDataset", {"a": 1}, "saves a pandas DataFrame"),
        ("pandas.ParquetDataset", FRAME, "partition_cols"),
    ],
)
def test_wrong_data_is_a_clear_error(
    tmp_path: Path, dataset_type: str, data: Any, expected: str
) -> None:
    config: dict[str, Any] = {"type": dataset_type, "filepath": str(tmp_path / "x")}
    if expected == "partition_cols":
        config["save_args"] = {"partition_cols": ["id"]}
    catalog = DataCatalog.from_config({"d": config})
    with pytest.raises(DatasetError, match=expected):
        catalog.save("d", data)


def test_excel_dict_of_frames_saves_sheets(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {
            "x": {
                "type": "pandas.ExcelDataset",
                "filepath": str(tmp_path / "b.xlsx"),
                "load_args": {"sheet_name": None},
            }
        }
    )
    catalog.save("x", {"one": FRAME, "two": FRAME.head(1)})
    loaded = catalog.load("x")
    assert list(loaded) == ["one", "two"]
    assert loaded["two"].equals(FRAME.head(1))


def test_our_files_load_with_kedro_datasets_and_back(tmp_path: Path) -> None:
    from kedro_datasets.json import JSONDataset as KJSON
    from kedro_datasets.pandas import ParquetDataset as KParquet
    from kedro_datasets.pickle import PickleDataset as KPickle

    catalog = DataCatalog.from_config(
        {
            "pq": {"type": "pandas.ParquetDataset", "filepath": str(tmp_path / "a.parquet")},
            "pk": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "a.pkl")},
            "js": {"type": "json.JSONDataset", "filepath": str(tmp_path / "a.json")},
        }
    )
    catalog.save("pq", FRAME)
    catalog.save("pk", {"k": 1})
    catalog.save("js", {"k": [1]})
    assert KParquet(filepath=str(tmp_path / "a.parquet")).load().equals(FRAME)
    assert KPickle(filepath=str(tmp_path / "a.pkl")).load() == {"k": 1}
    assert KJSON(filepath=str(tmp_path / "a.json")).load() == {"k": [1]}
    KJSON(filepath=str(tmp_path / "b.json")).save({"z": 2})
    assert DataCatalog.from_config(
        {"b": {"type": "json.JSONDataset", "filepath": str(tmp_path / "b.json")}}
    ).load("b") == {"z": 2}


def test_unknown_protocol_is_clear() -> None:
    catalog = DataCatalog.from_config(
        {"d": {"type": "text.TextDataset", "filepath": "nosuchproto://bucket/x.txt"}}
    )
    with pytest.raises(DatasetError, match="protocol 'nosuchproto'"):
        catalog.load("d")


def teardown_module() -> None:
    fs = fsspec.filesystem("memory")
    if fs.exists("/kedro-nb-tests"):
        fs.rm("/kedro-nb-tests", recursive=True)


def test_missing_fsspec_backend_names_the_package_to_install() -> None:
    import importlib.util

    protocol, package = next(
        (
            (p, m)
            for p, m in [("gcs", "gcsfs"), ("s3", "s3fs"), ("abfs", "adlfs")]
            if importlib.util.find_spec(m) is None
        ),
        (None, None),
    )
    if protocol is None:
        pytest.skip("every cloud backend is installed here; nothing is missing to report")
    catalog = DataCatalog.from_config(
        {"d": {"type": "text.TextDataset", "filepath": f"{protocol}://bucket/x.txt"}}
    )
    with pytest.raises(DatasetError, match=f"(?s)Dataset 'd'.*'{protocol}'.*{package}"):
        catalog.load("d")


@pytest.mark.parametrize(("dataset_type", "filename", "data"), FORMATS, ids=[f[0] for f in FORMATS])
def test_used_datasets_pickle_for_worker_processes(
    tmp_path: Path, dataset_type: str, filename: str, data: Any
) -> None:
    import pickle

    catalog = DataCatalog.from_config(
        {"d": {"type": dataset_type, "versioned": True, "filepath": str(tmp_path / filename)}}
    )
    catalog.save("d", data)
    clone = pickle.loads(pickle.dumps(catalog["d"]))
    assert _equal(clone.load(), data)
