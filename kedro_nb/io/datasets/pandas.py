"""pandas datasets: CSV, Parquet, JSON, Feather and Excel files as ``DataFrame``.

pandas is imported inside the methods, so it loads only when one of these is used.
Local files are read by path (pandas' fastest route) and written atomically; remote files
go through the fsspec file system with the dataset's credentials.
"""

from __future__ import annotations

from typing import Any, ClassVar

from kedro_nb.io.datasets.filebased import FileDataset
from kedro_nb.io.errors import DatasetError

__all__ = ["CSVDataset", "ExcelDataset", "FeatherDataset", "JSONDataset", "ParquetDataset"]


def _pandas() -> Any:
    import pandas

    return pandas


class _PandasFileDataset(FileDataset):
    """Reads with ``pandas.<READER>`` and writes with ``DataFrame.<WRITER>``."""

    READER: ClassVar[str] = ""
    WRITER: ClassVar[str] = ""

    def _read(self, path: str) -> Any:
        reader = getattr(_pandas(), self.READER)
        if self.is_local and not self._open_args_load:
            return reader(path, **self._load_args)
        with self._open_read(path) as handle:
            return reader(handle, **self._load_args)

    def _check(self, data: Any) -> None:
        if not isinstance(data, _pandas().DataFrame):
            raise DatasetError(
                f"{type(self).__name__} saves a pandas DataFrame, got {type(data).__name__}."
            )

    def _write(self, path: str, data: Any) -> None:
        self._check(data)
        with self._open_write(path) as handle:
            getattr(data, self.WRITER)(handle, **self._save_args)


class CSVDataset(_PandasFileDataset):
    """CSV file; ``save_args`` default ``index: false`` (Kedro's default)."""

    DEFAULT_SAVE_ARGS: ClassVar[dict[str, Any]] = {"index": False}
    BINARY: ClassVar[bool] = False
    READER, WRITER = "read_csv", "to_csv"


class ParquetDataset(_PandasFileDataset):
    """Parquet file (pyarrow engine unless ``load_args``/``save_args`` say otherwise).
    ``partition_cols`` is refused: use ``partitions.PartitionedDataset`` for folders."""

    READER, WRITER = "read_parquet", "to_parquet"

    def _write(self, path: str, data: Any) -> None:
        if "partition_cols" in self._save_args:
            raise DatasetError(
                "ParquetDataset does not support save argument "
                "'partition_cols': use partitions.PartitionedDataset instead."
            )
        super()._write(path, data)


class JSONDataset(_PandasFileDataset):
    """JSON file read with ``pandas.read_json`` and written with ``DataFrame.to_json``."""

    BINARY: ClassVar[bool] = False
    READER, WRITER = "read_json", "to_json"


class FeatherDataset(_PandasFileDataset):
    """Feather (Arrow IPC) file."""

    READER, WRITER = "read_feather", "to_feather"


class ExcelDataset(_PandasFileDataset):
    """Excel workbook (needs ``openpyxl``). ``load_args`` default ``engine: openpyxl`` and
    ``save_args`` default ``index: false``, as Kedro. A dict of DataFrames saves one sheet
    per key."""

    DEFAULT_LOAD_ARGS: ClassVar[dict[str, Any]] = {"engine": "openpyxl"}
    DEFAULT_SAVE_ARGS: ClassVar[dict[str, Any]] = {"index": False}
    READER, WRITER = "read_excel", "to_excel"

    @staticmethod
    def _require_openpyxl() -> None:
        try:
            import openpyxl  # noqa: F401
        except ImportError as exc:
            raise DatasetError("pandas.ExcelDataset needs openpyxl: pip install openpyxl") from exc

    def _read(self, path: str) -> Any:
        self._require_openpyxl()
        return super()._read(path)

    def _write(self, path: str, data: Any) -> None:
        self._require_openpyxl()
        pandas = _pandas()
        sheets = data if isinstance(data, dict) else None
        if sheets is None:
            self._check(data)
        writer_args = {k: v for k, v in self._save_args.items() if k == "engine"}
        args = {k: v for k, v in self._save_args.items() if k != "engine"}
        with (
            self._open_write(path) as handle,
            pandas.ExcelWriter(handle, engine=writer_args.get("engine", "openpyxl")) as writer,
        ):
            if sheets is None:
                data.to_excel(writer, **args)
            else:
                for sheet, frame in sheets.items():
                    frame.to_excel(writer, sheet_name=sheet, **args)
