"""KedroNbSession on real projects: runs, records, slicing, params, hooks, embedded default."""

from __future__ import annotations

import json
import logging
import subprocess
from pathlib import Path

import pytest

from kedro_nb.hooks import HookRegistrationError
from kedro_nb.io import DatasetNotFoundError
from kedro_nb.pipeline import Pipeline, node
from kedro_nb.project import KedroNbSession, SessionError, SettingsError
from kedro_nb.runner import MissingInputsError, node_failure

SECRET = "FAKE-SECRET-4f1c9a"  # conf/local/credentials.yml of the fixture


def test_full_run_is_recorded_and_writes_outputs(spaceflights: Path) -> None:
    session = KedroNbSession.create(spaceflights)
    assert (session.is_project, session.package_name, session.env) == (
        True,
        "spaceflights",
        "local",
    )
    result = session.run()
    # what Kedro's session.run returns: the free outputs, name to dataset (a dict)
    assert isinstance(result, dict) and set(result) == set(
        session.pipelines["__default__"].outputs()
    )
    record = result.record
    assert session.last_record is record and session.last_result is result
    assert record.status == "success" and record.error is None
    assert record.pipeline_name == "__default__"
    assert list(record.node_timings)[-1] == "evaluate_model_node"
    assert len(record.node_timings) == 6
    assert "metrics" in record.saved and "X_train" not in record.saved
    metrics = json.loads((spaceflights / "data/08_reporting/metrics.json").read_text())
    assert metrics["r2"] > 0.9
    assert session.runs()[0] == record
    assert (spaceflights / ".kedro_nb" / "runs.sqlite").is_file()


def test_session_runs_many_times_with_slicing(spaceflights: Path) -> None:
    session = KedroNbSession.create(spaceflights)
    session.run(tags=["processing"])
    with pytest.raises(MissingInputsError, match="X_train"):  # each run: a fresh catalog
        session.run("data_science", from_nodes=["train_model_node"])
    session.run("data_science", to_nodes=["split_data_node"])
    # reusing the latest run's catalog (and its in-memory outputs) is explicit
    second = session.run(
        "data_science", from_nodes=["train_model_node"], catalog=session.catalog
    ).record
    third = session.run(node_names=["split_data_node"]).record
    assert list(second.node_timings) == ["train_model_node", "evaluate_model_node"]
    assert second.slicing == {"from_nodes": ["train_model_node"]}
    assert list(third.node_timings) == ["split_data_node"]
    assert [r.run_id for r in session.runs()[:2]] == [third.run_id, second.run_id]
    statuses = [r.status for r in session.runs()]
    assert statuses == ["success", "success", "success", "failed", "success"]
    assert "X_train" in session.catalog  # the latest run's catalog, memory outputs included
    assert session.catalog.load("X_train").shape[1] == 8


def test_hooks_from_settings_are_called(spaceflights: Path) -> None:
    session = KedroNbSession.create(spaceflights)
    hooks = session.settings.hooks[0]
    session.run("data_processing")
    assert hooks.calls[0] == "after_context_created"
    assert "after_catalog_created" in hooks.calls
    # env not given: Kedro's run_params say None (the loader still reads conf/local)
    assert "before_pipeline_run:['data_processing']:None" in hooks.calls
    KedroNbSession.create(spaceflights, env="local").run("data_processing")
    assert "before_pipeline_run:['data_processing']:local" in hooks.calls


def test_runtime_params_update_nested_values(spaceflights: Path) -> None:
    base = KedroNbSession.create(spaceflights)
    changed = KedroNbSession.create(spaceflights, runtime_params={"model_options.test_size": 0.5})
    assert changed.params["model_options"]["test_size"] == 0.5
    assert changed.params["model_options"]["seed"] == 7
    assert changed.catalog.load("params:model_options.test_size") == 0.5
    first, second = base.run().record, changed.run("data_science").record
    assert first.params_hash != second.params_hash
    assert second.runtime_params == {"model_options": {"test_size": 0.5}}


def test_env_selects_a_folder(spaceflights: Path, write) -> None:
    write(
        spaceflights,
        "conf/prod/parameters.yml",
        "model_options:\n  test_size: 0.3\n  seed: 1\n  features: [crew]\n",
    )
    session = KedroNbSession.create(spaceflights, env="prod")
    assert session.env == "prod"
    assert session.params["model_options"]["features"] == ["crew"]


