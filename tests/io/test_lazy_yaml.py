"""Catalog YAML split per entry: every entry parses exactly as a whole-document parse."""

from __future__ import annotations

import re
import textwrap

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kedro_nb.io import CatalogConfigError, CredentialsNotFoundError, DataCatalog
from kedro_nb.io.lazy_yaml import RawEntry, split_catalog_yaml


def _parsed(entries: dict) -> dict:
    return {k: v.parse() if isinstance(v, RawEntry) else v for k, v in entries.items()}


SIMPLE = textwrap.dedent("""\
    # raw data
    cars:
      type: pandas.CSVDataset   # comment
      filepath: data/01_raw/cars.csv
      load_args: {sep: ';'}

    "quoted.name":
      type: pickle.PickleDataset
      filepath: "data/*.pkl"
    '{name}_csv':
      type: pandas.CSVDataset
      filepath: data/{name}.csv
    flow: {type: MemoryDataset}
    cars:
      type: MemoryDataset
    """)


def test_simple_catalog_is_split_and_equal_to_whole_parse() -> None:
    entries = split_catalog_yaml(SIMPLE)
    assert entries is not None
    assert isinstance(entries["cars"], RawEntry)
    assert not isinstance(entries["{name}_csv"], RawEntry)  # factories are parsed at once
    whole = yaml.safe_load(SIMPLE)
    assert _parsed(entries) == whole
    assert list(entries) == list(whole)


@pytest.mark.parametrize(
    "text",
    [
        "base: &base\n  type: MemoryDataset\ncopy:\n  <<: *base\n",
        "x: !!python/name:os.system\n",
        "---\na:\n  type: MemoryDataset\n",
        "- a\n- b\n",
        "yes:\n  type: MemoryDataset\n",
        "123:\n  type: MemoryDataset\n",
        "{a: 1}\n",
        "? complex\n: value\n",
        "a: {type: MemoryDataset,\nb: 1}\n",
        'a: "two\nlines: here"\n',
    ],
)
def test_fancy_yaml_falls_back_to_whole_parse(text: str) -> None:
    assert split_catalog_yaml(text) is None


def test_from_yaml_with_anchors_still_works() -> None:
    text = "_base: &base\n  type: pickle.PickleDataset\na:\n  <<: *base\n  filepath: a.pkl\n"
    catalog = DataCatalog.from_yaml(text)
    assert catalog.keys() == ["a"]
    assert catalog.get_type("a") == "kedro_nb.io.datasets.pickle.PickleDataset"


def test_broken_entry_is_reported_on_use_naming_the_entry() -> None:
    catalog = DataCatalog.from_yaml(
        "good:\n  type: MemoryDataset\nbad:\n  filepath: x.csv\nworse:\n  type: [unclosed\n"
    )
    assert catalog.keys() == ["good", "bad", "worse"]
    catalog.save("good", 1)
    with pytest.raises(CatalogConfigError, match="'bad' has no 'type'"):
        catalog["bad"]
    with pytest.raises(CatalogConfigError) as info:
        catalog.check()
    message = str(info.value)
    assert message.startswith("2 catalog entries are invalid")
    assert "'bad' has no 'type'" in message
    assert "'worse' is not valid YAML" in message and "line 6" in message
    assert "'good'" not in message  # fine entries are not reported


def test_missing_credentials_in_lazy_entry_named_on_use() -> None:
    catalog = DataCatalog.from_yaml(
        "a:\n  type: MemoryDataset\n  credentials: nope\n", credentials={"dev": {"k": "v"}}
    )
    with pytest.raises(CredentialsNotFoundError, match=r"'nope'.*available keys: dev"):
        catalog["a"]


_KEYS = st.from_regex(r"[a-z_][a-z0-9_.\-]{0,8}", fullmatch=True).filter(
    lambda k: k not in {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
)
_SCALARS = st.one_of(
    st.integers(),
    st.booleans(),
    st.none(),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=3)),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(
    catalog=st.dictionaries(
        _KEYS, st.dictionaries(_KEYS, _VALUES, max_size=4), min_size=1, max_size=6
    ),
    flow=st.booleans(),
)
def test_split_equals_whole_parse_on_generated_catalogs(catalog: dict, flow: bool) -> None:
    text = yaml.safe_dump(
        catalog, sort_keys=False, default_flow_style=None if flow else False, allow_unicode=True
    )
    entries = split_catalog_yaml(text)
    if entries is None:
        return
    assert _parsed(entries) == yaml.safe_load(text)


