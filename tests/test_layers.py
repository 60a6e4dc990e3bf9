"""The import layers of docs/architecture.md, held against every import in ``kedro_nb/``.

Imports inside functions and under ``TYPE_CHECKING`` count (they hide an arrow, they do not remove
it), and so does ``import_module("kedro_nb...")`` with a literal name. The graph is read with
``ast``, so nothing is imported and the test costs a fraction of a second.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kedro_nb"

#: Top to bottom: a module may import its own layer's packages (if the layer allows it) and any
#: layer below, never one above. Each entry: (layer name, packages, siblings may import each other).
LAYERS: list[tuple[str, tuple[str, ...], bool]] = [
    (
        "front doors",
        ("kedro_nb.__main__", "kedro_nb.cli", "kedro_nb.notebook", "kedro_nb.server"),
        True,
    ),
    ("convert", ("kedro_nb.convert",), True),
    ("session", ("kedro_nb.project",), True),
    ("runner", ("kedro_nb.runner",), True),
    ("core", ("kedro_nb.pipeline", "kedro_nb.io", "kedro_nb.config", "kedro_nb.hooks"), False),
    # the names two core packages need (``params:``, ``__default__``) and the did-you-mean hint
    ("shared", ("kedro_nb.shared",), False),
]
#: Packages apart from the layers: anyone may import them; they import only the standard library,
#: these third-party modules, themselves and each other (``kedro-nb strip`` starts once per file
#: as a git filter; nbformat is imported only by ``--validate``, inside the function that
#: validates). ``nbfile`` is the one notebook-file reader every command uses.
APART: dict[str, frozenset[str]] = {
    "kedro_nb.strip": frozenset({"orjson", "nbformat"}),
    "kedro_nb.nbfile": frozenset({"orjson"}),
}
#: ``kedro_nb/__init__.py`` is the package's face (``__version__``, imported before any subpackage)
#: and the entry point of ``%load_ext kedro_nb``, which hands on to the notebook front door.
ROOT = "kedro_nb"
ROOT_MAY_IMPORT = ("kedro_nb.notebook",)


@dataclass(frozen=True)
class Import:
    """One import statement: who imports what, and where it stands."""

    importer: str
    imported: str
    path: Path
    line: int

    def __str__(self) -> str:
        where = self.path.relative_to(PACKAGE.parent)
        return f"{where}:{self.line}: {self.importer} -> {self.imported}"


def _module_name(path: Path) -> tuple[str, list[str]]:
    """The dotted name of ``path`` and the package its relative imports start from."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
        return ".".join(parts), parts
    return ".".join(parts), parts[:-1]


