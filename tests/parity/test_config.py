"""Config loader parity: ``OmegaConfigLoader`` code run against kedro-nb's ``ConfigLoader``."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from .conftest import KEDRO, OURS, Api


def _loader_class(api: Api) -> Any:
    return api.config.OmegaConfigLoader if api.name == "kedro" else api.config.ConfigLoader


def _missing_class(api: Api) -> type:
    return (
        api.config.MissingConfigException if api.name == "kedro" else api.config.MissingConfigError
    )


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    def write(rel: str, text: str) -> None:
        path = tmp_path / "proj" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    write("base/parameters.yml", "x: 1\ny: 2\n")
    write("base/catalog.yml", "a:\n  type: MemoryDataset\n")
    write("prod/parameters.yml", "y: 3\n")
    (tmp_path / "proj" / "local").mkdir()
    write("../flat/catalog.yml", "a:\n  type: MemoryDataset\n")
    write("../flat/parameters.yml", "x: 1\n")
    return tmp_path


def _probe(api: Api, root: Path) -> dict[str, Any]:
    Loader = _loader_class(api)
    project = {"base_env": "base", "default_run_env": "local"}
    proj, flat = str(root / "proj"), str(root / "flat")
    seen: dict[str, Any] = {}
    seen["flat"] = (Loader(flat)["parameters"], Loader(flat)["catalog"])
    seen["flat env"] = Loader(flat).env
    seen["project"] = Loader(proj, **project)["parameters"]
    seen["env prod"] = Loader(proj, env="prod", **project)["parameters"]
    seen["positional runtime_params"] = Loader(proj, "prod", {"y": 9}, **project)["parameters"]
    seen["default_run_env"] = Loader(proj, base_env="base", default_run_env="prod")["parameters"]
    loader = Loader(proj, **project)
    seen["attributes"] = (loader.env, loader.base_env, loader.default_run_env)
    seen["in before"] = ("catalog" in loader, "parameters" in loader)
    loader["catalog"]
    seen["in after load"] = "catalog" in loader
    loader["parameters"] = {"z": 1}
    seen["in after set"] = ("parameters" in loader, loader["parameters"])
    seen["keys"] = sorted(loader.keys())
    seen["get default"] = loader.get("spark", "default")
    with pytest.raises(KeyError):
        loader["spark"]
    with pytest.raises(_missing_class(api)):
        Loader(proj, env="nope", **project)["parameters"]
    with pytest.raises(_missing_class(api)):
        Loader(str(root / "nowhere"), **project)["parameters"]
    with pytest.raises(_missing_class(api)):
        Loader(proj, **project)["credentials"]  # no credentials file
    return seen


def test_config_loader_matches_omegaconfigloader(conf: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # omegaconf's deprecation notes under Kedro
        theirs = _probe(KEDRO, conf)
    ours = _probe(OURS, conf)
    assert ours == theirs


def test_abstract_config_loader_subclass() -> None:
    """A custom loader written against Kedro's base class works the same on ours."""
    for api in (KEDRO, OURS):

        class Fixed(api.config.AbstractConfigLoader):
            def __getitem__(self, key: str) -> dict:
                return {"key": key, "env": self.env}

        loader = Fixed("conf", env="dev")
        assert loader["catalog"] == {"key": "catalog", "env": "dev"}
        assert (loader.conf_source, loader.runtime_params) == ("conf", {})
        assert loader.get("parameters") == {"key": "parameters", "env": "dev"}
