"""The dataset protocol: ``AbstractDataset`` and helpers to recognise datasets.

A subclass implements ``_describe`` and either Kedro 1.x's public ``load``/``save`` or the
older private ``_load``/``_save`` (and usually ``_exists``, optionally ``_release``). In the
older style the public ``load``/``save``/``exists``/``release`` defined here call the private
ones and turn unexpected failures into ``DatasetError`` naming the dataset, with any
credential value scrubbed from the message; in the 1.x style the subclass's own ``load`` and
``save`` run as written, and the catalog (which every run goes through) wraps their errors.
No class rewriting: what a subclass defines is what runs. The constructor's arguments are
kept (by ``__new__``, not by replacing ``__init__``) for ``_init_config`` and ``to_config``.
"""

from __future__ import annotations

import abc
import copy
import logging
from typing import Any, ClassVar, Generic, TypeVar

from kedro_nb.io._redact import redact_value, scrub
from kedro_nb.io.errors import DatasetError

__all__ = ["AbstractDataset", "describe_dataset", "is_dataset", "type_path"]

_DI = TypeVar("_DI")
_DO = TypeVar("_DO")

_KEDRO_BASE = "kedro.io.core.AbstractDataset"


class AbstractDataset(abc.ABC, Generic[_DI, _DO]):
    """Base class of every kedro-nb dataset; ``AbstractDataset[SavedType, LoadedType]`` in
    type hints, as Kedro's.

    Attributes:
        metadata: free-form user metadata from the catalog entry (never interpreted).
    """

    #: True for datasets whose data lives only in this process (the runner may free them).
    ephemeral: ClassVar[bool] = False
    metadata: dict[str, Any] | None = None
    _init_call: tuple[tuple[Any, ...], dict[str, Any]] = ((), {})

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        """Refuse a class implementing neither ``load`` nor ``_load`` (or neither ``save``
        nor ``_save``), as Python refuses an abstract class; keep the constructor's
        arguments for :meth:`_init_config`."""
        missing = missing_io_methods(cls)
        if missing:
            raise TypeError(f"Can't instantiate abstract class {cls.__name__}: {missing}")
        instance = super().__new__(cls)
        if not cls.ephemeral:  # a memory dataset's data must not outlive its release()
            instance._init_call = (args, kwargs)
        return instance

    def _load(self) -> _DO:
        """Read and return the data (older style; Kedro 1.x datasets override ``load``)."""
        raise NotImplementedError(f"{type(self).__name__} implements neither load nor _load.")

    def _save(self, data: _DI) -> None:
        """Write ``data`` (older style; Kedro 1.x datasets override ``save``)."""
        raise NotImplementedError(f"{type(self).__name__} implements neither save nor _save.")

    @abc.abstractmethod
    def _describe(self) -> dict[str, Any]:
        """Constructor-like description used by ``repr``; must never include credentials."""

    @property
    def _logger(self) -> logging.Logger:
        """The logger Kedro's datasets log to (``self._logger.info(...)`` in user datasets)."""
        return logging.getLogger("kedro_nb.io")

    def _init_config(self) -> dict[str, Any]:
        """The catalog entry that would build this dataset: ``type`` and the constructor's
        arguments, defaults included (``version`` turned into ``versioned: true``,
        ``metadata`` dropped), as Kedro's ``_init_config``."""
        import inspect

        config: dict[str, Any] = {"type": type_path(self)}
        args, kwargs = self._init_call
        try:
            bound = inspect.signature(type(self).__init__).bind(self, *args, **kwargs)
            bound.apply_defaults()
            given = dict(list(bound.arguments.items())[1:])
        except (TypeError, ValueError):
            given = dict(kwargs)
        config.update(given)
        if config.pop("version", None):
            config["versioned"] = True
        config.pop("metadata", None)
        return config

    def _copy(self, **overwrite_params: Any) -> AbstractDataset[_DI, _DO]:
        """A deep copy with ``_<name>`` attributes replaced (Kedro's ``_copy``)."""
        dataset_copy = copy.deepcopy(self)
        for name, value in overwrite_params.items():
            setattr(dataset_copy, name, value)
        return dataset_copy

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

    def load(self) -> _DO:
        """Load the data; errors other than ``DatasetError`` come back as ``DatasetError``."""
        try:
            return self._load()
        except DatasetError:
            raise
        except Exception as exc:
            raise self._fail("loading data from", exc)  # noqa: B904 (see _fail)

    def save(self, data: _DI) -> None:
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


def missing_io_methods(cls: type) -> str:
    """What ``cls`` lacks to load and save (``""`` when nothing): each of load and save
    needs its public method (Kedro 1.x) or its private one (the older style)."""
    missing = [
        public
        for public, private in (("load", "_load"), ("save", "_save"))
        if getattr(cls, public) is getattr(AbstractDataset, public)
        and getattr(cls, private) is getattr(AbstractDataset, private)
    ]
    if not missing:
        return ""
    return (
        f"implement {' and '.join(f'{m}()' for m in missing)} "
        f"(or the older {' and '.join(f'_{m}()' for m in missing)})."
    )


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
