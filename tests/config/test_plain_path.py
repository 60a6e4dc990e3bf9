"""The plain-dict path (no OmegaConf) gives exactly what the OmegaConf path gives.

Setting ``OMEGACONF_MAX_YAML_EXPANDED_NODES`` makes every file take OmegaConf's reading (its
limit is then OmegaConf's business), so one conf folder can be loaded both ways and compared by
``repr``: values, types (``1000`` vs ``1000.0``, ``True`` vs ``"yes"``) and key order.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from config_helpers import PROJECT_ARGS, write
from omegaconf import OmegaConf

from kedro_nb.config import ConfigLoader, ConfigSyntaxError, DuplicateConfigKeyError
from kedro_nb.config.plain import merge_plain, read_plain

KEYS = ("catalog", "parameters", "credentials", "globals")

SCALARS = """\
floats: [1.5, 1e3, 1.5e-3, 1_000.5, .5, -.inf, .inf, .nan, +1.0, 190:20:30.15]
ints: [1, -2, 1_000, 0x1F, 0o17, 017, 0b101, 190:20:30, +3]
bools: [true, false, yes, no, on, off, True, FALSE, y, n]
nulls: [null, ~, Null, '']
dates: [2024-01-31, 2001-12-14t21:59:43.10-05:00, 2002-12-14]
strings: ["1e3", '007', "a: b", plain text, "tab\\there", "é ✓", "$notinterp", "{x}"]
block: |
  first line
  second line
folded: >
  one
  two
