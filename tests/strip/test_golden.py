"""Golden files: each fixtures/NAME.ipynb stripped gives fixtures/NAME.expected byte for byte.

The expected files were checked against ``nbstripout --keep-id`` (identical except that CRLF input
stays CRLF here) and review by eye.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from kedro_nb.strip import strip_bytes, strip_file

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(path.stem for path in FIXTURES.glob("*.ipynb"))


def test_every_fixture_has_an_expected_file():
    assert CASES, "no golden fixtures found"
    assert sorted(path.stem for path in FIXTURES.glob("*.expected")) == CASES


@pytest.mark.parametrize("name", CASES)
def test_strip_file_matches_golden(name: str, tmp_path: Path):
    target = tmp_path / f"{name}.ipynb"
    shutil.copyfile(FIXTURES / f"{name}.ipynb", target)
    expected = (FIXTURES / f"{name}.expected").read_bytes()
    changed = strip_file(target)
    assert target.read_bytes() == expected
    assert changed == ((FIXTURES / f"{name}.ipynb").read_bytes() != expected)


@pytest.mark.parametrize("name", CASES)
def test_golden_output_is_clean_and_jupyter_layout(name: str):
    expected = (FIXTURES / f"{name}.expected").read_bytes()
    assert strip_bytes(expected) is expected  # idempotent: already clean, same object back
    text = expected.decode("utf-8").replace("\r\n", "\n")
    nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    assert nbformat.writes(nb) + "\n" == text  # what nbformat.write (a Jupyter save) produces
