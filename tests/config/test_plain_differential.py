"""``kedro_nb.config.plain`` against OmegaConf, the library it stands in for, on generated input.

Documents are written from a pool of scalar spellings chosen for where YAML readers disagree
(YAML 1.1 booleans, ``~``, octal and hexadecimal, sexagesimal, OmegaConf's extra floats, dates,
quoted look-alikes), nested in block and flow collections, sometimes with a repeated key or an
anchor and alias. For each, ``read_plain`` must give exactly OmegaConf's values, types and key
order (compared by ``repr``), or decline (None) so the loader takes OmegaConf's own path; and a
document with no repeated key, anchor or OmegaConf marker must take the plain path, so the
comparison is not vacuous. ``merge_plain`` is held against ``OmegaConf.unsafe_merge`` likewise.
"""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from omegaconf import OmegaConf

from kedro_nb.config.plain import merge_plain, read_plain

#: scalar spellings where YAML 1.1, YAML 1.2 and OmegaConf's resolver differ or surprise
SCALARS = [
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "N",
    "true",
    "False",
    "TRUE",
    "Yes",
    "NO",
    "oN",
    "~",
    "null",
    "Null",
    "NULL",
    "''",
    '""',
    "017",
    "0o17",
    "0x1F",
    "0X1f",
    "0b101",
    "-017",
    "08",
    "09",
    "+12",
    "1_000",
    "190:20:30",
    "1e3",
    "1E3",
    "1.5e-3",
    "1_000.5",
    ".5",
    "-.inf",
    ".Inf",
    ".nan",
    "+1.0",
    "190:20:30.15",
    "1.",
    "-0",
    "0.0",
    "6.8523015e+5",
    "685.230_15e+03",
    "2024-01-31",
    "2001-12-14t21:59:43.10-05:00",
    "2002-12-14 21:59:43.10",
    "'017'",
    '"yes"',
    "'~'",
    '"1e3"',
    "a: b",
    '"a: b"',
    "plain text",
    "'$notinterp'",
    '"{x}"',
    "é ✓",
    '"tab\\there"',
    "'it''s'",
    "0.1.2",
    "1-2",
    "=",
    "<<x",
]
_KEYS = st.sampled_from(["a", "b", "key", "x_1", "dotted.key", "'quoted'", '"yes"', "k-2"])


def _scalar() -> st.SearchStrategy[str]:
    return st.sampled_from(SCALARS)


def _flow(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return _scalar()
    inner = _flow(depth - 1)
    return st.one_of(
        _scalar(),
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(_KEYS, inner), max_size=3, unique_by=lambda kv: kv[0]).map(
            lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
        ),
    )


@st.composite
def _block(draw: st.DrawFn, indent: int = 0, depth: int = 2) -> str:
    """A block mapping: keys unique unless a repeat is drawn; values scalars, flow
    collections, block lists or nested block mappings."""
    keys = draw(st.lists(_KEYS, min_size=1, max_size=4, unique=True))
    if draw(st.integers(0, 9)) == 0:
        keys.append(keys[0])  # a repeated key: OmegaConf refuses it, plain must decline
    pad = " " * indent
    lines = []
    for key in keys:
        kind = draw(st.integers(0, 3 if depth else 1))
        if kind <= 1:
            lines.append(f"{pad}{key}: {draw(_flow(1))}")
        elif kind == 2:
            items = draw(st.lists(_flow(1), min_size=1, max_size=3))
            lines.append(f"{pad}{key}:")
            lines += [f"{pad}  - {item}" for item in items]
        else:
            lines.append(f"{pad}{key}:")
            lines.append(draw(_block(indent + 2, depth - 1)))
    return "\n".join(lines)


@st.composite
def _document(draw: st.DrawFn) -> str:
    text = draw(_block())
    if draw(st.integers(0, 7)) == 0:  # an anchor and its alias
        text = f"shared: &s {draw(_flow(1))}\nagain: *s\n" + text
    return text + "\n"


def _omegaconf(path: Path) -> str:
    return repr(OmegaConf.to_container(OmegaConf.load(path)))


@settings(max_examples=400, deadline=None)
@given(text=_document())
def test_read_plain_gives_omegaconfs_values_or_declines(text: str) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "conf.yml"
        path.write_text(text, encoding="utf-8")
        plain = read_plain(path)
        try:
            expected = _omegaconf(path)
        except Exception:  # OmegaConf refuses it (a repeated key...): plain must not accept it
            assert plain is None, text
            return
        if plain is not None:
            assert repr(plain) == expected, text
        elif "*s" not in text and "${" not in text:
            keys = [line.split(":")[0] for line in text.splitlines() if ":" in line]
            assert len(keys) != len(set(keys)), f"declined a plain document:\n{text}"


_VALUES = st.recursive(
    st.one_of(st.integers(), st.booleans(), st.none(), st.text(max_size=5), st.floats(0, 9)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from("abcd"), inner, max_size=3)
    ),
    max_leaves=10,
)
_CONFIGS = st.dictionaries(st.sampled_from("abcde"), _VALUES, max_size=4)


@settings(max_examples=300, deadline=None)
@given(configs=st.lists(_CONFIGS, min_size=1, max_size=4))
def test_merge_plain_is_omegaconfs_unsafe_merge(configs: list[dict]) -> None:
    """Where OmegaConf merges, the result is the same. Where it refuses (a list meeting a dict
    under one key), the loader never gets to merge: both paths first refuse the repeated key
    (tests/config/test_plain_path.py::test_duplicates_across_files_are_still_an_error)."""
    try:
        merged = OmegaConf.unsafe_merge(*map(OmegaConf.create, configs))
    except TypeError:
        assume(False)
    assert repr(merge_plain(*configs)) == repr(OmegaConf.to_container(merged))
