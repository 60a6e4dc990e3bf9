"""The labextension's jest unit tests (name suggestion, badge text, graph, stale marking,
progress), run with the node_modules that the editable install's build put in place."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

LABEXTENSION = Path(__file__).resolve().parents[2] / "labextension"


def test_jest_suite_passes():
    jlpm = shutil.which("jlpm", path=str(Path(sys.executable).parent)) or "jlpm"
    done = subprocess.run(
        [jlpm, "jest", "--ci", "--silent"],
        cwd=LABEXTENSION,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert re.search(r"Tests:\s+\d+ passed, \d+ total", done.stderr), done.stderr[-2000:]
