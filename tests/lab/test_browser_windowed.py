"""Badges survive JupyterLab's windowed notebook rendering: in a 300-cell notebook (cells
rendered only when scrolled into view) every node cell has its badge when it shows."""

from __future__ import annotations

import json
from pathlib import Path

from tests.lab.browser import browser_page, running_lab, screenshot

N_CELLS = 300
T = 60_000


def _notebook(path: Path) -> dict[int, str]:
    """Every third cell a node ``n<k>: v<k-1> -> v<k>``; returns cell index -> badge text."""
    cells, expected, k = [], {}, 0
    for index in range(N_CELLS):
        if index % 3 == 0:
            source = f"v{k} = v{k - 1} + 1" if k else "v0 = 1"
            tags = [f"node:n{k}"]
            expected[index] = f"n{k}: v{k - 1} → v{k}" if k else "n0: ∅ → v0"
            k += 1
        else:
            source, tags = f"print({index})", []
        cells.append(
            {"id": f"c{index}", "cell_type": "code", "source": source, "outputs": [],
             "execution_count": None, "metadata": {"tags": tags} if tags else {}}
        )  # fmt: skip
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb = {"nbformat": 4, "nbformat_minor": 5, "cells": cells, "metadata": {"kernelspec": kernel}}
    path.write_text(json.dumps(nb))
    return expected


CHECK = """
([expected, target]) => {
  const shown = document.querySelector(
    `.jp-NotebookPanel .jp-Cell[data-windowed-list-index='${target}'] .jp-InputArea`);
  if (!shown) return null;  // the cell scrolled to is not rendered yet
  const found = {};
  for (const cell of document.querySelectorAll('.jp-NotebookPanel .jp-Cell')) {
    const index = cell.dataset.windowedListIndex;
    // a cell still a placeholder (not rendered yet) has no header to hold a badge
    if (!(index in expected) || !cell.querySelector('.jp-InputArea')) continue;
    const badge = cell.querySelector('.kedro-nb-node-badge');
    if (!badge || badge.textContent.split('stale')[0] !== expected[index]) {
      window.kedroNbMissing = [index, badge ? badge.textContent : null];
      return null;
    }
    found[index] = true;
  }
  return {found: Object.keys(found)};
}
"""


def test_every_node_cell_has_its_badge_while_scrolling_a_windowed_notebook(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    expected = _notebook(root / "long.ipynb")
    windowed = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "full"}}
    with running_lab(root, windowed) as lab, browser_page("windowed") as page:
        page.set_default_timeout(T)
        page.goto(lab.lab_url("long.ipynb"))
        page.wait_for_selector(".kedro-nb-node-badge", timeout=T)
        # JupyterLab's own flag that the notebook renders its cells windowed. (How many cells the
        # DOM holds while scrolling is no test of it: from one page load to the next it varied
        # from 44 to over 170 of the 300, windowing active each time.)
        windowing = "() => window.jupyterapp.shell.currentWidget.content.viewModel.windowingActive"
        assert page.evaluate(windowing) is True, "windowing is not active"
        seen: set[str] = set()
        for target in sorted(expected):  # scroll to each node cell in turn
            page.evaluate(
                "(i) => window.jupyterapp.shell.currentWidget.content.scrollToItem(i, 'auto')",
                target,
            )
            try:
                handle = page.wait_for_function(
                    CHECK, arg=[{str(i): t for i, t in expected.items()}, target], timeout=T
                )
            except Exception:
                missing = page.evaluate("() => window.kedroNbMissing")
                raise AssertionError(
                    f"scrolled to {target}: cell without its badge {missing}"
                ) from None
            seen |= set(handle.json_value()["found"])
        screenshot(page, "08-windowed-300-cells")
        assert page.evaluate(windowing) is True, "windowing was turned off while scrolling"
        assert seen == {str(i) for i in expected}
