"""Read a notebook file's bytes, turning every operating-system failure into one clear error."""

from __future__ import annotations

import os

from kedro_nb.nbfile.errors import NotebookNotFoundError, NotebookReadError

_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
_readv = getattr(os, "readv", None)


def read_bytes(
    path: str, buffer: ReadBuffer | None = None
) -> tuple[bytes | bytearray, os.stat_result]:
    """The file's bytes and status, in three system calls (``open().read()`` makes seven).

    With ``buffer``, a big file may come back in the buffer's own bytearray, valid until the
    buffer's next read (see :class:`ReadBuffer`). Raises :class:`NotebookNotFoundError` or
    :class:`NotebookReadError`.
    """
    try:
        fd = os.open(path, _READ_FLAGS)
        try:
            info = os.fstat(fd)
            data = None if buffer is None else buffer.fill(fd, info.st_size)
            if data is None:
                data = _read_all(fd, info.st_size)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise NotebookNotFoundError(
            f"{path}: no such file (notebook not found: was it moved, deleted or misspelt?)",
            source=path,
            reason="no such file",
        ) from None
    except IsADirectoryError:
        raise NotebookReadError(
            f"{path}: is a directory, expected a .ipynb file", source=path, reason="a directory"
        ) from None
    except PermissionError:
        raise NotebookReadError(
            f"{path}: permission denied reading the file; make it readable (chmod u+r)",
            source=path,
            reason="permission denied",
        ) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise NotebookReadError(
            f"{path}: cannot read the file ({reason})", source=path, reason=reason
        ) from None
    return data, info


def _read_all(fd: int, size: int) -> bytes:
    # one byte more than the size: the read after it normally finds the end at once
    chunks = [os.read(fd, size + 1)]
    while chunks[-1]:
        chunks.append(os.read(fd, max(size, 1 << 16)))
    return chunks[0] if len(chunks) == 2 else b"".join(chunks)


class ReadBuffer:
    """Memory reused from one big notebook read to the next, for a run over many files.

    Each big file read in fresh memory makes the kernel map and zero new pages, which costs about
    as much as the read itself; reading into one bytearray sized to the file avoids that. The
    bytearray :meth:`fill` returns is overwritten by the next call: use it before reading on.
    """

    __slots__ = ("data",)

    #: Smaller files are read into fresh bytes: their memory comes from pools anyway.
    MIN_SIZE = 1 << 20

    def __init__(self) -> None:
        self.data = bytearray()

    def fill(self, fd: int, size: int) -> bytearray | bytes | None:
        """The rest of the file open at ``fd``, of ``size`` bytes by its status; None to decline."""
        if size < self.MIN_SIZE or _readv is None:
            return None
        want = size + 1  # as in _read_all: a short read then says the file ends there
        data = self.data
        room = data.__alloc__()
        if want > room:  # new memory, with room for the next, slightly bigger, file
            data = self.data = bytearray(want + (want >> 3))
            del data[want:]
        elif want < room // 2:
            return None  # resizing down that far would give the memory back: keep it for later
        elif len(data) > want:
            del data[want:]
        else:
            data.extend(bytes(want - len(data)))
        got = _readv(fd, [data])
        del data[got:]
        if got == want:  # the file grew since its status was taken
            return bytes(data) + _read_all(fd, size)
        more = os.read(fd, 1 << 16)
        return bytes(data) + more + _read_all(fd, size) if more else data
