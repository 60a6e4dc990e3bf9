"""Incremental runs on data kept in S3: a real S3 API on loopback (moto's server, started
and stopped here), reached through s3fs with credentials from ``conf/local``, read and
written by the worker processes of a Dask ``LocalCluster``. Objects are fingerprinted by their
ETag: a new upload of different bytes makes the readers run, the same bytes again does not."""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import s3fs  # the test extra installs it, with moto[server]

from kedro_nb.project.records import RunStore
from tests.incremental.conftest import kedro_nb

BUCKET = "kedro-nb-incremental"
RAW = "name,score\nada,3\ngrace,5\n"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """moto's S3 server on loopback, for this module's tests: in a thread of this process,
    listening on a port the system gives it as it binds (a port picked free beforehand can be
    taken by another process before a server started later binds it)."""
    from moto.server import ThreadedMotoServer  # the test extra installs it: moto[server]

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()  # returns once the server is bound and about to serve
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _fs(endpoint: str) -> s3fs.S3FileSystem:
    return s3fs.S3FileSystem(
        key="k", secret="s", client_kwargs={"endpoint_url": endpoint}, skip_instance_cache=True
    )


def _project(root: Path, endpoint: str) -> None:
    files = {
        "pyproject.toml": "[tool.kedro_nb]\npackage_name = 'scores'\n",
        "conf/base/catalog.yml": f"""\
            raw:
              type: pandas.CSVDataset
              filepath: s3://{BUCKET}/raw.csv
              credentials: s3
            ranked:
              type: pandas.CSVDataset
              filepath: s3://{BUCKET}/ranked.csv
              credentials: s3
              save_args: {{index: false}}
            best:
              type: json.JSONDataset
              filepath: s3://{BUCKET}/best.json
              credentials: s3
            """,
        "conf/local/credentials.yml": f"""\
            s3:
              key: k
              secret: s
              client_kwargs:
                endpoint_url: {endpoint}
            """,
        "src/scores/__init__.py": "",
        "src/scores/pipelines/__init__.py": "",
        "src/scores/pipelines/rank/__init__.py": "",
        "src/scores/pipelines/rank/pipeline.py": """\
            from kedro_nb.pipeline import Pipeline, node


            def rank(raw):
                return raw.sort_values("score", ascending=False)


            def best(ranked):
                return {"name": str(ranked["name"].iloc[0])}


            def create_pipeline():
                return Pipeline([
                    node(rank, "raw", "ranked", name="rank"),
                    node(best, "ranked", "best", name="best"),
                ])
            """,
    }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def _run(root: Path) -> str:
    done = kedro_nb("run", "--incremental", "--runner", "dask", cwd=root)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_s3_objects_are_fingerprinted_by_etag_across_dask_workers(
    endpoint: str, tmp_path: Path
) -> None:
    fs = _fs(endpoint)
    fs.mkdir(BUCKET)
    try:
        fs.pipe(f"{BUCKET}/raw.csv", RAW.encode())
        root = tmp_path / "scores"
        _project(root, endpoint)

        first = _run(root)
        assert "2 node(s) ran, 0 skipped" in first
        assert json.loads(fs.cat(f"{BUCKET}/best.json")) == {"name": "grace"}
        states = RunStore.for_root(root).last_states(["rank", "best"])
        assert states["rank"].inputs["raw"].startswith("etag:")
        assert states["best"].inputs["ranked"].startswith("etag:")

        assert "0 node(s) ran, 2 skipped" in _run(root)

        fs.pipe(f"{BUCKET}/raw.csv", RAW.encode())  # uploaded again, the same bytes
        assert "0 node(s) ran, 2 skipped" in _run(root)

        fs.pipe(f"{BUCKET}/raw.csv", (RAW + "alan,9\n").encode())
        changed = _run(root)
        assert "runs: input `raw` changed" in changed
        assert "runs: upstream `rank` re-ran" in changed
        assert json.loads(fs.cat(f"{BUCKET}/best.json")) == {"name": "alan"}
    finally:
        fs.rm(BUCKET, recursive=True)
        shutil.rmtree(tmp_path / "scores", ignore_errors=True)