def _imports(path: Path, text: str | None = None) -> list[Import]:
    """Every import in the file at ``path`` (or in ``text``, read as if it stood there)."""
    name, package = _module_name(path)
    found: list[Import] = []
    text = path.read_text(encoding="utf-8") if text is None else text
    for node in ast.walk(ast.parse(text, str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            # ``from kedro_nb import convert`` imports the subpackage: name each imported name too
            targets = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            targets = [node.args[0].value]
        found += [Import(name, target, path, node.lineno) for target in targets]
    return found


def _all_imports() -> list[Import]:
    return [i for path in sorted(PACKAGE.rglob("*.py")) for i in _imports(path)]


def _package_of(module: str) -> str | None:
    """The top-level subpackage (``kedro_nb.<x>``) of ``module``, or None outside kedro_nb."""
    parts = module.split(".")
    if parts[0] != ROOT:
        return None
    return ".".join(parts[:2]) if len(parts) > 1 else ROOT


def _layer_of(package: str) -> int | None:
    for index, (_, packages, _) in enumerate(LAYERS):
        if package in packages:
            return index
    return None


def _internal(imports: list[Import]) -> list[tuple[Import, str, str]]:
    """(import, importer's package, imported package) for imports between two kedro_nb packages;
    ``kedro_nb.__version__`` and the like (names of the root module) are not a package."""
    pairs, seen = [], set()
    for imp in imports:
        source, target = _package_of(imp.importer), _package_of(imp.imported)
        if target is None or source is None or source == target:
            continue
        sub = target.rpartition(".")[2]
        if not (PACKAGE / sub).is_dir() and not (PACKAGE / f"{sub}.py").is_file():
            target = ROOT  # a name of the root module, e.g. ``from kedro_nb import __version__``
        if source != target and (imp.path, imp.line, target) not in seen:
            seen.add((imp.path, imp.line, target))
            pairs.append((imp, source, target))
    return pairs


def layer_violations(imports: list[Import]) -> list[str]:
    """Every import that points up a layer, across independent siblings, or out of an apart
    package; one line each: where, what, and which rule."""
    problems = []
    for imp, source, target in _internal(imports):
        if source == ROOT:
            if not any(imp.imported.startswith(p) for p in ROOT_MAY_IMPORT):
                problems.append(f"{imp}: the root module may only hand on to {ROOT_MAY_IMPORT}")
            continue
        if target == ROOT or target in APART:
            continue
        if source in APART:
            problems.append(f"{imp}: {source} stands apart and imports only apart packages")
            continue
        high, low = _layer_of(source), _layer_of(target)
        if high is None:
            problems.append(f"{imp}: {source} is in no layer; add it to LAYERS (and the docs)")
        elif low is None:
            problems.append(f"{imp}: {target} is in no layer; add it to LAYERS (and the docs)")
        elif low < high:
            problems.append(
                f"{imp}: points up, from {LAYERS[high][0]} to {LAYERS[low][0]}; move the code "
                "down, or have the upper layer pass what is needed in"
            )
        elif low == high and not LAYERS[high][2]:
            problems.append(f"{imp}: {LAYERS[high][0]} packages do not import each other")
    return problems


def package_cycles(imports: list[Import]) -> list[str]:
    """Pairs of kedro_nb packages that import each other (through any modules)."""
    arrows: dict[tuple[str, str], Import] = {}
    for imp, source, target in _internal(imports):
        arrows.setdefault((source, target), imp)
    return sorted(
        f"{source} <-> {target}: {arrows[source, target]} and {arrows[target, source]}"
        for source, target in arrows
        if (target, source) in arrows and source < target
    )


def test_imports_point_down_the_layers() -> None:
    problems = layer_violations(_all_imports())
    assert not problems, "imports against docs/architecture.md:\n" + "\n".join(problems)


def test_no_two_packages_import_each_other() -> None:
    cycles = package_cycles(_all_imports())
    assert not cycles, "package cycles:\n" + "\n".join(cycles)


def test_every_package_is_placed_in_a_layer() -> None:
    placed = {p for _, packages, _ in LAYERS for p in packages} | set(APART)
    on_disk = {f"{ROOT}.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py")}
    assert on_disk <= placed, f"packages missing from LAYERS or APART: {sorted(on_disk - placed)}"


@pytest.mark.parametrize("package", sorted(APART))
def test_apart_packages_import_only_the_standard_library(package: str) -> None:
    allowed = APART[package]  # besides the standard library and the apart packages
    outside = [
        f"{imp}"
        for imp in _all_imports()
        if _package_of(imp.importer) == package
        and imp.imported.split(".")[0] not in sys.stdlib_module_names
        and imp.imported.split(".")[0] not in allowed
        and _package_of(imp.imported) not in {*APART, ROOT}
        and imp.imported != "__future__"
    ]
    assert not outside, f"{package} imports beyond the standard library:\n" + "\n".join(outside)


def test_command_table_names_modules_of_the_cli_package() -> None:
    from kedro_nb.cli import SUBCOMMANDS

    for command, (module, function, _) in SUBCOMMANDS.items():
        assert module.startswith("kedro_nb.cli."), f"{command}: {module} is outside kedro_nb.cli"
        path = PACKAGE.parent / (module.replace(".", "/") + ".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert function in defined, f"{command}: {module} defines no {function}()"


# The checks above must be able to fail: each rule, fed one import that breaks it.
def _fake(importer: str, imported: str) -> Import:
    return Import(importer, imported, PACKAGE / "x.py", 1)


@pytest.mark.parametrize(
    ("importer", "imported", "rule"),
    [
        ("kedro_nb.project.session", "kedro_nb.convert.build", "points up"),
        ("kedro_nb.runner.base", "kedro_nb.notebook.progress", "points up"),
        ("kedro_nb.convert.check", "kedro_nb.cli.run", "points up"),
        ("kedro_nb.io.catalog", "kedro_nb.pipeline", "do not import each other"),
        ("kedro_nb.strip._core", "kedro_nb.convert.cells", "stands apart"),
        ("kedro_nb", "kedro_nb.project", "root module"),
        ("kedro_nb.shared", "kedro_nb.pipeline", "points up"),
    ],
)
def test_a_wrong_arrow_is_reported(importer: str, imported: str, rule: str) -> None:
    (problem,) = layer_violations([_fake(importer, imported)])
    assert rule in problem


def test_a_cycle_is_reported_and_downward_imports_are_not() -> None:
    down = [
        _fake("kedro_nb.cli.run", "kedro_nb.project"),
        _fake("kedro_nb.convert.x", "kedro_nb.io"),
    ]
    assert layer_violations(down) == [] and package_cycles(down) == []
    loop = [
        _fake("kedro_nb.cli.run", "kedro_nb.notebook.x"),
        _fake("kedro_nb.notebook.y", "kedro_nb.cli"),
    ]
    assert len(package_cycles(loop)) == 1


def test_imports_inside_functions_relative_and_by_name_are_seen() -> None:
    text = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from kedro_nb.notebook import names\n"
        "def f():\n    from ..convert import cells\n"
        "def g():\n    import importlib\n    importlib.import_module('kedro_nb.cli.run')\n"
    )
    found = _imports(PACKAGE / "project" / "session.py", text)
    imported = {i.imported for i in found}
    assert {"kedro_nb.notebook", "kedro_nb.convert.cells", "kedro_nb.cli.run"} <= imported
    assert len(layer_violations(found)) >= 3


#: The one house rule for private modules: a module named ``_x`` is internal to its package, and
#: only that package imports it; others use the package's ``__init__`` (its public face) or its
#: public modules. Known exceptions, each with its reason:
PRIVATE_IMPORTS_ALLOWED = {
    # the strip command moved out of kedro_nb.strip into kedro_nb.cli; it drives the stripper's
    # internals directly so the git filter imports nothing more than it needs
    ("kedro_nb.cli.strip", "kedro_nb.strip"),
    # `kedro-nb init` writes the .gitattributes line `kedro-nb strip --install` writes
    ("kedro_nb.convert.scaffold", "kedro_nb.strip"),
}


def test_private_modules_are_imported_only_by_their_own_package() -> None:
    outside = []
    for imp in _all_imports():
        parts = imp.imported.split(".")
        if len(parts) < 3 or not parts[2].startswith("_") or parts[2].startswith("__"):
            continue
        owner = ".".join(parts[:2])
        if (
            _package_of(imp.importer) != owner
            and (imp.importer, owner) not in PRIVATE_IMPORTS_ALLOWED
        ):
            outside.append(str(imp))
    assert not outside, "private modules imported from outside their package:\n" + "\n".join(
        sorted(set(outside))
    )
