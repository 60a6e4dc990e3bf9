"""``kedro-nb strip``: strip notebooks in place, check them, or act as a git filter.

Exit codes: 0 done (or nothing to strip), 1 ``--check`` found notebooks that would change (or
``--status`` found no filter), 2 bad usage or a notebook that could not be stripped (left as it
was).
Only ``argparse`` and the stripper itself are imported here: a git filter runs this once per file.
"""

from __future__ import annotations

import os
import sys

from kedro_nb.cli import print_error
from kedro_nb.strip._core import DEFAULT_KEEP_OUTPUT_TAG, DEFAULT_REMOVED_KEYS, StripOptions
from kedro_nb.strip._files import _strip_bytes, _strip_file
from kedro_nb.strip.errors import StripError

TYPE_CHECKING = False  # typing and collections.abc cost milliseconds per git-filter process
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any

PROG = "kedro-nb strip"

DESCRIPTION = """\
Remove outputs, execution counts and volatile metadata from Jupyter notebooks, writing them in the
exact layout Jupyter saves. Sources, cell ids, attachments, tags and other metadata are kept; a cell
tagged keep_output (or with "keep_output": true metadata) keeps its outputs. A clean file is not
touched. Stripping twice gives the same bytes."""

EPILOG = f"""\
keys removed by default: {" ".join(DEFAULT_REMOVED_KEYS)}

examples:
  kedro-nb strip *.ipynb                  strip in place
  kedro-nb strip --check *.ipynb          list notebooks that would change (exit 1)
  kedro-nb strip --stdin < a.ipynb        write the stripped notebook to stdout
  kedro-nb strip --install                git filter for this repository (--global: all)

exit codes: 0 ok, 1 --check found work (or --status: filter not installed), 2 error."""


