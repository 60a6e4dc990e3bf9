"""Strip notebook bytes and files: parse, strip, lay out as Jupyter does, write only what changed.

The text keeps its original line endings (a CRLF file stays CRLF) and a UTF-8 byte-order mark if it
had one. A file that is already clean is not opened for writing, so its mtime does not move. Writes
go to a temporary file in the same folder that replaces the notebook with ``os.replace``, with the
notebook's permission bits, so a reader never sees half a notebook and a failure leaves it as
it was.
"""

from __future__ import annotations

import os
import stat

from kedro_nb import nbfile
from kedro_nb.nbfile import ReadBuffer
from kedro_nb.strip import _layout
from kedro_nb.strip._core import StripOptions, strip_with
from kedro_nb.strip.errors import (
    ConflictingKeepOutputError,
    NotANotebookError,
    NotebookChangedError,
    NotebookEncodingError,
    NotebookReadOnlyError,
    NotebookValidationError,
    NotebookVanishedError,
    NotebookWriteError,
    StripError,
    from_nbfile,
)

TYPE_CHECKING = False  # typing and collections.abc cost milliseconds per git-filter process
if TYPE_CHECKING:
    from _queue import SimpleQueue
    from _thread import LockType
    from typing import Any

    from kedro_nb.strip._clean import CleanCheck

_BOM = b"\xef\xbb\xbf"


def strip_bytes(
    data: bytes, *, source: str = "<stdin>", validate: bool = False, **options: Any
) -> bytes:
    """Return the stripped form of the notebook file content ``data`` (``data`` itself if clean).

    ``source`` names the input in error messages; ``validate`` checks the result against nbformat's
    schema (slower: it imports nbformat). ``options`` are those of :func:`strip_notebook`.
    """
    # bytes given, bytes back: ``data`` itself or new bytes (typing is not imported at run time)
    return _strip_bytes(data, source, StripOptions.from_kwargs(options), validate)  # type: ignore[return-value]


def strip_file(path: str | os.PathLike[str], *, validate: bool = False, **options: Any) -> bool:
    """Strip the notebook at ``path`` in place; True if the file changed, False if already clean.

    Raises a :class:`~kedro_nb.strip.errors.StripError` subclass, the file left byte-identical.
    """
    return _strip_file(os.fspath(path), StripOptions.from_kwargs(options), validate)


def _strip_bytes(
    data: bytes | bytearray, source: str, opts: StripOptions, validate: bool
) -> bytes | bytearray:
    try:
        return _strip_checked(data, source, opts, validate)
    except nbfile.NotebookFileError as exc:
        raise from_nbfile(exc) from None
    except RecursionError:  # what the reader's depth check cannot see: kept, unparsed outputs
        raise NotANotebookError(
            f"{source}: not a Jupyter notebook: JSON nested more than {nbfile.MAX_DEPTH} levels "
            "deep; is it the file you meant?",
            source=source,
            reason="nested too deeply",
        ) from None


def _strip_checked(
    data: bytes | bytearray, source: str, opts: StripOptions, validate: bool
) -> bytes | bytearray:
    bom = data.startswith(_BOM)
    body = data[3:] if bom else data
    first_newline = body.find(b"\n")
    crlf = first_newline > 0 and body[first_newline - 1 : first_newline] == b"\r"
    nb, exact, plain = _load(body, source, opts, crlf)
    try:
        stripped = _strip(nb, source, opts)
    except nbfile.NotANotebookError:
        # not a notebook: say "too deep" when it is, as the reader does, whichever Python parsed
        # it (3.12+ parses JSON nested thousands deep, where 3.11 hit its recursion limit)
        nbfile.check_depth(nb, source)
        raise
    floats: list[float] = []
    text = _layout.dumps(stripped, floats, ascii_only=plain)
    if floats and not exact:  # a float in what we keep may be a big integer orjson rounded
        stripped = _strip(nbfile.parse_json(body, source)[0], source, opts)
        text = _layout.dumps(stripped)
    if validate:
        validate_notebook(stripped, source)
    if crlf:
        text = text.replace("\n", "\r\n")  # JSON strings escape newlines: every "\n" is layout
    try:
        result = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NotebookEncodingError(
            f"{source}: text holds {text[exc.start : exc.end]!r} (a lone surrogate), which "
            "cannot be written as UTF-8; replace it in the notebook."
        ) from exc
    if bom:
        result = _BOM + result
    return data if result == data else result


