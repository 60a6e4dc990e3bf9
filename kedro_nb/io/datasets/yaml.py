"""``YAMLDataset``: YAML documents (safe loader: plain data only)."""

from __future__ import annotations

from typing import Any, ClassVar

from kedro_nb.io.datasets.filebased import FileDataset

__all__ = ["YAMLDataset"]


class YAMLDataset(FileDataset):
    """YAML document at ``filepath``, read with ``yaml.safe_load`` and written with
    ``yaml.safe_dump`` (``save_args`` default ``default_flow_style: false``, as Kedro)."""

    DEFAULT_SAVE_ARGS: ClassVar[dict[str, Any]] = {"default_flow_style": False}
    BINARY: ClassVar[bool] = False

    def _read(self, path: str) -> Any:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with self._open_read(path) as handle:
            return yaml.load(handle, Loader=loader)

    def _write(self, path: str, data: Any) -> None:
        import yaml

        with self._open_write(path) as handle:
            yaml.safe_dump(data, handle, **self._save_args)
