"""Render a block of imports the way ruff's isort rules (``I001``) expect it, deterministically.

Sections: ``__future__``, standard library, third party, relative; within a section plain
``import x`` lines come first, then ``from x import ...`` lines; modules sorted case-insensitively,
members ordered constants, classes, then the rest; aliased members on their own line.
"""

from __future__ import annotations

import ast
import sys

_LINE_LENGTH = 100


def _section(module: str, level: int) -> int:
    if level:
        return 4
    top = module.split(".")[0]
    if top == "__future__":
        return 0
    return 1 if top in sys.stdlib_module_names else 2


def _member_key(name: str) -> tuple[int, str, str]:
    if name.isupper() and len(name) > 1:
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return kind, name.lower(), name


def render_imports(statements: list[ast.Import | ast.ImportFrom], used: set[str]) -> str:
    """Render ``statements`` keeping only aliases whose bound name is in ``used``."""
    plain: set[tuple[int, str, str | None]] = set()
    members: dict[tuple[int, str, int], set[tuple[str, str | None]]] = {}
    for statement in statements:
        for alias in statement.names:
            bound = (alias.asname or alias.name).split(".")[0]
            if bound not in used and statement is not None and alias.name != "*":
                continue
            if isinstance(statement, ast.Import):
                plain.add((_section(alias.name, 0), alias.name, alias.asname))
            else:
                module, level = statement.module or "", statement.level
                key = (_section(module, level), module, level)
                members.setdefault(key, set()).add((alias.name, alias.asname))
    sections: dict[int, list[str]] = {}
    for section, module, asname in sorted(
        plain, key=lambda p: (p[0], p[1].lower(), p[1], p[2] or "")
    ):
        sections.setdefault(section, []).append(
            f"import {module}" + (f" as {asname}" if asname else "")
        )
    for (section, module, level), names in sorted(
        members.items(), key=lambda item: (item[0][0], -item[0][2], item[0][1].lower())
    ):
        source = "." * level + module
        bare = sorted((n for n, a in names if a is None), key=_member_key)
        entries = [(_member_key(bare[0]), _from_line(source, bare))] if bare else []
        entries += [
            (_member_key(name), _from_line(source, [f"{name} as {asname}"]))
            for name, asname in names
            if asname
        ]
        sections.setdefault(section, []).extend(line for _, line in sorted(entries))
    return "\n\n".join("\n".join(lines) for _, lines in sorted(sections.items()))


def _from_line(source: str, names: list[str]) -> str:
    line = f"from {source} import {', '.join(names)}"
    if len(line) <= _LINE_LENGTH:
        return line
    body = "".join(f"    {name},\n" for name in names)
    return f"from {source} import (\n{body})"
