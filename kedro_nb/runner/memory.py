"""Peak memory per node: how far a node pushed its process's resident memory above where it
started.

A daemon thread samples the resident set size (``/proc/self/statm`` on Linux: a ~10 µs read)
every few milliseconds while a run is going; a node's peak is the highest sample taken while it
ran (and the reading when it ended) minus the last reading before it started. Nodes run in
threads share one process, so with the thread runner a node's figure includes what the nodes
beside it allocated. Worker processes (``parallel``, ``dask``) measure the nodes they run and
send the figure back with the result. Without ``/proc`` (macOS, Windows) the figures are
``None``.

This is the growth of the process as the operating system sees it, at no cost to the nodes
(tracing every allocation would slow them down): memory the allocator reuses after an earlier
node freed it does not count again. Large buffers (NumPy arrays and DataFrame columns over
32 MB) come from and return to the system, so for them the figure is the node's own peak.
"""

from __future__ import annotations

import bisect
import os
import threading
import time

__all__ = ["PeakTracker", "resident_bytes"]

_STATM = "/proc/self/statm"
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


_STATM_FD: tuple[int, int] | None = None  # (pid, descriptor): /proc/self is per process


def resident_bytes() -> int | None:
    """The resident set size of this process in bytes (None where ``/proc`` is missing).

    ``/proc/self/statm`` stays open and is re-read with ``pread`` (about 2 µs, against 15 µs
    for an open, read and close): it is read twice for every node.
    """
    global _STATM_FD
    pid = os.getpid()
    try:
        if _STATM_FD is None or _STATM_FD[0] != pid:  # a forked child opens its own
            _STATM_FD = (pid, os.open(_STATM, os.O_RDONLY))
        return int(os.pread(_STATM_FD[1], 128, 0).split()[1]) * _PAGE
    except (OSError, IndexError, ValueError, AttributeError):  # no /proc, or no pread
        return None


class PeakTracker:
    """Samples this process's resident memory every ``interval`` seconds while started."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self._times: list[float] = []
        self._values: list[int] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.available = resident_bytes() is not None

    def start(self) -> PeakTracker:
        """Start sampling (a no-op where memory cannot be read)."""
        if self.available and self._thread is None:
            self._sample()
            self._thread = threading.Thread(target=self._loop, name="kedro_nb-memory", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop sampling (if started); the samples stay for :meth:`peak_since`."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> int | None:
        value = resident_bytes()
        if value is not None:
            with self._lock:
                if not self._values or self._values[-1] != value:  # steady memory: no growth
                    self._times.append(time.perf_counter())
                    self._values.append(value)
        return value

    def mark(self) -> None:
        """Take a reading now (a node is about to start: its baseline)."""
        if self._thread is not None:
            self._sample()

    def begin(self) -> float:
        """Start measuring one task afresh: drop older samples, take one now, and return the
        time to pass to :meth:`peak_since`."""
        with self._lock:
            self._times.clear()
            self._values.clear()
        self._sample()
        return time.perf_counter()

    def peak_since(self, started: float) -> int | None:
        """Bytes above the reading before ``started`` (a ``perf_counter`` time) that the
        process reached since, the reading now included; None without measurements."""
        now = self._sample()
        if now is None:
            return None
        with self._lock:
            times, values = self._times, self._values
            first = bisect.bisect_right(times, started)
            base = values[first - 1] if first > 0 else values[0]
            peak = max(values[first:], default=now)
        return max(0, max(peak, now) - base)
