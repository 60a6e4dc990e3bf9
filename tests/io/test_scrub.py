"""``kedro_nb.io.scrub``: the one function that masks credential values in text."""

from __future__ import annotations

from kedro_nb.io import MASK, scrub


def test_a_secret_holding_another_is_masked_whole_whatever_the_order_given() -> None:
    text = "token=abcdef and key=abc"
    expected = f"token={MASK} and key={MASK}"
    assert scrub(text, ["abc", "abcdef"]) == expected
    assert scrub(text, ("abcdef", "abc")) == expected
    assert scrub(text, iter({"abc", "abcdef"})) == expected


def test_text_without_secrets_is_returned_as_it_was() -> None:
    assert scrub("nothing here", ["abcdef"]) == "nothing here"
    assert scrub("nothing here", []) == "nothing here"
