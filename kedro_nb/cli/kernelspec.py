"""Install a Jupyter kernelspec that starts IPython with kedro-nb already loaded.

The kernel is this environment's Python running ``ipykernel_launcher --ext kedro_nb``, so a
notebook using it gets ``catalog``, ``params``, ``session`` and ``pipelines`` without a
``%load_ext`` line, the way ``kedro jupyter setup`` does for Kedro. This is the work of the
``kedro-nb jupyter setup`` command, its only user. No IPython import here: the command stays quick.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

#: The name given to ``--ext`` in the kernelspec: the package whose ``load_ipython_extension``
#: ``%load_ext kedro_nb`` calls.
EXTENSION_NAME = "kedro_nb"
#: Name of the kernelspec ``kedro-nb jupyter setup`` installs unless told otherwise.
DEFAULT_KERNEL_NAME = "kedro_nb"


class KernelspecError(Exception):
    """Raised by :func:`install_kernelspec` when the spec cannot be written (bad name,
    unwritable folder); ``kedro-nb jupyter setup`` prints it in one line and exits 2."""


# jupyter_client accepts these characters in a kernelspec folder name.
_VALID_NAME = re.compile(r"^[a-z0-9._-]+$", re.IGNORECASE)


def default_display_name() -> str:
    """``kedro-nb (<env>)`` where ``<env>`` is the environment folder, e.g. ``kedro-nb (.venv)``."""
    return f"kedro-nb ({Path(sys.prefix).name})"


def kernel_argv(python: str | None = None) -> list[str]:
    """The command line Jupyter starts: this Python, ipykernel, and our extension."""
    return [
        python or sys.executable,
        "-m",
        "ipykernel_launcher",
        "--ext",
        EXTENSION_NAME,
        "-f",
        "{connection_file}",
    ]


def install_kernelspec(
    name: str = DEFAULT_KERNEL_NAME,
    display_name: str | None = None,
    *,
    user: bool = True,
    prefix: str | Path | None = None,
    python: str | None = None,
) -> Path:
    """Write the kernelspec and install it; returns the folder it landed in.

    ``user=True`` installs into the user's Jupyter data folder, ``prefix`` into
    ``PREFIX/share/jupyter/kernels`` (``sys.prefix`` for the current environment); they exclude each
    other. An existing spec of the same name is replaced, so running set-up again is safe.
    """
    if not _VALID_NAME.match(name):
        raise KernelspecError(
            f"Kernel name {name!r} is not valid: use letters, digits, '.', '_' or '-' "
            f"(for example {DEFAULT_KERNEL_NAME!r})."
        )
    if user and prefix is not None:
        raise KernelspecError("Choose --user or --prefix, not both.")
    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager

    overrides = {
        "argv": kernel_argv(python),
        "display_name": display_name or default_display_name(),
        "metadata": {"debugger": True, EXTENSION_NAME: {"extension": EXTENSION_NAME}},
    }
    with tempfile.TemporaryDirectory(suffix="_kernels") as staging:
        source = write_kernel_spec(Path(staging) / name, overrides=overrides)
        try:
            installed = KernelSpecManager().install_kernel_spec(
                source,
                kernel_name=name,
                user=user and prefix is None,
                prefix=None if prefix is None else str(prefix),
            )
        except OSError as exc:
            where = f"prefix {prefix}" if prefix is not None else "the user's Jupyter folder"
            raise KernelspecError(
                f"Could not install kernelspec {name!r} into {where}: {exc}. "
                "Try --user, or a --prefix you can write to."
            ) from exc
    return Path(installed)