def test_failed_run_is_recorded_then_raised(spaceflights: Path, write) -> None:
    nodes = spaceflights / "src/spaceflights/pipelines/data_science/nodes.py"
    nodes.write_text(
        nodes.read_text().replace(
            '    """Coefficients', '    raise ValueError("singular design")\n    """Coefficients'
        )
    )
    session = KedroNbSession.create(spaceflights)
    with pytest.raises(ValueError, match="singular design") as info:
        session.run()
    assert node_failure(info.value).node_name == "train_model_node"
    record = session.runs()[0]
    assert record.status == "failed"
    assert record.error == "node 'train_model_node': ValueError: singular design"
    assert "split_data_node" in record.node_timings and "model_input_table" in record.saved


def test_credentials_never_leak(spaceflights: Path, caplog: pytest.LogCaptureFixture) -> None:
    nodes = spaceflights / "src/spaceflights/pipelines/data_processing/nodes.py"
    nodes.write_text(
        nodes.read_text()
        + "\n\ndef leak(x):\n    raise RuntimeError('token was FAKE-SECRET-4f1c9a, oops')\n"
    )
    pipeline_py = spaceflights / "src/spaceflights/pipelines/data_processing/pipeline.py"
    leak_node = '            node(leak, "model_input_table", "leaked", name="leak_node"),\n'
    pipeline_py.write_text(
        pipeline_py.read_text()
        .replace("from .nodes import", "from .nodes import leak,")
        .replace("        ],\n        tags", leak_node + "        ],\n        tags")
    )
    caplog.set_level(logging.DEBUG)
    session = KedroNbSession.create(spaceflights)
    assert session.config_loader["credentials"]["raw_store"]["secret_token"] == SECRET
    with pytest.raises(RuntimeError):
        session.run()
    texts = [
        repr(session),
        repr(session.catalog),
        repr(session.config_loader),
        caplog.text,
        str(session.runs()[0]),
        session.catalog.describe_datasets(check_exists=False).__repr__(),
    ]
    assert all(SECRET not in text for text in texts)
    assert "***" in session.runs()[0].error
    for path in (spaceflights / ".kedro_nb").iterdir():
        assert SECRET.encode() not in path.read_bytes(), path


def test_undefined_parameter_names_node_and_close_keys(spaceflights: Path) -> None:
    pipeline_py = spaceflights / "src/spaceflights/pipelines/data_science/pipeline.py"
    pipeline_py.write_text(
        pipeline_py.read_text().replace("params:model_options", "params:model_option")
    )
    with pytest.raises(SessionError) as info:
        KedroNbSession.create(spaceflights).run("data_science")
    message = str(info.value)
    assert "split_data_node" in message and "params:model_option" in message
    assert "closest: model_options" in message


def test_runner_by_name_and_class_mistake(spaceflights: Path) -> None:
    from kedro_nb.runner import ThreadRunner

    session = KedroNbSession.create(spaceflights)
    assert session.run("data_processing", runner="thread").record.runner == "ThreadRunner"
    with pytest.raises(SessionError, match=r"ThreadRunner\(\)"):
        session.run("data_processing", runner=ThreadRunner)


