"""``kedro-nb jupyter setup``: the kernelspec written, read back through jupyter_client."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager

from kedro_nb.cli import main
from kedro_nb.cli.kernelspec import (
    DEFAULT_KERNEL_NAME,
    EXTENSION_NAME,
    KernelspecError,
    install_kernelspec,
)


def test_setup_installs_a_kernel_that_loads_the_extension(tmp_path: Path, capsys) -> None:
    assert main(["jupyter", "setup", "--prefix", str(tmp_path), "--display-name", "My kernel"]) == 0
    folder = tmp_path / "share" / "jupyter" / "kernels" / DEFAULT_KERNEL_NAME
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["argv"][:3] == [sys.executable, "-m", "ipykernel_launcher"]
    assert spec["argv"][3:5] == ["--ext", EXTENSION_NAME]
    assert "{connection_file}" in spec["argv"]
    assert spec["display_name"] == "My kernel"
    manager = KernelSpecManager(kernel_dirs=[str(folder.parent)])
    assert manager.get_kernel_spec(DEFAULT_KERNEL_NAME).display_name == "My kernel"
    assert str(folder) in capsys.readouterr().out


def test_setup_twice_replaces_the_spec(tmp_path: Path) -> None:
    install_kernelspec("again", "first", user=False, prefix=tmp_path)
    path = install_kernelspec("again", "second", user=False, prefix=tmp_path)
    assert json.loads((path / "kernel.json").read_text())["display_name"] == "second"


def test_bad_kernel_name_is_refused_with_the_rule(tmp_path: Path, capsys) -> None:
    assert main(["jupyter", "setup", "--name", "has space", "--prefix", str(tmp_path)]) == 2
    assert "letters, digits" in capsys.readouterr().err
    with pytest.raises(KernelspecError, match="not both"):
        install_kernelspec("x", user=True, prefix=tmp_path)


def test_user_and_prefix_exclude_each_other(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["jupyter", "setup", "--user", "--prefix", str(tmp_path)])
    assert "not allowed with argument" in capsys.readouterr().err