def test_block_scalars_comments_and_blank_lines_stay_with_their_entry() -> None:
    text = textwrap.dedent("""\
        notes:
          type: text.TextDataset
          filepath: notes.txt
          metadata:
            description: |
              first: line

              second: line
        # a comment at column 0 between entries

        other:   # comment after the key
          type: MemoryDataset
        """)
    entries = split_catalog_yaml(text)
    assert entries is not None
    assert _parsed(entries) == yaml.safe_load(text)


# Differential: split entries against the library (yaml.safe_load of the whole text, which
# from_yaml falls back to), on text written the way people write it, edge cases included.
_EDGE_VALUES = [
    "yes",
    "no",
    "on",
    "off",
    "y",
    "N",
    "True",
    "~",
    "null",
    "''",
    "017",
    "0o17",
    "0x1F",
    "-017",
    "08",
    "1_000",
    "190:20:30",
    "1e3",
    "1.5e-3",
    ".inf",
    ".nan",
    "2024-01-31",
    "2001-12-14t21:59:43.10-05:00",
    "'017'",
    '"yes"',
    "a b c",
    '"a: b"',
    "{sep: ';'}",
    "[1, yes, ~]",
    '"multi # not a comment"',
    "plain # a comment",
]


@st.composite
def _catalog_text(draw: st.DrawFn) -> str:
    names = draw(
        st.lists(
            st.sampled_from(["cars", "a.b", "x-1", "'q'", '"on"', "t_2", "yes"]),
            min_size=1,
            max_size=5,
        )
    )
    lines = []
    for name in names:
        lines.append(f"{name}:")
        for key in draw(
            st.lists(
                st.sampled_from(["type", "filepath", "load_args", "x"]),
                min_size=1,
                max_size=3,
                unique=True,
            )
        ):
            value = draw(st.sampled_from(_EDGE_VALUES))
            if draw(st.booleans()):
                lines.append(f"  {key}: {value}")
            else:
                lines += [f"  {key}:", f"    - {value}"]
        if draw(st.integers(0, 3)) == 0:
            lines.append(draw(st.sampled_from(["", "# comment", "  # indented comment"])))
    if draw(st.integers(0, 7)) == 0:
        lines = ["base: &b {type: MemoryDataset}", "copy: *b", *lines]
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(text=_catalog_text())
def test_split_entries_parse_as_the_whole_text_on_edge_cases(text: str) -> None:
    entries = split_catalog_yaml(text)
    if entries is None:
        return  # from_yaml parses the whole text: the library's own result
    # anchors, and a top-level key YAML 1.1 reads as a boolean, must not be split
    assert "&" not in text and not re.search(r"^yes:", text, re.MULTILINE)
    assert _parsed(entries) == yaml.safe_load(text), text


@pytest.mark.parametrize(
    "text",
    [
        "a:\n  b: yes\n  c: ~\n  d: 017\n  e: 0o17\n  f: 2024-01-31\n",  # YAML 1.1 scalars
        "a:\n  x: 1\nb:\n  x: 2\na:\n  x: 3\n",  # a repeated key: the last value wins
        "a:\n  x: 1\n  x: 2\n",  # repeated inside an entry
    ],
)
def test_yaml_1_1_scalars_and_repeated_keys_as_the_library_reads_them(text: str) -> None:
    entries = split_catalog_yaml(text)
    assert entries is not None
    assert _parsed(entries) == yaml.safe_load(text)


@pytest.mark.parametrize(
    "text",
    [
        "base: &b {type: MemoryDataset}\ncopy: *b\n",  # anchors and aliases
        "yes:\n  type: MemoryDataset\n",  # a key YAML 1.1 reads as a boolean
        "~:\n  type: MemoryDataset\n",  # a key read as null
        "? complex\n: value\n",
    ],
)
def test_what_splitting_cannot_match_is_parsed_whole(text: str) -> None:
    assert split_catalog_yaml(text) is None
