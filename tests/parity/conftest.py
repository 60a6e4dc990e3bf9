"""The parity suite: the same user code, written for Kedro 1.7, run against the real ``kedro``
package and against kedro-nb; each test compares the two results.

A test takes the ``both`` fixture, the two APIs side by side (:class:`Api`), runs its user code
once per API and compares what came out. A new difference fails here first."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

import pytest


@dataclass(frozen=True)
class Api:
    """One implementation of Kedro's public modules: ``kedro`` itself, or kedro-nb."""

    name: str
    io: ModuleType
    pipeline: ModuleType
    runner: ModuleType
    config: ModuleType

    @classmethod
    def of(cls, package: str) -> Api:
        def module(name: str) -> ModuleType:
            return importlib.import_module(f"{package}.{name}")

        return cls(package, module("io"), module("pipeline"), module("runner"), module("config"))


KEDRO, OURS = Api.of("kedro"), Api.of("kedro_nb")


@pytest.fixture
def both() -> tuple[Api, Api]:
    """``(kedro, kedro_nb)``."""
    return KEDRO, OURS
