"""``params`` in the notebook reads nested keys as attributes, as the cell analysis allows."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell


@pytest.fixture
def with_params(shell: InteractiveShell, tmp_path: Path) -> InteractiveShell:
    (tmp_path / "parameters.yml").write_text(
        "model_options:\n  test_size: 0.2\n  features: [a, b]\nitems: 3\n", encoding="utf-8"
    )
    shell.run_line_magic("load_ext", "kedro_nb")
    return shell


def test_nested_keys_read_as_attributes(with_params: InteractiveShell) -> None:
    result = with_params.run_cell("x = params.model_options.test_size, params.model_options")
    result.raise_error()
    size, options = with_params.user_ns["x"]
    assert size == 0.2
    assert options == {"test_size": 0.2, "features": ["a", "b"]}
    assert with_params.user_ns["params"]["model_options"]["features"] == ["a", "b"]


def test_unknown_attribute_names_the_closest_parameter(with_params: InteractiveShell) -> None:
    result = with_params.run_cell("params.model_option")
    assert isinstance(result.error_in_exec, AttributeError)
    assert str(result.error_in_exec) == (
        "no parameter 'model_option'. Did you mean: model_options?"
    )


def test_dict_methods_win_and_the_view_stays_a_plain_dict(with_params: InteractiveShell) -> None:
    params = with_params.user_ns["params"]
    assert callable(params.items) and params["items"] == 3
    assert pickle.loads(pickle.dumps(params)) == params
    assert dict(params) == params and isinstance(params, dict)
