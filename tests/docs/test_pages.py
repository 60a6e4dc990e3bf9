"""The README and the documentation pages say what the code does.

The README is a landing page: it gives the two commands CI and new users run, and its links
point into pages that exist. The pages that list options (every magic, ``%run_pipeline``'s and
``kedro-nb run``'s options) are held against the real help texts, so an option added, renamed or
removed in ``kedro_nb.cli.options`` fails here until the page says so too. Broken links and
pages missing from the navigation are ``mkdocs build --strict``'s job (CI runs it).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

from kedro_nb.notebook.names import ALL_MAGICS

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"

MAIN_JOB = "bash .ci/setup && .venv/bin/python example_notebooks/run_example.py"
TEST_JOB = "bash .ci/setup && .venv/bin/python -m pytest"


def _long_flags(help_text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", help_text)) - {"--help"}


@pytest.fixture
def shell(tmp_path: Path, make_shell: Callable[..., InteractiveShell]) -> InteractiveShell:
    """A real IPython shell in an empty folder, with kedro-nb loaded."""
    return make_shell(tmp_path, load=True)


def test_readme_gives_the_two_commands_as_ci_runs_them() -> None:
    text = README.read_text(encoding="utf-8")
    commands = [line.strip() for line in text.splitlines() if line.startswith("bash .ci/")]
    assert commands == [MAIN_JOB, TEST_JOB]
    assert "bash .ci/setup" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_stays_a_landing_page_whose_links_resolve() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 160, "the manual belongs in docs/, the README links to it"
    targets = re.findall(r"\]\(((?!https?:)[^)#]+)(?:#[^)]*)?\)", text)
    assert targets, "the README links into the docs"
    missing = sorted(t for t in targets if not (ROOT / t).exists())
    assert not missing, f"README links to missing files: {missing}"


def test_every_magic_has_its_section_on_the_notebook_page() -> None:
    page = (DOCS / "notebook.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^### `%(\w+)", page, flags=re.M))
    assert headings == set(ALL_MAGICS)


def test_run_pipeline_option_table_lists_exactly_the_magics_options(shell, capsys) -> None:
    shell.run_line_magic("run_pipeline", "--help")
    options = _long_flags(capsys.readouterr().out)
    page = (DOCS / "notebook.md").read_text(encoding="utf-8")
    section = page[page.index("### `%run_pipeline`") : page.index("### `%load_node`")]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    documented = _long_flags("\n".join(row.split("|")[1] for row in table))
    assert documented == options


def test_kedro_nb_run_usage_on_the_projects_page_names_every_option() -> None:
    help_text = subprocess.run(
        [sys.executable, "-m", "kedro_nb", "run", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    page = (DOCS / "projects.md").read_text(encoding="utf-8")
    usage = page[page.index("kedro-nb run [") :]
    usage = usage[: usage.index("```")]
    assert _long_flags(usage) == _long_flags(help_text)