"dotted.key": 1
empty_map: {}
empty_list: []
nested: {a: [1, {b: [2, 3]}], c: {d: {e: null}}}
"""


def load_all(loader: ConfigLoader) -> dict[str, str]:
    return {key: repr(loader[key]) for key in KEYS}


def both_ways(conf: Path, monkeypatch: pytest.MonkeyPatch, **kwargs: object) -> None:
    """Load every key plainly, then through OmegaConf, and require identical results."""
    plain_loader = ConfigLoader(conf, **PROJECT_ARGS, **kwargs)  # type: ignore[arg-type]
    for key in KEYS:
        assert plain_loader._load_plain(key) is not None, f"{key} did not take the plain path"
    plain = load_all(plain_loader)
    with monkeypatch.context() as patch:
        patch.setenv("OMEGACONF_MAX_YAML_EXPANDED_NODES", "100000")
        omega_loader = ConfigLoader(conf, **PROJECT_ARGS, **kwargs)  # type: ignore[arg-type]
        assert omega_loader._load_plain("parameters") is None
        omega = load_all(omega_loader)
    assert plain == omega


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    root = tmp_path / "conf"
    write(
        root,
        "base/catalog.yml",
        """\
        cars:
          type: pandas.CSVDataset
          filepath: data/01_raw/cars.csv
          load_args: {sep: ",", na_values: ["NA", "?"]}
          credentials: db
        _shared: {versioned: true}
        """,
    )
    write(
        root,
        "base/catalog/models.yml",
        """\
        model:
          type: pickle.PickleDataset
          filepath: data/06_models/model.pkl
          versioned: true
        _shared: {layer: models}
        """,
    )
    write(root, "base/parameters.yml", SCALARS)
    write(
        root,
        "base/parameters/model.yml",
        """\
        model_options:
          test_size: 0.2
          features: [engines, passenger_capacity]
        """,
    )
    write(
        root,
        "base/parameters/model_extra.yaml",
        """\
        model_options:
          random_state: 3
          nested: {deep: 1}
        """,
    )
    write(root, "base/parameters_json.json", '{"from_json": {"x": [1, 2.5, null, true]}}')
    write(root, "base/globals.yml", "bucket: data\nfolders: {raw: 01_raw}\n")
    write(root, "local/credentials.yml", "db:\n  con: sqlite:///x.db\n  password: s3cr3t\n")
    write(
        root,
        "local/parameters.yml",
        """\
        model_options:
          test_size: 0.3
        seed: 42
        """,
    )
    write(root, "local/catalog.yml", "cars:\n  type: MemoryDataset\n")
    write(root, "base/empty_parameters.yml", "")
    return root


def test_plain_and_omegaconf_paths_agree(conf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    both_ways(conf, monkeypatch)


def test_agree_with_soft_merge_and_runtime_params(
    conf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_ways(
        conf,
        monkeypatch,
        merge_strategy={"parameters": "soft", "catalog": "soft"},
        runtime_params={"model_options.test_size": 0.5, "seed": [1, 2], "new.deep.key": "x"},
    )


def test_agree_in_another_env_and_standalone(
    conf: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write(conf, "prod/parameters.yml", "model_options: {features: [a]}\nseed: null\n")
    write(conf, "prod/credentials.yml", "db: {con: 'postgresql://h/db'}\n")
    both_ways(conf, monkeypatch, env="prod")
    folder = tmp_path / "notebook"
    write(folder, "parameters.yml", SCALARS)
    write(folder, "catalog.yml", "x: {type: MemoryDataset}\n")
    write(folder, "credentials.yml", "k: {token: abc}\n")
    write(folder, "globals.yml", "")
    plain = load_all(ConfigLoader.standalone(folder, runtime_params={"a.b": 1}))
    with monkeypatch.context() as patch:
        patch.setenv("OMEGACONF_MAX_YAML_EXPANDED_NODES", "100000")
        assert plain == load_all(ConfigLoader.standalone(folder, runtime_params={"a.b": 1}))


def test_scalar_dict_and_list_replacements_merge_like_omegaconf(tmp_path: Path) -> None:
    configs = [
        {"a": 1, "b": {"x": 1}, "c": [1, 2], "d": None, "e": {"k": [1]}},
        {"a": {"y": 2}, "b": 3, "c": [3], "d": {"z": 1}, "e": {"k": [2], "m": 1}},
        {"b": {"w": 1}, "d": None, "f": {}},
    ]
    expected = OmegaConf.to_container(OmegaConf.unsafe_merge(*map(OmegaConf.create, configs)))
    merged = merge_plain(*configs)
    assert repr(merged) == repr(expected)
    merged["e"]["k"].append(9)
    assert configs[1]["e"]["k"] == [2]  # the merge copies, as OmegaConf's does


@pytest.mark.parametrize(
    "text",
    [
        SCALARS,
        "a: &anchor {x: 1}\nb: *anchor\n",  # aliases
        "base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n",  # merge keys
        "1: one\ntrue: yes\nnull: x\n",  # non-string keys
        "a: ???\nb: '${oc.env:HOME}'\nc: \\${escaped}\n",  # OmegaConf's own markers
        "a: !!binary aGVsbG8=\nb: !!str 12\nc: !!float 1\n",  # explicit tags
        "a: !!set {x, y}\n",
        "a: !!timestamp 2020-01-01\n",
        '"just a string at the top"\n',
        "- a list\n- at the top\n",
        "",
        "# only a comment\n",
    ],
)
def test_read_plain_matches_omegaconf_or_declines(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "conf.yml", text)
    plain = read_plain(path)
    if plain is None:
        return  # the loader takes OmegaConf's path: same result by construction
    assert repr(plain) == repr(OmegaConf.to_container(OmegaConf.load(path)))


def test_plain_documents_take_the_plain_path(tmp_path: Path) -> None:
    for text in (SCALARS, "", "a: 1\n", '{"j": [1, {"k": null}]}'):
        assert read_plain(write(tmp_path, "conf.yml", text)) is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\na: 2\n", "duplicate key"),
        ("a: [1, 2\n", "Malformed YAML"),
        ("a: 1\n\tb: 2\n", "Malformed YAML"),
    ],
)
def test_bad_files_raise_omegaconf_paths_errors(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, "conf/base/parameters.yml", text)
    with pytest.raises(ConfigSyntaxError, match=message):
        ConfigLoader(tmp_path / "conf", **PROJECT_ARGS)["parameters"]


def test_duplicates_across_files_are_still_an_error(conf: Path) -> None:
    write(conf, "base/parameters/again.yml", "model_options:\n  random_state: 4\n")
    with pytest.raises(DuplicateConfigKeyError, match=r"model_options\.random_state"):
        ConfigLoader(conf, **PROJECT_ARGS)["parameters"]
    write(conf, "base/catalog_more.yml", "model: {type: MemoryDataset}\n")
    with pytest.raises(DuplicateConfigKeyError, match="'model'"):
        ConfigLoader(conf, **PROJECT_ARGS)["catalog"]


def test_interpolation_anywhere_takes_the_omegaconf_path(conf: Path) -> None:
    write(conf, "local/parameters.yml", "bucket: ${globals:bucket}\n")
    loader = ConfigLoader(conf, **PROJECT_ARGS, runtime_params={"run": "${globals:folders.raw}"})
    assert loader._load_plain("parameters") is None
    params = loader["parameters"]
    assert params["bucket"] == "data" and params["run"] == "01_raw"
    assert loader._load_plain("catalog") is not None  # other keys stay plain


def test_plain_configuration_never_imports_omegaconf(conf: Path) -> None:
    code = (
        "import sys\nfrom kedro_nb.config import ConfigLoader\n"
        f"loader = ConfigLoader({str(conf)!r}, runtime_params={{'seed': 3}}, "
        "base_env='base', default_run_env='local')\n"
        "[loader[key] for key in ('catalog', 'parameters', 'credentials', 'globals')]\n"
        "print('omegaconf' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
