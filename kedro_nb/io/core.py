"""The dataset protocol: ``AbstractDataset`` and helpers to recognise datasets.

Subclasses implement ``_load``, ``_save`` and ``_describe`` (and usually ``_exists``,
optionally ``_release``). The public ``load``/``save``/``exists``/``release`` methods are
defined once here: they call the private ones and turn unexpected failures into
``DatasetError`` naming the dataset, with any credential value scrubbed from the message.
No class rewriting: what a subclass defines is what runs.
"""

from __future__ import annotations

import abc
from typing import Any, ClassVar

from kedro_nb.io._redact import redact_value, scrub
from kedro_nb.io.errors import DatasetError

__all__ = ["AbstractDataset", "describe_dataset", "is_dataset", "type_path"]

_KEDRO_BASE = "kedro.io.core.AbstractDataset"


class AbstractDataset(abc.ABC):
    """Base class of every kedro-nb dataset.

    Attributes:
        metadata: free-form user metadata from the catalog entry (never interpreted).
    """

    #: True for datasets whose data lives only in this process (the runner may free them).
    ephemeral: ClassVar[bool] = False
    metadata: dict[str, Any] | None = None

    @abc.abstractmethod
    def _load(self) -> Any:
        """Read and return the data."""

    @abc.abstractmethod
    def _save(self, data: Any) -> None:
        """Write ``data``."""

    @abc.abstractmethod
    def _describe(self) -> dict[str, Any]:
        """Constructor-like description used by ``repr``; must never include credentials."""

    @classmethod
    def from_config(
        cls,
        name: str,
        config: dict[str, Any],
        load_version: str | None = None,
        save_version: str | None = None,
    ) -> Any:
        """Create the dataset described by one catalog entry (Kedro's signature). Any
        ``credentials`` in ``config`` must already be values, not names."""
        from kedro_nb.io.builder import build_dataset  # the builder imports this module

        return build_dataset(
            name, config, credentials={}, load_version=load_version, save_version=save_version
        )[0]

    def _exists(self) -> bool:
        """Whether there is data to load; datasets that cannot tell return False."""
        return False

    def _release(self) -> None:
        """Drop any cached data (default: nothing cached)."""
        return None

    def _secrets(self) -> tuple[str, ...]:
        """Credential values this dataset holds, to scrub from error messages."""
        return ()

    def _fail(self, action: str, exc: BaseException) -> DatasetError:
        """A ``DatasetError`` for ``exc``; when the original message carried a credential
        value, the original is not chained (its traceback would show the secret)."""
        raw = f"Failed while {action} {self!r}: {type(exc).__name__}: {exc}"
        message = scrub(raw, self._secrets())
        error = DatasetError(message)
        error.__cause__ = exc if message == raw else None
        error.__suppress_context__ = True
        return error

    def load(self) -> Any:
        """Load the data; errors other than ``DatasetError`` come back as ``DatasetError``."""
        try:
            return self._load()
        except DatasetError:
            raise
        except Exception as exc:
            raise self._fail("loading data from", exc)  # noqa: B904 (see _fail)

    def save(self, data: Any) -> None:
        """Save ``data``. Saving ``None`` is refused, as in Kedro (it is almost always a node
        that forgot to return)."""
        if data is None:
            raise DatasetError(
                f"Saving 'None' to {self!r} is not allowed: return a value "
                "from the node that produces it."
            )
        try:
            self._save(data)
        except DatasetError:
            raise
        except Exception as exc:
            raise self._fail("saving data to", exc)  # noqa: B904 (see _fail)

    def exists(self) -> bool:
        """Whether the dataset's data exists (False rather than an error when unknown)."""
        try:
            return bool(self._exists())
        except DatasetError:
            raise
        except Exception as exc:
            raise self._fail("checking existence of", exc)  # noqa: B904 (see _fail)

    def release(self) -> None:
        """Release cached data so memory can be reclaimed."""
        try:
            self._release()
        except Exception as exc:
            raise self._fail("releasing", exc)  # noqa: B904 (see _fail)

    def describe(self) -> dict[str, Any]:
        """The ``_describe`` dict with URL secrets redacted and ``None`` values dropped."""
        return {
            key: redact_value(value)
            for key, value in (self._describe() or {}).items()
            if value is not None
        }

    def __repr__(self) -> str:
        import pprint
        import sys

        args = ", ".join(
            f"{key}={pprint.pformat(value, sort_dicts=False, compact=True, width=sys.maxsize)}"
            for key, value in self.describe().items()
        )
        return f"{type(self).__module__}.{type(self).__qualname__}({args})"


def _is_kedro_dataset(obj: Any) -> bool:
    return any(
        f"{base.__module__}.{base.__qualname__}" == _KEDRO_BASE for base in type(obj).__mro__
    )


def is_dataset(obj: Any) -> bool:
    """True for instances of our ``AbstractDataset`` or of Kedro's (without importing Kedro)."""
    return isinstance(obj, AbstractDataset) or _is_kedro_dataset(obj)


def type_path(obj_or_cls: Any) -> str:
    """Fully qualified class path, e.g. ``kedro_nb.io.datasets.pandas.CSVDataset``."""
    cls = obj_or_cls if isinstance(obj_or_cls, type) else type(obj_or_cls)
    return f"{cls.__module__}.{cls.__qualname__}"


def describe_dataset(dataset: Any) -> dict[str, Any]:
    """Description dict of any dataset, ours or Kedro's (their ``_describe`` is protected API
    both projects share)."""
    if isinstance(dataset, AbstractDataset):
        return dataset.describe()
    try:
        raw = dataset._describe()
    except Exception:
        return {}
    return {k: redact_value(v) for k, v in (raw or {}).items() if v is not None}
