"""Datasets and the data catalog: Kedro's catalog YAML, dataset protocol and on-disk
versioning, built lazily so notebooks start fast."""

from kedro_nb.io._redact import MASK, scrub, secret_values
from kedro_nb.io.cached import CachedDataset
from kedro_nb.io.catalog import PARAMS_PREFIX, DataCatalog, SharedMemoryDataCatalog, is_parameter
from kedro_nb.io.config_resolver import CatalogConfigResolver
from kedro_nb.io.core import AbstractDataset, is_dataset
from kedro_nb.io.errors import (
    CatalogConfigError,
    CredentialsNotFoundError,
    DatasetAlreadyExistsError,
    DatasetError,
    DatasetFileNotFoundError,
    DatasetNotFoundError,
    DatasetTypeError,
    VersionAlreadyExistsError,
    VersionNotFoundError,
)
from kedro_nb.io.fs import get_filepath_str, get_protocol_and_path
from kedro_nb.io.memory import MemoryDataset, SharedMemoryDataset, is_ephemeral
from kedro_nb.io.protocol import CatalogProtocol, SharedMemoryCatalogProtocol
from kedro_nb.io.versioning import AbstractVersionedDataset, Version, generate_timestamp

__all__ = [
    "MASK",
    "PARAMS_PREFIX",
    "AbstractDataset",
    "AbstractVersionedDataset",
    "CachedDataset",
    "CatalogConfigError",
    "CatalogConfigResolver",
    "CatalogProtocol",
    "CredentialsNotFoundError",
    "DataCatalog",
    "DatasetAlreadyExistsError",
    "DatasetError",
    "DatasetFileNotFoundError",
    "DatasetNotFoundError",
    "DatasetTypeError",
    "MemoryDataset",
    "SharedMemoryCatalogProtocol",
    "SharedMemoryDataCatalog",
    "SharedMemoryDataset",
    "Version",
    "VersionAlreadyExistsError",
    "VersionNotFoundError",
    "generate_timestamp",
    "get_filepath_str",
    "get_protocol_and_path",
    "is_dataset",
    "is_ephemeral",
    "is_parameter",
    "scrub",
    "secret_values",
]
