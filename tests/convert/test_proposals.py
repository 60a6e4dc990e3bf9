"""Catalog proposals are explicit: they change nothing a run does until accepted, and never
duplicate a name a catalog file declares."""

from __future__ import annotations

import yaml
from sales_notebook import BIN, make_folder, run

from kedro_nb.cli import EXIT_OK, main

PROPOSED = "proposed_catalog_sales_analysis.yml"
ACCEPTED = "catalog_sales_analysis.yml"


def _saved(folder):
    return sorted(p.name for p in (folder / "data").rglob("*.pkl"))


def test_a_proposal_is_not_read_by_runs_until_accepted(tmp_path, monkeypatch, capsys):
    notebook = make_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["convert", notebook.name]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"catalog entries proposed -> {tmp_path / PROPOSED}" in out
    assert "kedro-nb convert --accept-catalog sales_analysis.ipynb" in out
    # df is rebound by a later node: its last value (df__add_share) is the one proposed
    assert set(yaml.safe_load((tmp_path / PROPOSED).read_text())) == {"df__add_share", "totals"}
    run([BIN / "kedro-nb", "run", "--notebook", notebook.name], tmp_path)
    assert _saved(tmp_path) == []  # intermediates stay in memory, as before the proposal

    proposal = (tmp_path / PROPOSED).read_text()
    assert main(["convert", "--accept-catalog", notebook.name]) == EXIT_OK
    assert f"catalog entries accepted -> {tmp_path / ACCEPTED}" in capsys.readouterr().out
    assert not (tmp_path / PROPOSED).exists()
    assert (tmp_path / ACCEPTED).read_text() == proposal
    run([BIN / "kedro-nb", "run", "--notebook", notebook.name], tmp_path)
    assert _saved(tmp_path) == ["df__add_share.pkl", "totals.pkl"]
    assert main(["convert", notebook.name]) == EXIT_OK  # nothing left to propose
    assert not (tmp_path / PROPOSED).exists()


def test_a_name_a_catalog_file_declares_is_never_proposed(tmp_path, monkeypatch):
    notebook = make_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["convert", notebook.name]) == EXIT_OK
    with (tmp_path / "catalog.yml").open("a") as stream:
        stream.write("\ntotals:\n  type: pickle.PickleDataset\n  filepath: data/totals.pkl\n")
    assert main(["convert", notebook.name]) == EXIT_OK
    assert set(yaml.safe_load((tmp_path / PROPOSED).read_text())) == {"df__add_share"}
    (tmp_path / ACCEPTED).write_text("# mine\ndf__add_share:\n  type: MemoryDataset\n")
    assert main(["convert", notebook.name]) == EXIT_OK
    assert not (tmp_path / PROPOSED).exists()  # every proposal is declared now
    assert main(["convert", "--accept-catalog", notebook.name]) == EXIT_OK
    assert (tmp_path / ACCEPTED).read_text() == "# mine\ndf__add_share:\n  type: MemoryDataset\n"
    run([BIN / "kedro-nb", "run", "--notebook", notebook.name], tmp_path)  # no duplicate keys


def test_accepting_into_an_existing_file_appends_and_keeps_it(tmp_path, monkeypatch):
    notebook = make_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ACCEPTED).write_text("# my entries\nextra:\n  type: MemoryDataset\n")
    assert main(["convert", "--accept-catalog", notebook.name]) == EXIT_OK
    text = (tmp_path / ACCEPTED).read_text()
    assert text.startswith("# my entries\nextra:\n  type: MemoryDataset\n")
    assert set(yaml.safe_load(text)) == {"extra", "df__add_share", "totals"}
    assert not (tmp_path / PROPOSED).exists()


def test_the_suggested_command_quotes_a_notebook_name_with_spaces(tmp_path, monkeypatch, capsys):
    import shlex

    notebook = make_folder(tmp_path)
    spaced = notebook.rename(tmp_path / "Sales analysis (v2).ipynb")
    monkeypatch.chdir(tmp_path)
    assert main(["convert", spaced.name]) == EXIT_OK
    out = capsys.readouterr().out
    command = "kedro-nb convert --accept-catalog 'Sales analysis (v2).ipynb'"
    assert f"`{command}`" in out
    assert main(shlex.split(command)[1:]) == EXIT_OK  # pasted as printed, it works
    assert "catalog entries accepted" in capsys.readouterr().out
