"""Lazy pipeline mapping: registry, autodiscovery, broken modules, Kedro objects, shim."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kedro_nb.pipeline import Pipeline
from kedro_nb.project import (
    PipelineImportWarning,
    PipelineLoadError,
    PipelineNotFoundError,
    ProjectError,
    ProjectPipelines,
    find_pipelines,
)
from kedro_nb.project.registry import prepare_package


def pipelines_of(root: Path, package: str) -> ProjectPipelines:
    prepare_package(package, root / "src")
    return ProjectPipelines(package, root / "src")


def test_one_pipeline_imports_only_its_module(spaceflights: Path) -> None:
    pipelines = pipelines_of(spaceflights, "spaceflights")
    science = pipelines["data_science"]
    assert isinstance(science, Pipeline)
    assert {n.name for n in science.nodes} == {
        "split_data_node",
        "train_model_node",
        "evaluate_model_node",
    }
    assert "spaceflights.pipelines.data_science" in sys.modules
    assert "spaceflights.pipelines.data_processing" not in sys.modules


def test_registry_default_and_keys(spaceflights: Path) -> None:
    pipelines = pipelines_of(spaceflights, "spaceflights")
    assert len(pipelines["__default__"].nodes) == 6
    assert sorted(pipelines) == ["__default__", "data_processing", "data_science"]
    assert "data_science" in pipelines and "nope" not in pipelines


def test_kedro_objects_are_converted_with_tags(spaceflights: Path) -> None:
    processing = pipelines_of(spaceflights, "spaceflights")["data_processing"]
    assert all(type(n).__module__.startswith("kedro_nb.") for n in processing.nodes)
    assert all(n.tags == {"processing"} for n in processing.nodes)


def test_unknown_pipeline_suggests_close_names(spaceflights: Path) -> None:
    with pytest.raises(PipelineNotFoundError, match="data_science") as info:
        pipelines_of(spaceflights, "spaceflights")["data_sciense"]
    assert isinstance(info.value, KeyError)


def test_autodiscovery_without_registry(mini: Path) -> None:
    pipelines = pipelines_of(mini, "mini")
    assert list(pipelines) == ["__default__", "report", "scale"]
    assert len(pipelines["__default__"].nodes) == 3
    assert [n.name for n in pipelines["scale"].nodes] == ["scale", "total"]


def test_broken_pipeline_warns_and_the_others_load(mini: Path, write) -> None:
    write(mini, "src/mini/pipelines/broken/pipeline.py", "import not_a_module_anywhere\n")
    pipelines = pipelines_of(mini, "mini")
    with pytest.warns(PipelineImportWarning, match="broken"):
        default = pipelines["__default__"]
    assert len(default.nodes) == 3
    assert len(pipelines["report"].nodes) == 1
    with pytest.raises(PipelineLoadError, match=r"ModuleNotFoundError.*line 1"):
        pipelines["broken"]


def test_registry_with_broken_pipeline(spaceflights: Path, write) -> None:
    write(
        spaceflights,
        "src/spaceflights/pipelines/data_science/nodes.py",
        "raise RuntimeError('boom')\n",
    )
    pipelines = pipelines_of(spaceflights, "spaceflights")
    with pytest.warns(PipelineImportWarning, match="boom"):
        assert len(pipelines["__default__"].nodes) == 3
    with pytest.raises(PipelineLoadError, match="boom"):
        pipelines["data_science"]


def test_create_pipeline_returning_wrong_type(mini: Path, write) -> None:
    write(mini, "src/mini/pipelines/odd/pipeline.py", "def create_pipeline():\n    return [1]\n")
    with pytest.raises(PipelineLoadError, match="expected a Pipeline"):
        pipelines_of(mini, "mini")["odd"]


def test_single_pipeline_module_is_the_default(mini: Path, write) -> None:
    write(
        mini,
        "src/mini/pipeline.py",
        "from kedro_nb.pipeline import Pipeline, node\n"
        "def create_pipeline():\n    return Pipeline([node(len, 'numbers', 'n', name='count')])\n",
    )
    assert [n.name for n in pipelines_of(mini, "mini")["__default__"].nodes] == ["count"]


def test_find_pipelines_outside_a_session_explains() -> None:
    with pytest.raises(ProjectError, match="register_pipelines"):
        find_pipelines()


def test_same_package_name_from_another_project_is_reloaded(
    spaceflights: Path, tmp_path: Path
) -> None:
    import shutil

    assert len(pipelines_of(spaceflights, "spaceflights")["__default__"].nodes) == 6
    other = tmp_path / "other"
    shutil.copytree(spaceflights, other)
    pipeline_py = other / "src/spaceflights/pipelines/data_science/pipeline.py"
    pipeline_py.write_text(
        pipeline_py.read_text().replace('name="evaluate_model_node"', 'name="eval2"')
    )
    names = {n.name for n in pipelines_of(other, "spaceflights")["data_science"].nodes}
    assert "eval2" in names


# a process in which Kedro cannot be imported, as if it were not installed
_NO_KEDRO = textwrap.dedent(
    """\
    import importlib.abc, json, sys

    class BlockKedro(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "kedro" or name.startswith("kedro."):
                raise ModuleNotFoundError(f"No module named {name!r}")
            return None

    sys.meta_path.insert(0, BlockKedro())
    """
)
_BLOCK_KEDRO = _NO_KEDRO + textwrap.dedent(
    """\
    from kedro_nb.project.compat import install_kedro_shim, real_kedro_available
    assert not real_kedro_available()
    assert install_kedro_shim()
    from kedro_nb.project.registry import ProjectPipelines, prepare_package
    from pathlib import Path
    root = Path(sys.argv[1])
    prepare_package("spaceflights", root / "src")
    pipelines = ProjectPipelines("spaceflights", root / "src")
    default = pipelines["__default__"]
    import spaceflights.settings as settings
    from kedro_nb.project import KedroNbSession
    record = KedroNbSession.create(root).run().record
    print(json.dumps({
        "nodes": sorted(n.name for n in default.nodes),
        "type": type(default).__module__,
        "hooks": type(settings.HOOKS[0]).__name__,
        "status": record.status,
        "kedro_modules": sorted({m.split(".")[0] for m in sys.modules if m.startswith("kedro")}),
    }))
    """
)


def _without_kedro(script: str, root: Path) -> dict:
    """Run ``script`` (which prints JSON) on project ``root`` in a process without Kedro."""
    out = subprocess.run(
        [sys.executable, "-c", script, str(root)], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_kedro_project_runs_through_the_shim_without_kedro(spaceflights: Path) -> None:
    result = _without_kedro(_BLOCK_KEDRO, spaceflights)
    assert len(result["nodes"]) == 6
    assert result["type"].startswith("kedro_nb.pipeline")
    assert result["hooks"] == "ProjectHooks"
    assert result["status"] == "success"
    assert (spaceflights / "data/08_reporting/metrics.json").is_file()


_BLOCK_KEDRO_SCOPED = _NO_KEDRO + textwrap.dedent(
    """\
    import pandas  # the nodes' library adds a finder of its own (six's) on import
    before = list(sys.meta_path)
    from pathlib import Path
    from kedro_nb.project import KedroNbSession
    root = Path(sys.argv[1])
    session = KedroNbSession.create(root)
    after_create = list(sys.meta_path)
    names = sorted(session.pipelines)
    nodes = len(session.pipelines["data_science"].nodes)
    after_pipelines = list(sys.meta_path)
    record = session.run().record
    from kedro_nb.project.compat import real_kedro_available
    print(json.dumps({
        "unchanged": [m == before for m in (after_create, after_pipelines, list(sys.meta_path))],
        "names": names,
        "nodes": nodes,
        "status": record.status,
        "hooks": [type(h).__name__ for h in session.settings.hooks],
        "real_kedro": real_kedro_available(),
    }))
    """
)


def test_kedro_project_without_kedro_leaves_meta_path_as_it_was(spaceflights: Path) -> None:
    """The shim's finder is in sys.meta_path only while the project's code is imported: after
    the session is created, its pipelines loaded and a run, sys.meta_path is what it was."""
    result = _without_kedro(_BLOCK_KEDRO_SCOPED, spaceflights)
    assert result["unchanged"] == [True, True, True]
    assert result["names"] == ["__default__", "data_processing", "data_science"]
    assert result["nodes"] > 0
    assert result["status"] == "success"
    assert result["hooks"] == ["ProjectHooks"]
    assert result["real_kedro"] is False


def test_standard_registry_is_not_imported(spaceflights: Path) -> None:
    pipelines = pipelines_of(spaceflights, "spaceflights")
    assert sorted(pipelines) == ["__default__", "data_processing", "data_science"]
    assert "spaceflights.pipelines.data_science" not in sys.modules
    pipelines["data_processing"]
    assert len(pipelines["__default__"].nodes) == 6
    assert "spaceflights.pipeline_registry" not in sys.modules


def test_custom_registry_is_honoured(spaceflights: Path, write) -> None:
    write(
        spaceflights,
        "src/spaceflights/pipeline_registry.py",
        """\
        from kedro.framework.project import find_pipelines


        def register_pipelines():
            found = find_pipelines()
            return {
                "__default__": found["data_processing"],
                "data_science": found["data_processing"],
                "train": found["data_science"].only_nodes("train_model_node"),
            }
        """,
    )
    pipelines = pipelines_of(spaceflights, "spaceflights")
    assert len(pipelines["data_science"].nodes) == 3  # the registry's, not the folder's
    assert [n.name for n in pipelines["train"].nodes] == ["train_model_node"]
    assert sorted(pipelines) == ["__default__", "data_science", "train"]


@pytest.mark.parametrize(
    ("body", "standard"),
    [
        ("p = find_pipelines()\n    p['__default__'] = sum(p.values())\n    return p", True),
        ('"""Doc."""\n    p: dict = find_pipelines(raise_errors=True)\n    return p', True),
        ("p = find_pipelines()\n    p['extra'] = p['a']\n    return p", False),
        ("p = find_pipelines()\n    p['__default__'] = p['a']\n    return p", False),
        (
            "p = find_pipelines()\n    p['__default__'] = sum(p.values(), Pipeline([]))"
            "\n    return p",
            True,
        ),
        ("return {'a': create()}", False),
    ],
)
def test_standard_registry_detection(body: str, standard: bool) -> None:
    from kedro_nb.project.registry_source import is_standard_registry

    assert is_standard_registry(f"def register_pipelines():\n    {body}\n") is standard


def test_kedro_namespaced_pipeline_converts_faithfully() -> None:
    from kedro.pipeline import node as kedro_node
    from kedro.pipeline import pipeline as kedro_pipeline

    from kedro_nb.project.compat import as_pipeline

    def first(a, b):
        return a

    def second(x):
        return x

    theirs = kedro_pipeline(
        [
            kedro_node(first, ["a", "params:p"], "b", name="fn", tags=["t"], confirms="a"),
            kedro_node(second, {"x": "b"}, "c"),
        ],
        namespace="ns",
        inputs={"a"},
        parameters={"params:p"},
    )
    ours = as_pipeline(theirs)
    assert sorted(n.name for n in ours.nodes) == sorted(n.name for n in theirs.nodes)
    assert ours.inputs() == theirs.inputs() and ours.outputs() == theirs.outputs()
    converted = {n.name: n for n in ours.nodes}["ns.fn"]
    assert (converted.namespace, converted.tags, converted.func) == ("ns", {"t"}, first)
    with pytest.raises(TypeError, match="expected a Pipeline"):
        as_pipeline([1])
