"""``kedro-nb init``: grow lone notebooks into the smallest real project, in Kedro's layout.

The project is planned in full first (every file to create, every configuration file to move,
every conversion), then checked against what is already there: a file that exists is never
overwritten, so any clash is listed and nothing at all is written. Only then is everything
written as one unit, and the moved files are removed from beside the notebooks.

What a project gets: ``pyproject.toml`` with ``[tool.kedro]`` (what ``kedro run`` needs) and
``[tool.kedro_nb]``, ``conf/base``, a git-ignored ``conf/local``, Kedro's ``data/01_raw`` ...
``08_reporting`` layers, ``src/<package>/{__init__,settings,pipeline_registry}.py`` and
``.gitignore``/``.gitattributes`` (notebook outputs stripped by kedro-nb's git filter). With
notebooks, their ``catalog*.yml``, ``parameters*.yml`` and ``globals.yml`` move into
``conf/base`` and ``credentials*.yml`` into ``conf/local``, relative data paths rewritten so
they still point at the same files, and each notebook is converted into ``src/<package>/
pipelines/<name>/``. A notebook outside the project folder moves into ``notebooks/``.
"""

from __future__ import annotations

import keyword
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

from kedro_nb.convert.cells import read_notebook
from kedro_nb.convert.converter import Conversion, Layout, plan_conversion
from kedro_nb.convert.errors import InitConflictError, ProjectNameError
from kedro_nb.convert.remembered import notebook_key, record_settings
from kedro_nb.convert.verify import verify
from kedro_nb.convert.writer import write_files

#: the Kedro release a new project is made for (``kedro_init_version``)
KEDRO_VERSION = "1.7.0"
DATA_LAYERS = (
    "01_raw",
    "02_intermediate",
    "03_primary",
    "04_feature",
    "05_model_input",
    "06_models",
    "07_model_output",
    "08_reporting",
)
#: configuration kinds found beside a lone notebook -> the environment folder they move to
CONF_FOLDERS = {"catalog": "base", "parameters": "base", "globals": "base", "credentials": "local"}
_PATH_KEYS = ("filepath", "filename", "path")
GITIGNORE = """\
# kedro-nb run records, notebook checkpoints, Python caches
.kedro_nb/
.ipynb_checkpoints/
__pycache__/
*.py[cod]
*.egg-info/
.venv/

# configuration that stays on this machine (credentials)
conf/local/**
!conf/local/.gitkeep

# data stays out of git, its folders stay in
data/**
!data/**/
!.gitkeep
"""


@dataclass
class InitPlan:
    """Everything ``init`` writes, and what stops it.

    Attributes:
        root: the project folder.
        project_name, package_name: as written to ``[tool.kedro]``.
        files: path -> text of every file created or extended (``.gitignore`` lines added).
        moves: old path -> new path of each file moved (its text is in ``files``).
        rewritten: moved catalog file -> ``[(old path, new path)]`` of the data paths changed.
        conversions: one per notebook with node cells.
        conflicts: why nothing can be written (existing files, clashing moves); empty if none.
        merged: moved proposal files (``proposed_catalog_<name>.yml`` an earlier ``kedro-nb
            convert`` left beside a notebook) merged with the entries this conversion proposes.
        superseded: ``pipelines/<name>/`` folder an earlier ``kedro-nb convert`` wrote beside a
            lone notebook -> the project's folder for that pipeline, which replaces it: removed
            once the project is written (only when every file in it is kedro-nb's, unedited).
    """

    root: Path
    project_name: str
    package_name: str
    files: dict[Path, str] = field(default_factory=dict)
    moves: dict[Path, Path] = field(default_factory=dict)
    rewritten: dict[Path, list[tuple[str, str]]] = field(default_factory=dict)
    conversions: list[Conversion] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    extended: list[Path] = field(default_factory=list)
    merged: list[Path] = field(default_factory=list)
    superseded: dict[Path, Path] = field(default_factory=dict)

    def shown(self, path: Path) -> str:
        """``path`` relative to the working directory (as a user typed it), POSIX style."""
        return Path(os.path.relpath(path, Path.cwd())).as_posix()


