"""IPython syntax in node cells: in a kernel magics behave as they always do; without IPython
(generated source, `kedro-nb run --notebook`, worker processes) timing magics run their
statement once, display-only magics are dropped, and anything else is refused at conversion
with its cell and line, never a NameError at run time."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from convert_nbhelpers import build_notebook, code, md
from dataflow_harness import three_ways

from kedro_nb.cli import EXIT_USAGE, main
from kedro_nb.convert import analyze_notebook, convert_notebook, plan_conversion
from kedro_nb.convert.errors import IPythonOnlyError
from kedro_nb.convert.magics import clean_ipython

MAGICS = [
    code("%matplotlib inline\n%load_ext autoreload\n%autoreload 2\nimport math"),
    code("numbers = [1, 2, 3, 4]\n%time doubled = [n * 2 for n in numbers]", "double"),
    code(
        "%timeit -n 1 -r 1 len(doubled)\n%config InlineBackend.figure_format = 'svg'\n"
        "math.sqrt?\nroots = %time [math.sqrt(n) for n in doubled]\n"
        "for n in doubled:\n    %time last = n + 1",
        "roots",
    ),
    code("%%time\nshifted = [r + last for r in roots]", "shift"),
    code("%%capture\nprint('noisy')\ntotal = sum(shifted) + len(doubled)", "report"),
]


def test_each_kind_of_magic_has_its_plain_meaning():
    roots = clean_ipython(MAGICS[2][1])
    assert roots.source.split("\n") == [
        "len(doubled)",
        "# %config InlineBackend.figure_format = 'svg'",
        "# math.sqrt?",
        "roots = [math.sqrt(n) for n in doubled]",
        "for n in doubled:",
        "    last = n + 1",
    ]
    assert [line for line, _ in roots.notes] == [1, 2, 3, 4, 6]
    assert not roots.untranslatable
    timeit = clean_ipython("%%timeit -n 1 -r 1 offset = 10\nsum(shifted) + offset")
    assert timeit.source == "offset = 10\nsum(shifted) + offset"


def test_a_continued_magic_keeps_the_lines_below_it_in_place():
    cell = clean_ipython("x = 1\n%time y = max(x,\\\n  2)\nz = y + 1\n!echo hi")
    assert cell.source.split("\n")[:4] == ["x = 1", "y = max(x,   2)", "", "z = y + 1"]
    assert [u.line for u in cell.untranslatable] == [5]


def test_a_percent_operator_starting_a_continuation_line_is_python():
    cell = clean_ipython("%time x = 1\nq = (7\n% 4)")
    assert cell.source == "x = 1\nq = (7\n% 4)"


def test_every_node_output_equals_the_kernels_three_ways(write_notebook):
    path = write_notebook(MAGICS)
    results = three_ways(path)
    kernel = results.pop("kernel")
    assert kernel["total"] == sum(math.sqrt(d) + 9 for d in (2, 4, 6, 8)) + 4
    for way, values in results.items():
        assert values == kernel, way


def test_generated_source_has_no_ipython_left(write_notebook):
    path = write_notebook(MAGICS)
    nodes_py = next(t for p, t in plan_conversion(path).sources.items() if p.name == "nodes.py")
    assert "get_ipython" not in nodes_py
    code_lines = [line for line in nodes_py.split("\n") if not line.strip().startswith("#")]
    assert not any("%" in line or "?" in line for line in code_lines), nodes_py
    assert "    roots = [math.sqrt(n) for n in doubled]\n" in nodes_py


def test_kedro_nb_run_notebook_runs_cells_with_magics(write_notebook, tmp_path):
    path = write_notebook(MAGICS)
    done = subprocess.run(
        [sys.executable, "-m", "kedro_nb", "run", "--notebook", path.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "NameError" not in done.stderr


@pytest.mark.parametrize(
    ("source", "line", "shown"),
    [
        ("import os\n!pip install pandas", 2, "'!pip install pandas'"),
        ("%%bash\necho hi", 1, "'%%bash'"),
        ("x = 1\n%run helpers.py", 2, "'%run helpers.py'"),
        ("x = 1\nfor f in ['a']:\n    !touch {f}", 3, "'!touch {f}'"),
        ("files = !ls\nn = len(files)", 1, "'files = !ls'"),
        ("%cd /tmp\nx = 1", 1, "'%cd /tmp'"),
        ("%%capture out --no-stderr\nprint(1)", 1, "'%%capture out --no-stderr'"),
        ("x = 1\nget_ipython().system('ls')", 2, "\"get_ipython().system('ls')\""),
        (
            "if get_ipython().run_line_magic('who_ls', ''):\n    x = 1",
            1,
            "\"if get_ipython().run_line_magic('who_ls', ''):\"",
        ),
    ],
)
def test_untranslatable_syntax_in_a_node_is_refused_with_cell_and_line(source, line, shown):
    nb = build_notebook([md("# Title"), code("import math"), code(source, "step")])
    with pytest.raises(IPythonOnlyError) as caught:
        analyze_notebook(nb)
    message = str(caught.value)
    assert message.startswith(f"Node 'step' (cell 3, line {line}): {shown} cannot run")
    assert caught.value.cell_index == 2 and caught.value.line == line


def test_the_cli_refuses_it_in_its_first_line_with_exit_code_2(write_notebook, capsys):
    path = write_notebook([code("x = [1]", "load"), code("!pip install foo\ny = x", "use")])
    for command in (["convert", str(path)], ["run", "--notebook", str(path)]):
        capsys.readouterr()
        assert main(command) == EXIT_USAGE
        err = capsys.readouterr().err
        assert "(cell 2, line 1): '!pip install foo'" in err.splitlines()[0], err
        assert "Traceback" not in err
    assert not (path.parent / "pipelines").exists()
    with pytest.raises(IPythonOnlyError):
        convert_notebook(path)


def test_outside_node_cells_ipython_only_lines_are_notes(write_notebook):
    analysis = analyze_notebook(
        build_notebook([code("!pip install foo\nimport math"), code("r = math.pi", "use")])
    )
    assert analysis.setup_cells == [0]
    (note,) = [i for i in analysis.issues if i.kind == "ipython"]
    assert (note.cell_index, note.line) == (0, 1)


def test_convert_check_and_sync_keep_the_magics_of_the_cell(write_notebook):
    from kedro_nb.convert import cells, check_notebook, drift, sync_notebook
    from kedro_nb.convert.node_source import notebook_node_cell

    path = write_notebook(MAGICS)
    assert notebook_node_cell(path, "roots").source == MAGICS[2][1]  # the kernel runs magics
    assert notebook_node_cell(path, "roots").inputs == {"doubled": "doubled"}
    report = check_notebook(path)
    assert report.ok and {i.kind for i in report.issues} == {"ipython"}
    conversion = convert_notebook(path)
    assert drift(plan_conversion(path)) == ""
    nodes_py = conversion.package_dir("analysis") / "nodes.py"
    text = nodes_py.read_text()
    nodes_py.write_text(text.replace("    last = n + 1\n", "    last = n + 2\n"))
    assert sync_notebook(path).updated == ["roots"]
    source = cells.cell_source(cells.read_notebook(path)["cells"][2])
    assert source == MAGICS[2][1].replace("%time last = n + 1", "last = n + 2")
    assert drift(plan_conversion(path)) == ""


DISPLAYS = [
    code("values = [3, 1, 2]\ndisplay(values)", "load"),
    code(
        "ordered = sorted(values)\nfor v in ordered:\n    display(\n        v,\n    )\n"
        "total = sum(ordered)",
        "order",
    ),
]


def test_display_calls_in_node_cells_are_dropped_outside_the_kernel(write_notebook):
    # display() is a builtin of the kernel only: kedro-nb run and the converted source hit a
    # NameError (and convert refused 'display' as never defined) where the kernel showed a value.
    cleaned = clean_ipython(DISPLAYS[1][1])
    assert cleaned.source.split("\n") == [
        "ordered = sorted(values)",
        "# for v in ordered:",  # only displayed: the loop goes too (its `v` would be unused)
        "    # display(",
        "        # v,",
        "    # )",
        "total = sum(ordered)",
    ]
    assert cleaned.notes == [(2, "loop removed: its body only showed values")]
    kept = clean_ipython("values = [3, 1]\nfor v in values:\n    display(v)\nlast = v")
    assert kept.source.split("\n")[1:3] == ["for v in values:", "    pass  # display(v)"]
    assert kept.notes == [(3, "display(...) removed (IPython's display changes no value)")]
    path = write_notebook(DISPLAYS)
    results = three_ways(path, runners=("sequential",))
    kernel = results.pop("kernel")
    assert kernel["total"] == 6
    for way, values in results.items():
        assert values == kernel, way


def test_a_cell_that_defines_display_keeps_its_calls():
    source = "from IPython.display import display\nshown = [1]\ndisplay(shown)"
    assert clean_ipython(source).source == source


SHOWN = [
    code("import math\nfrom collections import Counter"),
    code(
        "sales = [('east', 7.0), ('west', 12.0), ('east', 9.0), ('north', 3.5)]\n"
        "len(sales)\nsales[0]\n'raw rows'",
        "load",
    ),
    code(
        "totals = Counter()\nfor region, amount in sales:\n    totals[region] += amount\n"
        "    region\ntotals\ntotals.most_common\ntotals['east'] == 16.0",
        "summarise",
    ),
    code(
        "by_region = {r: round(math.sqrt(t), 3) for r, t in totals.items()}\n"
        "for name, root in by_region.items():\n    display(root)\n    name, root\n"
        "if by_region:\n    by_region.keys\n42\nreport = sorted(by_region)\nreport",
        "report",
    ),
]


def test_expressions_kept_for_display_are_dropped_so_ruff_passes(write_notebook, capsys):
    # `report`, `df.shape`, `x == y`, a literal: the kernel shows them; copied into nodes.py
    # they were ruff's B018/B015, and a loop left with only a display() was B007
    from kedro_nb.convert import cells, check_notebook, drift, sync_notebook
    from kedro_nb.convert.node_source import notebook_node_cell

    path = write_notebook(SHOWN)
    assert main(["convert", str(path)]) == 0
    package = path.parent / "pipelines" / "analysis"
    nodes_py = (package / "nodes.py").read_text()
    for dropped in ("# totals.most_common", "pass  # region", "# for name, root in", "# 42"):
        assert dropped in nodes_py, dropped
    ruff = [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated"]
    done = subprocess.run(
        [*ruff, "--select", "B,F", str(package)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr

    results = three_ways(path, runners=("sequential",))
    kernel = results.pop("kernel")
    assert kernel["report"] == ["east", "north", "west"]
    for way, values in results.items():
        assert values == kernel, way

    # the cell keeps its lines (the kernel shows them); check, --check and sync agree
    assert notebook_node_cell(path, "summarise").source == SHOWN[2][1]
    assert check_notebook(path).ok
    assert drift(plan_conversion(path)) == ""
    assert main(["convert", "--check", str(path)]) == 0
    nodes = package / "nodes.py"
    nodes.write_text(nodes.read_text().replace("totals[region] += amount", "totals[region] += 1"))
    assert sync_notebook(path).updated == ["summarise"]
    source = cells.cell_source(cells.read_notebook(path)["cells"][2])
    assert source == SHOWN[2][1].replace("+= amount", "+= 1")
    assert drift(plan_conversion(path)) == ""


def test_an_error_after_a_dropped_line_points_at_its_cell_line(write_notebook, capsys):
    path = write_notebook(
        [code("rows = [1, 2]\nrows\nrows.count\nfirst = rows[5]", "pick")], name="pick.ipynb"
    )
    assert main(["convert", str(path)]) == 0
    capsys.readouterr()
    done = subprocess.run(
        [sys.executable, "-m", "kedro_nb", "run", "--notebook", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=path.parent,
    )
    assert done.returncode != 0
    assert "line 4" in done.stdout + done.stderr, done.stdout + done.stderr
