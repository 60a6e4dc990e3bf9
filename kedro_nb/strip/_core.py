"""The pure part of the stripper: a notebook dict in, a new stripped notebook dict out.

What is removed, and why:

* code cell ``outputs`` and ``execution_count`` (and the counts inside kept outputs): they change on
  every run and bloat diffs;
* volatile metadata (:data:`DEFAULT_REMOVED_KEYS`, the same defaults as nbstripout): view state
  such as ``collapsed``/``scrolled``, execution timings, widget state, the trust signature;
* what Jupyter itself never writes (``nbformat.writes`` drops ``orig_nbformat*``, ``signature`` and
  cell ``trusted``), and multi-line text is split into lines as Jupyter saves it, so a save from
  Jupyter and a strip agree byte for byte.

Sources, cell ids, attachments, ``tags``, ``kedro_nb`` metadata and every other key stay as
they are.
A cell keeps its outputs when it carries the keep-output tag (``keep_output`` unless configured) or
``"keep_output": true`` in its metadata, as in nbstripout; ``"keep_output": true`` in the notebook
metadata makes keeping the default, and a cell's ``"keep_output": false`` then opts out again.
"""

from __future__ import annotations

from kedro_nb import nbfile
from kedro_nb.strip.errors import (
    ConflictingKeepOutputError,
    InvalidOptionError,
    from_nbfile,
)

TYPE_CHECKING = False  # typing and collections.abc cost milliseconds per git-filter process
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any

#: Keys removed by default: ``metadata.X`` is notebook metadata, ``cell.metadata.X`` cell metadata.
DEFAULT_REMOVED_KEYS: tuple[str, ...] = (
    "metadata.signature",
    "metadata.widgets",
    "cell.metadata.collapsed",
    "cell.metadata.scrolled",
    "cell.metadata.ExecuteTime",
    "cell.metadata.execution",
    "cell.metadata.heading_collapsed",
    "cell.metadata.hidden",
)
#: The tag (and metadata key) that keeps a cell's outputs, as nbstripout spells it.
DEFAULT_KEEP_OUTPUT_TAG = "keep_output"

# What nbformat.writes drops itself, so a file written by Jupyter never holds them.
_TRANSIENT_NOTEBOOK_KEYS = ("orig_nbformat", "orig_nbformat_minor")
_TRANSIENT_CELL_KEYS = ("trusted",)
# Mimebundle keys nbformat splits into lines besides text/*; JSON mimetypes are never joined.
_SPLIT_MIMES = frozenset({"application/javascript", "image/svg+xml"})


class StripOptions:
    """Validated options of one strip; built from the keyword arguments of :func:`strip_notebook`.

    ``keep_output_tag``: the cell tag that keeps outputs (``None`` or ``""``: tags never keep them).
    ``keep_count``: keep execution counts. ``extra_keys``: more ``metadata.X``/``cell.X`` keys to
    remove. ``keep_metadata``: default keys not to remove. ``drop_empty_cells``: remove cells whose
    source is only whitespace.
    """

    __slots__ = (
        "cell_keys",
        "cell_metadata_names",
        "cell_paths",
        "drop_empty_cells",
        "keep_count",
        "keep_output_tag",
        "notebook_keys",
    )

    def __init__(
        self,
        *,
        keep_output_tag: str | None = DEFAULT_KEEP_OUTPUT_TAG,
        keep_count: bool = False,
        extra_keys: Iterable[str] = (),
        keep_metadata: Iterable[str] = (),
        drop_empty_cells: bool = False,
    ) -> None:
        self.keep_output_tag = keep_output_tag or None
        self.keep_count = bool(keep_count)
        self.drop_empty_cells = bool(drop_empty_cells)
        extra = _split_keys(extra_keys)
        keep = _split_keys(keep_metadata)
        removed = list(DEFAULT_REMOVED_KEYS) + [
            key for key in extra if key not in DEFAULT_REMOVED_KEYS
        ]
        for key in keep:
            if key not in removed:
                close = _close(key, removed)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise InvalidOptionError(
                    f"keep_metadata: {key!r} is not a key the stripper removes.{hint} "
                    f"Removed keys: {', '.join(sorted(removed))}."
                )
        self.notebook_keys: list[tuple[str, ...]] = []
        self.cell_keys: list[tuple[str, ...]] = []
        for key in removed:
            if key in keep:
                continue
            head, _, rest = key.partition(".")
            if head not in ("metadata", "cell") or not rest or "" in rest.split("."):
                raise InvalidOptionError(
                    f"extra_keys: {key!r} is not a metadata key; expected 'metadata.<key>' for the "
                    "notebook or 'cell.<key>' for every cell, e.g. 'cell.metadata.scrolled'."
                )
            if head == "metadata":
                self.notebook_keys.append(tuple(rest.split(".")))
            else:
                self.cell_keys.append(tuple(rest.split(".")))
        # the common case, a top-level cell metadata key, is a plain membership test per cell
        self.cell_metadata_names = list(_TRANSIENT_CELL_KEYS) + [
            path[1] for path in self.cell_keys if len(path) == 2 and path[0] == "metadata"
        ]
        self.cell_paths = [
            path for path in self.cell_keys if not (len(path) == 2 and path[0] == "metadata")
        ]

    @classmethod
    def from_kwargs(cls, options: Mapping[str, Any]) -> StripOptions:
        """Build options from keyword arguments; an unknown name gets a "did you mean"."""
        for name in options:
            if name not in _OPTION_NAMES:
                close = _close(name, _OPTION_NAMES)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise InvalidOptionError(
                    f"unknown strip option {name!r}.{hint} Options: {', '.join(_OPTION_NAMES)}."
                )
        return cls(**options)