def _load(
    data: bytes | bytearray, source: str, opts: StripOptions, crlf: bool
) -> tuple[Any, bool, bool]:
    """Parse the notebook, leaving out the outputs that will be dropped when the layout allows.

    Returns ``(notebook, exact, plain)``: ``exact`` as :func:`nbfile.parse_json` says, ``plain``
    when the bytes parsed hold only plain ASCII strings (:func:`_layout.plain_ascii`).
    """
    cut = None if crlf else _layout.cut_outputs(data)
    if cut is None:
        return _load_whole(data, source)
    trimmed, cuts = cut
    try:
        nb, exact = nbfile.parse_json(trimmed, source, fast=True)
    except nbfile.InvalidJSONError:  # report the position in the file as it is
        return _load_whole(data, source)
    plain = _layout.plain_ascii(trimmed)
    try:
        cells = nb["cells"]
        keep_all = nb.get("metadata", {}).get("keep_output") is True
        for index, start, end in cuts:
            cell = cells[index]
            if cell["outputs"] != []:
                raise LookupError(index)
            metadata = cell.get("metadata")
            if keep_all or (isinstance(metadata, dict) and _may_keep(metadata, opts)):
                raw = data[start:end]
                cell["outputs"], exact_outputs = nbfile.parse_json(raw, source, fast=True)
                exact = exact and exact_outputs
                plain = plain and _layout.plain_ascii(raw)
    except (LookupError, TypeError, AttributeError):  # not the structure the cut assumed
        return _load_whole(data, source)
    return nb, exact, plain


def _load_whole(data: bytes | bytearray, source: str) -> tuple[Any, bool, bool]:
    nb, exact = nbfile.parse_json(data, source, fast=True)
    return nb, exact, _layout.plain_ascii(data)


def _may_keep(metadata: dict[str, Any], opts: StripOptions) -> bool:
    """Whether a cell may keep its outputs (the stripper decides; this only avoids parsing them)."""
    if "keep_output" in metadata:
        return True
    tags = metadata.get("tags")
    return (
        opts.keep_output_tag is not None and isinstance(tags, list) and opts.keep_output_tag in tags
    )


def _strip(nb: Any, source: str, opts: StripOptions) -> dict[str, Any]:
    try:
        return strip_with(nb, opts, owned=True, source=source)
    except ConflictingKeepOutputError as exc:
        raise ConflictingKeepOutputError(f"{source}: {exc}") from exc


def _strip_file(
    path: str,
    opts: StripOptions,
    validate: bool,
    buffer: ReadBuffer | None = None,
    clean: CleanCheck | None = None,
    writer: WriteBehind | None = None,
) -> bool:
    """``clean``: a :class:`~kedro_nb.strip._clean.CleanCheck` for ``opts`` (a run over many
    files): a file it proves clean is left without parsing it. ``writer``: a :class:`WriteBehind`
    that writes the file later, in its own thread (its errors come from its :meth:`close`)."""
    data, before = _read(path, buffer)
    if writer is not None and writer.holds(before):  # the same file again, its write pending
        writer.wait()
        data, before = _read(path, buffer)
    if clean is not None and clean(data, path):
        return False
    result = _strip_bytes(data, path, opts, validate)
    if result is data:
        return False
    if writer is None:
        write_atomic(path, result, before=before)
    else:
        writer.put(path, result, before)
    return True


_Job = tuple[str, "bytes | bytearray", os.stat_result]  # path, stripped bytes, status when read


class WriteBehind:
    """Writes stripped notebooks atomically in a second thread while the caller strips the next.

    A run over many files spends much of its time in the system calls of the atomic writes
    (creating the temporary file, writing it, renaming it over the notebook: a few hundred
    microseconds of kernel time each on ext4), and those calls release the GIL: in a thread of
    their own they overlap reading, checking and stripping the next notebooks. Files are written
    in the order given, each exactly as :func:`write_atomic` writes it. :meth:`close` waits for the
    writes and returns the paths that failed with their errors; ``cancel=True`` (the caller was
    interrupted) drops the writes not yet started, so no file is left half-handled either way.

    Built on :mod:`_thread` and :mod:`_queue` (C modules): :mod:`threading` and :mod:`queue`
    would cost every run their import.
    """

    __slots__ = ("_crash", "_done", "_jobs", "_queued", "failed")
    _jobs: SimpleQueue[_Job | LockType | None]

    def __init__(self) -> None:
        import _queue
        import _thread

        self._jobs = _queue.SimpleQueue()
        self._done = _thread.allocate_lock()
        self._done.acquire()
        self._crash: BaseException | None = None
        self._queued: set[tuple[int, int]] = set()  # (device, inode) of the files put
        #: ``(path, error)`` for each write that failed, in the order written
        self.failed: list[tuple[str, StripError]] = []
        _thread.start_new_thread(self._run, ())

    def put(self, path: str, data: bytes | bytearray, before: os.stat_result) -> None:
        """Write ``data`` over ``path`` (read with status ``before``) when the thread gets to it."""
        self._queued.add((before.st_dev, before.st_ino))
        self._jobs.put((path, data, before))

    def holds(self, info: os.stat_result) -> bool:
        """Whether a write of the file with status ``info`` was put (under any of its names)."""
        return (info.st_dev, info.st_ino) in self._queued

    def wait(self) -> None:
        """Return when every write put so far is done."""
        import _thread

        written = _thread.allocate_lock()
        written.acquire()
        self._jobs.put(written)
        written.acquire()
        self._queued.clear()

    def close(self, *, cancel: bool = False) -> list[tuple[str, StripError]]:
        """Wait for the writes (only the one under way with ``cancel``); the failed ones."""
        if cancel:
            while not self._jobs.empty():
                self._jobs.get_nowait()
        self._jobs.put(None)
        self._done.acquire()
        if self._crash is not None:  # not a StripError: a bug, raised where the caller sees it
            raise self._crash
        return self.failed

    def _run(self) -> None:
        try:
            while (job := self._jobs.get()) is not None:
                if not isinstance(job, tuple):  # wait()'s lock: everything before it is written
                    job.release()
                    continue
                path, data, before = job
                try:
                    write_atomic(path, data, before=before)
                except StripError as exc:
                    self.failed.append((path, exc))
        except BaseException as exc:  # handed to the caller by close()
            self._crash = exc
        finally:
            self._done.release()


