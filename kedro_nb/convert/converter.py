"""Notebook -> pipeline package: plan the files, write them together, or diff them (``--check``).

A *plan* is computed without touching the disk; ``convert_notebook`` writes it with
:func:`~kedro_nb.convert.writer.write_files` (all files or none), ``drift`` compares it with the
files on disk and returns a unified diff.
"""

from __future__ import annotations

import difflib
import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kedro_nb.convert.analysis import (
    Issue,
    NodeCell,
    NotebookAnalysis,
    analyze_notebook,
    identifier,
    notebook_name,
)
from kedro_nb.convert.catalog import (
    DeclaredDatasets,
    accept_entries,
    catalog_files,
    check_catalog_config,
    dataset_entry,
    proposal_file,
    propose_entries,
)
from kedro_nb.convert.cells import read_notebook
from kedro_nb.convert.codegen import TARGETS, generate
from kedro_nb.convert.errors import (
    HandEditError,
    ProjectLayoutError,
    SettingsRecordError,
    UnknownPipelineError,
)
from kedro_nb.convert.generated import HandEdits, hand_edits, stamp
from kedro_nb.convert.remembered import (
    ConvertSettings,
    notebook_key,
    record_settings,
    remembered,
)
from kedro_nb.convert.verify import verify
from kedro_nb.convert.writer import write_files


@dataclass(frozen=True)
class Layout:
    """Where a conversion reads the catalog from and writes pipelines to."""

    root: Path
    is_project: bool
    pipelines_dir: Path
    catalog_dir: Path
    catalog_folders: tuple[Path, ...]
    #: the catalog is a lone notebook's (files directly in ``catalog_folders[0]``), as for
    #: ``kedro-nb init --from`` before the files move; None: as ``is_project`` says
    standalone_catalog: bool | None = None

    @property
    def catalog_is_standalone(self) -> bool:
        return not self.is_project if self.standalone_catalog is None else self.standalone_catalog


def _shown(path: Path) -> str:
    return Path(os.path.relpath(path, Path.cwd())).as_posix()


def find_layout(notebook: Path, project: str | os.PathLike[str] | None = None) -> Layout:
    """The project around ``notebook`` (or ``project``), else the notebook's own folder."""
    from kedro_nb.project.discovery import find_project_root, read_metadata

    root = Path(project).resolve() if project else find_project_root(notebook.parent)
    if root is None:
        folder = notebook.parent.resolve()
        return Layout(folder, False, folder / "pipelines", folder, (folder,))
    try:
        metadata = read_metadata(root)
    except Exception as exc:  # the project package's own error class, whatever it is
        raise ProjectLayoutError(
            f"Cannot use {root} as the project: {exc} To create one from this notebook: "
            f"`kedro-nb init {_shown(root)} --from {_shown(notebook)}`."
        ) from exc
    if not metadata.package_name:
        raise ProjectLayoutError(
            f"Project {root} has no package to write pipelines into: set package_name in "
            f"[tool.{metadata.flavour}] of pyproject.toml, or create "
            f"{metadata.source_dir}/<package> (`kedro-nb init` creates a project with one)."
        )
    conf = metadata.conf_source
    return Layout(
        root,
        True,
        metadata.source_dir / metadata.package_name / "pipelines",
        conf / "base",
        (conf / "base", conf / "local"),
    )


