"""Every name the notebook layer shares with its users, defined once.

Magic names, the variables injected into the user namespace and the environment variables read to
find the notebook are spelled here and nowhere else; the magics, the help texts and the
tests import them.
"""

from __future__ import annotations

from kedro_nb.shared import DEFAULT_PIPELINE as _DEFAULT_PIPELINE

# Variables injected into the user namespace.
CATALOG_VAR = "catalog"
PARAMS_VAR = "params"
SESSION_VAR = "session"
PIPELINES_VAR = "pipelines"
INJECTED_VARS = (CATALOG_VAR, PARAMS_VAR, SESSION_VAR, PIPELINES_VAR)
#: Kedro's ``%load_ext kedro.ipython`` also injects ``context``; here it is the session (which
#: is its own context: ``context.catalog``, ``context.params``, ``context.project_path``), so
#: Kedro notebooks using it run unchanged. Not listed in the load line.
CONTEXT_VAR = "context"

# Line magics.
RELOAD_PROJECT_MAGIC = "reload_project"
RUN_PIPELINE_MAGIC = "run_pipeline"
LOAD_NODE_MAGIC = "load_node"
STRIP_MAGIC = "strip"
ALL_MAGICS = (RELOAD_PROJECT_MAGIC, RUN_PIPELINE_MAGIC, LOAD_NODE_MAGIC, STRIP_MAGIC)

# Where the front ends say which notebook runs in the kernel.
JUPYTER_NOTEBOOK_ENV = "JPY_SESSION_NAME"  # set by jupyter-server for each kernel it starts
VSCODE_NOTEBOOK_VAR = "__vsc_ipynb_file__"  # set by VS Code in the user namespace

#: The pipeline Kedro runs when none is named (defined once for every layer, in kedro_nb.shared).
DEFAULT_PIPELINE = _DEFAULT_PIPELINE