def _close(name: str, names: Iterable[str]) -> list[str]:
    """The closest of ``names`` to ``name`` (at most one), for a "did you mean" hint.

    A copy of the project's shared did-you-mean helper, kept here on purpose: strip stands apart
    from the other packages (it imports no other kedro_nb package but the notebook reader, so the
    git filter, started once per file, loads nothing else), and difflib is imported only on this
    error path.
    """
    import difflib

    return difflib.get_close_matches(name, list(names), n=1)


_OPTION_NAMES = ("keep_output_tag", "keep_count", "extra_keys", "keep_metadata", "drop_empty_cells")


def _split_keys(keys: Iterable[str] | str) -> list[str]:
    """Accept ``"a b,c"`` or an iterable of such strings (the CLI passes space-separated lists)."""
    if isinstance(keys, str):
        keys = [keys]
    return [part for item in keys for part in item.replace(",", " ").split()]


def strip_notebook(nb: dict[str, Any], **options: Any) -> dict[str, Any]:
    """Return a stripped copy of the notebook ``nb`` (a parsed ``.ipynb`` dict); ``nb`` stays as is.

    ``options`` are those of :class:`StripOptions`. Raises :class:`NotANotebookError`,
    :class:`UnsupportedFormatError` or :class:`ConflictingKeepOutputError` (all ``StripError``).
    """
    opts = StripOptions.from_kwargs(options)
    try:
        nbfile.check_depth(nb)  # the copy below recurses
        return strip_with(nb, opts)
    except nbfile.NotebookFileError as exc:
        raise from_nbfile(exc) from None


def strip_with(
    nb: Any, opts: StripOptions, *, owned: bool = False, source: str | None = None
) -> dict[str, Any]:
    """:func:`strip_notebook` with validated options (the file layer reuses them per file).

    ``owned``: ``nb`` was parsed for this strip alone, so the result may share and change its
    containers instead of copying them (the file layer's case; copying is a fifth of its time).
    Checks ``nb`` with the notebook reader's :func:`~kedro_nb.nbfile.check_notebook` (errors name
    ``source``; they are the reader's classes, which the callers turn into ``StripError``).
    """
    nbfile.check_notebook(nb, source)
    copy = _same if owned else _copy
    result = {key: copy(value) for key, value in nb.items() if key not in ("cells", "metadata")}
    metadata = copy(nb.get("metadata", {}))
    if isinstance(metadata, dict):
        for key in _TRANSIENT_NOTEBOOK_KEYS:
            metadata.pop(key, None)
        for path in opts.notebook_keys:
            _pop_path(metadata, path)
        keep_by_default = metadata.get("keep_output") is True
        result["metadata"] = metadata
    else:
        keep_by_default = False
        result["metadata"] = metadata
    cells = []
    for index, cell in enumerate(nb["cells"]):
        if opts.drop_empty_cells and _is_empty(cell.get("source")):
            continue
        cells.append(_strip_cell(cell, index, opts, keep_by_default, copy))
    result["cells"] = cells
    return result


