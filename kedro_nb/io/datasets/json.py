"""``JSONDataset``: plain JSON documents (dicts, lists, scalars)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from kedro_nb.io.datasets.filebased import FileDataset

__all__ = ["JSONDataset"]


class JSONDataset(FileDataset):
    """JSON document at ``filepath``; ``save_args`` go to ``json.dump`` (default
    ``indent: 2``, as Kedro), ``load_args`` to ``json.load``."""

    DEFAULT_SAVE_ARGS: ClassVar[dict[str, Any]] = {"indent": 2}
    BINARY: ClassVar[bool] = False

    def _read(self, path: str) -> Any:
        with self._open_read(path) as handle:
            return json.load(handle, **self._load_args)

    def _write(self, path: str, data: Any) -> None:
        with self._open_write(path) as handle:
            json.dump(data, handle, **self._save_args)
