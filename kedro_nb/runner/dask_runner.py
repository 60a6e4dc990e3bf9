"""``DaskRunner``: nodes run as tasks on a dask.distributed cluster."""

from __future__ import annotations

import uuid
from typing import Any

from kedro_nb.runner._remote import RemoteTasks, run_task
from kedro_nb.runner._scheduler import schedule
from kedro_nb.runner.base import AbstractRunner, RunState, logger
from kedro_nb.runner.errors import RunnerError

LOOPBACK = "127.0.0.1"


class DaskRunner(AbstractRunner):
    """Runs independent nodes concurrently as dask.distributed tasks.

    With ``address`` (e.g. ``"tcp://127.0.0.1:8786"``) it connects to that scheduler (waiting
    up to ``connect_timeout`` seconds); with
    ``client`` it uses an existing ``distributed.Client``; otherwise it starts a
    ``LocalCluster`` listening on the loopback interface only, with ``n_workers`` workers,
    worker processes or threads (``processes``) and the dashboard off unless
    ``dashboard_address`` is given. The cluster starts at the first run and stays up for the
    next ones until :meth:`close` (or the end of a ``with`` block).

    Tasks are self-contained (see :mod:`kedro_nb.runner._remote`): the cloudpickled node plus
    its input data or dataset objects, so workers need only kedro-nb and the libraries the
    node functions import.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        client: Any | None = None,
        n_workers: int | None = None,
        processes: bool = True,
        threads_per_worker: int = 1,
        dashboard_address: str | None = None,
        connect_timeout: float = 10.0,
        is_async: bool = False,
    ) -> None:
        super().__init__(is_async=False)
        self._address = address
        self._connect_timeout = connect_timeout
        self._client = client
        self._owns_client = client is None
        self._cluster: Any | None = None
        self._cluster_options = {
            "n_workers": n_workers,
            "processes": processes,
            "threads_per_worker": threads_per_worker,
            "dashboard_address": dashboard_address,
        }

    @property
    def client(self) -> Any:
        """The ``distributed.Client`` (connecting or starting the cluster on first use)."""
        if self._client is None:
            try:
                from distributed import Client, LocalCluster
            except ImportError as exc:
                raise RunnerError(
                    "DaskRunner needs dask.distributed: pip install 'kedro-nb[dask]'."
                ) from exc
            if self._address is not None:
                try:
                    self._client = Client(self._address, timeout=self._connect_timeout)
                except OSError as exc:
                    raise RunnerError(
                        f"Cannot reach the Dask scheduler at {self._address}: {exc}. Start one "
                        "(`dask scheduler`) or use the runner 'dask' for a local cluster."
                    ) from exc
            else:
                options: dict[str, Any] = dict(self._cluster_options)
                if options["n_workers"] is None:
                    options.pop("n_workers")
                if options["dashboard_address"] is None:
                    # no dashboard; the scheduler's health endpoint takes any free loopback port
                    options["scheduler_kwargs"] = {"dashboard_address": f"{LOOPBACK}:0"}
                self._cluster = LocalCluster(host=LOOPBACK, protocol="tcp://", **options)
                self._client = Client(self._cluster)
            logger.info("DaskRunner connected to %s", self._client.scheduler.address)
        return self._client

    def close(self) -> None:
        """Close the client and the local cluster this runner started (not a given client)."""
        if self._owns_client and self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _execute(self, state: RunState) -> None:
        if not state.graph.nodes:
            return
        from distributed import wait

        tasks = RemoteTasks(state)
        client = self.client
        names = [node.name for node in state.graph.nodes]
        tag = uuid.uuid4().hex[:8]  # keys stay unique even when a run id is reused
        slots = max(1, sum(client.nthreads().values()))

        def submit(index: int) -> Any:
            return client.submit(
                run_task,
                tasks.payload(index),
                pure=False,
                key=f"kedro_nb-{state.run_id}-{tag}-{index}-{names[index]}",
            )

        def wait_some(futures: list[Any]) -> tuple[Any, Any]:
            done, pending = wait(futures, return_when="FIRST_COMPLETED")
            return done, pending

        def finish(index: int, future: Any) -> float:
            return tasks.finish(index, future.result())

        schedule(state, submit, wait_some, finish, slots, abort=client.cancel)