def test_git_commit_is_recorded(spaceflights: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=spaceflights, check=True, capture_output=True, text=True
        ).stdout

    git("init", "-q")
    git("add", "pyproject.toml")
    git("-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "c")
    record = KedroNbSession.create(spaceflights).run("data_processing").record
    assert record.git_sha == git("rev-parse", "HEAD").strip()


def test_settings_conf_source_and_loader_args(spaceflights: Path, write) -> None:
    (spaceflights / "conf").rename(spaceflights / "settings_conf")
    (spaceflights / "settings_conf/local").rename(spaceflights / "settings_conf/dev")
    write(
        spaceflights,
        "src/spaceflights/settings.py",
        """\
        from spaceflights.hooks import ProjectHooks

        HOOKS = (ProjectHooks(),)
        CONF_SOURCE = "settings_conf"
        CONFIG_LOADER_ARGS = {"base_env": "base", "default_run_env": "dev"}
        SESSION_STORE_ARGS = {"path": "x"}
        """,
    )
    session = KedroNbSession.create(spaceflights)
    assert session.env == "dev"
    assert "raw_store" in session.config_loader["credentials"]
    assert session.settings.ignored == ["SESSION_STORE_ARGS"]


def test_broken_settings_and_bad_hooks(spaceflights: Path, write) -> None:
    write(spaceflights, "src/spaceflights/settings.py", "HOOKS = (\n")
    with pytest.raises(SettingsError, match=r"settings\.py"):
        KedroNbSession.create(spaceflights)
    write(
        spaceflights,
        "src/spaceflights/settings.py",
        """\
        from kedro.framework.hooks import hook_impl

        class Typo:
            @hook_impl
            def after_catalog_creatd(self, catalog):
                pass

        HOOKS = (Typo(),)
        """,
    )
    with pytest.raises(HookRegistrationError, match="after_catalog_creatd"):
        KedroNbSession.create(spaceflights)


def test_embedded_default_beside_a_notebook(tmp_path: Path, write) -> None:
    folder = tmp_path / "analysis"
    write(
        folder,
        "catalog.yml",
        "numbers:\n  type: json.JSONDataset\n  filepath: data/numbers.json\n"
        "total:\n  type: json.JSONDataset\n  filepath: data/total.json\n",
    )
    write(folder, "parameters.yml", "factor: 2\n")
    write(folder, "data/numbers.json", "[1, 2, 3]")
    session = KedroNbSession.create(start_dir=folder)
    assert (session.is_project, session.package_name, session.env) == (False, None, None)
    assert list(session.pipelines) == []
    pipeline = Pipeline(
        [
            node(
                lambda xs, f: [x * f for x in xs],
                ["numbers", "params:factor"],
                "scaled",
                name="scale",
            ),
            node(sum, "scaled", "total", name="add"),
        ]
    )
    pipeline += Pipeline([node(len, "numbers", "count", name="count")])
    record = session.run(pipeline=pipeline).record
    assert record.saved == ["total"] and record.pipeline_name is None
    assert json.loads((folder / "data/total.json").read_text()) == 12
    assert session.catalog.load("count") == 3  # undeclared: in memory
    assert (folder / ".kedro_nb/runs.sqlite").is_file()
    with pytest.raises(KeyError, match="no project package"):
        session.run("anything")


def test_embedded_default_without_any_config(tmp_path: Path) -> None:
    session = KedroNbSession.create(start_dir=tmp_path)
    assert session.params == {}
    record = session.run(pipeline=Pipeline([node(lambda: 1, None, "one", name="one")])).record
    assert record.status == "success" and session.last_result.load("one") == 1


def test_versioned_outputs_take_the_run_id(spaceflights: Path) -> None:
    catalog = spaceflights / "conf/base/catalog.yml"
    catalog.write_text(
        catalog.read_text().replace(
            "filepath: data/06_models/regressor.pickle",
            "filepath: data/06_models/regressor.pickle\n  versioned: true",
        )
    )
    session = KedroNbSession.create(spaceflights)
    first = session.run().record
    with pytest.warns(UserWarning, match="pinned load version"):
        second = session.run("data_science", load_versions={"regressor": first.run_id}).record
    versions = sorted(p.name for p in (spaceflights / "data/06_models/regressor.pickle").iterdir())
    assert versions == [first.run_id, second.run_id]
    assert second.slicing == {"load_versions": {"regressor": first.run_id}}


def test_only_missing_outputs_skips_finished_nodes(spaceflights: Path) -> None:
    session = KedroNbSession.create(spaceflights)
    session.run()
    again = session.run(only_missing_outputs=True).record
    assert "preprocess_companies_node" not in again.node_timings
    assert session.last_result.skipped
    assert again.slicing == {"only_missing_outputs": True}


def test_custom_data_catalog_class_from_settings(spaceflights: Path, write) -> None:
    write(
        spaceflights,
        "src/spaceflights/settings.py",
        """\
        from kedro_nb.io import DataCatalog


        class AuditedCatalog(DataCatalog):
            pass


        DATA_CATALOG_CLASS = AuditedCatalog
        """,
    )
    session = KedroNbSession.create(spaceflights)
    assert type(session.catalog).__name__ == "AuditedCatalog"
    write(spaceflights, "src/spaceflights/settings.py", "DATA_CATALOG_CLASS = dict\n")
    for name in [m for m in __import__("sys").modules if m.startswith("spaceflights")]:
        del __import__("sys").modules[name]
    with pytest.raises(SettingsError, match="DATA_CATALOG_CLASS"):
        KedroNbSession.create(spaceflights)


def test_project_path_inside_the_project_and_kedro_env(
    spaceflights: Path, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(spaceflights, "conf/staging/parameters.yml", "extra: 1\n")
    monkeypatch.setenv("KEDRO_ENV", "staging")
    session = KedroNbSession.create(spaceflights / "src" / "spaceflights")
    assert session.project_path == spaceflights
    assert (session.env, session.params["extra"]) == ("staging", 1)
    assert KedroNbSession.create(spaceflights, env="local").env == "local"


def test_two_sessions_never_share_a_run_id(spaceflights: Path) -> None:
    first, second = KedroNbSession.create(spaceflights), KedroNbSession.create(spaceflights)
    ids = set()
    for _ in range(3):
        ids.add(first.run("data_processing", node_names=["preprocess_companies_node"]).run_id)
        ids.add(second.run("data_processing", node_names=["preprocess_companies_node"]).run_id)
    assert len(ids) == 6 == len(first.runs())


def test_a_failure_before_the_first_node_is_recorded(spaceflights: Path, write) -> None:
    write(spaceflights, "conf/local/catalog.yml", "companies:\n  type: pandas.NoSuchDataset\n")
    session = KedroNbSession.create(spaceflights)
    with pytest.raises(Exception, match="NoSuchDataset"):
        session.run("data_processing")
    record = session.runs()[0]
    assert record.status == "failed" and "NoSuchDataset" in record.error


def test_reload_code_reads_edited_pipelines(spaceflights: Path) -> None:
    pipeline_py = spaceflights / "src/spaceflights/pipelines/data_science/pipeline.py"
    assert "train_model_node" in {
        n.name for n in KedroNbSession.create(spaceflights).pipelines["data_science"].nodes
    }
    pipeline_py.write_text(
        pipeline_py.read_text().replace('name="train_model_node"', 'name="fit_node"')
    )
    stale = KedroNbSession.create(spaceflights).pipelines["data_science"]
    assert "train_model_node" in {n.name for n in stale.nodes}  # modules stay imported
    fresh = KedroNbSession.create(spaceflights, reload_code=True).pipelines["data_science"]
    assert "fit_node" in {n.name for n in fresh.nodes}


def test_kedros_run_keywords_pipeline_names_and_namespaces(spaceflights: Path) -> None:
    session = KedroNbSession.create(spaceflights)
    assert session.load_context() is session  # Kedro's load_context(): the session is its context
    result = session.run(pipeline_names=["data_processing"])
    assert set(result) == set(session.pipelines["data_processing"].outputs())
    assert result.record.pipeline_name == "data_processing"
    with pytest.raises(ValueError, match="data_sciense"):  # Kedro raises ValueError here
        session.run(pipeline_names=["data_sciense"])
    with pytest.raises(SessionError, match="not both"):
        session.run("data_processing", pipeline_names=["data_science"])

    embedded = KedroNbSession.create(start_dir=spaceflights / "data")
    from kedro_nb.pipeline import pipeline

    namespaced = pipeline(
        Pipeline([node(lambda x: x + 1, "a", "b", name="inc")]), namespace="prep", inputs={"a"}
    ) + Pipeline([node(lambda x: x * 2, "a", "c", name="double")])
    embedded.catalog["a"] = 1
    only = embedded.run(pipeline=namespaced, namespaces=["prep"], catalog=embedded.catalog)
    assert list(only.record.node_timings) == ["prep.inc"]
    with pytest.raises(SessionError, match="not both"):
        embedded.run(pipeline=namespaced, namespaces=["prep"], node_namespaces=["prep"])


def test_embedded_default_keeps_undeclared_datasets_in_memory(tmp_path: Path) -> None:
    (tmp_path / "catalog.yml").write_text(
        f"declared:\n  type: json.JSONDataset\n  filepath: {tmp_path / 'declared.json'}\n"
    )
    catalog = KedroNbSession.create(start_dir=tmp_path).catalog
    catalog.save("x", 41)  # undeclared: a memory dataset, as the embedded default promises
    assert catalog.load("x") == 41 and catalog.is_ephemeral("x")
    catalog.save("declared", {"a": 1})  # declared: never shadowed by memory
    assert json.loads((tmp_path / "declared.json").read_text()) == {"a": 1}
    with pytest.raises(DatasetNotFoundError):
        catalog.load("never_saved")


def test_project_catalog_refuses_undeclared_saves_as_kedro(spaceflights: Path) -> None:
    with pytest.raises(DatasetNotFoundError):
        KedroNbSession.create(spaceflights).catalog.save("undeclared", 1)
