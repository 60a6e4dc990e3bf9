"""Custom datasets written for Kedro 1.x, in both styles, under Kedro and under kedro-nb."""

from __future__ import annotations

import json
import pickle
import time
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from .conftest import KEDRO, OURS, Api

FS_HELPERS = {
    "kedro": "kedro.io.core",
    "kedro_nb": "kedro_nb.io",
}


def _helpers(api: Api) -> Any:
    import importlib

    return importlib.import_module(FS_HELPERS[api.name])


def json_dataset_classes(api: Api) -> dict[str, type]:
    """The docs' custom dataset, written three ways against ``api``."""
    helpers = _helpers(api)
    get_protocol_and_path, get_filepath_str = (
        helpers.get_protocol_and_path,
        helpers.get_filepath_str,
    )
    AbstractDataset = api.io.AbstractDataset
    AbstractVersionedDataset = api.io.AbstractVersionedDataset

    class PublicStyle(AbstractDataset[dict, dict]):  # Kedro 1.x docs: load / save / _describe
        def __init__(self, filepath: str, indent: int = 2, metadata: dict | None = None):
            protocol, path = get_protocol_and_path(filepath)
            self._protocol = protocol
            self._filepath = PurePosixPath(path)
            self._indent = indent
            self.metadata = metadata

        def load(self) -> dict:
            path = get_filepath_str(self._filepath, self._protocol)
            return json.loads(Path(path).read_text())

        def save(self, data: dict) -> None:
            path = get_filepath_str(self._filepath, self._protocol)
            Path(path).write_text(json.dumps(data, indent=self._indent))

        def _exists(self) -> bool:
            return Path(self._filepath.as_posix()).exists()

        def _describe(self) -> dict[str, Any]:
            return {"filepath": self._filepath, "indent": self._indent}

    class PrivateStyle(AbstractDataset):  # the older _load / _save
        def __init__(self, filepath: str):
            self._filepath = PurePosixPath(filepath)

        def _load(self) -> dict:
            return json.loads(Path(self._filepath).read_text())

        def _save(self, data: dict) -> None:
            Path(self._filepath).write_text(json.dumps(data))

        def _exists(self) -> bool:
            return Path(self._filepath).exists()

        def _describe(self) -> dict[str, Any]:
            return {"filepath": self._filepath}

    class Versioned(AbstractVersionedDataset[dict, dict]):  # versioned, Kedro 1.x docs
        def __init__(self, filepath: str, version=None):
            protocol, path = get_protocol_and_path(filepath, version)
            self._protocol = protocol
            super().__init__(
                filepath=PurePosixPath(path),
                version=version,
                exists_function=lambda p: Path(p).exists(),
                glob_function=lambda pattern: sorted(str(p) for p in Path("/").glob(pattern[1:])),
            )

        def load(self) -> dict:
            path = get_filepath_str(self._get_load_path(), self._protocol)
            return json.loads(Path(path).read_text())

        def save(self, data: dict) -> None:
            path = Path(get_filepath_str(self._get_save_path(), self._protocol))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data))

        def _exists(self) -> bool:
            return Path(get_filepath_str(self._get_load_path(), self._protocol)).exists()

        def _describe(self) -> dict[str, Any]:
            return {"filepath": self._filepath, "version": self._version}

    return {"PublicStyle": PublicStyle, "PrivateStyle": PrivateStyle, "Versioned": Versioned}


def _round_trip(api: Api, kind: str, folder: Path) -> dict[str, Any]:
    cls = json_dataset_classes(api)[kind]
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "Versioned":
        dataset = cls(str(folder / "x.json"), version=api.io.Version(None, None))
    else:
        dataset = cls(str(folder / "x.json"))
    before = dataset.exists()
    dataset.save({"a": 1})
    after = dataset.exists()
    loaded = dataset.load()
    time.sleep(0.005)  # versions are millisecond timestamps: two saves, two versions
    catalog = api.io.DataCatalog({"mine": dataset})
    catalog.save("mine", {"b": 2})
    from_catalog = catalog.load("mine")
    return {
        "before": before,
        "after": after,
        "loaded": loaded,
        "from_catalog": from_catalog,
        "repr": repr(dataset).split("(", 1)[1],
        "exists_in_catalog": catalog.exists("mine"),
    }


@pytest.mark.parametrize("kind", ["PublicStyle", "PrivateStyle", "Versioned"])
def test_custom_dataset_round_trip(tmp_path: Path, kind: str) -> None:
    theirs = _round_trip(KEDRO, kind, tmp_path / "kedro")
    ours = _round_trip(OURS, kind, tmp_path / "ours")
    theirs["repr"] = theirs["repr"].replace(str(tmp_path / "kedro"), "<dir>")
    ours["repr"] = ours["repr"].replace(str(tmp_path / "ours"), "<dir>")
    assert ours == theirs


