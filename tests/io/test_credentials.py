"""Credentials: looked up by name, never shown in any repr, describe, log or error."""

from __future__ import annotations

import logging
import pickle
import traceback
from pathlib import Path

import pytest

from kedro_nb.io import (
    AbstractDataset,
    CredentialsNotFoundError,
    DataCatalog,
    DatasetError,
    secret_values,
)

SECRET_KEY = "AKIAVERYSECRETKEY123"
SECRET_TOKEN = "s3cr3t-t0ken-value-xyz"
CREDENTIALS = {
    "dev_s3": {"key": SECRET_KEY, "secret": SECRET_TOKEN},
    "other": {"token": SECRET_TOKEN},
}


def _assert_clean(*texts: str) -> None:
    for text in texts:
        assert SECRET_KEY not in text
        assert SECRET_TOKEN not in text


def test_missing_credentials_key_names_dataset_and_available_keys() -> None:
    with pytest.raises(CredentialsNotFoundError) as info:
        DataCatalog.from_config(
            {
                "cars": {
                    "type": "pandas.CSVDataset",
                    "filepath": "s3://b/cars.csv",
                    "credentials": "prod_s3",
                }
            },
            CREDENTIALS,
        )
    message = str(info.value)
    assert "'cars'" in message and "'prod_s3'" in message
    assert "dev_s3, other" in message
    _assert_clean(message)


def test_nested_missing_credentials_found_at_first_use(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {
            "parts": {
                "type": "partitions.PartitionedDataset",
                "path": str(tmp_path),
                "dataset": {"type": "pandas.CSVDataset", "credentials": "nope"},
            }
        },
        CREDENTIALS,
    )
    with pytest.raises(CredentialsNotFoundError, match=r"'parts'.*'nope'"):
        catalog["parts"]


def test_secrets_never_appear_in_reprs_describes_logs_or_errors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = {
        "local": {
            "type": "pickle.PickleDataset",
            "filepath": str(tmp_path / "a.pkl"),
            "credentials": "dev_s3",
            "fs_args": {"auto_mkdir": True},
        },
        "remote": {
            "type": "pandas.CSVDataset",
            "filepath": "memory://secret/cars.csv",
            "credentials": "other",
            "versioned": True,
        },
        "url": {
            "type": "text.TextDataset",
            "filepath": f"memory://user:{SECRET_TOKEN}@host/x.txt?sig={SECRET_KEY}",
        },
        "{name}_fac": {
            "type": "json.JSONDataset",
            "filepath": f"{tmp_path}/{{name}}.json",
            "credentials": "dev_s3",
        },
    }
    texts: list[str] = []
    with caplog.at_level(logging.DEBUG):
        catalog = DataCatalog.from_config(config, CREDENTIALS)
        texts.append(repr(catalog))
        for name in ["local", "remote", "url", "x_fac"]:
            try:
                dataset = catalog[name]
            except DatasetError as exc:  # the backend refuses unknown options: still clean
                texts.append(str(exc))
                texts.extend(traceback.format_exception(exc))
                continue
            texts += [repr(dataset), str(dataset), str(dataset.describe())]
            for action in (lambda n=name: catalog.load(n), lambda n=name: catalog.exists(n)):
                try:
                    action()
                except Exception as exc:
                    texts.append(str(exc))
                    texts.extend(traceback.format_exception(exc))
        texts.append(repr(catalog))
        texts.append(str(catalog.describe_datasets()))
    # our own log records (third-party libraries log the URLs users give them, as given)
    texts += [r.getMessage() for r in caplog.records if r.name.startswith("kedro_nb")]
    _assert_clean(*texts)
    assert "***" in repr(catalog["url"])


class EchoDataset(AbstractDataset):
    """A careless third-party style dataset whose errors echo its credentials."""

    def __init__(self, credentials: dict, fail_on_init: bool = False) -> None:
        self._credentials = credentials
        if fail_on_init:
            raise ValueError(f"cannot connect with {credentials}")

    def _load(self) -> None:
        raise ConnectionError(f"login failed for {self._credentials['key']}")

    def _save(self, data: object) -> None:
        raise ConnectionError(f"login failed for {self._credentials}")

    def _describe(self) -> dict:
        return {}


def test_backend_errors_echoing_secrets_are_scrubbed_and_not_chained() -> None:
    catalog = DataCatalog.from_config(
        {
            "x": {"type": EchoDataset, "credentials": "dev_s3"},
            "y": {"type": EchoDataset, "credentials": "dev_s3", "fail_on_init": True},
        },
        CREDENTIALS,
    )
    for action in (
        lambda: catalog.load("x"),
        lambda: catalog.save("x", 1),
        lambda: catalog.load("y"),
    ):
        with pytest.raises(DatasetError) as info:
            action()
        rendered = "".join(traceback.format_exception(info.value))
        _assert_clean(rendered)
        assert "***" in rendered


def test_catalog_pickles_for_worker_processes(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {"a": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "a.pkl")}}
    )
    catalog.save("a", 1)
    clone = pickle.loads(pickle.dumps(catalog))
    assert clone.load("a") == 1


def test_missing_credentials_in_a_factory_pattern_fail_at_build() -> None:
    with pytest.raises(CredentialsNotFoundError, match=r"'\{name\}_s3'.*'prod'"):
        DataCatalog.from_config(
            {
                "{name}_s3": {
                    "type": "pandas.CSVDataset",
                    "filepath": "s3://b/{name}.csv",
                    "credentials": "prod",
                }
            },
            CREDENTIALS,
        )


def test_secret_values_are_text_and_number_leaves_longest_first() -> None:
    credentials = {
        "db": {"password": "hunter2-long", "port": 54321, "ssl": True, "region": "eu"},
        "keys": ["abcd", b"raw-bytes-key"],
        "ratio": 3.14159,
        "verify": False,
    }
    assert secret_values(credentials) == (
        "raw-bytes-key",
        "hunter2-long",
        "3.14159",
        "54321",
        "abcd",
    )
