"""The installed package registers both halves of the Lab extension, and the names the
TypeScript side copies from Python (routes, cell convention, progress mimetype) agree."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kedro_nb.convert import cells
from kedro_nb.notebook.progress import PROGRESS_MIMETYPE
from kedro_nb.server import routes
from kedro_nb.server.handlers import default_handlers

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "labextension" / "src"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def jupyter(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "jupyter", *args], capture_output=True, text=True, check=True
    )
    return ANSI.sub("", done.stdout + done.stderr)


def test_labextension_is_listed_enabled_and_ok():
    assert re.search(
        r"kedro-nb v\S+ enabled OK \(python, kedro-nb\)", jupyter("labextension", "list")
    )


def test_server_extension_is_enabled_and_validates():
    listing = jupyter("server", "extension", "list")
    assert "kedro_nb.server enabled" in listing
    assert re.search(r"kedro_nb\.server\s+OK", listing)


def ts_constant(module: str, name: str) -> str:
    text = (SRC / module).read_text(encoding="utf-8")
    match = re.search(rf"export const {name} = '([^']*)'", text)
    assert match, f"{name} not found in {module}"
    return match[1]


@pytest.mark.parametrize(
    ("module", "name", "python"),
    [
        ("api.ts", "API_NAMESPACE", routes.API_NAMESPACE),
        ("convention.ts", "NODE_TAG_PREFIX", cells.NODE_TAG_PREFIX),
        ("convention.ts", "SKIP_TAG", cells.SKIP_TAG),
        ("convention.ts", "METADATA_KEY", cells.METADATA_KEY),
        ("progress.ts", "PROGRESS_MIMETYPE", PROGRESS_MIMETYPE),
    ],
)
def test_typescript_copies_agree_with_python(module, name, python):
    assert ts_constant(module, name) == python


def test_typescript_endpoints_are_the_server_routes():
    text = (SRC / "api.ts").read_text(encoding="utf-8")
    block = text[text.index("export const ENDPOINTS") : text.index("} as const")]
    assert dict(re.findall(r"(\w+): '([^']+)'", block)) == {
        name: name for name, _ in default_handlers
    }
