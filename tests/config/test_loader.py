"""ConfigLoader on real conf/ folders written to tmp_path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from config_helpers import PROJECT_ARGS, write

from kedro_nb.config import (
    ConfigInterpolationError,
    ConfigLoader,
    ConfigSourceError,
    ConfigSyntaxError,
    DuplicateConfigKeyError,
    MissingConfigError,
)


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    root = tmp_path / "conf"
    write(root, "base/catalog.yml", "cars:\n  type: pandas.CSVDataset\n  filepath: data/cars.csv\n")
    write(root, "base/parameters.yml", "model:\n  alpha: 0.1\n  features: [a, b]\nseed: 1\n")
    (root / "local").mkdir()
    return root


def test_base_overlaid_by_local_replaces_top_level_keys(conf: Path) -> None:
    write(conf, "local/parameters.yml", "model:\n  alpha: 0.5\n")
    loader = ConfigLoader(conf, **PROJECT_ARGS)
    assert loader.env is None and loader.run_env == "local"  # env as given, as in Kedro
    assert loader["parameters"] == {"model": {"alpha": 0.5}, "seed": 1}


def test_soft_merge_strategy_merges_nested_keys(conf: Path) -> None:
    write(conf, "local/parameters.yml", "model:\n  alpha: 0.5\n")
    loader = ConfigLoader(conf, **PROJECT_ARGS, merge_strategy={"parameters": "soft"})
    assert loader["parameters"]["model"] == {"alpha": 0.5, "features": ["a", "b"]}


def test_kedro_patterns_find_subfolders_and_nested_files(conf: Path) -> None:
    write(conf, "base/catalog/extra.yml", "trucks:\n  type: MemoryDataset\n")
    write(conf, "base/pipelines/ds/catalog_ds.yaml", "boats:\n  type: MemoryDataset\n")
    write(conf, "base/catalog_json.json", '{"planes": {"type": "MemoryDataset"}}')
    write(conf, "base/.hidden/catalog.yml", "hidden:\n  type: MemoryDataset\n")
    write(conf, "base/catalog_notes.txt", "ignored: true\n")
    assert set(ConfigLoader(conf, **PROJECT_ARGS)["catalog"]) == {
        "cars",
        "trucks",
        "boats",
        "planes",
    }


def test_same_key_in_two_files_of_one_env_names_both_files(conf: Path) -> None:
    write(conf, "base/catalog_more.yml", "cars:\n  type: MemoryDataset\n")
    with pytest.raises(DuplicateConfigKeyError) as info:
        ConfigLoader(conf, **PROJECT_ARGS)["catalog"]
    message = str(info.value)
    assert "'cars'" in message
    assert "catalog.yml" in message and "catalog_more.yml" in message


def test_parameter_files_may_share_a_group_but_not_a_leaf(conf: Path) -> None:
    write(conf, "base/parameters_more.yml", "model:\n  beta: 2\n")
    assert ConfigLoader(conf, **PROJECT_ARGS)["parameters"]["model"]["beta"] == 2
    write(conf, "base/parameters_more.yml", "model:\n  alpha: 2\n")
    with pytest.raises(DuplicateConfigKeyError, match=r"model\.alpha"):
        ConfigLoader(conf, **PROJECT_ARGS)["parameters"]


def test_malformed_yaml_names_file_and_line(conf: Path) -> None:
    write(conf, "local/catalog.yml", "ok: 1\nbad: [1, 2\nnext: 3\n")
    with pytest.raises(ConfigSyntaxError) as info:
        ConfigLoader(conf, **PROJECT_ARGS)["catalog"]
    assert "local/catalog.yml" in str(info.value)
    assert "line 2" in str(info.value) or "line 3" in str(info.value)


def test_duplicate_key_in_one_file_names_the_line(conf: Path) -> None:
    write(conf, "local/parameters.yml", "a: 1\nb: 2\na: 3\n")
    with pytest.raises(ConfigSyntaxError, match=r"line 3.*duplicate key a.*Remove or rename"):
        ConfigLoader(conf, **PROJECT_ARGS)["parameters"]


def test_top_level_list_is_rejected(conf: Path) -> None:
    write(conf, "local/parameters.yml", "- 1\n- 2\n")
    with pytest.raises(ConfigSyntaxError, match="mapping"):
        ConfigLoader(conf, **PROJECT_ARGS)["parameters"]


def test_keys_are_loaded_lazily(conf: Path) -> None:
    write(conf, "local/parameters.yml", "broken: [\n")
    loader = ConfigLoader(conf, **PROJECT_ARGS)
    assert "cars" in loader["catalog"]
    with pytest.raises(ConfigSyntaxError):
        loader["parameters"]


def test_globals_and_runtime_params_interpolation(conf: Path) -> None:
    write(conf, "base/globals.yml", "folder: data/01_raw\nfmt: csv\n")
    write(
        conf,
        "local/catalog.yml",
        """\
        trucks:
          type: pandas.CSVDataset
          filepath: ${globals:folder}/trucks.${globals:fmt}
        boats:
          type: MemoryDataset
          copy_mode: ${globals:missing, assign}
        planes:
          filepath: ${runtime_params:planes_path, data/planes.csv}
        """,
    )
    loader = ConfigLoader(conf, **PROJECT_ARGS, runtime_params={"planes_path": "elsewhere.csv"})
    catalog = loader["catalog"]
    assert catalog["trucks"]["filepath"] == "data/01_raw/trucks.csv"
    assert catalog["boats"]["copy_mode"] == "assign"
    assert catalog["planes"]["filepath"] == "elsewhere.csv"
    assert ConfigLoader(conf, **PROJECT_ARGS)["catalog"]["planes"]["filepath"] == "data/planes.csv"


def test_missing_runtime_param_without_default_says_how_to_fix(conf: Path) -> None:
    write(conf, "local/parameters.yml", "threshold: ${runtime_params:threshold}\n")
    with pytest.raises(ConfigInterpolationError) as info:
        ConfigLoader(conf, **PROJECT_ARGS)["parameters"]
    assert "threshold" in str(info.value) and "--params" in str(info.value)
    assert "local/parameters.yml" in str(info.value)


def test_missing_globals_key_without_default_says_how_to_fix(conf: Path) -> None:
    write(conf, "base/globals.yml", "folder: data\n")
    write(conf, "local/parameters.yml", "path: ${globals:bucket}\n")
    with pytest.raises(ConfigInterpolationError) as info:
        ConfigLoader(conf, **PROJECT_ARGS)["parameters"]
    assert "bucket" in str(info.value) and "globals.yml" in str(info.value)
    assert "${globals:bucket, <default>}" in str(info.value)


def test_runtime_params_merge_into_parameters_with_dotted_keys(conf: Path) -> None:
    loader = ConfigLoader(
        conf, **PROJECT_ARGS, runtime_params={"model.alpha": 0.9, "new": {"x": 1}}
    )
    params = loader["parameters"]
    assert params["model"] == {"alpha": 0.9, "features": ["a", "b"]}
    assert params["new"] == {"x": 1}


def test_interpolation_sees_runtime_overrides_and_base_values(conf: Path) -> None:
    write(conf, "local/parameters.yml", "derived: ${seed}\ndouble: ${model.alpha}\n")
    loader = ConfigLoader(conf, **PROJECT_ARGS, runtime_params={"seed": 7})
    assert loader["parameters"]["derived"] == 7


def test_underscore_keys_are_helpers_dropped_from_catalog(conf: Path) -> None:
    write(conf, "local/catalog.yml", "_csv:\n  type: pandas.CSVDataset\nx: ${_csv}\n")
    catalog = ConfigLoader(conf, **PROJECT_ARGS)["catalog"]
    assert "_csv" not in catalog
    assert catalog["x"] == {"type": "pandas.CSVDataset"}


def test_env_variables_only_in_credentials(conf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNB_TEST_TOKEN", "s3cr3t-value")
    write(conf, "local/credentials.yml", "db:\n  token: ${oc.env:KNB_TEST_TOKEN}\n")
    assert ConfigLoader(conf, **PROJECT_ARGS)["credentials"]["db"]["token"] == "s3cr3t-value"
    write(conf, "local/parameters.yml", "token: ${oc.env:KNB_TEST_TOKEN}\n")
    with pytest.raises(ConfigInterpolationError, match="credentials") as info:
        ConfigLoader(conf, **PROJECT_ARGS)["parameters"]
    assert "s3cr3t-value" not in str(info.value)


def test_unknown_env_suggests_close_names(conf: Path) -> None:
    (conf / "staging").mkdir()
    loader = ConfigLoader(conf, **PROJECT_ARGS, env="stagin")
    with pytest.raises(ConfigSourceError, match="staging"):
        loader["catalog"]
    with pytest.raises(ConfigSourceError):
        loader.get("parameters", {})
    with pytest.raises(ConfigSourceError, match="does not exist"):
        ConfigLoader(conf / "nowhere", **PROJECT_ARGS)["catalog"]


def test_missing_default_env_folder_is_fine(conf: Path) -> None:
    (conf / "local").rmdir()
    assert "cars" in ConfigLoader(conf, **PROJECT_ARGS)["catalog"]


def test_no_files_for_key_raises_missing_and_get_returns_default(conf: Path) -> None:
    loader = ConfigLoader(conf, **PROJECT_ARGS)
    with pytest.raises(MissingConfigError, match="credentials"):
        loader["credentials"]
    assert loader.get("credentials", {}) == {}
    with pytest.raises(KeyError, match="catalog"):
        loader["catalogue"]


def test_custom_patterns_and_setitem_override(conf: Path) -> None:
    write(conf, "base/spark.yml", "spark.driver.memory: 2g\n")
    loader = ConfigLoader(conf, **PROJECT_ARGS, config_patterns={"spark": ["spark*"]})
    assert loader["spark"] == {"spark.driver.memory": "2g"}
    loader["parameters"] = {"seed": 3}
    assert loader["parameters"] == {"seed": 3}
    assert [p.name for p in loader.sources("catalog")] == ["catalog.yml"]


def test_standalone_reads_only_the_folder_itself(tmp_path: Path) -> None:
    write(tmp_path, "catalog.yml", "a:\n  type: MemoryDataset\n")
    write(tmp_path, "parameters.yml", "k: 1\n")
    write(tmp_path, "deep/catalog.yml", "b:\n  type: MemoryDataset\n")
    loader = ConfigLoader.standalone(tmp_path, runtime_params={"k": 2})
    assert set(loader["catalog"]) == {"a"}
    assert loader["parameters"] == {"k": 2}
    assert loader.get("credentials", {}) == {}
    assert "standalone" in repr(loader)


def test_import_does_not_pull_pandas_or_omegaconf() -> None:
    code = "import sys, kedro_nb.config; print('pandas' in sys.modules, 'omegaconf' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_custom_resolvers_from_loader_args(conf: Path) -> None:
    write(conf, "local/parameters.yml", "total: ${knb_test_add:2,3}\n")
    loader = ConfigLoader(
        conf, **PROJECT_ARGS, custom_resolvers={"knb_test_add": lambda a, b: a + b}
    )
    assert loader["parameters"]["total"] == 5


def test_malformed_credentials_never_quote_the_line(conf: Path) -> None:
    import traceback

    write(conf, "local/credentials.yml", "db:\n  password: s3cr3t-pw: [oops\n")
    with pytest.raises(ConfigSyntaxError) as info:
        ConfigLoader(conf, **PROJECT_ARGS)["credentials"]
    shown = "".join(traceback.format_exception(info.value))
    assert "credentials.yml, line 2" in shown
    assert "s3cr3t-pw" not in shown
