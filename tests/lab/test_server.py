"""The server extension's endpoints in a real Jupyter server (pytest-jupyter's ``jp_fetch``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest
from tornado.httpclient import HTTPClientError

from tests.lab.conftest import PROJECT, SPACEFLIGHTS_NODES, copy_examples, notebook_cells

pytest_plugins = ("pytest_jupyter.jupyter_server",)

NB = "examples/spaceflights.ipynb"


@pytest.fixture
def jp_server_config():
    return {"ServerApp": {"jpserver_extensions": {"kedro_nb.server": True}}}


@pytest.fixture
def root(jp_root_dir: Path) -> Path:
    copy_examples(jp_root_dir)
    return jp_root_dir


async def post(jp_fetch, endpoint: str, body: object) -> dict:
    response = await jp_fetch("kedro-nb", endpoint, method="POST", body=json.dumps(body))
    assert response.code == 200
    return json.loads(response.body)


async def refused(jp_fetch, endpoint: str, body: object | str, **kwargs) -> tuple[int, dict]:
    text = body if isinstance(body, str) else json.dumps(body)
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("kedro-nb", endpoint, method="POST", body=text, **kwargs)
    error = caught.value
    return error.code, json.loads(error.response.body) if error.response.body else {}


async def test_analysis_gives_each_node_its_inputs_outputs_and_warnings(jp_fetch, root):
    cells = notebook_cells(root / NB)
    result = await post(jp_fetch, "analysis", {"path": NB, "cells": cells})
    nodes = {node["name"]: node for node in result["nodes"]}
    assert list(nodes) == SPACEFLIGHTS_NODES
    assert nodes["preprocess_companies"]["inputs"] == ["companies"]  # declared in catalog.yml
    assert nodes["preprocess_companies"]["outputs"] == ["preprocessed_companies"]
    assert nodes["preprocess_companies"]["cell_id"] == "spaceflights-06"
    assert nodes["evaluate_model"]["outputs"] == ["metrics"]
    assert "params:model_options.features" in nodes["split_data"]["inputs"]
    assert result["error"] is None


async def test_analysis_reports_hidden_state_and_keeps_other_badges_while_a_cell_is_typed(
    jp_fetch, root
):
    cells = [
        {"id": "a", "cell_type": "code", "source": "raw = load()", "metadata": {}},
        {"id": "b", "cell_type": "code", "source": "x = raw + 1", "metadata": {"tags": ["node:f"]}},
        {"id": "c", "cell_type": "code", "source": "y = (x", "metadata": {"tags": ["node:g"]}},
        {"id": "d", "cell_type": "code", "source": "z = x * 2", "metadata": {"tags": ["node:h"]}},
    ]
    result = await post(jp_fetch, "analysis", {"path": NB, "cells": cells})
    nodes = {node["name"]: node for node in result["nodes"]}
    assert set(nodes) == {"f", "h"}
    assert [w["kind"] for w in nodes["f"]["warnings"]] == ["hidden-state"]
    assert nodes["h"]["inputs"] == ["x"]
    assert [(s["cell_id"], s["kind"]) for s in result["set_aside"]] == [("c", "syntax")]


async def test_analysis_answers_a_duplicate_name_as_an_error_of_the_notebook(jp_fetch, root):
    tagged = {"tags": ["node:same"]}
    cells = [
        {"id": "a", "cell_type": "code", "source": "x = 1", "metadata": tagged},
        {"id": "b", "cell_type": "code", "source": "y = 2", "metadata": tagged},
    ]
    result = await post(jp_fetch, "analysis", {"path": NB, "cells": cells})
    assert result["nodes"] == []
    assert "'same'" in result["error"]["message"]


async def test_pipelines_lists_the_project_pipelines_as_nodes_and_edges(jp_fetch, jp_root_dir):
    shutil.copytree(PROJECT, jp_root_dir / "project")
    response = await jp_fetch(
        "kedro-nb", "pipelines", params={"path": "project/notebooks/explore.ipynb"}
    )
    result = json.loads(response.body)
    assert result["project"] == str((jp_root_dir / "project").resolve())
    by_name = {p["name"]: p for p in result["pipelines"]}
    assert "__default__" in by_name
    default = by_name["__default__"]
    names = {node["name"] for node in default["nodes"]}
    assert default["edges"], "a pipeline of several nodes has edges"
    for edge in default["edges"]:
        assert edge["source"] in names and edge["target"] in names


async def test_convert_previews_diffs_without_writing_then_writes_on_request(jp_fetch, root):
    body = {"path": NB, "action": "preview"}
    preview = await post(jp_fetch, "convert", body)
    files = {f["path"]: f for f in preview["files"]}
    nodes_py = "examples/pipelines/spaceflights/nodes.py"
    assert files[nodes_py]["status"] == "new"
    assert "+def preprocess_companies(" in files[nodes_py]["diff"]
    assert not (root / nodes_py).exists()
    written = await post(jp_fetch, "convert", {**body, "action": "write"})
    assert written["written"] is True
    assert (root / nodes_py).is_file()
    again = await post(jp_fetch, "convert", body)
    assert {f["path"]: f["status"] for f in again["files"]}[nodes_py] == "unchanged"


async def test_convert_refuses_to_overwrite_hand_edits_with_409_unless_forced(jp_fetch, root):
    body = {"path": NB, "action": "write"}
    await post(jp_fetch, "convert", body)
    nodes_py = root / "examples" / "pipelines" / "spaceflights" / "nodes.py"
    text = nodes_py.read_text()
    edited = text.replace("def preprocess_companies(", "# tuned by hand\ndef preprocess_companies(")
    assert edited != text
    nodes_py.write_text(edited)
    preview = await post(jp_fetch, "convert", {**body, "action": "preview"})
    flagged = {f["path"]: f["hand_edits"] for f in preview["files"] if "hand_edits" in f}
    assert flagged == {
        "examples/pipelines/spaceflights/nodes.py": "pipelines/spaceflights/nodes.py: code outside"
        " the node functions (imports, setup code, wiring)"
    }
    code, answer = await refused(jp_fetch, "convert", body)
    assert code == 409
    assert "edited since the last conversion" in answer["message"]
    assert "nodes.py" in answer["message"]
    # the advice works in a Lab terminal, which starts in the server's root
    assert f"`kedro-nb sync {NB}`" in answer["message"]
    assert f"`kedro-nb convert --force {NB}`" in answer["message"]
    assert nodes_py.read_text() == edited  # nothing written
    code, answer = await refused(jp_fetch, "convert", {**body, "force": "yes"})
    assert (code, answer["message"]) == (400, "Field 'force' must be a bool, got str.")
    written = await post(jp_fetch, "convert", {**body, "force": True})
    assert written["written"] is True
    assert nodes_py.read_text() == text


async def test_check_links_findings_to_cells(jp_fetch, root):
    nb = root / "examples" / "hidden.ipynb"
    nb.write_text(
        json.dumps(
            {
                "nbformat": 4,
                "nbformat_minor": 5,
                "metadata": {},
                "cells": [
                    {
                        "id": "e",
                        "cell_type": "code",
                        "source": 'k = len("abc")',
                        "metadata": {},
                        "outputs": [],
                        "execution_count": None,
                    },
                    {
                        "id": "n",
                        "cell_type": "code",
                        "source": "y = k + 1",
                        "metadata": {"tags": ["node:uses_k"]},
                        "outputs": [],
                        "execution_count": None,
                    },
                ],
            }
        )
    )
    result = await post(jp_fetch, "check", {"path": "examples/hidden.ipynb"})
    assert result["ok"] is False
    [finding] = result["findings"]
    assert (finding["kind"], finding["cell_id"], finding["node"]) == ("hidden-state", "n", "uses_k")


async def test_strip_removes_outputs_of_the_saved_notebook(jp_fetch, root):
    nb = root / NB
    data = json.loads(nb.read_text())
    data["cells"][4]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hi\n"}]
    data["cells"][4]["execution_count"] = 3
    nb.write_text(json.dumps(data))
    assert (await post(jp_fetch, "strip", {"path": NB}))["changed"] is True
    cell = json.loads(nb.read_text())["cells"][4]
    assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", "not JSON"),
        ([1, 2], "JSON object"),
        ({"cells": []}, "'path'"),
        ({"path": NB, "cells": "x"}, "'cells'"),
        ({"path": NB, "cells": [{"cell_type": "code", "source": 3}]}, "cells[0].source"),
        ({"path": NB, "cells": [{"cell_type": "python"}]}, "cells[0].cell_type"),
        ({"path": "notes.txt", "cells": []}, "not a notebook"),
    ],
)
async def test_a_malformed_analysis_body_is_answered_400_with_a_message(
    jp_fetch, root, body, field
):
    code, answer = await refused(jp_fetch, "analysis", body)
    assert code == 400
    assert field in answer["message"]


async def test_convert_refuses_an_unknown_action_and_target(jp_fetch, root):
    code, answer = await refused(jp_fetch, "convert", {"path": NB, "action": "delete"})
    assert (code, "'action'" in answer["message"]) == (400, True)
    code, answer = await refused(
        jp_fetch, "convert", {"path": NB, "action": "preview", "target": "airflow"}
    )
    assert (code, "'target'" in answer["message"]) == (400, True)


@pytest.mark.parametrize("endpoint", ["analysis", "convert", "check", "strip"])
async def test_a_path_outside_the_root_is_refused_403(jp_fetch, root, tmp_path, endpoint):
    outside = tmp_path / "outside.ipynb"
    outside.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4}))
    (root / "link.ipynb").symlink_to(outside)
    for path in ["../outside.ipynb", "examples/../../outside.ipynb", "link.ipynb"]:
        body = {"path": path, "cells": [], "action": "preview"}
        code, answer = await refused(jp_fetch, endpoint, body)
        assert code == 403, path
        assert "outside the server's root" in answer["message"]


async def test_pipelines_refuses_a_path_outside_the_root(jp_fetch, root):
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("kedro-nb", "pipelines", params={"path": "../../x.ipynb"})
    assert caught.value.code == 403


async def test_a_request_without_a_token_is_refused(http_server_client, jp_base_url, root):
    for method, body in [("GET", None), ("POST", json.dumps({"path": NB, "cells": []}))]:
        endpoint = "pipelines?path=x.ipynb" if method == "GET" else "analysis"
        response = await http_server_client.fetch(
            jp_base_url + "kedro-nb/" + endpoint,
            method=method,
            body=body,
            raise_error=False,
        )
        assert response.code == 403, method


async def test_a_cookie_authenticated_post_without_xsrf_token_is_refused(
    http_server_client, jp_auth_header, jp_base_url, root
):
    # log in as a browser does: the token in the URL once, a login cookie afterwards
    token = jp_auth_header["Authorization"].split()[-1]
    login = await http_server_client.fetch(
        jp_base_url + "api/status?" + urlencode({"token": token}), raise_error=False
    )
    cookies = "; ".join(c.split(";")[0] for c in login.headers.get_list("Set-Cookie"))
    assert "username-" in cookies
    body = json.dumps({"path": NB, "cells": []})
    response = await http_server_client.fetch(
        jp_base_url + "kedro-nb/analysis",
        method="POST",
        body=body,
        headers={"Cookie": cookies},
        raise_error=False,
    )
    assert response.code == 403
    # the same request with the XSRF token a browser sends is accepted
    xsrf = "kedro-nb-test-xsrf"
    response = await http_server_client.fetch(
        jp_base_url + "kedro-nb/analysis",
        method="POST",
        body=body,
        headers={"Cookie": f"{cookies}; _xsrf={xsrf}", "X-XSRFToken": xsrf},
        raise_error=False,
    )
    assert response.code == 200


# -- bad notebook files: every read goes through the one reader (kedro_nb.nbfile) ----------
def _one_reader_says(path: Path, root: Path) -> str:
    """The line kedro_nb.nbfile gives for ``path``, as the server shows it (root-relative)."""
    from kedro_nb import nbfile

    with pytest.raises(nbfile.NotebookFileError) as caught:
        nbfile.read_notebook(path)
    return str(caught.value).replace(f"{root}/", "")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda text: text[: len(text) // 2], "truncated, as by an interrupted save"),
        (lambda text: text.replace('"nbformat": 4', '"nbformat": "4"'), "nbformat"),
        (lambda text: "<<<<<<< HEAD\n" + text, "merge conflict"),
        (lambda text: "[" * 5000 + "]" * 5000, "nested more than"),
    ],
    ids=["truncated", "wrong-nbformat", "conflict", "deep"],
)
@pytest.mark.parametrize("endpoint", ["convert", "check", "strip"])
async def test_a_bad_notebook_file_is_400_with_the_one_readers_line(
    jp_fetch, root, endpoint, damage, reason
):
    nb = root / NB
    bad = damage(json.dumps(json.loads(nb.read_text()), indent=1))
    nb.write_text(bad)
    code, answer = await refused(jp_fetch, endpoint, {"path": NB, "action": "write"})
    assert code == 400
    expected = _one_reader_says(nb, root)
    assert answer["message"] == expected and reason in expected
    assert expected.startswith(f"{NB}") and "\n" not in expected and str(root) not in expected
    assert nb.read_text() == bad  # untouched
    assert not (root / "examples" / "pipelines").exists()


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b'{"path": "examples/x.ipynb", "cells": [', "truncated"),
        (
            b'{"path": "examples/x.ipynb", "cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "deep",
        ),
        (b'{"path": "\xff"}', "UTF-8"),
    ],
    ids=["truncated", "deep", "bad-utf8"],
)
async def test_a_bad_request_body_is_400_in_one_line(jp_fetch, root, body, said):
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("kedro-nb", "analysis", method="POST", body=body)
    message = json.loads(caught.value.response.body)["message"]
    assert caught.value.code == 400
    assert message.startswith("Request body is not JSON") and said in message
    assert "\n" not in message


# -- remembered settings: the Lab's convert uses [tool.kedro_nb.notebooks] as the CLI does --
async def test_convert_uses_the_settings_the_project_remembers(jp_fetch, jp_root_dir):
    from kedro_nb.cli import main

    shutil.copytree(PROJECT, jp_root_dir / "shop", ignore=shutil.ignore_patterns("__pycache__"))
    (jp_root_dir / "shop" / "notebooks").mkdir()
    notebook = jp_root_dir / "shop" / "notebooks" / "explore.ipynb"
    copy_examples(jp_root_dir)
    shutil.copy(jp_root_dir / NB, notebook)
    # the first conversion, in a terminal, chooses the target and the pipeline name
    given = ["convert", "--target", "kedro", "--pipeline", "explored", str(notebook)]
    assert main(given) == 0
    record = (jp_root_dir / "shop" / "pyproject.toml").read_text()
    assert 'target = "kedro"' in record and 'pipeline = "explored"' in record
    path = "shop/notebooks/explore.ipynb"
    preview = await post(jp_fetch, "convert", {"path": path, "action": "preview"})
    assert preview["settings"] == {
        "target": "kedro",
        "pipeline": "explored",
        "destination": "src/spaceflights/pipelines",
    }
    statuses = {f["path"]: f["status"] for f in preview["files"]}
    nodes_py = "shop/src/spaceflights/pipelines/explored/nodes.py"
    assert statuses[nodes_py] == "unchanged", statuses  # the same target and pipeline again
    assert set(statuses.values()) == {"unchanged"}
    # a target the request names wins, as --target does
    other = await post(
        jp_fetch, "convert", {"path": path, "action": "preview", "target": "kedro_nb"}
    )
    assert other["settings"]["target"] == "kedro_nb"
    pipeline_py = "shop/src/spaceflights/pipelines/explored/pipeline.py"
    diff = {f["path"]: f["diff"] for f in other["files"]}[pipeline_py]
    assert "-from kedro.pipeline import" in diff and "+from kedro_nb.pipeline import" in diff
    written = await post(jp_fetch, "convert", {"path": path, "action": "write"})
    assert written["settings"]["target"] == "kedro"
    assert "from kedro.pipeline import" in (jp_root_dir / pipeline_py).read_text()
