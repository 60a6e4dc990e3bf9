"""Every display rendered in a real browser: a plain nbconvert HTML export and JupyterLab, each in
its light and dark theme, through Debian's headless Chromium driven by Playwright.

The notebook is executed in a real kernel first, so the outputs are the ones users get. Each
display is screenshotted into ``tests/artifacts/screenshots/`` (git-ignored) to be looked at, and
checked for what makes it read badly: a title wrapping onto several lines, text too faint for its
background, a picture drawn outside its output.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from kedro_nb.cli.kernelspec import install_kernelspec
from kedro_nb.notebook.names import JUPYTER_NOTEBOOK_ENV
from tests.kernels import IpcKernelManager
from tests.lab.browser import served_port

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
SHOTS = Path(__file__).parents[1] / "artifacts" / "screenshots"
KERNEL = "kedro_nb_browser"
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}
NODES = {
    "prepare": 'clean = [x * params["scale"] for x in range(10)]',
    "enrich": 'enriched = [{"value": v, "even": v % 2 == 0} for v in clean]',
    "summarise": 'summary = {"evens": sum(r["even"] for r in enriched)}\nshare = 1 / params["d"]',
    "build_report": 'report = f"{summary} {enriched[0]} {share}"',
}
DISPLAY_CELLS = [
    "pipelines",
    "pipelines['displays']",
    "%run_pipeline --notebook",
    "catalog",
    "params",
    "%run_pipeline --notebook --params d=0",
    "session",
]

playwright_api = pytest.importorskip("playwright.sync_api", reason="installed by .ci/setup")
if not CHROMIUM.exists():  # .ci/setup installs it on every machine the suite runs on
    pytest.fail(f"{CHROMIUM} is missing: run bash .ci/setup", pytrace=False)


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The display notebook, run in a real kernel and signed (trusted, as after running it)."""
    root = tmp_path_factory.mktemp("browser")
    prefix = root / "prefix"
    install_kernelspec(KERNEL, "kedro-nb (browser tests)", user=False, prefix=prefix)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "kedro-nb (browser tests)"}
    for name, source in NODES.items():
        nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": [f"node:{name}"]}))
    nb.cells += [nbformat.v4.new_code_cell(source) for source in DISPLAY_CELLS]
    folder = root / "work"
    folder.mkdir()
    (folder / "parameters.yml").write_text("scale: 3\nd: 2\nreport:\n  title: Sales\n")
    path = folder / "displays.ipynb"
    nbformat.write(nb, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
        patch.setenv("JUPYTER_DATA_DIR", str(root / "data"))
        client = NotebookClient(
            nb,
            kernel_name=KERNEL,
            timeout=120,
            startup_timeout=180,  # a kernel starting on a busy machine (60 s by default)
            kernel_manager_class=IpcKernelManager,  # no TCP port to race for
            allow_errors=True,
            resources={"metadata": {"path": str(folder)}},
        )
        client.execute(env={**os.environ, JUPYTER_NOTEBOOK_ENV: str(path), "DO_NOT_TRACK": "1"})
        from nbformat.sign import NotebookNotary

        NotebookNotary().sign(nb)
        nbformat.write(nb, path)
        yield path


def _contrast(page: object, selector: str) -> list[float]:
    """WCAG contrast ratio of each matching element's text against its page background."""
    return page.evaluate(  # type: ignore[attr-defined]
        """(selector) => {
          const lum = (rgb) => {
            const [r, g, b] = rgb.match(/[\\d.]+/g).slice(0, 3).map(Number).map((c) => {
              c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
          };
          const background = (el) => {
            for (; el; el = el.parentElement) {
              const c = getComputedStyle(el).backgroundColor;
              if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c;
            }
            return 'rgb(255, 255, 255)';
          };
          return [...document.querySelectorAll(selector)].map((el) => {
            const a = lum(getComputedStyle(el).color), b = lum(background(el));
            return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          });
        }""",
        selector,
    )


def _check_and_shoot(page: object, outputs: object, prefix: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    titles = page.locator(".kedro-nb-title")  # type: ignore[attr-defined]
    assert titles.count() >= 6
    for i in range(titles.count()):
        box = titles.nth(i).bounding_box()
        line = float(titles.nth(i).evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert box and box["height"] < 1.6 * line, f"title {i} wraps: {titles.nth(i).inner_text()}"
    for selector in (".kedro-nb-title", ".kedro-nb td", ".kedro-nb-note"):
        assert min(_contrast(page, selector)) >= 4.5, f"{selector} too faint in {prefix}"
    svg = page.locator("svg.kedro-nb-dag").first  # type: ignore[attr-defined]
    assert svg.bounding_box()["width"] > 300
    for i in range(outputs.count()):  # type: ignore[attr-defined]
        outputs.nth(i).screenshot(path=str(SHOTS / f"{prefix}-{i:02d}.png"))  # type: ignore


@pytest.mark.parametrize("theme", list(THEMES))
def test_nbconvert_html_export(executed: Path, theme: str) -> None:
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter(template_name="lab", theme=theme).from_filename(str(executed))
    page_file = executed.with_name(f"displays-{theme}.html")
    page_file.write_text(html, encoding="utf-8")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(page_file.as_uri())
        page.screenshot(path=str(SHOTS / f"nbconvert-{theme}-page.png"), full_page=True)
        _check_and_shoot(page, page.locator(".jp-OutputArea-output"), f"nbconvert-{theme}")
        browser.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("theme", list(THEMES))
def test_jupyterlab(executed: Path, theme: str, tmp_path: Path) -> None:
    settings = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "themes.jupyterlab-settings").write_text(f'{{"theme": "{THEMES[theme]}"}}')
    port, token = _free_port(), "kedro-nb-browser-test"
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "JUPYTER_DATA_DIR": str(executed.parents[1] / "data"),  # where the notebook was signed
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),  # its jpserver-<pid>.json: the port
    }
    server = subprocess.Popen(
        [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
            f"--port={port}", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={executed.parent}",
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            # the port it took: Jupyter moves on when another process took the free one first
            served = served_port(tmp_path / "runtime", server.pid)
            try:
                if served is None:
                    raise OSError("no server file yet")
                base = f"http://127.0.0.1:{served}"
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                assert server.poll() is None, "jupyter lab exited"
                assert time.monotonic() < deadline, "jupyter lab did not start"
                time.sleep(0.5)
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/lab/tree/{executed.name}?token={token}")
            page.locator(".kedro-nb-title").first.wait_for(timeout=60_000)
            page.wait_for_timeout(1000)  # let the theme settle
            page.screenshot(path=str(SHOTS / f"lab-{theme}-page.png"))
            outputs = page.locator(".jp-Notebook .jp-OutputArea-output")
            _check_and_shoot(page, outputs, f"lab-{theme}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp_path / "settings", ignore_errors=True)
