"""Logging-file parity: the logging files Kedro 1.7 refuses to apply (a ``()`` factory, a class
from a module not allowed) kedro-nb refuses too, and what Kedro applies kedro-nb applies.

Kedro raises where kedro-nb reports one line and keeps its default (logging never stops a run,
docs/kedro-compatibility.md); the verdict is the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

_PROBE = """
import json, sys
from pathlib import Path
import yaml

api, path = sys.argv[1], Path(sys.argv[2])
if api == "kedro":
    from kedro.framework.project import LOGGING
    try:
        LOGGING.configure(yaml.safe_load(path.read_text()))
        print(json.dumps("applied"))
    except ValueError:
        print(json.dumps("refused"))
else:
    import os
    from kedro_nb.project.logs import configure_logging
    os.environ["KEDRO_LOGGING_CONFIG"] = str(path)
    print(json.dumps("applied" if configure_logging(None, None) == path else "refused"))
"""

_HANDLER = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
CONFIGS = {
    "plain": {"version": 1, "handlers": {"h": _HANDLER}, "root": {"handlers": ["h"]}},
    "factory": {
        "version": 1,
        "handlers": {"h": {"()": "logging.StreamHandler"}},
        "root": {"handlers": ["h"]},
    },
    "foreign-class": {
        "version": 1,
        "handlers": {"h": {**_HANDLER, "class": "collections.OrderedDict"}},
        "root": {"handlers": ["h"]},
    },
    "foreign-formatter": {
        "version": 1,
        "formatters": {"f": {"class": "string.Formatter"}},
        "handlers": {"h": {**_HANDLER, "formatter": "f"}},
        "root": {"handlers": ["h"]},
    },
    "submodule-allowed": {
        "version": 1,
        "handlers": {"h": {"class": "logging.handlers.RotatingFileHandler", "filename": "x.log"}},
        "root": {"handlers": ["h"]},
    },
}


def _verdict(api: str, path: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, api, str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=path.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_the_same_logging_files_are_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / "logging.yml"
    path.write_text(yaml.safe_dump(CONFIGS[name]))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEDRO_LOGGING")}
    env |= {"KEDRO_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "1"}
    theirs, ours = _verdict("kedro", path, env), _verdict("kedro_nb", path, env)
    assert ours == theirs
    assert theirs == ("applied" if name in ("plain", "submodule-allowed") else "refused")


def test_the_allowlist_variable_trusts_a_module_in_both(tmp_path: Path) -> None:
    path = tmp_path / "logging.yml"
    rich = {"class": "rich.logging.RichHandler"}
    path.write_text(yaml.safe_dump({"version": 1, "handlers": {"h": rich}}))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEDRO_LOGGING")}
    env |= {"DO_NOT_TRACK": "1", "KEDRO_DISABLE_TELEMETRY": "true"}
    assert _verdict("kedro", path, env) == _verdict("kedro_nb", path, env) == "refused"
    env["KEDRO_LOGGING_MODULE_ALLOWLIST"] = "json, rich"
    assert _verdict("kedro", path, env) == _verdict("kedro_nb", path, env) == "applied"
