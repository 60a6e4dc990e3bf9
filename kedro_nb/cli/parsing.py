"""The argument parser every ``kedro-nb`` command uses: bad arguments in one line.

``argparse`` answers a bad argument with the whole usage block and ``prog: error: ...``.
:class:`CommandParser` keeps argparse's own message and prints only
``kedro-nb <command>: <message> (see kedro-nb <command> --help)``, the line format of every
command's errors (:func:`kedro_nb.cli.error_line`), then exits with ``EXIT_USAGE``. A value
that is not one of an argument's choices, or an option that does not exist, gets the project's
"did you mean" hint. Imported only once a command builds its parser, never on the git filter's
fast path.
"""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from kedro_nb.cli import EXIT_USAGE, error_line


class CommandParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one line on stderr and exit code 2.

    Sub-parsers (``add_subparsers``) are of this class too, so ``kedro-nb jupyter setup`` errors
    read the same way.
    """

    def error(self, message: str) -> NoReturn:
        """Print ``message`` as one line naming the command and its ``--help``; exit 2."""
        self.exit(EXIT_USAGE, error_line(self.prog, usage_message(self, message)) + "\n")

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        # argparse's message, then the closest choice: "invalid choice: 'kedo' (choose from
        # kedro, kedro_nb)" becomes "... Did you mean: kedro?"
        try:
            super()._check_value(action, value)
        except argparse.ArgumentError as exc:
            if not isinstance(value, str) or action.choices is None:
                raise
            from kedro_nb.shared import did_you_mean

            hint = did_you_mean(value, [str(choice) for choice in action.choices], n=1)
            raise argparse.ArgumentError(
                action, f"{exc.message}.{hint}" if hint else exc.message
            ) from None


def usage_message(parser: argparse.ArgumentParser, message: str) -> str:
    """``message`` (argparse's) with a "did you mean" for an option that does not exist and
    the pointer to ``--help``."""
    return f"{message}{option_hint(parser, message)} (see {parser.prog} --help)"


def option_hint(parser: argparse.ArgumentParser, message: str) -> str:
    """``". Did you mean: --from-nodes?"`` when argparse's ``message`` reports unrecognized
    arguments and one is close to an option of ``parser`` (or of its sub-commands); else ``""``.
    Shared with the magics, whose parsers are IPython's."""
    prefix = "unrecognized arguments: "
    if not message.startswith(prefix):
        return ""
    from kedro_nb.shared import did_you_mean

    unknown = [word.partition("=")[0] for word in message[len(prefix) :].split()]
    hint = did_you_mean(
        [word for word in unknown if word.startswith("--")], _long_flags(parser), n=1, cutoff=0.7
    )
    return f".{hint}" if hint else ""


def _long_flags(parser: argparse.ArgumentParser) -> list[str]:
    flags = [flag for flag in parser._option_string_actions if flag.startswith("--")]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                flags += [flag for flag in _long_flags(sub) if flag not in flags]
    return flags
