"""End to end: the extension in a real JupyterLab, driven by Playwright with Debian's Chromium.

A user opens the spaceflights example, makes a node through the cell toolbar's button, sees its
badge with the inferred inputs and outputs, edits the cell and sees the badge follow, opens the
pipeline panel, runs the pipeline (every node ends ``done``, the metrics file is on disk) and
converts with preview and confirmation; then the same checks in the dark theme. Screenshots go
to ``build/lab-screenshots/``.
"""

from __future__ import annotations

import json
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
    wait_until,
)
from tests.lab.conftest import SPACEFLIGHTS_NODES, copy_examples

NB = "examples/spaceflights.ipynb"
MADE = "preprocess_companies"  # the node the test makes (its tag is removed from the copy)
NODES = SPACEFLIGHTS_NODES


def _untag(path: Path, name: str) -> None:
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if f"node:{name}" in tags:
            cell["metadata"]["tags"] = [t for t in tags if t != f"node:{name}"]
    path.write_text(json.dumps(nb, indent=1))


def _run_all_and_wait(page) -> None:
    panel = page.locator("#kedro-nb-pipeline-panel")
    panel.locator("button.kedro-nb-run[data-scope='all']").click()
    for name in NODES:
        panel.locator(f"[data-node='{name}'][data-state='done']").wait_for(timeout=2 * T)
    page.wait_for_function(
        "() => document.querySelector('#kedro-nb-pipeline-panel .kedro-nb-panel-status')"
        ".textContent.startsWith('Run finished')",
        timeout=T,
    )


@pytest.fixture
def lab(tmp_path: Path):
    root = tmp_path / "root"
    root.mkdir()
    copy_examples(root)
    _untag(root / NB, MADE)
    with running_lab(root) as running:
        yield running


def test_make_see_run_and_convert_nodes_in_light_and_dark_themes(lab):
    with browser_page("make-run-convert") as page:
        open_notebook(page, lab, NB)
        for name in NODES[1:]:  # the tagged cells have their badges
            node_badge(page, name).wait_for(timeout=T)
        expected = "preprocess_shuttles: shuttles → preprocessed_shuttles"
        assert node_badge(page, "preprocess_shuttles").inner_text() == expected

        # make a node through the cell toolbar's button
        cell = cell_at(page, 6)
        cell.locator(".jp-InputArea-editor").click()
        button = cell.locator(".jp-cell-toolbar [data-command='kedro-nb:make-node']")
        button.click()
        dialog = page.locator(".jp-Dialog")
        field = dialog.locator("input")
        assert field.input_value() == "preprocessed_companies"  # from the first assignment
        field.fill(NODES[3])  # a name another cell uses is refused
        dialog.locator(".jp-mod-accept").click()
        page.locator(".jp-Dialog:has-text('already the node')").wait_for(timeout=T)
        page.locator(".jp-Dialog .jp-mod-accept").click()
        page.locator(".jp-Dialog input").fill(MADE)
        page.locator(".jp-Dialog .jp-mod-accept").click()
        badge = node_badge(page, MADE)
        badge.wait_for(timeout=T)
        assert badge.inner_text() == f"{MADE}: companies → preprocessed_companies"
        screenshot(page, "01-node-made-light")

        # edit the cell: the badge follows (a new catalog input)
        cell.locator(".cm-content").click()
        page.keyboard.press("Control+End")
        page.keyboard.insert_text(
            "\npreprocessed_companies = preprocessed_companies.assign(n_reviews=len(reviews))"
        )
        page.wait_for_function(
            "([name, text]) => { const b = document.querySelector("
            "`.kedro-nb-node-badge[data-node='${name}']`);"
            " return b && b.textContent.includes(text); }",
            arg=[MADE, "companies, reviews"],
            timeout=T,
        )
        assert badge.inner_text() == f"{MADE}: companies, reviews → preprocessed_companies"
        screenshot(page, "02-badge-updated-light")

        # the pipeline panel: the DAG, then a run
        page.locator(
            ".jp-NotebookPanel-toolbar [data-command='kedro-nb:open-pipeline-panel']"
        ).click()
        panel = page.locator("#kedro-nb-pipeline-panel")
        for name in NODES:
            panel.locator(f"[data-node='{name}'][data-state='idle']").wait_for(timeout=T)
        screenshot(page, "03-panel-light")
        output = lab.root / "examples" / "data" / "output" / "metrics.json"
        assert not output.exists()
        _run_all_and_wait(page)
        assert set(json.loads(output.read_text())) == {"r2", "mae", "max_error"}
        screenshot(page, "04-run-done-light")

        # click a node: its cell becomes the active one
        panel.locator("[data-node='train_model']").click()
        page.wait_for_function(
            "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex === 13",
            timeout=T,
        )

        # convert: preview with diffs, then write on confirmation
        command(page, "kedro-nb:convert")
        preview = page.locator(".jp-Dialog .kedro-nb-convert-preview")
        preview.wait_for(timeout=T)
        nodes_py = "examples/pipelines/spaceflights/nodes.py"
        entry = preview.locator(f"[data-path='{nodes_py}']")
        assert entry.get_attribute("data-status") == "new"
        assert "+def preprocess_companies(" in entry.locator("pre").inner_text()
        screenshot(page, "05-convert-preview-light")
        assert not (lab.root / nodes_py).exists()
        page.locator(".jp-Dialog .jp-mod-accept").click()
        page.locator(".jp-Dialog").wait_for(state="detached", timeout=T)
        wait_until(page, (lab.root / nodes_py).exists)  # the server writes it after the click
        assert "def preprocess_companies(" in (lab.root / nodes_py).read_text()

        # the dark theme: badges, panel and a run again
        command(page, "apputils:change-theme", {"theme": "JupyterLab Dark"})
        page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=T)
        assert badge.inner_text() == f"{MADE}: companies, reviews → preprocessed_companies"
        output.unlink()
        _run_all_and_wait(page)
        assert output.is_file()
        screenshot(page, "06-run-done-dark")
        command(page, "kedro-nb:convert")
        preview.wait_for(timeout=T)
        assert preview.locator(f"[data-path='{nodes_py}']").get_attribute("data-status") in (
            "unchanged",
            "changed",
        )
        screenshot(page, "07-convert-preview-dark")
        page.locator(".jp-Dialog .jp-mod-reject").click()
