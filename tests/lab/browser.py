"""A real ``jupyter lab`` on 127.0.0.1 with a token, and Debian's Chromium driven by
Playwright (no browser download is possible here: ``executable_path``)."""

from __future__ import annotations

import json
import os
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
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
REPO = Path(__file__).resolve().parents[2]
#: screenshots the browser tests take (git-ignored; CI keeps them as artefacts)
SCREENSHOTS = Path(os.environ.get("KEDRO_NB_SCREENSHOTS", REPO / "build" / "lab-screenshots"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}"):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "jupyter lab did not start:\n" + (home / "lab.log").read_text()[-3000:]
                    ) from None
                time.sleep(0.3)
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
