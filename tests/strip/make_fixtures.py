"""Write the golden input notebooks under ``fixtures/`` (run by hand when adding a case).

The ``.expected`` files are NOT generated here: they were produced once with
``kedro-nb strip --stdin < NAME.ipynb > NAME.expected``, read by eye and compared with
``nbstripout --keep-id -t`` (identical except that CRLF input stays CRLF with kedro-nb).
Layouts vary on purpose: Jupyter's, compact ASCII-escaped, indent=2, CRLF.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

HERE = Path(__file__).parent / "fixtures"
PNG = base64.b64encode(bytes(range(200))).decode() + "\n"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
STREAM = {"name": "stdout", "output_type": "stream", "text": ["a\n", "b\n"]}
DISPLAY = {
    "data": {"image/png": PNG, "text/plain": ["<Figure size 640x480>"]},
    "metadata": {"needs_background": "light"},
    "output_type": "display_data",
}
ERROR = {
    "ename": "ValueError",
    "evalue": "bad",
    "output_type": "error",
    "traceback": ["\u001b[0;31mValueError\u001b[0m: bad"],
}


def result(n):
    return {
        "data": {"text/plain": ["42"]},
        "execution_count": n,
        "metadata": {},
        "output_type": "execute_result",
    }


def code(i, src, outputs=(), count=None, **meta):
    return {
        "cell_type": "code",
        "execution_count": count,
        "id": f"cell-{i}",
        "metadata": meta,
        "outputs": list(outputs),
        "source": src,
    }


def md(i, src, **extra):
    return {"cell_type": "markdown", "id": f"cell-{i}", "metadata": {}, "source": src, **extra}


def notebook(cells, minor=5, **metadata):
    return {
        "cells": cells,
        "metadata": {"kernelspec": KERNELSPEC, **metadata},
        "nbformat": 4,
        "nbformat_minor": minor,
    }


def write(name, nb, *, crlf=False, layout="jupyter"):
    if layout == "jupyter":
        text = json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False, separators=(",", ": "))
        text += "\n"
    elif layout == "compact":
        text = json.dumps(nb, ensure_ascii=True)
    else:
        text = json.dumps(nb, indent=2, ensure_ascii=False) + "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    (HERE / f"{name}.ipynb").write_text(text, encoding="utf-8", newline="")


def main():
    volatile = code(
        0,
        ["x = 1"],
        [],
        5,
        collapsed=True,
        scrolled="auto",
        ExecuteTime={"end_time": "2024-05-01T10:00:01.5Z", "start_time": "2024-05-01T10:00:00Z"},
        execution={"iopub.execute_input": "2024-05-01T10:00:00Z"},
        trusted=True,
        tags=["parameters"],
        custom={"keep": "me"},
    )
    write(
        "outputs_and_counts",
        notebook(
            [
                md(0, ["# Outputs\n", "of every kind"]),
                code(1, ["print('a')\n", "print('b')"], [STREAM], 1),
                code(2, ["6 * 7"], [result(2)], 2),
                code(3, ["plot()"], [DISPLAY], 3),
                code(4, ["raise ValueError('bad')"], [ERROR], 4),
                code(5, [], [], None),
            ],
            language_info={"name": "python", "version": "3.11.4"},
        ),
    )
    nb = notebook(
        [
            volatile,
            md(1, ["## Section"]),
            {
                "cell_type": "markdown",
                "id": "cell-2",
                "metadata": {"heading_collapsed": True, "hidden": True},
                "source": ["hidden text"],
            },
        ],
        widgets={"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}},
        signature="sha256:abc",
        orig_nbformat=3,
        toc={"number_sections": True},
    )
    write("volatile_metadata", nb)
    write(
        "keep_output",
        notebook(
            [
                code(0, ["shown()"], [result(1)], 1, tags=["keep_output"]),
                code(1, ["also_shown()"], [STREAM, result(2)], 2, keep_output=True),
                code(2, ["hidden()"], [STREAM], 3),
                code(3, ["not_kept()"], [STREAM], 4, keep_output=False),
            ]
        ),
    )
    write(
        "notebook_keep_output",
        notebook(
            [
                code(0, ["kept_by_default()"], [result(1)], 1),
                code(1, ["opted_out()"], [result(2)], 2, keep_output=False),
            ],
            keep_output=True,
        ),
    )
    write(
        "unicode_crlf",
        notebook(
            [
                md(0, ["# Données météo ☀️\n", "Ελληνικά, 日本語, emoji 🎉"]),
                code(
                    1,
                    ["s = 'naïve café'\n", "print(s)"],
                    [{"name": "stdout", "output_type": "stream", "text": ["naïve café\n"]}],
                    9,
                ),
            ]
        ),
        crlf=True,
    )
    write(
        "string_sources_v4_4",
        notebook(
            [
                {"cell_type": "markdown", "metadata": {}, "source": "Title\nsecond line\n"},
                {
                    "cell_type": "code",
                    "execution_count": 3,
                    "metadata": {},
                    "outputs": [{"name": "stdout", "output_type": "stream", "text": "one\ntwo\n"}],
                    "source": "a = 1\r\nb = 2\n\nc = 3",
                },
                {"cell_type": "raw", "metadata": {"format": "text/restructuredtext"}, "source": ""},
            ],
            minor=4,
        ),
        layout="compact",
    )
    write(
        "attachments",
        notebook(
            [
                {
                    "attachments": {"plot.png": {"image/png": PNG}},
                    "cell_type": "markdown",
                    "id": "cell-0",
                    "metadata": {},
                    "source": ["![plot](attachment:plot.png)"],
                },
                code(1, ["1"], [result(1)], 1),
            ]
        ),
        layout="indent2",
    )
    write(
        "kedro_cells",
        notebook(
            [
                code(
                    0,
                    ["def area(width, height):\n", "    return width * height\n"],
                    [],
                    1,
                    tags=["node:area"],
                    kedro_nb={
                        "inputs": ["params:width", "params:height"],
                        "outputs": ["area"],
                        "pipeline": "geometry",
                        "tags": ["fast"],
                    },
                ),
                code(1, ["scratch = area(2, 3)"], [result(2)], 2, tags=["kedro_nb:skip"]),
            ],
            kedro_nb={"project": "demo"},
        ),
    )
    write("empty_notebook", {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 2})


if __name__ == "__main__":
    main()
