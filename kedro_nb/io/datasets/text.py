"""``TextDataset``: one string per file."""

from __future__ import annotations

from typing import Any, ClassVar

from kedro_nb.io.datasets.filebased import FileDataset
from kedro_nb.io.errors import DatasetError

__all__ = ["TextDataset"]


class TextDataset(FileDataset):
    """Text file at ``filepath`` loaded as one ``str`` (UTF-8 unless ``fs_args``
    ``open_args_load``/``open_args_save`` set another ``encoding``)."""

    BINARY: ClassVar[bool] = False

    def _read(self, path: str) -> str:
        with self._open_read(path) as handle:
            return str(handle.read())

    def _write(self, path: str, data: Any) -> None:
        if not isinstance(data, str):
            raise DatasetError(
                f"TextDataset saves str, got {type(data).__name__}: convert it "
                "first or use pickle.PickleDataset."
            )
        with self._open_write(path) as handle:
            handle.write(data)
