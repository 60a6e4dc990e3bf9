"""Catalog benchmark: kedro-nb's DataCatalog side by side with Kedro 1.7's.

Scenario (the same for both): a catalog of 10,000 entries plus 3 dataset factories
(``{name}_csv``, ``{namespace}.{name}``, catch-all ``{default}``), then 1,000 names that are
not declared, resolved through the factories (``name in catalog`` then ``catalog[name]``,
which creates the dataset object). Measured from the already-parsed dict and from YAML text.
Each figure is the best of ``--repeat`` runs (seconds). Run:

    .venv/bin/python bench/catalog_bench.py [--entries 10000] [--names 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import gc
import logging
import time
from collections.abc import Callable
from typing import Any

import yaml

DATASET_TYPES = {
    "pandas.CSVDataset": "csv",
    "pandas.ParquetDataset": "parquet",
    "pickle.PickleDataset": "pkl",
}


def make_config(entries: int) -> dict[str, Any]:
    """10,000 realistic entries (three types, load/save args, some versioned) + 3 factories."""
    config: dict[str, Any] = {}
    for i in range(entries):
        dataset_type = list(DATASET_TYPES)[i % 3]
        entry: dict[str, Any] = {
            "type": dataset_type,
            "filepath": f"data/01_raw/table_{i}.{DATASET_TYPES[dataset_type]}",
        }
        if dataset_type == "pandas.CSVDataset":
            entry["load_args"] = {"sep": ","}
            entry["save_args"] = {"index": False}
        if i % 10 == 0:
            entry["versioned"] = True
        config[f"table_{i}"] = entry
    config["{name}_csv"] = {"type": "pandas.CSVDataset", "filepath": "data/02_int/{name}.csv"}
    config["{namespace}.{name}"] = {
        "type": "pickle.PickleDataset",
        "filepath": "data/06_models/{namespace}/{name}.pkl",
    }
    config["{default}"] = {"type": "MemoryDataset"}
    return config


def make_names(count: int) -> list[str]:
    """Undeclared names spread over the three factories."""
    names = []
    for i in range(count):
        kind = i % 3
        names.append(
            f"feature_{i}_csv"
            if kind == 0
            else f"model_{i % 17}.weights_{i}"
            if kind == 1
            else f"scratch_{i}"
        )
    return names


def best_pair(
    repeat: int, theirs: Callable[[], Any], ours: Callable[[], Any]
) -> tuple[float, float]:
    """Best time of each, running them alternately so both see the same machine load."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for func, bucket in ((theirs, times[0]), (ours, times[1])):
            gc.collect()
            start = time.perf_counter()
            func()
            bucket.append(time.perf_counter() - start)
    return min(times[0]), min(times[1])


def scenario(catalog_cls: Any, config: dict[str, Any], names: list[str]) -> Callable[[], Any]:
    """Build a catalog from ``config`` (neither library mutates it), then resolve ``names``."""

    def run() -> Any:
        catalog = catalog_cls.from_config(config)
        for name in names:
            assert name in catalog
            catalog[name]
        return catalog

    return run


def import_time(module: str, repeat: int) -> float:
    """Best wall time of a fresh interpreter importing ``module`` (minus a bare start-up)."""
    import subprocess
    import sys

    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    bare = min(run("pass") for _ in range(repeat))
    return max(min(run(f"import {module}") for _ in range(repeat)) - bare, 1e-4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--names", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # both log a warning per catch-all match; not measured

    from kedro.io import DataCatalog as KedroCatalog

    from kedro_nb.io import DataCatalog

    config = make_config(args.entries)
    names = make_names(args.names)
    text = yaml.safe_dump(config, sort_keys=False)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    rows: list[tuple[str, float, float]] = []
    for label, build_only in (("build from dict", True), ("build + resolve names", False)):
        picked = [] if build_only else names
        theirs, ours = best_pair(
            args.repeat,
            scenario(KedroCatalog, config, picked),
            scenario(DataCatalog, config, picked),
        )
        rows.append((label, theirs, ours))

    def kedro_yaml() -> None:
        scenario(KedroCatalog, yaml.safe_load(text), names)()

    def ours_yaml() -> None:
        catalog = DataCatalog.from_yaml(text)
        for name in names:
            assert name in catalog
            catalog[name]

    def kedro_yaml_c() -> None:
        scenario(KedroCatalog, yaml.load(text, Loader=loader), names)()

    rows.append(
        (
            "YAML text (safe_load / CSafeLoader) + resolve",
            *best_pair(args.repeat, kedro_yaml, ours_yaml),
        )
    )
    rows.append(
        (
            "YAML text, both with CSafeLoader + resolve",
            *best_pair(args.repeat, kedro_yaml_c, ours_yaml),
        )
    )

    rows.append(
        (
            "import the catalog package (fresh interpreter)",
            import_time("kedro.io", args.repeat),
            import_time("kedro_nb.io", args.repeat),
        )
    )

    print(
        f"catalog: {args.entries:,} entries + 3 factories; {args.names:,} names resolved "
        f"through factories; best of {args.repeat}"
    )
    print(f"{'scenario':<48} {'Kedro 1.7':>10} {'kedro-nb':>10} {'speed-up':>9}")
    for label, theirs, ours in rows:
        print(f"{label:<48} {theirs:>9.4f}s {ours:>9.4f}s {theirs / ours:>8.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