@dataclass
class Conversion:
    """The planned result of converting one notebook."""

    notebook: Path
    layout: Layout
    analysis: NotebookAnalysis
    groups: dict[str, list[NodeCell]]
    sources: dict[Path, str] = field(default_factory=dict)
    catalogs: dict[Path, str] = field(default_factory=dict)
    #: the settings this conversion was made with, and those the project had recorded before
    #: files the conversion removes once it is written (an accepted proposal)
    removed: list[Path] = field(default_factory=list)
    settings: ConvertSettings = field(default_factory=ConvertSettings)
    recorded: ConvertSettings = field(default_factory=ConvertSettings)
    project_option: str | None = None
    #: the folder the commands in messages are given relative to (None: the working
    #: directory; the Lab server: its root, where a Lab terminal starts)
    shown_from: Path | None = None

    def command(self, verb: str, *flags: str) -> str:
        """The ``kedro-nb <verb>`` command line that repeats this conversion's choices: the
        flags a bare command would not take from the recorded settings are spelled out."""
        parts = ["kedro-nb", verb, *flags]
        if self.settings.target != (self.recorded.target or DEFAULT_TARGET):
            parts += ["--target", str(self.settings.target)]
        if self.settings.pipeline and self.settings.pipeline != self.recorded.pipeline:
            parts += ["--pipeline", self.settings.pipeline]
        if self.project_option:
            parts += ["--project", self.project_option]
        base = self.shown_from or Path.cwd()
        parts.append(Path(os.path.relpath(self.notebook, base)).as_posix())
        return shlex.join(parts)  # 'My Analysis (v2).ipynb' pasted into a shell stays one word

    @property
    def issues(self) -> list[Issue]:
        return self.analysis.issues

    def package_dir(self, name: str) -> Path:
        return self.layout.pipelines_dir / name


DEFAULT_TARGET = "kedro_nb"


def _settings(
    layout: Layout, path: Path, target: str | None, pipeline: str | None
) -> tuple[Layout, ConvertSettings, ConvertSettings]:
    """(layout, settings to use, settings recorded): flags win over what the project recorded
    for the notebook, which wins over the defaults; a recorded destination moves the layout."""
    recorded = remembered(layout.root, path) if layout.is_project else ConvertSettings()
    chosen = ConvertSettings(target, pipeline).merged(recorded)
    where = f"[tool.kedro_nb] of {layout.root / 'pyproject.toml'}"
    if chosen.target is not None and chosen.target not in TARGETS:
        raise SettingsRecordError(
            f"Unknown target {chosen.target!r} in {where}: expected one of {sorted(TARGETS)}."
        )
    if chosen.destination:
        folder = (layout.root / chosen.destination).resolve()
        if layout.root != folder and layout.root not in folder.parents:
            raise SettingsRecordError(
                f"destination {chosen.destination!r} in {where} is outside the project; "
                "give a folder inside it (e.g. src/<package>/pipelines)."
            )
        layout = replace(layout, pipelines_dir=folder)
    destination = Path(os.path.relpath(layout.pipelines_dir, layout.root)).as_posix()
    settings = ConvertSettings(chosen.target or DEFAULT_TARGET, chosen.pipeline, destination)
    return layout, settings, recorded


def declared_datasets(layout: Layout, exclude: Path | None = None) -> DeclaredDatasets:
    """Dataset names the layout's catalog files declare (``exclude`` one file)."""
    files = catalog_files(layout.catalog_folders, recursive=not layout.catalog_is_standalone)
    return DeclaredDatasets.from_files(f for f in files if f != exclude)


def analyze_file(
    path: Path,
    nb: dict[str, Any],
    project: str | os.PathLike[str] | None = None,
    layout: Layout | None = None,
) -> tuple[Layout, NotebookAnalysis]:
    """The layout of notebook ``path`` (resolved; ``layout`` when given) and the analysis of
    its content ``nb`` against the datasets that layout's catalog declares."""
    layout = layout or find_layout(path, project)
    if layout.catalog_is_standalone:
        check_catalog_config(layout.catalog_folders[0], standalone=True)
    else:
        check_catalog_config(layout.catalog_dir.parent, standalone=False)
    analysis = analyze_notebook(
        nb, name=notebook_name(path.stem), catalog=declared_datasets(layout)
    )
    return layout, analysis


def in_pipeline(nodes: list[NodeCell], pipeline: str | None) -> list[NodeCell]:
    """The node cells of ``pipeline``: those naming it and those naming none (every cell
    when ``pipeline`` is None)."""
    if pipeline is None:
        return list(nodes)
    return [n for n in nodes if n.pipeline in (None, pipeline)]


