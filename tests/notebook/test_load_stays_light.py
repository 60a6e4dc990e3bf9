"""``%load_ext kedro_nb`` imports the notebook front door and the engine it needs, not the
conversion layer or the command line's commands: those load when a magic first needs them."""

from __future__ import annotations

import subprocess
import sys

_PROBE = """
import sys
from IPython.core.interactiveshell import InteractiveShell
InteractiveShell.instance().run_line_magic("load_ext", "kedro_nb")
print(sorted(m for m in sys.modules if m.startswith(("kedro_nb.convert", "kedro_nb.cli."))))
"""


def test_load_ext_imports_no_conversion_module_and_no_command(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    # the option table the magics share with kedro-nb run is the one piece of the command line
    assert done.stdout.strip().splitlines()[-1] == "['kedro_nb.cli.options']"


_RECORDS_PROBE = """
import sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
# IPython 8 (the last for Python 3.10) imports hashlib itself: set it aside so that only an
# import by the extension brings it back
sys.modules.pop("hashlib", None)
shell.run_line_magic("load_ext", "kedro_nb")
print(sorted(m for m in ("kedro_nb.project.records", "hashlib") if m in sys.modules))
store = shell.user_ns["session"].store
print(type(store).__name__, store.path.relative_to(shell.user_ns["session"].project_path))
"""


def test_load_ext_leaves_the_run_store_until_it_is_used(tmp_path) -> None:
    """The run records (a 24-field dataclass) and hashlib (OpenSSL) load with the first run
    or the first look at ``session.store``, not with the extension."""
    done = subprocess.run(
        [sys.executable, "-c", _RECORDS_PROBE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    not_loaded, store = done.stdout.strip().splitlines()[-2:]
    assert not_loaded == "[]"
    assert store == "RunStore .kedro_nb/runs.sqlite"