def package_name_for(project_name: str) -> str:
    """The importable package name of a project name (``Sales Analysis`` -> ``sales_analysis``)."""
    text = re.sub(r"[^0-9a-zA-Z]+", "_", project_name.strip().lower()).strip("_")
    return f"project_{text}" if text[:1].isdigit() else text


def _check_package_name(package: str, project_name: str) -> None:
    problem = None
    if not package or not package.isidentifier() or keyword.iskeyword(package):
        problem = "is not a Python identifier"
    elif package in sys.stdlib_module_names or package in {"kedro", "kedro_nb", "kedro_datasets"}:
        problem = "would shadow a module of the same name"
    else:
        import importlib.util

        try:
            found = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            found = None
        if found is not None and found.origin and "site-packages" in found.origin:
            problem = "would shadow the installed package of the same name"
    if problem:
        raise ProjectNameError(
            f"Cannot name the project package {package!r} (from project name {project_name!r}): "
            f"it {problem}. Choose another with --name NAME."
        )


def _pyproject(project_name: str, package: str) -> str:
    from kedro_nb import __version__

    dist = package.replace("_", "-")
    return f"""\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{dist}"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["kedro-nb>={__version__}"]

[project.optional-dependencies]
# to run the project with Kedro itself (`kedro run`) as well as with `kedro-nb run`
kedro = ["kedro~={KEDRO_VERSION}", "kedro-datasets[pandas]>=9"]

[tool.setuptools.packages.find]
where = ["src"]

[tool.kedro]
project_name = "{project_name}"
package_name = "{package}"
kedro_init_version = "{KEDRO_VERSION}"

[tool.kedro_nb]
"""


def _package_files(package: str, project_name: str) -> dict[str, str]:
    return {
        "__init__.py": f'"""{project_name}."""\n\n__version__ = "0.1.0"\n',
        "settings.py": (
            f'"""Project settings of {project_name}, read by kedro-nb and by Kedro.\n\n'
            "Kedro's settings apply (HOOKS, CONF_SOURCE, CONFIG_LOADER_ARGS, ...); kedro-nb\n"
            "honours the subset its documentation lists and warns about the others.\n"
            '"""\n'
        ),
        "pipeline_registry.py": (
            '"""The project\'s pipelines: one per folder of ``pipelines/``."""\n\n'
            "from kedro.framework.project import find_pipelines\n"
            "from kedro.pipeline import Pipeline\n\n\n"
            "def register_pipelines() -> dict[str, Pipeline]:\n"
            '    """Every pipeline of ``pipelines/``, and their sum as ``__default__``."""\n'
            "    pipelines = find_pipelines()\n"
            '    pipelines["__default__"] = sum(pipelines.values(), Pipeline([]))\n'
            "    return pipelines\n"
        ),
        "pipelines/__init__.py": '"""The project\'s pipelines, one package each."""\n',
    }


def _is_relative_path(value: str) -> bool:
    if "${" in value or len(urlparse(value).scheme) > 1:
        return False
    return not PurePosixPath(value).is_absolute() and not Path(value).is_absolute()


def _data_paths(config: Any) -> Iterable[str]:
    if isinstance(config, dict):
        for key, value in config.items():
            if key in _PATH_KEYS and isinstance(value, str) and _is_relative_path(value):
                yield value
            else:
                yield from _data_paths(value)


def rebase_catalog(text: str, source: Path, root: Path) -> tuple[str, list[tuple[str, str]]]:
    """Catalog ``text`` written for a notebook in folder ``source`` with its relative data paths
    rewritten to resolve the same from project ``root``; returns the text and the changes.

    Lines are edited in place, so comments and layout stay; a catalog whose paths are not on
    lines of their own (flow style) is re-dumped instead.
    """
    import yaml

    if source.resolve() == root.resolve():
        return text, []
    data = yaml.safe_load(text) or {}
    changes = {
        old: Path(os.path.relpath(source / old, root)).as_posix()
        for old in dict.fromkeys(_data_paths(data))
    }
    if not changes:
        return text, []
    keys = "|".join(_PATH_KEYS)
    pattern = re.compile(rf"^(\s*(?:{keys})\s*:\s*)(['\"]?)(.+?)\2(\s*(?:#.*)?)$")

    def rewrite(line: str) -> str:
        match = pattern.match(line)
        if not match or match.group(3) not in changes:
            return line
        head, quote, value, tail = match.groups()
        return f"{head}{quote}{changes[value]}{quote}{tail}"

    new_text = "\n".join(rewrite(line) for line in text.split("\n"))
    expected = _replace_paths(data, changes)
    if yaml.safe_load(new_text) != expected:
        new_text = yaml.safe_dump(expected, sort_keys=False, default_flow_style=False)
    return new_text, list(changes.items())


