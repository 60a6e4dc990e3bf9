"""``pipelines`` as a kernel sees it: the project's pipelines, plus this notebook's own.

The session's :class:`~kedro_nb.project.registry.ProjectPipelines` knows the project's registry
and pipeline folders. A notebook's node cells are a pipeline too, so the kernel adds it under the
notebook's name (its file name without ``.ipynb``, the name ``kedro-nb convert`` gives the
pipeline it writes), read from the saved file each time it is asked for, as ``%run_pipeline
--notebook`` reads it. A project pipeline of the same name wins: after conversion the project's
copy is the one to run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any


class KernelPipelines(Mapping[str, Any]):
    """The project's pipelines by name, and the kernel's notebook under its own name."""

    def __init__(self, project: Mapping[str, Any], notebook: Path | None) -> None:
        self.project = project
        self.notebook = notebook

    @property
    def notebook_name(self) -> str | None:
        """The name the notebook's pipeline is listed under, or None when it is not listed
        (no notebook known, or a project pipeline has that name)."""
        if self.notebook is None:
            return None
        name = self.notebook.stem
        return None if name in self._project_names() else name

    def _project_names(self) -> list[str]:
        try:
            return list(self.project)
        except Exception:  # a broken registry: its error shows when a pipeline is asked for
            return []

    def notebook_pipeline(self) -> Any:
        """The pipeline of the notebook's node cells, as saved."""
        from kedro_nb.convert import notebook_pipeline

        assert self.notebook is not None
        return notebook_pipeline(self.notebook)

    def __getitem__(self, name: str) -> Any:
        if name == self.notebook_name:
            return self.notebook_pipeline()
        own = self.notebook_name
        if own is not None and not self._project_names():  # a lone notebook: say what there is
            from kedro_nb.project.errors import PipelineNotFoundError

            raise PipelineNotFoundError(
                f"Pipeline {name!r} not found: no project here, so the only pipeline is this "
                f"notebook's own node cells, pipelines[{own!r}]."
            )
        return self.project[name]

    def __iter__(self) -> Iterator[str]:
        names = self._project_names()
        own = self.notebook_name
        return iter([*names, own] if own else names)

    def __len__(self) -> int:
        return len(list(iter(self)))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in list(iter(self))

    def loaded(self) -> list[str]:
        """Names of the project pipelines already imported (the notebook's is read on use)."""
        loaded = getattr(self.project, "loaded", None)
        return list(loaded()) if callable(loaded) else []

    def __repr__(self) -> str:
        return f"KernelPipelines({list(self)!r})"
