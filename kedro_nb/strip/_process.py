"""git's long-running filter protocol: one stripper process for every notebook git cleans.

With ``filter.kedro-nb.process`` set, ``git add``/``git status``/``git checkout`` start
``kedro-nb strip --filter-process`` once and send it each notebook in pkt-lines, instead of starting
``clean`` once per file (see ``gitattributes(5)``, "Long Running Filter Process"). ``clean`` strips,
``smudge`` passes content through (``cat``). A notebook that cannot be stripped gets
``status=error``: with ``filter.kedro-nb.required`` git then refuses it, naming the file.
"""

from __future__ import annotations

from kedro_nb.strip._files import _strip_bytes
from kedro_nb.strip.errors import StripError

TYPE_CHECKING = False  # typing costs the filter process milliseconds
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import BinaryIO

    from kedro_nb.strip._core import StripOptions

_MAX_PAYLOAD = 65516  # git's LARGE_PACKET_DATA_MAX
_FLUSH = b"0000"


class ProtocolError(StripError):
    """Raised when git speaks something other than the filter protocol version 2."""


def serve(
    opts: StripOptions,
    stdin: BinaryIO,
    stdout: BinaryIO,
    on_error: Callable[[StripError], object],
) -> int:
    """Answer git's filter requests until it closes the pipe; returns the exit code.

    A notebook that cannot be stripped is answered ``status=error`` and passed to ``on_error``
    (the CLI prints it: git shows the filter's stderr next to its own refusal).
    """
    if _read_list(stdin) != [b"git-filter-client", b"version=2"]:
        raise ProtocolError("expected 'git-filter-client' and 'version=2' from git")
    _write_list(stdout, [b"git-filter-server", b"version=2"])
    offered = _read_list(stdin)
    if offered is None:
        raise ProtocolError("git closed the pipe before naming the capabilities it wants")
    _write_list(stdout, [c for c in (b"capability=clean", b"capability=smudge") if c in offered])
    while True:
        header = _read_list(stdin)
        if header is None:
            return 0  # git closed the pipe: done
        fields = dict(line.split(b"=", 1) for line in header if b"=" in line)
        content = _read_content(stdin)
        command = fields.get(b"command")
        if command == b"clean":
            path = fields.get(b"pathname", b"<notebook>").decode("utf-8", "replace")
            try:
                result = _strip_bytes(content, path, opts, False)
            except StripError as exc:
                on_error(exc)
                _write_list(stdout, [b"status=error"])
                continue
        elif command == b"smudge":
            result = content
        else:
            _write_list(stdout, [b"status=error"])
            continue
        _write_list(stdout, [b"status=success"])
        _write_content(stdout, result)
        _write_list(stdout, [])  # keep "success" as the final status


def _read_packet(stream: BinaryIO) -> bytes | None:
    """One pkt-line's payload; ``b""`` for a flush packet; None at the end of the stream."""
    head = stream.read(4)
    if not head:
        return None
    if len(head) < 4:
        raise ProtocolError("truncated pkt-line header from git")
    size = int(head, 16)
    if size == 0:
        return b""
    return stream.read(size - 4)


def _read_list(stream: BinaryIO) -> list[bytes] | None:
    lines: list[bytes] = []
    while True:
        packet = _read_packet(stream)
        if packet is None:
            return lines or None
        if packet == b"":
            return lines
        lines.append(packet.rstrip(b"\n"))


def _read_content(stream: BinaryIO) -> bytes:
    chunks: list[bytes] = []
    while True:
        packet = _read_packet(stream)
        if not packet:  # flush (or end of stream)
            return b"".join(chunks)
        chunks.append(packet)


def _write_list(stream: BinaryIO, lines: list[bytes]) -> None:
    stream.write(b"".join(b"%04x%s\n" % (len(line) + 5, line) for line in lines) + _FLUSH)
    stream.flush()


def _write_content(stream: BinaryIO, data: bytes | bytearray) -> None:
    parts = [
        b"%04x" % (len(data[i : i + _MAX_PAYLOAD]) + 4) + data[i : i + _MAX_PAYLOAD]
        for i in range(0, len(data), _MAX_PAYLOAD)
    ]
    stream.write(b"".join(parts) + _FLUSH)
    stream.flush()