def plan_conversion(
    notebook: str | os.PathLike[str],
    *,
    pipeline: str | None = None,
    project: str | os.PathLike[str] | None = None,
    target: str | None = None,
    values: Mapping[str, Any] | None = None,
    with_catalog: bool = True,
    nb: dict[str, Any] | None = None,
    layout: Layout | None = None,
    accept_catalog: bool = False,
) -> Conversion:
    """Analyse ``notebook`` and render every file of its pipeline(s), writing nothing.

    ``pipeline`` selects the node cells whose metadata names that pipeline or none (default:
    every pipeline, cells without a name going to the notebook's own name). ``target`` is
    ``kedro_nb`` or ``kedro``; both, and the destination folder, default to what the project
    recorded for the notebook (see :mod:`kedro_nb.convert.remembered`). ``values`` maps
    output names to runtime values (e.g. a kernel's namespace) to choose dataset types.
    ``nb`` is the notebook content when it differs from the file (``sync`` plans before writing);
    ``layout`` replaces the one found on disk (``init`` plans a project before creating it).
    Catalog entries for the outputs are proposed in a file runs do not read, or, with
    ``accept_catalog``, added to ``catalog_<pipeline>.yml`` (the proposal file is removed).
    """
    if target is not None and target not in TARGETS:
        raise ValueError(f"Unknown target {target!r}: expected one of {sorted(TARGETS)}.")
    path = Path(notebook).resolve()
    nb = read_notebook(path) if nb is None else nb
    layout, settings, recorded = _settings(
        layout or find_layout(path, project), path, target, pipeline
    )
    layout, analysis = analyze_file(path, nb, project, layout)
    pipeline = settings.pipeline
    if pipeline is not None:
        selected = in_pipeline(analysis.nodes, pipeline)
        if not selected:
            raise UnknownPipelineError(
                f"No node cell of {path.name} belongs to pipeline {pipeline!r}: cells without "
                "'pipeline' metadata, or with this name, are selected. Tag cells 'node:<name>'."
            )
        groups = {identifier(pipeline): selected}
    else:
        groups = analysis.pipelines()
    conversion = Conversion(path, layout, analysis, groups, settings=settings, recorded=recorded)
    conversion.project_option = str(project) if project else None
    shown = Path(os.path.relpath(path, layout.root)).as_posix()
    for name, nodes in groups.items():
        target = settings.target or DEFAULT_TARGET  # _settings() always chose one
        generated = generate(analysis, nodes, notebook=shown, name=name, target=target)
        for filename, text in generated.files.items():
            conversion.sources[conversion.package_dir(name) / filename] = stamp(text)
        if with_catalog:
            _plan_catalog(conversion, name, nodes, values or {}, accept_catalog)
    return conversion


def _plan_catalog(
    conversion: Conversion,
    name: str,
    nodes: list[NodeCell],
    values: Mapping[str, Any],
    accept: bool,
) -> None:
    """Propose catalog entries for the outputs in ``proposed_catalog_<name>.yml``, a file no run
    reads; ``accept`` moves them into ``catalog_<name>.yml`` instead. A name any catalog file
    declares is never proposed (and is dropped from an earlier proposal)."""
    layout = conversion.layout
    proposed = layout.catalog_dir / proposal_file(name)
    accepted = layout.catalog_dir / f"catalog_{name}.yml"
    elsewhere = declared_datasets(layout, exclude=proposed)
    folder = f"data/{name}"
    proposals = {  # the first value of a rebound name stays in memory: see is_superseded
        output: dataset_entry(output, values.get(output), folder=folder)
        for node in nodes
        for output in node.outputs
        if not conversion.analysis.is_superseded(output)
    }
    text = propose_entries(
        proposed, proposals, declared=elsewhere, informed=[o for o in proposals if o in values]
    )
    if not accept:
        if text == "":  # every earlier proposal is now declared in a catalog file
            conversion.removed.append(proposed)
        elif text is not None:
            conversion.catalogs[proposed] = text
        return
    current = proposed.read_text(encoding="utf-8") if proposed.is_file() else ""
    accepted_text = accept_entries(text if text is not None else current, accepted, elsewhere)
    if accepted_text is not None:
        conversion.catalogs[accepted] = accepted_text
    if proposed.is_file():
        conversion.removed.append(proposed)