def _terminal_width() -> int:
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):
        return 80


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used for ``%strip``'s help text)."""
    import argparse

    from kedro_nb.cli.parsing import CommandParser

    class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
        """Keeps our line breaks; sized without ``shutil``, which argparse imports to measure the
        terminal each time an argument is added (a cost every git-filter process would pay)."""

        def __init__(self, prog: str, **kwargs: object) -> None:
            kwargs.setdefault("width", _terminal_width() - 2)
            super().__init__(prog, **kwargs)  # type: ignore[arg-type]

    parser = CommandParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("files", nargs="*", metavar="FILES", help="notebooks to strip in place")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--stdin",
        action="store_true",
        help="read one notebook on stdin, write it stripped to stdout",
    )
    mode.add_argument(
        "-t",
        "--textconv",
        action="store_true",
        help="write FILES stripped to stdout, files unchanged (git diff textconv)",
    )
    mode.add_argument(
        "--filter-process",
        action="store_true",
        help="serve git's long-running filter protocol on stdin/stdout (set up by --install)",
    )
    mode.add_argument("--install", action="store_true", help="set up the git filter and attributes")
    mode.add_argument(
        "--uninstall", action="store_true", help="remove the git filter and attributes"
    )
    mode.add_argument(
        "--status", action="store_true", help="show the git filter set-up (exit 1 if absent)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 listing notebooks that would change",
    )
    parser.add_argument(
        "--keep-output-tag",
        metavar="TAG",
        default=DEFAULT_KEEP_OUTPUT_TAG,
        help=f"cells with this tag keep their outputs (default {DEFAULT_KEEP_OUTPUT_TAG}; "
        "'' disables)",
    )
    parser.add_argument("--keep-count", action="store_true", help="keep execution counts")
    parser.add_argument(
        "--extra-keys",
        metavar="KEYS",
        action="append",
        default=[],
        help="more keys to remove, space separated: 'metadata.KEY' (notebook) or "
        "'cell.metadata.KEY'",
    )
    parser.add_argument(
        "--keep-metadata",
        metavar="KEYS",
        action="append",
        default=[],
        help="default keys to keep, space separated, e.g. 'cell.metadata.scrolled'",
    )
    parser.add_argument(
        "--drop-empty-cells",
        action="store_true",
        help="remove cells whose source is only whitespace",
    )
    parser.add_argument(
        "--validate", action="store_true", help="also validate the result with nbformat (slower)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="do not list stripped files")
    git = parser.add_argument_group("git filter (--install/--uninstall/--status)")
    git.add_argument(
        "--global", dest="global_", action="store_true", help="use the global git config"
    )
    git.add_argument(
        "--attributes",
        metavar="FILE",
        help="attributes file (default: .gitattributes at the repository root; "
        "with --global, git's "
        "global attributes file)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``kedro-nb strip`` with ``argv``; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = None
    args = parse_fast(argv)
    if args is None:  # help, a usage error or an unusual spelling: argparse reads and explains it
        parser = build_parser()
        try:
            args = vars(parser.parse_args(argv))
        except SystemExit as exc:  # argparse exits on --help and usage errors
            return exc.code if isinstance(exc.code, int) else 2
    try:
        if args["install"] or args["uninstall"] or args["status"]:
            return _git_command(args, parser or build_parser())
        opts = StripOptions(
            keep_output_tag=args["keep_output_tag"],
            keep_count=args["keep_count"],
            extra_keys=args["extra_keys"],
            keep_metadata=args["keep_metadata"],
            drop_empty_cells=args["drop_empty_cells"],
        )
    except StripError as exc:
        return _fail(exc)
    files, validate = args["files"], args["validate"]
    if args["filter_process"]:
        return _run_filter_process(opts)
    if args["stdin"]:
        if files:
            return _usage_error("--stdin reads no FILES")
        return _run_stdin(opts, check=args["check"], validate=validate)
    if not files:
        return _usage_error("no notebooks given: pass FILES, or --stdin")
    if args["textconv"]:
        return _run_textconv(files, opts, validate=validate)
    return _run_files(files, opts, check=args["check"], quiet=args["quiet"], validate=validate)


def _usage_error(message: str) -> int:
    """A usage error found after parsing: one line, as the parser's own (kedro_nb.cli.parsing)."""
    return print_error(PROG, f"{message} (see {PROG} --help)")


# What parse_fast reads, as build_parser declares it: flag -> (dest, kind); kind "flag" stores
# True, "value" stores the next word, "append" appends it.
_FAST_OPTIONS = {
    "--stdin": ("stdin", "flag"),
    "-t": ("textconv", "flag"),
    "--textconv": ("textconv", "flag"),
    "--filter-process": ("filter_process", "flag"),
    "--check": ("check", "flag"),
    "--keep-output-tag": ("keep_output_tag", "value"),
    "--keep-count": ("keep_count", "flag"),
    "--extra-keys": ("extra_keys", "append"),
    "--keep-metadata": ("keep_metadata", "append"),
    "--drop-empty-cells": ("drop_empty_cells", "flag"),
    "--validate": ("validate", "flag"),
    "-q": ("quiet", "flag"),
    "--quiet": ("quiet", "flag"),
}
_MODES = ("stdin", "textconv", "filter_process")  # build_parser's mutually exclusive group


def _defaults() -> dict[str, Any]:
    """The values argparse gives when no option is passed (held to it by a test)."""
    return {
        "files": [],
        "stdin": False,
        "textconv": False,
        "filter_process": False,
        "install": False,
        "uninstall": False,
        "status": False,
        "check": False,
        "keep_output_tag": DEFAULT_KEEP_OUTPUT_TAG,
        "keep_count": False,
        "extra_keys": [],
        "keep_metadata": [],
        "drop_empty_cells": False,
        "validate": False,
        "quiet": False,
        "global_": False,
        "attributes": None,
    }


def parse_fast(argv: list[str]) -> dict[str, Any] | None:
    """``vars(build_parser().parse_args(argv))`` without importing argparse, or None to decline.

    A git filter, a ``git diff`` textconv and pre-commit start a process per notebook (or per
    batch), and argparse's import is a third of such a process's time (bench/strip_bench.py).
    This reads only the plain spellings of the stripping options: exact option names, values as
    the next word or after ``=``, files in one run. Anything else (help, the git set-up commands,
    abbreviations, ``--``, a word starting with ``-`` where a value or file goes, two modes at
    once, files on both sides of an option) is declined and left to argparse, which reads or
    rejects it. tests/strip/test_cli_parse.py holds the two to the same result on any argv.
    """
    args = _defaults()
    files: list[str] = []
    files_done = False
    words = iter(argv)
    for word in words:
        if not word.startswith("-"):
            if files_done:
                return None  # a second run of files: argparse's error to give
            files.append(word)
            continue
        if files:
            files_done = True
        name, equals, value = word.partition("=")
        spec = _FAST_OPTIONS.get(name)
        if spec is None:
            return None
        dest, kind = spec
        if kind == "flag":
            if equals:
                return None
            args[dest] = True
            continue
        if not equals:
            following = next(words, None)
            if following is None or following.startswith("-"):
                return None
            value = following
        if kind == "append":
            args[dest] = [*args[dest], value]
        else:
            args[dest] = value
    if sum(args[mode] for mode in _MODES) > 1:
        return None
    args["files"] = files
    return args


def _run_stdin(opts: StripOptions, *, check: bool, validate: bool) -> int:
    data = sys.stdin.buffer.read()
    try:
        result = _strip_bytes(data, "<stdin>", opts, validate)
    except StripError as exc:
        return _fail(exc)
    if check:
        return 0 if result is data else 1
    sys.stdout.buffer.write(result)
    sys.stdout.buffer.flush()
    return 0


def _run_filter_process(opts: StripOptions) -> int:
    from kedro_nb.strip._process import serve

    try:
        return serve(opts, sys.stdin.buffer, sys.stdout.buffer, on_error=_fail)
    except StripError as exc:
        return _fail(exc)
    except BrokenPipeError:
        return 0  # git went away: nothing left to answer


def _run_textconv(files: list[str], opts: StripOptions, *, validate: bool) -> int:
    """Write each file stripped to stdout, as ``git diff`` asks of a textconv driver.

    A notebook that cannot be stripped (truncated, a merge conflict, not JSON) is written as it
    is, with the reason on stderr, and the exit code stays 0: git stops the whole diff when a
    textconv fails, and the raw text is exactly what a user looking at a broken notebook's diff
    needs to see. Nothing is written anywhere but stdout. A file that cannot be read is exit 2.
    """
    from kedro_nb.strip._files import _read

    code = 0
    out = sys.stdout.buffer
    for path in files:
        try:
            data, _ = _read(path)
        except StripError as exc:
            code = _fail(exc)
            continue
        try:
            out.write(_strip_bytes(data, path, opts, validate))
        except StripError as exc:
            print(f"{PROG}: warning: {exc}; shown unchanged", file=sys.stderr, flush=True)
            out.write(data)
    out.flush()
    return code


# From this many files on, a run first checks each file for the common clean shape without
# parsing it (strip/_clean.py): that costs a few milliseconds of imports, repaid over a few dozen
# clean notebooks; a git filter or a pre-commit batch of a few files does not pay them.
_MANY_FILES = 64


def _run_files(
    files: list[str], opts: StripOptions, *, check: bool, quiet: bool, validate: bool
) -> int:
    import gc

    from kedro_nb.nbfile import ReadBuffer
    from kedro_nb.strip._files import WriteBehind, _read

    clean = None
    if len(files) >= _MANY_FILES and not validate:
        from kedro_nb.strip._clean import CleanCheck

        clean = CleanCheck.for_options(opts)
    writer = WriteBehind() if len(files) > 1 and not check else None
    collecting = gc.isenabled()
    gc.disable()  # parsed notebooks are trees, never cycles: collection passes only cost time
    changed: list[str] = []
    failed: dict[str, StripError] = {}
    buffer = ReadBuffer()  # each file is done with before the next is read
    try:
        for path in files:
            try:
                if check:
                    data, _ = _read(path, buffer)
                    if (clean is None or not clean(data, path)) and _strip_bytes(
                        data, path, opts, validate
                    ) is not data:
                        changed.append(path)
                elif _strip_file(path, opts, validate, buffer, clean, writer):
                    changed.append(path)
            except StripError as exc:
                failed[path] = exc
        if writer is not None:
            pending, writer = writer, None  # closed once, even if close() raises
            failed.update(pending.close())
    finally:
        if writer is not None:  # interrupted: finish the write under way, start no other
            writer.close(cancel=True)
        if collecting:  # main() may run inside a longer-lived process (tests, a kernel)
            gc.enable()
    for path in files:  # errors in the order of the files, whichever thread met them
        if path in failed:
            _fail(failed[path])
    if changed and (check or not quiet):
        verb = "would strip" if check else "stripped"
        sys.stdout.write("".join(f"{verb} {path}\n" for path in changed if path not in failed))
    if failed:
        return 2
    return 1 if check and changed else 0


def _git_command(args: dict[str, Any], parser: argparse.ArgumentParser) -> int:
    from kedro_nb.strip import _git

    scope = "global" if args["global_"] else "local"
    if args["files"] or args["check"]:
        return _usage_error("--install/--uninstall/--status take no FILES or --check")
    if args["install"]:
        state = _git.install(
            scope=scope, attributes=args["attributes"], strip_args=_baked_options(args, parser)
        )
        print(
            f"installed the {_git.FILTER_DRIVER} git filter ({scope}); "
            f"attributes in {state.attributes_file}"
        )
        return 0
    if args["uninstall"]:
        state = _git.uninstall(scope=scope, attributes=args["attributes"])
        print(
            f"removed the {_git.FILTER_DRIVER} git filter ({scope}) "
            f"and its line in {state.attributes_file}"
        )
        return 0
    state = _git.status(scope=scope, attributes=args["attributes"])
    print(
        f"kedro-nb git filter ({scope} config): "
        f"{'installed' if state.installed else 'not installed'}"
    )
    for key, value in state.config.items():
        print(f"  {key} = {value if value is not None else '(unset)'}")
    mark = "present" if state.attributes_installed else "absent"
    print(f"  {state.attributes_file}: '{_git.ATTRIBUTES_LINE}' {mark}")
    return 0 if state.installed else 1


def _baked_options(args: dict[str, Any], parser: argparse.ArgumentParser) -> list[str]:
    """The stripping options given with --install, to be repeated in the filter command."""
    baked: list[str] = []
    if args["keep_output_tag"] != parser.get_default("keep_output_tag"):
        baked += ["--keep-output-tag", args["keep_output_tag"]]
    for flag, on in (
        ("--keep-count", args["keep_count"]),
        ("--drop-empty-cells", args["drop_empty_cells"]),
    ):
        if on:
            baked.append(flag)
    for flag, values in (
        ("--extra-keys", args["extra_keys"]),
        ("--keep-metadata", args["keep_metadata"]),
    ):
        for value in values:
            baked += [flag, value]
    return baked


def _fail(exc: StripError) -> int:
    return print_error(PROG, str(exc))