def _replace_paths(config: Any, changes: dict[str, str]) -> Any:
    if isinstance(config, dict):
        return {
            key: changes.get(value, value)
            if key in _PATH_KEYS and isinstance(value, str)
            else _replace_paths(value, changes)
            for key, value in config.items()
        }
    if isinstance(config, list):
        return [_replace_paths(item, changes) for item in config]
    return config


def _config_files_beside(folder: Path) -> list[tuple[str, Path]]:
    from kedro_nb.config.files import find_config_files
    from kedro_nb.config.loader import STANDALONE_PATTERNS

    return [
        (kind, path)
        for kind in CONF_FOLDERS
        for path in find_config_files(folder, STANDALONE_PATTERNS[kind])
    ]


def _extend_lines(path: Path, wanted: str) -> str | None:
    """The text of existing ``path`` with the lines of ``wanted`` it lacks appended."""
    text = path.read_text(encoding="utf-8")
    present = {line.strip() for line in text.splitlines()}
    missing = [line for line in wanted.splitlines() if line.strip() and line not in present]
    if not missing:
        return None
    return text + ("" if text.endswith("\n") or not text else "\n") + "\n".join(missing) + "\n"


def _add_tables(path: Path, project_name: str, package: str) -> str:
    """An existing ``pyproject.toml`` with ``[tool.kedro]`` and ``[tool.kedro_nb]`` added."""
    import tomlkit

    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    tool = document.setdefault("tool", tomlkit.table(is_super_table=True))
    kedro = tomlkit.table()
    kedro.update(
        {"project_name": project_name, "package_name": package, "kedro_init_version": KEDRO_VERSION}
    )
    tool["kedro"] = kedro
    tool["kedro_nb"] = tomlkit.table()
    return tomlkit.dumps(document)


def plan_init(
    directory: str | os.PathLike[str] = ".",
    notebooks: Sequence[str | os.PathLike[str]] = (),
    *,
    name: str | None = None,
    target: str = "kedro",
) -> InitPlan:
    """Plan a project in ``directory`` grown from ``notebooks`` (writes nothing).

    Raises :class:`ProjectNameError` for an unusable package name and the conversion's own
    errors (e.g. code that would not run) for a notebook; clashes with existing files are
    collected in ``conflicts``.
    """
    root = Path(directory).expanduser().resolve()
    project_name = name or root.name
    package = package_name_for(project_name)
    _check_package_name(package, project_name)
    plan = InitPlan(root, project_name, package)
    wanted: dict[Path, str] = {}
    _scaffold(plan, wanted)
    sources: dict[Path, Path] = {}
    for notebook in notebooks:
        _plan_notebook(plan, Path(notebook).expanduser().resolve(), target, wanted, sources)
    _ensure_catalog(root / "conf" / "base", wanted)
    pyproject = root / "pyproject.toml"
    for path, text in wanted.items():
        if path == pyproject and not path.exists():
            plan.files[path] = _with_records(text, plan)
        elif not path.exists():
            plan.files[path] = text
        elif path.name in (".gitignore", ".gitattributes"):
            extended = _extend_lines(path, text)
            if extended is not None:
                plan.files[path] = extended
                plan.extended.append(path)
        elif path.name == ".gitkeep":
            continue
        elif path == pyproject and not _is_project_file(path):
            plan.files[path] = _with_records(_add_tables(path, project_name, package), plan)
            plan.extended.append(path)
        else:
            plan.conflicts.append(f"{plan.shown(path)} already exists")
    return plan


#: the catalog ``init`` writes when no notebook brings one: ``kedro run`` stops with
#: MissingConfigException when ``conf/`` has no ``catalog*`` file at all
EMPTY_CATALOG = (
    "# The project's datasets, in Kedro's catalog YAML (see docs/catalog.md); undeclared\n"
    "# datasets are kept in memory.\n"
)