_TEMP_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
)
_temp_serial = [0]  # with the pid: a name unique to each call; O_EXCL settles the rest


def _read(path: str, buffer: ReadBuffer | None = None) -> tuple[bytes | bytearray, os.stat_result]:
    """The notebook reader's :func:`~kedro_nb.nbfile.read_bytes`, raising ``StripError``."""
    try:
        return nbfile.read_bytes(path, buffer)
    except nbfile.NotebookFileError as exc:
        raise from_nbfile(exc) from None


def write_atomic(
    path: str, data: bytes | bytearray, *, before: os.stat_result | None = None
) -> None:
    """Replace the file at ``path`` by ``data`` atomically, keeping its permission bits.

    ``before`` is the file's status when it was read: if its size or mtime moved since (an editor
    saved meanwhile), nothing is written (``NotebookWriteError``). A read-only file is not replaced,
    nor is a file that vanished (it is not re-created).
    """
    real = path
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):  # replace a symlink's target, not the link
            real = os.path.realpath(path)
            info = os.stat(real)
    except FileNotFoundError as exc:
        raise NotebookVanishedError(
            f"{path}: the file vanished while it was being stripped; nothing was written"
        ) from exc
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise NotebookWriteError(f"{path}: cannot write the stripped notebook ({reason})") from exc
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(
        real, os.W_OK
    ):
        raise NotebookReadOnlyError(
            f"{path}: the file is read-only; make it writable (chmod u+w) to strip it"
        )
    if before is not None and (info.st_size, info.st_mtime_ns) != (
        before.st_size,
        before.st_mtime_ns,
    ):
        raise NotebookChangedError(
            f"{path}: the file changed while it was being stripped; nothing was written, run again"
        )
    folder, name = os.path.split(real)
    temp = None
    try:
        fd, temp = _create_temp(folder, name)
        try:
            if _fchmod is not None:
                _fchmod(fd, stat.S_IMODE(info.st_mode))
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        if _fchmod is None:  # pragma: no cover - Windows
            os.chmod(temp, stat.S_IMODE(info.st_mode))
        os.replace(temp, real)
    except OSError as exc:
        if temp is not None:
            try:  # noqa: SIM105 - contextlib would cost the git filter its import
                os.unlink(temp)
            except OSError:
                pass
        reason = exc.strerror or str(exc)
        raise NotebookWriteError(f"{path}: cannot write the stripped notebook ({reason})") from exc


_fchmod = getattr(os, "fchmod", None)


def _create_temp(folder: str, name: str) -> tuple[int, str]:
    """Create a new, empty, private file beside ``name``: ``(fd, path)``.

    The name is hidden and unique to this process and call; ``O_EXCL`` makes the creation fail
    rather than open a file (or follow a link) that is already there, and then the next name is
    tried. Cheaper than ``tempfile``, whose import alone costs a run a few milliseconds.
    """
    prefix = os.path.join(folder, f".{name[:60]}.{os.getpid()}-")
    for _ in range(100):
        _temp_serial[0] += 1
        temp = f"{prefix}{_temp_serial[0]}.tmp"
        try:
            return os.open(temp, _TEMP_FLAGS, 0o600), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name like {prefix}N.tmp")


def validate_notebook(nb: dict[str, Any], source: str) -> None:
    """Check ``nb`` against nbformat's JSON schema; imported here as it is slow to load."""
    import nbformat

    try:
        nbformat.validate(nbformat.from_dict(nb))  # type: ignore[no-untyped-call]
    except nbformat.ValidationError as exc:
        raise NotebookValidationError(f"{source}: not a valid notebook: {exc.message}") from exc