def convert_notebook(
    notebook: str | os.PathLike[str],
    *,
    force: bool = False,
    shown_from: Path | None = None,
    **options: Any,
) -> Conversion:
    """Plan and write a conversion (every file together, or none); returns the plan.
    ``shown_from``: the folder the commands its messages suggest are relative to (default:
    the working directory).

    Raises, writing nothing, :class:`UnrunnableCodeError` when the generated code would not run
    (see :mod:`kedro_nb.convert.verify`), and :class:`HandEditError` when a file it would change
    was edited by hand since the last conversion (or is not kedro-nb's), unless ``force``.
    """
    conversion = plan_conversion(notebook, **options)
    conversion.shown_from = shown_from
    verify(conversion)
    if not force:
        refuse_hand_edits(conversion)
    write_files({**conversion.sources, **conversion.catalogs, **settings_record(conversion)})
    for path in conversion.removed:
        path.unlink(missing_ok=True)
    return conversion


def settings_record(conversion: Conversion) -> dict[Path, str]:
    """``{pyproject.toml: new text}`` recording the conversion's settings in its project, or {}
    (outside a project, or when the record is already up to date)."""
    layout = conversion.layout
    pyproject = layout.root / "pyproject.toml"
    if not layout.is_project or not pyproject.is_file():
        return {}
    key = notebook_key(layout.root, conversion.notebook)
    text = record_settings(pyproject.read_text(encoding="utf-8"), key, conversion.settings)
    return {pyproject: text} if text is not None else {}


def overwritten_edits(conversion: Conversion) -> list[HandEdits]:
    """The hand edits (since the last conversion) that writing ``conversion`` would overwrite,
    one per file, in path order (the Lab's preview flags these files before a write)."""
    return [
        edits
        for path, text in sorted(conversion.sources.items())
        if path.is_file() and path.read_text(encoding="utf-8") != text
        if (edits := hand_edits(path)) is not None
    ]


def refuse_hand_edits(conversion: Conversion) -> None:
    """Raise :class:`HandEditError` naming every file (and function) the conversion would
    overwrite although it was edited since the last conversion."""
    edited = overwritten_edits(conversion)
    if not edited:
        return
    root = conversion.layout.root
    raise HandEditError(
        f"Not converting {conversion.notebook.name}: generated files were edited since the last "
        "conversion, and converting would overwrite the edits:\n"
        + "\n".join(f"  {edits.describe(root)}" for edits in edited)
        + f"\nCarry them back into the notebook with `{conversion.command('sync')}`, or discard "
        f"them with `{conversion.command('convert', '--force')}`."
    )


def file_diff(path: Path, expected: str, root: Path) -> str:
    """Unified diff from file ``path`` on disk (absent: empty) to ``expected`` ('' if equal),
    the file named relative to ``root``."""
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    if current == expected:
        return ""
    shown = Path(os.path.relpath(path, root)).as_posix()
    return "".join(
        difflib.unified_diff(
            current.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            fromfile=f"a/{shown}" if path.is_file() else "/dev/null",
            tofile=f"b/{shown}",
        )
    )


def drift(conversion: Conversion) -> str:
    """Unified diff from the source files on disk to what the notebook generates ('' if none)."""
    root = conversion.layout.root
    return "".join(
        file_diff(path, expected, root) for path, expected in sorted(conversion.sources.items())
    )


def module_source(
    nb: dict[str, Any],
    path: str | os.PathLike[str],
    *,
    pipeline: str | None = None,
    target: str = "kedro_nb",
) -> str:
    """One self-contained module (node functions + ``create_pipeline``) for notebook ``nb``.

    ``path`` is where the notebook lives (for its name and the catalog beside it or in its
    project); the file need not exist. Used by the nbconvert exporter.
    """
    from kedro_nb.convert.codegen import render_module

    path = Path(path).resolve()
    _, analysis = analyze_file(path, nb)
    nodes = in_pipeline(analysis.nodes, pipeline)
    name = identifier(pipeline) if pipeline else analysis.name
    return render_module(analysis, nodes, path.name, name, target)