def _strip_cell(
    cell: dict[str, Any],
    index: int,
    opts: StripOptions,
    keep_by_default: bool,
    copy: Callable[[Any], Any],
) -> dict[str, Any]:
    new: dict[str, Any] = {}
    for key, value in cell.items():
        if key == "source":
            new[key] = _split_text(value)
        elif type(value) is str:  # cell_type, id: nothing to copy
            new[key] = value
        elif key == "attachments" and isinstance(value, dict):
            new[key] = {name: _normalise_bundle(bundle) for name, bundle in value.items()}
        elif key not in ("outputs", "execution_count"):
            new[key] = copy(value)
    if "execution_count" in cell:
        new["execution_count"] = cell["execution_count"] if opts.keep_count else None
    if "outputs" in cell:  # decided before the metadata loses keys: it may be the cell's own
        outputs = cell["outputs"]
        if _keeps_output(cell, index, opts, keep_by_default) and isinstance(outputs, list):
            new["outputs"] = [_normalise_output(output, opts.keep_count) for output in outputs]
        else:
            new["outputs"] = []
    metadata = new.get("metadata")
    if isinstance(metadata, dict) and metadata:
        for name in opts.cell_metadata_names:
            if name in metadata:
                del metadata[name]
    for path in opts.cell_paths:
        _pop_path(new, path)
    return new


def _keeps_output(cell: dict[str, Any], index: int, opts: StripOptions, default: bool) -> bool:
    metadata = cell.get("metadata")
    if not isinstance(metadata, dict):
        return default
    tags = metadata.get("tags")
    tagged = (
        opts.keep_output_tag is not None and isinstance(tags, list) and opts.keep_output_tag in tags
    )
    if "keep_output" not in metadata:
        return tagged or default
    flag = bool(metadata["keep_output"])
    if tagged and not flag:
        where = f"cell {index}" + (f" (id {cell['id']!r})" if "id" in cell else "")
        raise ConflictingKeepOutputError(
            f"{where} has the tag {opts.keep_output_tag!r} but metadata 'keep_output' is false; "
            "remove one of them so it is clear whether its outputs are kept."
        )
    return flag or tagged


def _normalise_output(output: Any, keep_count: bool) -> Any:
    output = _copy(output)
    if not isinstance(output, dict):
        return output
    if "execution_count" in output and not keep_count:
        output["execution_count"] = None
    kind = output.get("output_type")
    if kind in ("execute_result", "display_data") and isinstance(output.get("data"), dict):
        output["data"] = _normalise_bundle(output["data"])
    elif kind == "stream" and isinstance(output.get("text"), list | str):
        output["text"] = _split_text(output["text"])
    return output


def _normalise_bundle(bundle: Any) -> Any:
    """Lay a mimebundle out as a read + write by nbformat does (join text lists, split text/*)."""
    if not isinstance(bundle, dict):
        return _copy(bundle)
    result = {}
    for mime, value in bundle.items():
        is_json = mime == "application/json" or (
            mime.startswith("application/") and mime.endswith("+json")
        )
        if not is_json and isinstance(value, list) and all(isinstance(line, str) for line in value):
            value = "".join(value)
        if isinstance(value, str) and (mime.startswith("text/") or mime in _SPLIT_MIMES):
            result[mime] = value.splitlines(True)
        else:
            result[mime] = _copy(value)
    return result


def _split_text(value: Any) -> Any:
    """Join a list of lines and split it again at line ends, as nbformat does for sources."""
    if type(value) is list:
        try:
            return "".join(value).splitlines(True)
        except TypeError:  # not all text: leave it to validation to complain
            return _copy(value)
    return value.splitlines(True) if isinstance(value, str) else _copy(value)


def _is_empty(source: Any) -> bool:
    if isinstance(source, list):
        return all(isinstance(line, str) and not line.strip() for line in source)
    return isinstance(source, str) and not source.strip()


def _pop_path(target: dict[str, Any], path: tuple[str, ...]) -> None:
    place: Any = target
    for part in path[:-1]:
        place = place.get(part)
        if not isinstance(place, dict):
            return
    place.pop(path[-1], None)


def _same(value: Any) -> Any:
    return value


def _copy(value: Any) -> Any:
    """Copy the containers of a JSON value (strings and numbers are immutable and shared)."""
    kind = type(value)
    if kind is dict:
        return {key: _copy(item) for key, item in value.items()}
    if kind is list:
        return [_copy(item) for item in value]
    return value
