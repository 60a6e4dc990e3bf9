"""The project's pipelines: a lazy, read-only mapping from name to ``Pipeline``.

Names come from two places, as in Kedro: ``<package>/pipeline_registry.py``'s
``register_pipelines()``, and folders ``<package>/pipelines/<name>/`` whose module exposes
``create_pipeline()`` (autodiscovery, :func:`find_pipelines`). Unlike Kedro, asking for one
pipeline imports only that pipeline's module: folder names are known without importing, and
``find_pipelines()`` called inside a registry imports only the pipelines being asked for.
A module that fails to import warns and is left out; asking for it by name raises its error.
"""

from __future__ import annotations

import contextvars
import importlib
import sys
import traceback
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kedro_nb.project.compat import as_pipeline, kedro_shim
from kedro_nb.project.errors import PipelineLoadError, PipelineNotFoundError, ProjectError
from kedro_nb.project.registry_source import is_standard_registry
from kedro_nb.shared import DEFAULT_PIPELINE, did_you_mean

if TYPE_CHECKING:
    from kedro_nb.pipeline import Pipeline


class PipelineImportWarning(UserWarning):
    """Warned when one pipeline module fails to load; the other pipelines still load."""


@dataclass
class _Discovery:
    package_name: str
    pipelines_dir: Path
    requested: set[str] | None = None  # None: every pipeline
    failures: dict[str, Exception] = field(default_factory=dict)


_ACTIVE: contextvars.ContextVar[_Discovery | None] = contextvars.ContextVar(
    "kedro_nb_pipeline_discovery", default=None
)


def pipeline_folders(pipelines_dir: Path) -> list[str]:
    """Names of ``pipelines/<name>/`` folders that can hold a pipeline, without importing."""
    if not pipelines_dir.is_dir():
        return []
    return sorted(
        child.name
        for child in pipelines_dir.iterdir()
        if child.is_dir()
        and child.name != "__pycache__"
        and not child.name.startswith(".")  # as Kedro's find_pipelines: '_01_explore' is one
        and ((child / "pipeline.py").is_file() or (child / "__init__.py").is_file())
    )


