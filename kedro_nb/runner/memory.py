"""Peak memory per node: how far a node pushed its process's resident memory above where it
started.

A daemon thread samples the resident set size (``/proc/self/statm`` on Linux, re-read with a
``pread`` of about 1 µs) every 5 ms while a run is going; a node's peak is the highest sample
taken while it ran (and the reading when it ended) minus the reading taken just before it
started. Nodes run in threads share one process, so with the thread runner a node's figure
includes what the nodes beside it allocated. Worker processes (``parallel``, ``dask``) measure
the tasks they run with one sampler per process, shared by its tasks (:func:`task_started`), and
send the figure back with the result. Without ``/proc`` (macOS, Windows) the figures are
``None``.

This is the growth of the process as the operating system sees it, at no cost to the nodes
(tracing every allocation would slow them down): memory the allocator reuses after an earlier
node freed it does not count again. Large buffers (NumPy arrays and DataFrame columns over
32 MB) come from and return to the system, so for them the figure is the node's own peak. A
peak held for less than the sampling interval can be missed. The kernel's own high-water mark
(``VmHWM``, resettable through ``/proc/self/clear_refs``) would be exact, but resetting it is
process-wide: it would falsify what ``getrusage`` and ``/usr/bin/time -v`` report for the whole
process, and in a notebook for the user's own measurements.
"""

from __future__ import annotations

import os
import threading
import time

__all__ = ["PeakTracker", "resident_bytes", "task_finished", "task_started"]

_STATM = "/proc/self/statm"
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


_statm_fd: list[int] = []  # the open /proc/self/statm, once read; a forked child reopens it


def _after_fork_in_child() -> None:
    """A forked child (a process pool's worker) starts with none of its parent's readers: its
    ``/proc/self`` is its own, and the parent's sampling thread and task lock did not follow."""
    _statm_fd.clear()
    _task_sampler.clear()
    _tasks_active[0] = 0
    global _tasks_lock
    _tasks_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def resident_bytes() -> int | None:
    """The resident set size of this process in bytes (None where ``/proc`` is missing).

    ``/proc/self/statm`` stays open and is re-read with ``pread`` (about 1 µs, against 15 µs
    for an open, read and close): it is read twice for every node.
    """
    try:
        if not _statm_fd:
            _statm_fd.append(os.open(_STATM, os.O_RDONLY))
        return int(os.pread(_statm_fd[0], 128, 0).split()[1]) * _PAGE
    except (OSError, IndexError, ValueError, AttributeError):  # no /proc, or no pread
        return None


class PeakTracker:
    """Samples this process's resident memory every ``interval`` seconds while started.

    Samples are ``(perf_counter time, bytes)`` pairs, kept only when the value changed, in one
    list that the sampling thread and the nodes' thread append to without a lock (``append`` is
    atomic): a node's baseline and end readings cost a ``pread`` each, nothing more.
    ``idle_stop``: the thread ends by itself once :meth:`idle` has said so for that many seconds
    (the shared sampler of worker tasks, see :func:`task_started`).
    """

    def __init__(self, interval: float = 0.005, idle_stop: float | None = None) -> None:
        self.interval = interval
        self.idle_stop = idle_stop
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.available = resident_bytes() is not None
        self.idle_since: float | None = None

    @property
    def running(self) -> bool:
        """Whether the sampling thread is alive (it may have ended after ``idle_stop``)."""
        thread = self._thread
        return thread is not None and thread.is_alive() and not self._stop.is_set()

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
            idle = self.idle_since
            if idle is not None and time.perf_counter() - idle > (self.idle_stop or 0.0):
                with _tasks_lock:  # no task began meanwhile: end, and let the next start anew
                    if self.idle_since is not None:
                        self._stop.set()
                        return

    def _sample(self) -> int | None:
        value = resident_bytes()
        if value is not None:
            samples = self.samples
            if not samples or samples[-1][1] != value:  # steady memory: no new sample
                samples.append((time.perf_counter(), value))
        return value

    def mark(self) -> None:
        """Take a reading now (a node is about to start: its baseline)."""
        if self._thread is not None:
            self._sample()

    def forget(self) -> None:
        """Drop every sample but the newest, when no node that is running needs older ones (the
        sequential runner, between nodes): a long run keeps a few samples, not two a node."""
        del self.samples[:-1]

    def peak_since(self, started: float) -> int | None:
        """Bytes above the reading before ``started`` (a ``perf_counter`` time) that the
        process reached since, the reading now included; None without measurements."""
        now = self._sample()
        if now is None:
            return None
        samples = self.samples
        peak, base = now, None
        for index in range(len(samples) - 1, -1, -1):  # newest first: a node's few samples
            at, value = samples[index]
            if at <= started:
                base = value
                break
            peak = max(peak, value)
        if base is None:  # nothing read before it started: from the first reading
            base = samples[0][1] if samples else now
        return max(0, peak - base)


# -- worker tasks: one sampler per process, shared by its tasks ------------------------------

_tasks_lock = threading.Lock()
_task_sampler: list[PeakTracker] = []  # the process's sampler, while one runs
_tasks_active = [0]
#: seconds a task sampler keeps running after the last task: tasks back to back share one
#: thread, and none lingers in a process (a kernel running Dask in-process) after its tasks
TASK_IDLE_STOP = 1.0


def task_started() -> tuple[PeakTracker, float]:
    """A task (a node run in a worker process or a Dask worker) starts: its baseline reading
    and start time, from the process's shared sampler (started if none runs).

    Starting a sampling thread for every task cost a worker about 0.3 ms a task; the shared
    one starts once for tasks that follow each other and ends :data:`TASK_IDLE_STOP` seconds
    after the last. Pass the result to :func:`task_finished`.
    """
    with _tasks_lock:
        tracker = _task_sampler[0] if _task_sampler else None
        if tracker is None or not tracker.running:
            tracker = PeakTracker(idle_stop=TASK_IDLE_STOP).start()
            _task_sampler[:] = [tracker]
        tracker.idle_since = None
        _tasks_active[0] += 1
    tracker.mark()
    return tracker, time.perf_counter()


def task_finished(started: tuple[PeakTracker, float]) -> int | None:
    """The peak memory of the task :func:`task_started` began (with tasks running beside it
    in the same process, their growth too, as with the thread runner)."""
    tracker, began = started
    peak = tracker.peak_since(began)
    with _tasks_lock:
        _tasks_active[0] -= 1
        if _tasks_active[0] == 0:
            tracker.samples.clear()  # nobody measures any more: only new samples matter
            tracker.idle_since = time.perf_counter()
    return peak
