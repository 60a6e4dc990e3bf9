"""End to end, in one real JupyterLab for the module (Debian's Chromium through Playwright):
stale marking and its one-click re-run, "Run from here" / "Run to here", a failing node and
its link to the failing line, the project-pipeline view, check, strip, and a conversion
refused for hand edits then forced. Screenshots go to ``build/lab-screenshots/``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lab.browser import (
    T,
    browser_page,
    cell_at,
    command,
    node_badge,
    open_notebook,
    running_lab,
    screenshot,
    theme,
    wait_until,
)
from tests.lab.conftest import PROJECT, SPACEFLIGHTS_NODES, copy_examples

NODES = SPACEFLIGHTS_NODES
#: cell index of each node cell of the spaceflights example
NODE_CELLS = dict(zip(NODES, [6, 8, 10, 12, 13, 15], strict=True))
PANEL = "#kedro-nb-pipeline-panel"


def _write_notebook(path: Path, cells: list[dict]) -> None:
    full = [
        {"id": f"c{i}", "cell_type": "code", "metadata": {}, "outputs": [],
         "execution_count": None, **cell}
        for i, cell in enumerate(cells)
    ]  # fmt: skip
    for cell in full:
        if cell["cell_type"] == "markdown":
            del cell["outputs"], cell["execution_count"]
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": kernel}, "cells": full}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _node(source: str, name: str) -> dict:
    return {"source": source, "metadata": {"tags": [f"node:{name}"]}}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab") / "root"
    root.mkdir()
    examples = copy_examples(root)
    for copy in ("stale", "slices", "handmade"):
        shutil.copy(examples / "spaceflights.ipynb", examples / f"{copy}.ipynb")
    _write_notebook(
        examples / "failing.ipynb",
        [
            _node("numbers = [1, 2, 3]", "make_numbers"),
            {"cell_type": "markdown", "source": "Divide the total."},
            _node("total = sum(numbers)\nratio = total / 0", "divide"),
        ],
    )
    _write_notebook(
        examples / "hidden.ipynb",
        [{"source": 'k = len("abc")'}, _node("y = k + 1", "uses_k"), {"source": "y"}],
    )
    _write_notebook(
        examples / "outputs.ipynb",
        [
            _node("greeting = 'hello'", "greet")
            | {
                "execution_count": 3,
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "said hello\n"}],
            }
        ],
    )
    shutil.copytree(PROJECT, root / "project", ignore=shutil.ignore_patterns("__pycache__"))
    _write_notebook(root / "project" / "notebooks" / "explore.ipynb", [_node("n = 1", "one")])
    with running_lab(root) as running:
        yield running


def _states(page) -> dict[str, str]:
    return page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll("
        "'#kedro-nb-pipeline-panel [data-node][data-state]')].map(n => [n.dataset.node,"
        " n.dataset.state]))"
    )


def _open_panel(page, nodes: list[str]) -> None:
    command(page, "kedro-nb:open-pipeline-panel")
    for name in nodes:
        page.locator(f"{PANEL} g[data-node='{name}']").wait_for(timeout=T)


def _run(page, scope: str, line: str) -> None:
    """Press a run button and wait until that run (its ``%run_pipeline`` line) has ended."""
    page.locator(f"{PANEL} button.kedro-nb-run[data-scope='{scope}']").click()
    page.wait_for_function(
        "(line) => { const p = document.querySelector('#kedro-nb-pipeline-panel');"
        " const l = p.querySelector('.kedro-nb-run-line');"
        " const s = p.querySelector('.kedro-nb-panel-status').textContent;"
        " return l && l.textContent === line && /^Run (finished|failed)/.test(s); }",
        arg=line,
        timeout=3 * T,
    )


def _execution_counts(page) -> list[int | None]:
    return page.evaluate(
        "() => { const m = window.jupyterapp.shell.currentWidget.content.model;"
        " return Array.from({length: m.cells.length}, (_, i) => m.cells.get(i))"
        ".map(c => c.type === 'code' ? c.executionCount : null); }"
    )


def _active(page) -> tuple[int, int]:
    """The active cell's index and the line (from 0) its editor's cursor is on."""
    return tuple(
        page.evaluate(
            "() => { const n = window.jupyterapp.shell.currentWidget.content;"
            " return [n.activeCellIndex, n.activeCell.editor.getCursorPosition().line]; }"
        )
    )


def _activate(page, index: int) -> None:
    page.evaluate(
        "(i) => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = i; }", index
    )


def test_an_edit_upstream_marks_downstream_stale_and_one_click_reruns_in_order(lab):
    with browser_page("stale") as page:
        open_notebook(page, lab, "examples/stale.ipynb")
        command(page, "notebook:run-all-cells")
        page.wait_for_function(
            "() => { const m = window.jupyterapp.shell.currentWidget.content.model;"
            " return Array.from({length: m.cells.length}, (_, i) => m.cells.get(i))"
            ".every(c => c.type !== 'code' || c.executionCount); }",
            timeout=3 * T,
        )
        for name in NODES:
            assert node_badge(page, name).get_attribute("data-stale") == "false"
        before = _execution_counts(page)

        # edit an upstream node cell (not re-run): everything downstream of it is stale
        edited = cell_at(page, NODE_CELLS["preprocess_shuttles"])
        edited.locator(".cm-content").click()
        page.keyboard.press("Control+End")
        page.keyboard.insert_text("\npreprocessed_shuttles = preprocessed_shuttles.dropna()")
        downstream = ["create_model_input_table", "split_data", "train_model", "evaluate_model"]
        for name in downstream:
            page.locator(f".kedro-nb-node-badge[data-node='{name}'][data-stale='true']").wait_for(
                timeout=T
            )
        for name in ("preprocess_companies", "preprocess_shuttles"):
            assert node_badge(page, name).get_attribute("data-stale") == "false"
        assert "upstream preprocess_shuttles" in node_badge(page, "split_data").get_attribute(
            "title"
        )
        _open_panel(page, NODES)  # the panel marks them too, and offers the re-run
        stale_drawn = page.locator(f"{PANEL} g[data-stale='true']")
        stale_drawn.first.wait_for(timeout=T)
        assert sorted(stale_drawn.evaluate_all("(gs) => gs.map(g => g.dataset.node)")) == sorted(
            downstream
        )
        assert page.locator(f"{PANEL} button.kedro-nb-rerun").is_visible()
        page.evaluate(
            "(i) => window.jupyterapp.shell.currentWidget.content.scrollToItem(i, 'start')",
            NODE_CELLS["preprocess_shuttles"] - 1,
        )
        marked = node_badge(page, "create_model_input_table")
        screenshot(page, "09-stale-light")

        # one click: the edited cell and the stale ones run again, in pipeline order
        marked.locator("button.kedro-nb-rerun-stale").click()
        page.wait_for_function(
            "() => !document.querySelector(\".kedro-nb-node-badge[data-stale='true']\")"
            " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status"
            " === 'idle'",
            timeout=3 * T,
        )
        after = _execution_counts(page)
        rerun = [NODE_CELLS[n] for n in ("preprocess_shuttles", *downstream)]
        counts = [after[i] for i in rerun]
        assert all(after[i] > before[i] for i in rerun), (before, after)
        assert counts == sorted(counts) and len(set(counts)) == len(counts)
        untouched = [i for i, n in enumerate(before) if n is not None and i not in rerun]
        assert [after[i] for i in untouched] == [before[i] for i in untouched]

        # re-executing an upstream cell (no edit) marks what is downstream of it stale too
        _activate(page, NODE_CELLS["preprocess_companies"])
        command(page, "notebook:run-cell")
        for name in downstream:
            page.locator(f".kedro-nb-node-badge[data-node='{name}'][data-stale='true']").wait_for(
                timeout=T
            )
        assert node_badge(page, "preprocess_shuttles").get_attribute("data-stale") == "false"


def test_run_from_here_and_run_to_here_run_the_slice_of_the_selected_node(lab):
    with browser_page("slices") as page:
        open_notebook(page, lab, "examples/slices.ipynb")
        _open_panel(page, NODES)
        _run(page, "all", "%run_pipeline --notebook slices.ipynb")
        assert set(_states(page).values()) == {"done"}
        panel = page.locator(PANEL)
        assert panel.locator("button[data-scope='from']").is_disabled()  # nothing selected

        panel.locator("g[data-node='split_data']").click()
        _run(page, "from", "%run_pipeline --notebook slices.ipynb --from-nodes split_data")
        assert _states(page) == {
            "preprocess_companies": "idle",
            "preprocess_shuttles": "idle",
            "create_model_input_table": "idle",
            "split_data": "done",
            "train_model": "done",
            "evaluate_model": "done",
        }
        assert panel.locator(".kedro-nb-panel-status").inner_text() == "Run finished: 3 nodes done."
        screenshot(page, "10-run-from-here-light")

        panel.locator("g[data-node='create_model_input_table']").click()
        _run(
            page, "to", "%run_pipeline --notebook slices.ipynb --to-nodes create_model_input_table"
        )
        assert _states(page) == {
            "preprocess_companies": "done",
            "preprocess_shuttles": "done",
            "create_model_input_table": "done",
            "split_data": "idle",
            "train_model": "idle",
            "evaluate_model": "idle",
        }


def test_a_failing_node_is_coloured_failed_and_links_to_its_cell_and_line(lab):
    with browser_page("failing") as page:
        open_notebook(page, lab, "examples/failing.ipynb")
        with theme(page, "JupyterLab Dark"):
            _open_panel(page, ["make_numbers", "divide"])
            _run(page, "all", "%run_pipeline --notebook failing.ipynb")
            assert _states(page) == {"make_numbers": "done", "divide": "failed"}
            panel = page.locator(PANEL)
            assert panel.locator(".kedro-nb-panel-status").inner_text() == "Run failed: divide."
            link = panel.locator(".kedro-nb-failure[data-node='divide']")
            text = link.inner_text()
            assert text.startswith("divide failed (cell 3, line 2): ")
            assert "division by zero" in text
            screenshot(page, "11-failed-node-dark")
            _activate(page, 0)
            link.click()
            page.wait_for_function(
                "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex === 2",
                timeout=T,
            )
            assert _active(page) == (2, 1)  # the cursor is on line 2 of cell 3


def test_the_selector_switches_to_each_project_pipeline(lab):
    with browser_page("project") as page:
        open_notebook(page, lab, "project/notebooks/explore.ipynb")
        with theme(page, "JupyterLab Dark"):
            _open_panel(page, ["one"])
            selector = page.locator(f"{PANEL} select.kedro-nb-pipeline-select")
            page.wait_for_function(
                "() => document.querySelectorAll("
                "'#kedro-nb-pipeline-panel select option').length === 4",
                timeout=T,
            )
            options = selector.locator("option").all_inner_texts()
            assert options == [
                "This notebook",
                "Project: __default__",
                "Project: data_processing",
                "Project: data_science",
            ]
            selector.select_option("__default__")
            whole = [f"{name}_node" for name in NODES]
            for name in whole:
                page.locator(f"{PANEL} g[data-node='{name}']").wait_for(timeout=T)
            assert sorted(_states(page)) == sorted(whole)
            assert page.locator(f"{PANEL} path.kedro-nb-dag-edge").count() == 6
            screenshot(page, "12-project-pipeline-dark")

            selector.select_option("data_science")
            page.locator(f"{PANEL} g[data-node='split_data_node']").wait_for(timeout=T)
            assert sorted(_states(page)) == [
                "evaluate_model_node",
                "split_data_node",
                "train_model_node",
            ]
            selector.select_option("")
            page.locator(f"{PANEL} g[data-node='one']").wait_for(timeout=T)
            assert list(_states(page)) == ["one"]


def test_check_lists_findings_that_link_to_their_cells(lab):
    with browser_page("check") as page:
        open_notebook(page, lab, "examples/hidden.ipynb")
        command(page, "kedro-nb:check")
        finding = page.locator(f"{PANEL} .kedro-nb-finding[data-kind='hidden-state']")
        finding.wait_for(timeout=T)
        assert finding.inner_text().startswith("cell 2 (uses_k): ")
        assert "k" in finding.inner_text()
        assert finding.get_attribute("data-problem") == "true"
        assert page.locator(f"{PANEL} .kedro-nb-findings-title").inner_text().startswith("Check: ")
        page.wait_for_function(
            "() => document.querySelector('#kedro-nb-pipeline-panel .kedro-nb-panel-status')"
            ".textContent === '1 node'",
            timeout=T,
        )
        screenshot(page, "13-check-light")
        with theme(page, "JupyterLab Dark"):  # the warning badge and the findings stay readable
            screenshot(page, "13-check-dark")
        _activate(page, 2)
        finding.click()
        page.wait_for_function(
            "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex === 1", timeout=T
        )


def test_strip_removes_the_outputs_on_disk_and_in_the_open_notebook(lab):
    path = lab.root / "examples" / "outputs.ipynb"
    with browser_page("strip") as page:
        open_notebook(page, lab, "examples/outputs.ipynb")
        output = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output")
        output.wait_for(timeout=T)
        assert "said hello" in output.inner_text()
        command(page, "kedro-nb:strip")
        output.wait_for(state="detached", timeout=T)
        [cell] = json.loads(path.read_text())["cells"]
        assert (cell["outputs"], cell["execution_count"]) == ([], None)
        assert cell["metadata"]["tags"] == ["node:greet"]
        assert cell["source"] in ("greeting = 'hello'", ["greeting = 'hello'"])
        node_badge(page, "greet").wait_for(timeout=T)  # still a node


def test_a_conversion_refused_for_hand_edits_can_be_forced_from_the_dialog(lab):
    examples = lab.root / "examples"
    subprocess.run(
        [sys.executable, "-m", "kedro_nb", "convert", "handmade.ipynb"],
        cwd=examples,
        check=True,
        capture_output=True,
    )
    nodes_py = examples / "pipelines" / "handmade" / "nodes.py"
    generated = nodes_py.read_text()
    edited = generated.replace("def split_data(", "# tuned by hand\ndef split_data(")
    assert edited != generated
    nodes_py.write_text(edited)
    with browser_page("force") as page:
        open_notebook(page, lab, "examples/handmade.ipynb")
        with theme(page, "JupyterLab Dark"):
            command(page, "kedro-nb:convert")
            shown = "examples/pipelines/handmade/nodes.py"
            entry = page.locator(f".jp-Dialog .kedro-nb-convert-preview [data-path='{shown}']")
            entry.wait_for(timeout=T)
            assert entry.get_attribute("data-status") == "changed"
            assert entry.get_attribute("data-hand-edited") == "true"  # flagged before a write
            assert "-# tuned by hand" in entry.locator("pre").inner_text()
            warning = page.locator(".jp-Dialog .kedro-nb-convert-hand-edits").inner_text()
            assert "pipelines/handmade/nodes.py: code outside the node functions" in warning
            screenshot(page, "14-convert-hand-edited-dark")
            page.locator(".jp-Dialog .jp-mod-accept").click()

            refusal = page.locator(".jp-Dialog .kedro-nb-convert-refusal")
            refusal.wait_for(timeout=T)
            assert "edited since the last conversion" in refusal.inner_text()
            assert "pipelines/handmade/nodes.py" in refusal.inner_text()
            assert nodes_py.read_text() == edited  # nothing written yet
            screenshot(page, "15-convert-refused-dark")
            force = "Convert anyway (overwrite hand edits)"
            page.locator(f".jp-Dialog button:has-text('{force}')").click()
            page.locator(".jp-Dialog").wait_for(state="detached", timeout=T)
        wait_until(page, lambda: nodes_py.read_text() == generated)
        assert nodes_py.read_text() == generated


def test_convert_from_the_lab_keeps_the_settings_a_terminal_conversion_recorded(lab):
    """`kedro-nb convert --target kedro --pipeline explored` in a terminal records both in the
    project's pyproject.toml; the Lab's Convert (settings left empty) previews the same files
    unchanged, rather than switching the generated code back to kedro_nb."""
    project = lab.root / "shop"
    shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns("__pycache__", ".kedro_nb"))
    (project / "notebooks").mkdir()
    shutil.copy(lab.root / "examples" / "spaceflights.ipynb", project / "notebooks" / "x.ipynb")
    subprocess.run(
        [sys.executable, "-m", "kedro_nb", "convert", "--target", "kedro", "--pipeline",
         "explored", "notebooks/x.ipynb"],
        cwd=project,
        check=True,
        capture_output=True,
    )  # fmt: skip
    pipeline_py = project / "src" / "spaceflights" / "pipelines" / "explored" / "pipeline.py"
    assert "from kedro.pipeline import" in pipeline_py.read_text()
    with browser_page("remembered") as page:
        open_notebook(page, lab, "shop/notebooks/x.ipynb")
        command(page, "kedro-nb:convert")
        shown = "shop/src/spaceflights/pipelines/explored/pipeline.py"
        entry = page.locator(f".jp-Dialog .kedro-nb-convert-preview [data-path='{shown}']")
        entry.wait_for(timeout=T)
        assert entry.get_attribute("data-status") == "unchanged"
        statuses = page.locator(".jp-Dialog .kedro-nb-convert-file").evaluate_all(
            "files => files.map(f => f.dataset.status)"
        )
        assert set(statuses) == {"unchanged"}, statuses
        page.locator(".jp-Dialog .jp-mod-reject").click()
    assert "from kedro.pipeline import" in pipeline_py.read_text()