def _ensure_catalog(base: Path, wanted: dict[Path, str]) -> None:
    """Plan ``conf/base/catalog.yml`` unless a catalog file is planned or already there."""
    planned = any(p.parent == base and p.name.startswith("catalog") for p in wanted)
    if not planned and not any(base.glob("catalog*")):
        wanted[base / "catalog.yml"] = EMPTY_CATALOG


def _with_records(text: str, plan: InitPlan) -> str:
    """``pyproject.toml`` text recording the settings of each conversion (target, destination),
    so later conversions of the notebooks repeat them."""
    for conversion in plan.conversions:
        key = notebook_key(plan.root, conversion.notebook)
        text = record_settings(text, key, conversion.settings) or text
    return text


def _is_project_file(path: Path) -> bool:
    from kedro_nb.project.discovery import find_project_root

    return find_project_root(path.parent) == path.parent


def _scaffold(plan: InitPlan, wanted: dict[Path, str]) -> None:
    from kedro_nb.strip._git import ATTRIBUTES_LINE  # the line `kedro-nb strip --install` uses

    root, package = plan.root, plan.package_name
    wanted[root / "pyproject.toml"] = _pyproject(plan.project_name, package)
    wanted[root / ".gitignore"] = GITIGNORE
    wanted[root / ".gitattributes"] = ATTRIBUTES_LINE + "\n"
    wanted[root / "conf" / "base" / ".gitkeep"] = ""
    wanted[root / "conf" / "local" / ".gitkeep"] = ""
    for layer in DATA_LAYERS:
        wanted[root / "data" / layer / ".gitkeep"] = ""
    for relative, text in _package_files(package, plan.project_name).items():
        wanted[root / "src" / package / relative] = text


def _plan_notebook(
    plan: InitPlan, notebook: Path, target: str, wanted: dict[Path, str], sources: dict[Path, Path]
) -> None:
    root = plan.root
    nb = read_notebook(notebook)
    folder = notebook.parent
    inside = folder == root or root in folder.parents
    new_path = notebook if inside else root / "notebooks" / notebook.name
    if new_path != notebook:
        _move(plan, notebook, new_path, notebook.read_text(encoding="utf-8"), wanted, sources)
    for kind, path in _config_files_beside(folder):
        destination = root / "conf" / CONF_FOLDERS[kind] / path.name
        if path in plan.moves:
            continue
        text = path.read_text(encoding="utf-8")
        if kind == "catalog":
            text, changes = rebase_catalog(text, folder, root)
            if changes:
                plan.rewritten[destination] = changes
        _move(plan, path, destination, text, wanted, sources)
    layout = Layout(
        root,
        True,
        root / "src" / plan.package_name / "pipelines",
        root / "conf" / "base",
        (folder,),
        standalone_catalog=True,
    )
    conversion = plan_conversion(new_path, nb=nb, target=target, layout=layout)
    if conversion.groups:
        verify(conversion)
        plan.conversions.append(conversion)
        wanted.update(conversion.sources)
        wanted.update(conversion.catalogs)
        _supersede_earlier_conversion(plan, folder, conversion)
    _move_proposals(plan, folder, layout, conversion, wanted, sources)


def _supersede_earlier_conversion(plan: InitPlan, folder: Path, conversion: Conversion) -> None:
    """Plan the removal of the ``pipelines/<name>/`` folders an earlier ``kedro-nb convert`` of
    the lone notebook wrote beside it, which the project's own pipeline folders replace (else
    two copies of each pipeline would be left, the older one stale).

    Only a folder of kedro-nb's files with no hand edits is removed: it holds nothing the new
    conversion does not regenerate. Any other file, or an edit since that conversion, is a
    conflict naming it, so nothing is written and nothing is lost.
    """
    from kedro_nb.convert.generated import hand_edits

    for name in conversion.groups:
        earlier, now = folder / "pipelines" / name, conversion.package_dir(name)
        if earlier == now or not earlier.is_dir():
            continue
        files = [p for p in sorted(earlier.rglob("*")) if p.is_file() and not _compiled(p)]
        edits = [found for found in map(hand_edits, files) if found is not None]
        if edits:
            described = "; ".join(found.describe(Path.cwd()) for found in edits)
            plan.conflicts.append(
                f"{plan.shown(earlier)} holds an earlier conversion of "
                f"{plan.shown(conversion.notebook)} that the project's {plan.shown(now)} would "
                f"replace, and it has hand edits ({described}):"
                f" carry them into the notebook with `kedro-nb sync "
                f"{plan.shown(conversion.notebook)}`, or move the folder away"
            )
        else:
            plan.superseded[earlier] = now