def test_versioned_saves_make_new_versions_and_loads_see_them(tmp_path: Path) -> None:
    results = []
    for api in (KEDRO, OURS):
        cls = json_dataset_classes(api)["Versioned"]
        dataset = cls(str(tmp_path / api.name / "v.json"), version=api.io.Version(None, None))
        dataset.save({"n": 1})
        first = dataset.load()
        time.sleep(0.01)
        dataset.save({"n": 2})
        second = dataset.load()
        versions = sorted(p.name for p in (tmp_path / api.name / "v.json").iterdir())
        results.append((first, second, len(versions)))
    assert results[0] == results[1] == ({"n": 1}, {"n": 2}, 2)


def test_missing_methods_refused_at_instantiation() -> None:
    for api in (KEDRO, OURS):

        class OnlyDescribe(api.io.AbstractDataset):
            def _describe(self):
                return {}

        with pytest.raises(TypeError, match="abstract class OnlyDescribe"):
            OnlyDescribe()


def test_saving_none_is_refused_in_both_styles(tmp_path: Path) -> None:
    for api in (KEDRO, OURS):
        for kind in ("PublicStyle", "PrivateStyle"):
            dataset = json_dataset_classes(api)[kind](str(tmp_path / f"{api.name}{kind}.json"))
            catalog = api.io.DataCatalog({"d": dataset})
            with pytest.raises(api.io.DatasetError, match="None"):
                catalog.save("d", None)


def test_load_errors_become_dataset_errors_in_the_catalog(tmp_path: Path) -> None:
    for api in (KEDRO, OURS):
        for kind in ("PublicStyle", "PrivateStyle"):
            dataset = json_dataset_classes(api)[kind](str(tmp_path / "absent.json"))
            catalog = api.io.DataCatalog({"d": dataset})
            with pytest.raises(api.io.DatasetError):
                catalog.load("d")


def test_subclasses_are_subscriptable_generics() -> None:
    for api in (KEDRO, OURS):
        alias = api.io.AbstractDataset[int, str]
        versioned = api.io.AbstractVersionedDataset[int, str]
        assert alias.__origin__ is api.io.AbstractDataset
        assert versioned.__origin__ is api.io.AbstractVersionedDataset


@pytest.mark.parametrize(
    "filepath",
    [
        "data/01_raw/a.csv",
        "/abs/a.csv",
        "file:///tmp/a.csv",
        "s3://bucket/key/a.csv",
        "gcs://bucket/a.parquet",
        "abfs://container/folder/a.csv",
        "https://example.org/data/a.csv",
        "C:\\data\\a.csv",
    ],
)
def test_protocol_and_path_helpers_match(filepath: str) -> None:
    theirs, ours = _helpers(KEDRO), _helpers(OURS)
    protocol, path = theirs.get_protocol_and_path(filepath)
    assert ours.get_protocol_and_path(filepath) == (protocol, path)
    raw = PurePosixPath(path)
    assert ours.get_filepath_str(raw, protocol) == theirs.get_filepath_str(raw, protocol)


def test_http_refuses_versioning_in_both() -> None:
    for api in (KEDRO, OURS):
        with pytest.raises(api.io.DatasetError, match=r"(?i)versioning"):
            _helpers(api).get_protocol_and_path("https://x.org/a.csv", api.io.Version(None, None))


def test_init_config_reports_constructor_arguments(tmp_path: Path) -> None:
    configs = []
    for api in (KEDRO, OURS):
        cls = json_dataset_classes(api)["PublicStyle"]
        dataset = cls(filepath="data/x.json", indent=4, metadata={"owner": "me"})
        config = dataset._init_config()
        config["type"] = config["type"].rsplit(".", 1)[-1]
        configs.append(config)
    assert (
        configs[0]
        == configs[1]
        == {
            "type": "PublicStyle",
            "filepath": "data/x.json",
            "indent": 4,
        }
    )


def test_custom_dataset_pickles(tmp_path: Path) -> None:
    cls = json_dataset_classes(OURS)["PrivateStyle"]
    dataset = cls(str(tmp_path / "x.json"))
    dataset.save({"a": 1})
    # a class defined in a function cannot pickle by reference; cloudpickle ships it by value
    import cloudpickle

    copy = pickle.loads(cloudpickle.dumps(dataset))
    assert copy.load() == {"a": 1}
