"""What every layer shares, defined once: Kedro's reserved names and the "did you mean" hint.

The engine packages (``pipeline``, ``io``, ``config``, ``hooks``) do not import each other, so the
few names two of them need live here, below all of them. Nothing else belongs here: a name one
package owns stays in that package (the transcoding separator ``@`` in ``kedro_nb.pipeline``, the
cell convention in ``kedro_nb.convert.cells``). Only the standard library is imported, and
``difflib`` only when a hint is asked for.

``kedro_nb.strip`` keeps its own copy of the hint: it imports nothing outside itself, so the git
filter it runs as starts fast.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Datasets named ``params:<key>`` hold one parameter; ``parameters`` holds them all (Kedro's).
PARAMS_PREFIX = "params:"
#: The pipeline Kedro runs when none is named.
DEFAULT_PIPELINE = "__default__"


def closest(name: str, known: Iterable[str], *, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The (at most ``n``) names of ``known`` closest to ``name``, best first (``difflib``)."""
    import difflib  # error paths only

    return difflib.get_close_matches(name, list(known), n=n, cutoff=cutoff)


def did_you_mean(
    names: str | Iterable[str], known: Iterable[str], *, n: int = 3, cutoff: float = 0.6
) -> str:
    """``" Did you mean: a, b?"``: the known names closest to each of ``names`` (no repeats),
    to append to a message that ends a sentence; ``""`` when none is close."""
    known = list(known)
    hints: list[str] = []
    for name in [names] if isinstance(names, str) else names:
        hints += [m for m in closest(name, known, n=n, cutoff=cutoff) if m not in hints]
    return f" Did you mean: {', '.join(hints)}?" if hints else ""