def _compiled(path: Path) -> bool:
    """Python's own byte-code cache: not the user's, safe to remove with its folder."""
    return "__pycache__" in path.parts or path.suffix == ".pyc"


def _move_proposals(
    plan: InitPlan,
    folder: Path,
    layout: Layout,
    conversion: Conversion,
    wanted: dict[Path, str],
    sources: dict[Path, Path],
) -> None:
    """Move the ``proposed_catalog_<name>.yml`` files an earlier ``kedro-nb convert`` left in
    ``folder`` into ``conf/base`` beside the new proposals, merged with the one for the same
    pipeline (its entries kept, the new ones it lacks added), so none stays behind at the root."""
    from kedro_nb.convert.catalog import merge_proposals
    from kedro_nb.convert.converter import declared_datasets

    for path in sorted(folder.glob("proposed_catalog_*.y*ml")):
        if path in plan.moves or path.suffix not in (".yml", ".yaml"):
            continue
        destination = layout.catalog_dir / path.name
        text, changes = rebase_catalog(path.read_text(encoding="utf-8"), folder, plan.root)
        if changes:
            plan.rewritten[destination] = changes
        later = conversion.catalogs.get(destination)
        if later is not None:
            text = merge_proposals(text, later, declared_datasets(layout, exclude=destination))
            conversion.catalogs[destination] = text
            plan.merged.append(destination)
        _move(plan, path, destination, text, wanted, sources)


def _move(
    plan: InitPlan,
    source: Path,
    destination: Path,
    text: str,
    wanted: dict[Path, str],
    sources: dict[Path, Path],
) -> None:
    earlier = sources.get(destination)
    if earlier is not None and earlier != source:
        plan.conflicts.append(
            f"{plan.shown(earlier)} and {plan.shown(source)} would both become "
            f"{plan.shown(destination)}: merge them into one file first"
        )
        return
    sources[destination] = source
    plan.moves[source] = destination
    wanted[destination] = text


def init_project(
    directory: str | os.PathLike[str] = ".",
    notebooks: Sequence[str | os.PathLike[str]] = (),
    *,
    name: str | None = None,
    target: str = "kedro",
) -> InitPlan:
    """Create the project :func:`plan_init` plans, all files together, then remove the moved
    originals. Raises :class:`InitConflictError` (nothing written) listing every clash."""
    plan = plan_init(directory, notebooks, name=name, target=target)
    if plan.conflicts:
        raise InitConflictError(
            f"Not creating a project in {plan.shown(plan.root)}: nothing was written, because\n"
            + "\n".join(f"  {conflict}" for conflict in plan.conflicts)
            + "\nMove those files aside (or choose another folder) and run `kedro-nb init` again."
        )
    write_files(plan.files)
    for source in plan.moves:
        source.unlink(missing_ok=True)
    for earlier in plan.superseded:
        _remove_generated_folder(earlier)
    return plan


def _remove_generated_folder(folder: Path) -> None:
    """Remove a superseded ``pipelines/<name>/`` folder, and ``pipelines/`` once it is empty.

    Its modules go with their byte-code caches; a file that appeared since the plan keeps the
    folder in place.
    """
    import shutil

    for cache in list(folder.rglob("__pycache__")):
        shutil.rmtree(cache, ignore_errors=True)
    for module in folder.glob("*.py"):
        module.unlink(missing_ok=True)
    _rmdir_if_empty(folder)
    _rmdir_if_empty(folder.parent)


def _rmdir_if_empty(folder: Path) -> None:
    import contextlib

    with contextlib.suppress(OSError):  # not empty (or gone): left as it is
        folder.rmdir()