def _describe(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({frames[-1].filename}, line {frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _create_from_module(package_name: str, name: str) -> Pipeline:
    """Import ``<package>.pipelines.<name>`` (or its ``.pipeline`` submodule) and call
    ``create_pipeline()``; returns a kedro-nb Pipeline or raises PipelineLoadError."""
    with kedro_shim():
        return _create_from_module_here(package_name, name)


def _create_from_module_here(package_name: str, name: str) -> Pipeline:
    module_name = f"{package_name}.pipelines.{name}"
    try:
        module = importlib.import_module(module_name)
        if not hasattr(module, "create_pipeline"):
            module = importlib.import_module(f"{module_name}.pipeline")
    except Exception as exc:
        raise PipelineLoadError(
            f"Pipeline {name!r}: importing {module_name} failed: {_describe(exc)}"
        ) from exc
    create = getattr(module, "create_pipeline", None)
    if create is None:
        raise PipelineLoadError(
            f"Pipeline {name!r}: {module.__name__} has no create_pipeline() function; define "
            "one returning the Pipeline."
        )
    try:
        return as_pipeline(create())
    except TypeError as exc:
        raise PipelineLoadError(f"Pipeline {name!r}: create_pipeline() {exc}.") from exc
    except Exception as exc:
        raise PipelineLoadError(
            f"Pipeline {name!r}: {module.__name__}.create_pipeline() raised {_describe(exc)}"
        ) from exc


def find_pipelines(
    raise_errors: bool = False, pipelines_to_find: list[str] | None = None
) -> dict[str, Pipeline]:
    """Kedro's ``find_pipelines()``: one pipeline per ``pipelines/<name>/`` folder plus
    ``__default__`` (all of them summed, or ``<package>/pipeline.py``'s pipeline).

    Called from ``register_pipelines()`` while kedro-nb loads a project. When the session asks
    for particular pipelines, only those modules are imported. A failing module warns
    (``PipelineImportWarning``) and is skipped unless ``raise_errors``.
    """
    discovery = _ACTIVE.get()
    if discovery is None:
        raise ProjectError(
            "find_pipelines() is called by a project's register_pipelines() while kedro-nb "
            "loads the project; open a session (KedroNbSession.create()) instead of calling it."
        )
    wanted = discovery.requested
    if pipelines_to_find is not None and DEFAULT_PIPELINE not in pipelines_to_find:
        wanted = set(pipelines_to_find) if wanted is None else wanted & set(pipelines_to_find)
    result: dict[str, Pipeline] = {}
    for name in pipeline_folders(discovery.pipelines_dir):
        if wanted is not None and name not in wanted:
            continue
        try:
            result[name] = _create_from_module(discovery.package_name, name)
        except PipelineLoadError as exc:
            if raise_errors:
                raise
            discovery.failures[name] = exc
            warnings.warn(f"{exc} The other pipelines still load.", PipelineImportWarning, 2)
    if wanted is None:
        from kedro_nb.pipeline import Pipeline

        result[DEFAULT_PIPELINE] = sum(result.values(), Pipeline([]))
    return result


class ProjectPipelines(Mapping[str, "Pipeline"]):
    """Lazy ``Mapping[str, Pipeline]`` over a project's registry and pipeline folders.

    ``pipelines["x"]`` imports only what ``x`` needs; ``keys()`` needs every name, so with a
    registry it calls ``register_pipelines()`` fully (as Kedro does).
    """

    def __init__(self, package_name: str | None, source_dir: Path) -> None:
        self.package_name = package_name
        self.source_dir = source_dir
        package_dir = source_dir / package_name if package_name else None
        self._pipelines_dir = package_dir / "pipelines" if package_dir else None
        self._has_registry = bool(package_dir and (package_dir / "pipeline_registry.py").is_file())
        self._has_single = bool(package_dir and (package_dir / "pipeline.py").is_file())
        self._cache: dict[str, Pipeline] = {}
        self._all: dict[str, Pipeline] | None = None
        self._standard_registry: bool | None = None
        self.failures: dict[str, Exception] = {}

    # -- Mapping ----------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Pipeline:
        if name in self._cache:
            return self._cache[name]
        if not self.package_name:
            raise self._not_found(name, [])
        if self._uses_registry():
            found = None
            if name != DEFAULT_PIPELINE:
                found = self._from_registry({name}).get(name)
            if found is None and self._all is None:
                found = self._load_all().get(name)
        else:
            found = self._from_folders(name)
        if found is None:
            if name in self.failures:
                raise PipelineLoadError(str(self.failures[name])) from self.failures[name]
            raise self._not_found(name, list(self))
        self._cache[name] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        if not self._uses_registry():
            return name in self._names()
        return name in self._load_all()

    def loaded(self) -> list[str]:
        """Names of the pipelines already built (the others are imported on first use)."""
        return sorted(self._cache)

    def __repr__(self) -> str:
        return f"ProjectPipelines(package={self.package_name!r}, loaded={self.loaded()})"

    # -- loading ----------------------------------------------------------------------------
    def _names(self) -> list[str]:
        if not self.package_name:
            return []
        if self._uses_registry():
            return list(self._load_all())
        folders = pipeline_folders(self._pipelines_dir) if self._pipelines_dir else []
        return [DEFAULT_PIPELINE, *folders]

    def _uses_registry(self) -> bool:
        """Whether names must come from ``register_pipelines()``. Not when it is the standard
        one (``p = find_pipelines()``, ``p["__default__"] = sum(p.values())``, ``return p``):
        its result is exactly the pipeline folders and their sum, so they are built from the
        folders without importing the registry (nor, in a Kedro project, the
        ``kedro.framework`` modules it imports)."""
        if not self._has_registry:
            return False
        if self._has_single:
            return True  # <package>/pipeline.py joins the sum: leave it to the registry
        if self._standard_registry is None:
            assert self.package_name is not None
            path = self.source_dir / self.package_name / "pipeline_registry.py"
            try:
                self._standard_registry = is_standard_registry(path.read_text("utf-8"))
            except (OSError, SyntaxError, ValueError):
                self._standard_registry = False
        return not self._standard_registry

    def _load_all(self) -> dict[str, Pipeline]:
        if self._all is None:
            self._all = self._from_registry(None)
            self._cache.update(self._all)
        return self._all

    def _from_folders(self, name: str) -> Pipeline | None:
        assert self.package_name is not None
        if name == DEFAULT_PIPELINE:
            if self._has_single:
                return self._create_single()
            with self._activated(None) as discovery:
                found = find_pipelines()
            self.failures.update(discovery.failures)
            return found[DEFAULT_PIPELINE]
        if self._pipelines_dir is None or name not in pipeline_folders(self._pipelines_dir):
            return None
        return _create_from_module(self.package_name, name)

    def _create_single(self) -> Pipeline:
        try:
            with kedro_shim():
                module = importlib.import_module(f"{self.package_name}.pipeline")
                return as_pipeline(module.create_pipeline())
        except Exception as exc:
            raise PipelineLoadError(
                f"Pipeline {DEFAULT_PIPELINE!r}: {self.package_name}.pipeline failed: "
                f"{_describe(exc)}"
            ) from exc

    def _from_registry(self, requested: set[str] | None) -> dict[str, Pipeline]:
        with kedro_shim():
            return self._from_registry_here(requested)

    def _from_registry_here(self, requested: set[str] | None) -> dict[str, Pipeline]:
        module_name = f"{self.package_name}.pipeline_registry"
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:
            raise PipelineLoadError(
                f"Importing the pipeline registry {module_name} failed: {_describe(exc)}"
            ) from exc
        # A Kedro project imports Kedro's find_pipelines, which needs Kedro's global project
        # state; ours reads the discovery context set below instead.
        if callable(getattr(module, "find_pipelines", None)):
            module.find_pipelines = find_pipelines  # type: ignore[attr-defined]
        register = getattr(module, "register_pipelines", None)
        if register is None:
            raise PipelineLoadError(
                f"{module_name} has no register_pipelines() function; define one returning "
                "a dict of pipeline names to Pipelines."
            )
        with self._activated(requested) as discovery:
            try:
                registered = register()
            except Exception as exc:
                if requested is not None:
                    return {}  # a registry indexing find_pipelines()' result: retry with all
                raise PipelineLoadError(
                    f"{module_name}.register_pipelines() raised {_describe(exc)}"
                ) from exc
        self.failures.update(discovery.failures)
        if not isinstance(registered, Mapping):
            raise PipelineLoadError(
                f"{module_name}.register_pipelines() returned {type(registered).__name__}; it "
                "must return a dict of pipeline names to Pipelines."
            )
        from kedro_nb.pipeline import Pipeline

        converted: dict[str, Pipeline] = {}
        for name, value in registered.items():
            if requested is not None and name not in requested:
                continue
            if value == 0 and isinstance(value, int):  # sum() of no pipelines
                value = Pipeline([])
            try:
                converted[str(name)] = as_pipeline(value)
            except TypeError as exc:
                raise PipelineLoadError(
                    f"{module_name}.register_pipelines()[{name!r}]: {exc}."
                ) from exc
        return converted

    def _activated(self, requested: set[str] | None) -> _Activation:
        assert self.package_name is not None and self._pipelines_dir is not None
        return _Activation(_Discovery(self.package_name, self._pipelines_dir, requested))

    def _not_found(self, name: str, known: list[str]) -> PipelineNotFoundError:
        hint = did_you_mean(name, known)
        where = (
            f"{self.package_name}.pipeline_registry or {self._pipelines_dir}"
            if self.package_name
            else "this folder (no project package: pass a pipeline object instead)"
        )
        return PipelineNotFoundError(
            f"Pipeline {name!r} not found in {where}. Known pipelines: {sorted(known)}.{hint}"
        )


class _Activation:
    def __init__(self, discovery: _Discovery) -> None:
        self.discovery = discovery
        self._token: contextvars.Token[_Discovery | None] | None = None

    def __enter__(self) -> _Discovery:
        self._token = _ACTIVE.set(self.discovery)
        return self.discovery

    def __exit__(self, *exc_info: object) -> None:
        assert self._token is not None
        _ACTIVE.reset(self._token)


def prepare_package(package_name: str, source_dir: Path) -> None:
    """Make ``package_name`` importable from ``source_dir``: put it first on ``sys.path`` and
    forget a same-named package imported earlier from elsewhere (another project)."""
    source = str(source_dir)
    if source in sys.path:
        sys.path.remove(source)
    sys.path.insert(0, source)
    loaded = sys.modules.get(package_name)
    if loaded is None:
        return
    locations = [str(p) for p in getattr(loaded, "__path__", [])] or [str(loaded.__file__)]
    if not any(Path(p).resolve().is_relative_to(source_dir.resolve()) for p in locations):
        forget_package(package_name)


def forget_package(package_name: str) -> list[str]:
    """Remove a package and its submodules from ``sys.modules`` so the next import re-reads
    the files (after edits in a notebook, ``%reload_project``, or another project with the same
    name), and clear the import system's caches so files added since are found. Returns the
    names removed; nothing outside the package is touched."""
    doomed = [m for m in sys.modules if m == package_name or m.startswith(package_name + ".")]
    for module_name in doomed:
        del sys.modules[module_name]
    importlib.invalidate_caches()
    return doomed
