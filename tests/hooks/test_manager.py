"""Hook registration: checks at start-up, Kedro-marked hooks, plugins from entry points."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kedro_nb.hooks import (
    PLUGIN_ENTRY_POINT_GROUP,
    HookRegistrationError,
    create_hook_manager,
    hook_impl,
    register_hooks,
    register_plugins,
)


class Recorder:
    def __init__(self) -> None:
        self.seen: list[str] = []

    @hook_impl
    def after_catalog_created(self, catalog):
        self.seen.append(f"catalog:{catalog}")

    @hook_impl
    def before_node_run(self, node, inputs):
        self.seen.append(f"node:{node}")
        return {"x": 2}


def test_registered_hooks_receive_only_the_arguments_they_name() -> None:
    manager = create_hook_manager()
    recorder = Recorder()
    register_hooks(manager, [recorder, recorder])  # registering twice is harmless
    manager.hook.after_catalog_created(
        catalog="C",
        conf_catalog={},
        conf_creds={"k": "v"},
        parameters={},
        save_version=None,
        load_versions=None,
    )
    replaced = manager.hook.before_node_run(
        node="N", catalog="C", inputs={}, is_async=False, run_id="r"
    )
    assert recorder.seen == ["catalog:C", "node:N"]
    assert replaced == [{"x": 2}]


def test_a_class_instead_of_an_instance_is_rejected() -> None:
    with pytest.raises(HookRegistrationError, match=r"Recorder\(\)"):
        register_hooks(create_hook_manager(), [Recorder])


def test_misspelt_hook_suggests_the_right_name() -> None:
    class Typo:
        @hook_impl
        def after_catalog_creatd(self, catalog):
            pass

    manager = create_hook_manager()
    with pytest.raises(HookRegistrationError, match=r"Did you mean: after_catalog_created\?"):
        register_hooks(manager, [Typo()])
    assert manager.get_plugins() == set()


def test_unknown_argument_names_hook_and_argument() -> None:
    class Extra:
        @hook_impl
        def after_catalog_created(self, catalog, bogus):
            pass

    with pytest.raises(HookRegistrationError) as info:
        register_hooks(create_hook_manager(), [Extra()])
    message = str(info.value)
    assert "Extra" in message and "after_catalog_created" in message and "bogus" in message


def test_progress_hooks_are_known_and_checked_like_the_others() -> None:
    class Progress:
        @hook_impl
        def on_node_started(self, node, run_id):
            pass

        @hook_impl
        def on_node_finished(self, node, run_id, duration, error):
            pass

    class Typo:
        @hook_impl
        def on_node_finish(self, node):
            pass

    manager = create_hook_manager()
    register_hooks(manager, [Progress()])
    assert len(manager.hook.on_node_started.get_hookimpls()) == 1
    assert len(manager.hook.on_node_finished.get_hookimpls()) == 1
    with pytest.raises(HookRegistrationError, match=r"Did you mean: on_node_finished\?"):
        register_hooks(manager, [Typo()])


def test_kedro_marked_hooks_are_recognised() -> None:
    from kedro.framework.hooks import hook_impl as kedro_hook_impl

    class KedroHooks:
        called = False

        @kedro_hook_impl
        def after_context_created(self, context):
            KedroHooks.called = True

    manager = create_hook_manager()
    register_hooks(manager, [KedroHooks()])
    manager.hook.after_context_created(context=object())
    assert KedroHooks.called


@pytest.fixture
def plugin_distributions(tmp_path: Path) -> Iterator[Path]:
    """Two installed distributions offering hooks (one broken), visible to importlib.metadata."""
    (tmp_path / "good_plugin.py").write_text(
        textwrap.dedent(
            """\
            from kedro_nb.hooks import hook_impl

            class Hooks:
                calls = []

                @hook_impl
                def after_context_created(self, context):
                    Hooks.calls.append(context)

            hooks = Hooks()
            """
        )
    )
    for dist, target in (("good-plugin", "good_plugin:hooks"), ("bad-plugin", "missing_mod:hooks")):
        info = tmp_path / f"{dist.replace('-', '_')}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text(f"[{PLUGIN_ENTRY_POINT_GROUP}]\nhooks = {target}\n")
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    sys.modules.pop("good_plugin", None)


def test_plugins_load_from_entry_points(plugin_distributions: Path, caplog) -> None:
    manager = create_hook_manager()
    assert register_plugins(manager) == ["good-plugin"]
    assert "bad-plugin" in caplog.text and "missing_mod" in caplog.text
    manager.hook.after_context_created(context="ctx")
    assert sys.modules["good_plugin"].Hooks.calls == ["ctx"]


def test_disabled_plugins_are_skipped(plugin_distributions: Path) -> None:
    manager = create_hook_manager()
    assert register_plugins(manager, disabled=["good-plugin", "bad-plugin"]) == []


def write_plugin(folder: Path, module: str, dist: str) -> None:
    """An installed distribution ``dist`` whose module ``module`` offers catalog hooks."""
    (folder / f"{module}.py").write_text(
        textwrap.dedent(
            """\
            from kedro_nb.hooks import hook_impl

            class Hooks:
                catalogs = []

                @hook_impl
                def after_catalog_created(self, catalog):
                    Hooks.catalogs.append(catalog)

            hooks = Hooks()
            """
        )
    )
    info = folder / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[console_scripts]\nx = {module}:main\n\n"
        f"[{PLUGIN_ENTRY_POINT_GROUP}]\nh = {module}:hooks\n"
    )


def test_plugin_installed_while_running_is_found_by_the_next_manager(tmp_path: Path) -> None:
    sys.path.insert(0, str(tmp_path))
    try:
        assert register_plugins(create_hook_manager()) == []
        before = os.stat(tmp_path).st_mtime_ns
        write_plugin(tmp_path, "late_plugin", "late-plugin")
        # installing changes the folder's modification time; make sure it differs even on a
        # file system with coarse timestamps
        os.utime(tmp_path, ns=(before + 10**9, before + 10**9))
        manager = create_hook_manager()
        assert register_plugins(manager) == ["late-plugin"]
        manager.hook.after_catalog_created(
            catalog="cat",
            conf_catalog={},
            conf_creds={},
            parameters={},
            save_version=None,
            load_versions=None,
        )
        assert sys.modules["late_plugin"].Hooks.catalogs == ["cat"]
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("late_plugin", None)


def test_no_plugin_offered_skips_importlib_metadata(tmp_path: Path) -> None:
    """Where no distribution declares the group, register_plugins finds what importlib.metadata
    would (nothing) without importing it; with one declared, it loads it."""
    code = textwrap.dedent(
        """\
        import sys
        from kedro_nb.hooks import PLUGIN_ENTRY_POINT_GROUP, create_hook_manager, register_plugins
        loaded = register_plugins(create_hook_manager())
        imported = "importlib.metadata" in sys.modules
        from importlib.metadata import entry_points
        print(loaded, imported, len(entry_points(group=PLUGIN_ENTRY_POINT_GROUP)))
        """
    )

    def run(*extra: str) -> str:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(extra)}
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        )
        return done.stdout.strip()

    assert run() == "[] False 0"
    write_plugin(tmp_path, "some_plugin", "some-plugin")
    assert run(str(tmp_path)) == "['some-plugin'] True 1"


# Differential: the quick look at entry_points.txt files against importlib.metadata, the library
# it stands in for. It may answer "maybe" where the library finds nothing (then the library is
# asked), never "no" where the library finds a plugin; and where no file names the group at
# all it answers "no" (so the library is not imported).
_ENTRY_POINTS_TEXTS = [
    None,  # no entry_points.txt
    f"[{PLUGIN_ENTRY_POINT_GROUP}]\nhooks = some_module:hooks\n",
    f"[console_scripts]\nx = m:main\n\n[{PLUGIN_ENTRY_POINT_GROUP}]\nh = m:hooks\n",
    f"[{PLUGIN_ENTRY_POINT_GROUP}]\n",  # the group, empty
    f"# [{PLUGIN_ENTRY_POINT_GROUP}] mentioned in a comment only\n[console_scripts]\nx = m:f\n",
    "[console_scripts]\nx = m:main\n",
    "[kedro.hooks]\nh = m:hooks\n",  # Kedro's group, not ours
    f"[{PLUGIN_ENTRY_POINT_GROUP.upper()}]\nh = m:hooks\n",
]


@settings(max_examples=120, deadline=None)
@given(
    dists=st.lists(
        st.tuples(
            st.sampled_from(range(len(_ENTRY_POINTS_TEXTS))),
            st.sampled_from([".dist-info", ".egg-info", ".DIST-INFO"]),
        ),
        max_size=3,
    )
)
def test_quick_plugin_look_never_hides_what_importlib_metadata_finds(dists: list) -> None:
    import importlib
    from importlib.metadata import entry_points

    from kedro_nb.hooks import may_offer_plugins, plugin_scan_key

    def _may_offer_plugins() -> bool:
        key = plugin_scan_key()
        return True if key is None else may_offer_plugins(key)

    elsewhere = _may_offer_plugins()  # what the environment's own distributions offer
    with tempfile.TemporaryDirectory() as tmp:
        for number, (text_index, suffix) in enumerate(dists):
            info = Path(tmp) / f"dist_{number}-1.0{suffix}"
            info.mkdir()
            (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: dist-{number}\n")
            (info / "PKG-INFO").write_text(f"Metadata-Version: 2.1\nName: dist-{number}\n")
            text = _ENTRY_POINTS_TEXTS[text_index]
            if text is not None:
                (info / "entry_points.txt").write_text(text)
        sys.path.insert(0, tmp)
        try:
            importlib.invalidate_caches()
            maybe = _may_offer_plugins()
            found = list(entry_points(group=PLUGIN_ENTRY_POINT_GROUP))
        finally:
            sys.path.remove(tmp)
    if found:
        assert maybe, dists
    named = any(
        _ENTRY_POINTS_TEXTS[i] is not None and PLUGIN_ENTRY_POINT_GROUP in _ENTRY_POINTS_TEXTS[i]
        for i, _ in dists
    )
    assert maybe == (named or elsewhere), dists


def test_a_projects_kept_plugin_answer_follows_installs_in_later_processes(tmp_path: Path) -> None:
    """A session keeps the quick look's answer in the project's cache, for the same sys.path
    and folder times; a plugin installed between two kernel starts is still loaded."""
    project, site = tmp_path / "project", tmp_path / "site"
    (project / "conf" / "base").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.kedro_nb]\n")
    site.mkdir()
    code = (
        "from kedro_nb.project import KedroNbSession\n"
        f"session = KedroNbSession.create(project_path={str(project)!r})\n"
        "print([type(p).__module__ for _, p in session.hook_manager.list_name_plugin()])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}

    def loaded() -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    before = loaded()
    from kedro_nb.config.parsed_cache import CACHE_FILE

    kept = (project / ".kedro_nb" / CACHE_FILE).read_bytes()
    assert b"<plugins>" in kept
    assert loaded() == before  # answered from the cache
    stamp = os.stat(site).st_mtime_ns
    write_plugin(site, "late_plugin", "late-plugin")
    os.utime(site, ns=(stamp + 10**9, stamp + 10**9))
    after = loaded()
    assert "late_plugin" in after and "late_plugin" not in before, (before, after)
