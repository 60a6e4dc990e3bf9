"""``jupyter nbconvert --to kedro_nb NOTEBOOK``: the notebook's node cells as one Python module.

The module holds the used setup imports and definitions, one function per node cell and
``create_pipeline()``; ``kedro-nb convert`` writes the same code split into a pipeline package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbconvert.exporters import Exporter
from traitlets import Enum, Unicode, default

from kedro_nb.convert.codegen import TARGETS


class KedroNbExporter(Exporter):
    """Export node cells (tag ``node:<name>``) as a pipeline module."""

    export_from_notebook = "Kedro-nb pipeline"
    output_mimetype = "text/x-python"

    pipeline_name = Unicode(
        "",
        help="Only cells of this pipeline (metadata kedro_nb.pipeline, or none); default: all.",
    ).tag(config=True)
    target = Enum(
        sorted(TARGETS),
        default_value="kedro_nb",
        help="Import Pipeline and node from kedro_nb.pipeline or from kedro.pipeline.",
    ).tag(config=True)

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".py"

    def from_notebook_node(  # type: ignore[override]  # text out, as nbconvert's text exporters
        self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        from kedro_nb.convert.converter import module_source

        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        metadata = resources.get("metadata", {})
        folder = Path(metadata.get("path") or ".")
        path = folder / f"{metadata.get('name') or 'notebook'}.ipynb"
        source = module_source(
            nb_copy, path, pipeline=self.pipeline_name or None, target=self.target
        )
        resources["output_extension"] = self.file_extension
        return source, resources
