"""Kernels that the tests start with nbclient: on ZeroMQ's ``ipc`` transport, not TCP.

A TCP kernel's five ports are picked free by the test process and bound by the kernel only
once it has started, seconds later on a busy machine; any other process can take one of them
meanwhile and the kernel dies at start. Over ``ipc`` a kernel listens on Unix sockets named
after a random path of its own: nothing to race for. What runs in the kernel is the same.
"""

from __future__ import annotations

import os
import tempfile
import uuid

from jupyter_client.manager import AsyncKernelManager
from traitlets import default


class IpcKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` (nbclient's default) whose kernel listens on Unix sockets
    ``<tmp>/kedro-nb-kernel-<random>-<n>``; jupyter_client removes them when it shuts the
    kernel down. Pass it as ``NotebookClient(..., kernel_manager_class=IpcKernelManager)``."""

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:  # short: a Unix socket path has at most 107 bytes
        return os.path.join(tempfile.gettempdir(), f"kedro-nb-kernel-{uuid.uuid4().hex[:12]}")
