"""A real ``jupyter lab`` on 127.0.0.1 with a token, and Debian's Chromium driven by
Playwright (no browser download is possible here: ``executable_path``)."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
T = 60_000  # ms: what the browser tests wait at most for one step (a slow shared machine)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
REPO = Path(__file__).resolve().parents[2]
#: the extension as this checkout built it (`jlpm build:prod` in labextension/, or the editable
#: install's build hook); the browser tests load this one, not whatever the venv has installed
BUILT = REPO / "kedro_nb" / "labextension"
#: screenshots the browser tests take (git-ignored; CI keeps them as artefacts)
SCREENSHOTS = Path(os.environ.get("KEDRO_NB_SCREENSHOTS", REPO / "build" / "lab-screenshots"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def served_port(runtime_dir: Path, pid: int) -> int | None:
    """The port of the Jupyter server ``pid`` as its ``jpserver-<pid>.json`` in
    ``runtime_dir`` says, or None while that file is not (fully) written."""
    try:
        return int(json.loads((runtime_dir / f"jpserver-{pid}.json").read_text())["port"])
    except (OSError, ValueError, KeyError):
        return None


class Lab:
    """A running JupyterLab: its URL, token and root directory."""

    def __init__(self, root: Path, port: int, token: str) -> None:
        self.root, self.port, self.token = root, port, token

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def lab_url(self, path: str = "") -> str:
        return (
            f"{self.url}/lab/tree/{path}?token={self.token}"
            if path
            else f"{self.url}/lab?token={self.token}"
        )


def _this_build(home: Path) -> Path:
    """A data directory whose ``labextensions/kedro-nb`` is this checkout's build.

    Put first on ``JUPYTER_PATH``, it wins over the copy installed in the venv's
    ``share/jupyter`` (JupyterLab takes the first extension of a name it finds), so a test runs
    the sources beside it even when the shared venv holds another worktree's build."""
    if not (BUILT / "package.json").is_file():
        raise RuntimeError(
            f"no labextension build in {BUILT}: run `jlpm install && jlpm build:prod` in "
            f"{REPO / 'labextension'}"
        )
    sources = [*(REPO / "labextension").glob("src/*.ts"), *(REPO / "labextension").glob("style/*")]
    built_at = (BUILT / "package.json").stat().st_mtime
    newer = sorted(p.name for p in sources if p.stat().st_mtime > built_at)
    if newer:
        raise RuntimeError(
            f"the labextension build in {BUILT} is older than {', '.join(newer)}: run "
            f"`jlpm build:prod` in {REPO / 'labextension'}"
        )
    data = home / "data"
    link = data / "labextensions" / "kedro-nb"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink():
        link.symlink_to(BUILT, target_is_directory=True)
    return data


def _loaded_build(url: str) -> str | None:
    """The ``remoteEntry`` file of kedro-nb that the Lab page at ``url`` loads (from the page
    config the server writes into the page)."""
    with urllib.request.urlopen(url) as answer:
        page = answer.read().decode()
    match = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                      page, re.DOTALL)  # fmt: skip
    extensions = json.loads(match[1])["federated_extensions"] if match else []
    return next((Path(e["load"]).name for e in extensions if e["name"] == "kedro-nb"), None)


@contextmanager
def running_lab(root: Path, settings: dict[str, dict] | None = None) -> Iterator[Lab]:
    """Start ``jupyter lab`` serving ``root`` (own settings and workspace folders, user
    ``settings`` as ``{plugin_id: values}``), wait until it answers, stop it afterwards."""
    home = root.parent / f"{root.name}-lab"
    user_settings = home / "settings"
    quiet = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}
    for plugin, values in {**quiet, **(settings or {})}.items():
        package, name = plugin.split(":")
        target = user_settings / package / f"{name}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "IPYTHONDIR": str(home / "ipython"),
    }
    home.mkdir(parents=True, exist_ok=True)
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(_this_build(home)), os.environ.get("JUPYTER_PATH")) if p
    )
    log = (home / "lab.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            f"--LabApp.user_settings_dir={user_settings}",
            f"--LabApp.workspaces_dir={home / 'workspaces'}",
            "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            # the port the server took: another process may have bound the free one in the
            # meantime, and Jupyter then moves on to the next ports (its server file says which)
            served = served_port(home / "runtime", process.pid)
            try:
                if served is None:
                    raise OSError("no server file yet")
                with urllib.request.urlopen(f"http://127.0.0.1:{served}/api/status?token={token}"):
                    port = served
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "jupyter lab did not start:\n" + (home / "lab.log").read_text()[-3000:]
                    ) from None
                time.sleep(0.3)
        built = json.loads((BUILT / "package.json").read_text())["jupyterlab"]["_build"]["load"]
        loaded = _loaded_build(f"http://127.0.0.1:{port}/lab?token={token}")
        if loaded != Path(built).name:
            raise RuntimeError(f"jupyter lab loads kedro-nb {loaded}, not this build's {built}")
        yield Lab(root, port, token)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def browser_page(name: str, width: int = 1500, height: int = 950) -> Iterator[object]:
    """A Chromium page; on a failure inside the block, a screenshot ``<name>-failure.png``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            try:
                yield page
            except BaseException:
                screenshot(page, f"{name}-failure")
                raise
        finally:
            browser.close()


def screenshot(page: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))  # type: ignore[attr-defined]
    return path


# -- what the browser tests do in the Lab page --------------------------------------------


def cell_at(page, index: int):
    return page.locator(f".jp-NotebookPanel:visible .jp-Cell[data-windowed-list-index='{index}']")


def node_badge(page, name: str):
    return page.locator(f".kedro-nb-node-badge[data-node='{name}']:visible")


def wait_kernel_idle(page) -> None:
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget;"
        " const k = w && w.sessionContext && w.sessionContext.session &&"
        " w.sessionContext.session.kernel; return k && k.status === 'idle'; }",
        timeout=T,
    )


def wait_until(page, condition, timeout_ms: int = T) -> None:
    """Poll ``condition()`` (a check of files the server writes, say) every 100 ms until it is
    true or ``timeout_ms`` passed; the caller then asserts what it waited for."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition() and time.monotonic() < deadline:
        page.wait_for_timeout(100)


def command(page, name: str, args: dict | None = None) -> None:
    """Start a command as a menu click would, not waiting for its dialogs to close."""
    page.evaluate(
        "([command, args]) => { window.jupyterapp.commands.execute(command, args); }",
        [name, args or {}],
    )


def open_notebook(page, lab, path: str) -> None:
    page.set_default_timeout(T)
    page.goto(lab.lab_url(path) + "&reset")  # only this notebook, not the last page's tabs
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.isPluginActivated('kedro-nb:plugin')",
        timeout=T,
    )
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=T)
    wait_kernel_idle(page)


def set_theme(page, name: str) -> None:
    """Switch the open Lab to theme ``name`` and wait until it applies."""
    light = "false" if "Dark" in name else "true"
    command(page, "apputils:change-theme", {"theme": name})
    page.wait_for_function(
        "(light) => document.body.dataset.jpThemeLight === light", arg=light, timeout=T
    )
    page.locator("#jupyterlab-splash").wait_for(state="detached", timeout=T)  # theme loaded


@contextmanager
def theme(page, name: str) -> Iterator[None]:
    """The open Lab in theme ``name`` for the block, then light again: the theme is a user
    setting, shared by every later page of the same server."""
    set_theme(page, name)
    try:
        yield
    finally:
        set_theme(page, "JupyterLab Light")
