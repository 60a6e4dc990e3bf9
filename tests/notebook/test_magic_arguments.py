"""Every magic: ``--help``, and one specific line for each kind of bad argument."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from IPython.core.error import UsageError

from kedro_nb.cli.options import key_values
from kedro_nb.cli.options import names as comma_list
from kedro_nb.notebook.magics import MAGIC_CLASSES
from kedro_nb.notebook.magics.base import unknown_names
from kedro_nb.notebook.names import ALL_MAGICS


def test_every_named_magic_is_registered_and_no_other(loaded) -> None:
    """Drift guard: names.ALL_MAGICS and the magic classes agree."""
    ours = {name for cls in MAGIC_CLASSES for name in cls.magics["line"]}
    assert ours == set(ALL_MAGICS)
    assert set(ALL_MAGICS) <= set(loaded.magics_manager.magics["line"])


@pytest.mark.parametrize("magic", ALL_MAGICS)
def test_help_prints_usage_and_options(loaded, capsys, magic: str) -> None:
    loaded.run_line_magic(magic, "--help")
    out = capsys.readouterr().out
    assert out.startswith("usage:")
    assert f"%{magic} [-h]" in out
    assert "-h, --help" in out


@pytest.mark.parametrize("magic", ALL_MAGICS)
def test_question_mark_shows_the_full_help_before_the_magic_ever_ran(magic: str) -> None:
    """Parsers are built at a magic's first use, not at %load_ext; `%magic?` (and Shift+Tab)
    still show every option, from the parser built for the question."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "kedro_nb")
    function = shell.find_line_magic(magic).__func__
    function.__dict__.pop("parser", None)  # as after %load_ext in a fresh kernel
    docstring = shell.object_inspect(f"%{magic}")["docstring"]
    assert f"%{magic} [-h]" in docstring and "-h, --help" in docstring
    assert "parser" in function.__dict__


def test_load_ext_builds_no_magic_parser(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "shell.run_line_magic('load_ext', 'kedro_nb')\n"
        f"names = {list(ALL_MAGICS)!r}\n"
        "built = [n for n in names if 'parser' in shell.find_line_magic(n).__func__.__dict__]\n"
        "print(built)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("magic", ALL_MAGICS)
def test_unknown_option_is_one_line_naming_the_magic(loaded, magic: str) -> None:
    with pytest.raises(UsageError) as caught:
        loaded.run_line_magic(magic, "--no-such-option")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"%{magic}: unrecognized arguments: --no-such-option")
    assert f"%{magic} --help" in message


def test_bad_params_say_what_is_expected(loaded) -> None:
    with pytest.raises(UsageError, match=r"%run_pipeline: argument --params: .*key=value"):
        loaded.run_line_magic("run_pipeline", "--params novalue")


def test_unbalanced_quote_is_a_usage_error(loaded) -> None:
    with pytest.raises(UsageError, match="cannot split"):
        loaded.run_line_magic("run_pipeline", "--nodes 'a")


def test_load_node_needs_a_name(loaded) -> None:
    with pytest.raises(UsageError, match=r"%load_node: name the node"):
        loaded.run_line_magic("load_node", "")


def test_reload_project_checks_the_folder(loaded) -> None:
    with pytest.raises(UsageError, match=r"'nowhere' is not a folder"):
        loaded.run_line_magic("reload_project", "nowhere")


def test_strip_without_a_known_notebook_asks_for_a_path(loaded) -> None:
    with pytest.raises(UsageError, match="cannot tell which notebook"):
        loaded.run_line_magic("strip", "")
    with pytest.raises(UsageError, match="not found"):
        loaded.run_line_magic("strip", "missing.ipynb")


def test_strip_reports_changed_then_clean(loaded, tmp_path: Path, capsys) -> None:
    notebook = tmp_path / "dirty.ipynb"
    cell = {
        "cell_type": "code",
        "execution_count": 3,
        "id": "a1",
        "metadata": {},
        "outputs": [{"output_type": "stream", "name": "stdout", "text": ["hi\n"]}],
        "source": ["print('hi')"],
    }
    notebook.write_text(
        json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    loaded.run_line_magic("strip", str(notebook))
    loaded.run_line_magic("strip", str(notebook))
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == ["dirty.ipynb: stripped.", "dirty.ipynb: already clean."]
    assert json.loads(notebook.read_text())["cells"][0]["outputs"] == []


def test_argument_helpers() -> None:
    assert comma_list("a, b,c") == ["a", "b", "c"]
    assert key_values("a=1,model.depth=3,name=x") == {"a": 1, "model": {"depth": 3}, "name": "x"}
    message = unknown_names("node", ["preproces"], ["preprocess", "train"], "pipeline 'dp'")
    assert message is not None and "Did you mean: preprocess?" in message
    assert unknown_names("node", ["train"], ["train"], "x") is None


def test_default_pipeline_name_matches_the_project_registry() -> None:
    from kedro_nb.notebook.names import DEFAULT_PIPELINE
    from kedro_nb.project.registry import DEFAULT_PIPELINE as registry_default

    assert registry_default == DEFAULT_PIPELINE


def test_run_pipeline_without_a_known_notebook_names_the_one_with_node_cells(
    loaded, tmp_path: Path
) -> None:
    # nbclient and papermill kernels do not say which notebook they run; the hint names the
    # notebook of the working folder that has node cells, not a made-up one.
    cell = {
        "cell_type": "code",
        "metadata": {"tags": ["node:clean"]},
        "source": "x = 1",
        "outputs": [],
        "execution_count": None,
    }
    nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "sales.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (tmp_path / "scratch.ipynb").write_text(json.dumps(nb | {"cells": []}), encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        loaded.run_line_magic("run_pipeline", "--notebook")
    assert str(caught.value).endswith("name it: %run_pipeline --notebook sales.ipynb")
    (tmp_path / "other.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        loaded.run_line_magic("run_pipeline", "--notebook")
    assert str(caught.value).endswith("(node cells in: other.ipynb, sales.ipynb)")
