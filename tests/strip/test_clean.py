"""The quick clean check of a run over many files never says "clean" for a file the full path
would change, and says it for the notebooks people keep clean.

Differential: each notebook (generated, golden, or either mangled byte by byte) is both checked and
stripped by the full path; whenever the check says clean, the full path must give the very bytes
back, without an error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kedro_nb.strip import StripError, strip_bytes
from kedro_nb.strip._clean import POSSESSIVE_QUANTIFIERS, CleanCheck
from kedro_nb.strip._core import StripOptions
from tests.strip.test_properties import notebooks, strip_options

if not POSSESSIVE_QUANTIFIERS:  # Python 3.10: no check, every file takes the full path
    pytest.skip("the check's pattern needs re's possessive quantifiers", allow_module_level=True)

FIXTURES = Path(__file__).parent / "fixtures"
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DEFAULT = CleanCheck(StripOptions())

# what a hand edit, a merge or another tool could put into a clean notebook
SNIPPETS = [
    b"\\",
    b'"',
    b",",
    b"\n",
    b" ",
    b"\r",
    b"\t",
    b"\\n",
    b'\\"',
    b"\\\\",
    b"\\t",
    b"\\r",
    b"\\/",
    b"\\u0041",
    b"\\ud800",
    b"\xc2\x85",
    b"\xe2\x80\xa8",
    b"\xff",
    b"\x00",
    b"]",
    b"}",
    b"[",
    b"{",
    b"1",
    b"1.0",
    b"-0",
    b"01",
    b"null",
    b'"",\n    "',
    b'\\n",\n    "',
    b'",\n    "x',
    b"[],\n",
    b'"scrolled": true,\n    ',
    b'"keep_output": false,\n    ',
    b'"outputs": [],\n   ',
    b'"execution_count": 1,\n   ',
    b',\n  {\n   "cell_type": "code",\n   "metadata": {},\n   "source": []\n  }',
]


def _full(data: bytes, **options: object) -> bytes | None:
    """What the full path makes of ``data``: its bytes, or None for an error."""
    try:
        return strip_bytes(data, **options)
    except StripError:
        return None


def _assert_sound(check: CleanCheck, data: bytes, **options: object) -> bool:
    said_clean = check(data, "<test>")
    if said_clean:
        assert _full(data, **options) == data, data
    return said_clean


@st.composite
def mangled(draw, data: bytes) -> bytes:
    """``data`` with a few snippets inserted, spans deleted or bytes replaced."""
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(["insert", "delete", "replace"]))
        if edit == "insert":
            data = data[:at] + draw(st.sampled_from(SNIPPETS)) + data[at:]
        elif edit == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 8)) :]
        else:
            data = data[:at] + draw(st.sampled_from(SNIPPETS)) + data[at + 1 :]
    return data


@SETTINGS
@given(notebooks(keep_flags=True), st.data())
def test_clean_check_never_accepts_what_the_full_path_changes(nb, data):
    raw = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False).encode() + b"\n"
    _assert_sound(DEFAULT, raw)
    clean = _full(raw)
    if clean is None:
        return
    _assert_sound(DEFAULT, clean)
    _assert_sound(DEFAULT, data.draw(mangled(clean)))


@SETTINGS
@given(notebooks(keep_flags=True), strip_options, st.data())
def test_clean_check_is_sound_with_any_options(nb, options, data):
    check = CleanCheck.for_options(StripOptions(**options))
    if check is None:  # options that change what a clean cell looks like: no quick check
        assert options.get("drop_empty_cells") or any(
            key.count(".") > 1 or not key.startswith("cell.metadata.")
            for key in options.get("extra_keys", [])
            if key.startswith("cell.")
        )
        return
    raw = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False).encode() + b"\n"
    clean = _full(raw, **options)
    if clean is None:
        return
    for sample in (raw, clean, data.draw(mangled(clean))):
        _assert_sound(check, sample, **options)


# near-clean notebooks: no outputs or counts, but sources split anyhow and strings full of what
# escaping, splitting and the layout treat specially, written by json.dumps in several layouts
tricky_text = st.text(
    st.sampled_from(
        ["a", " ", "\n", "\r", '"', "\\", "\t", "\u2028", "\x85", "\x0b", "é", "\x7f", "\x00"]
    ),
    max_size=6,
)
near_clean_metadata = st.one_of(
    st.just({}),
    st.fixed_dictionaries({"tags": st.lists(tricky_text, max_size=2)}),
    st.dictionaries(
        st.sampled_from(["scrolled", "keep_output", "tags", "x", "jupyter", "trusted", "é"]),
        st.one_of(
            st.booleans(),
            st.integers(-3, 3),
            tricky_text,
            st.lists(tricky_text, max_size=2),
            st.dictionaries(tricky_text, st.booleans(), max_size=2),
        ),
        max_size=2,
    ),
)


@st.composite
def near_clean(draw) -> bytes:
    cells = []
    for _ in range(draw(st.integers(0, 3))):
        cell = {
            "cell_type": draw(st.sampled_from(["code", "markdown"])),
            "metadata": draw(near_clean_metadata),
            "source": draw(st.one_of(st.lists(tricky_text, max_size=4), tricky_text)),
        }
        if draw(st.booleans()):
            cell["id"] = draw(tricky_text)
        if cell["cell_type"] == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        cells.append(cell)
    nb = {"cells": cells, "metadata": draw(near_clean_metadata), "nbformat": 4, "nbformat_minor": 5}
    layout = draw(st.sampled_from(["jupyter", "ascii", "indent2", "unsorted"]))
    text = json.dumps(
        nb,
        indent=2 if layout == "indent2" else 1,
        sort_keys=layout != "unsorted",
        ensure_ascii=layout == "ascii",
    )
    return text.encode("utf-8", "surrogatepass") + b"\n"


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_clean(), st.sampled_from([{}, {"keep_count": True}, {"keep_output_tag": ""}]))
def test_clean_check_on_near_clean_notebooks(data, options):
    check = CleanCheck.for_options(StripOptions(**options))
    assert check is not None
    _assert_sound(check, data, **options)
    clean = _full(data, **options)
    if clean is not None:
        _assert_sound(check, clean, **options)


GOLDEN = sorted(FIXTURES.glob("*.ipynb")) + sorted(FIXTURES.glob("*.expected"))


@pytest.mark.parametrize("path", GOLDEN, ids=lambda path: path.name)
def test_clean_check_agrees_with_the_golden_fixtures(path: Path):
    data = path.read_bytes()
    said_clean = _assert_sound(DEFAULT, data)
    if path.suffix == ".ipynb" and (FIXTURES / f"{path.stem}.expected").read_bytes() != data:
        assert not said_clean


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(GOLDEN), st.data())
def test_clean_check_on_mangled_golden_fixtures(path, data):
    _assert_sound(DEFAULT, data.draw(mangled(path.read_bytes())))


def test_clean_check_accepts_clean_notebooks_as_jupyter_saves_them():
    accepted = [path.name for path in FIXTURES.glob("*.expected") if DEFAULT(path.read_bytes(), "")]
    # the shapes it leaves to the full path: attachments, kept outputs, CRLF, a byte-order mark,
    # cell metadata with more than one key (the key order would need checking)
    assert {"empty_notebook.expected", "outputs_and_counts.expected"} <= set(accepted), accepted
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "a1",
                "metadata": {"tags": ["node:clean", "x"]},
                "outputs": [],
                "source": ["print(\"a\\tb\", '\\\\')\n", "\n", 'x = "é ✓ \U0001f600"'],
            },
            {
                "cell_type": "markdown",
                "metadata": {"jupyter": {"source_hidden": True}},
                "source": [],
            },
        ],
        "metadata": {"kernelspec": {"name": "python3"}, "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    data = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False).encode() + b"\n"
    assert strip_bytes(data) is data
    assert DEFAULT(data, "")
