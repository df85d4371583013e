"""QueueScope: with no arguments open the window; otherwise run a headless subcommand.

Qt is imported only inside open_window(): spawned workers re-import this
module, and must not load Qt.

multiprocessing.freeze_support() comes first (a frozen bundle's workers start
here); then SIGINT and SIGTERM end the start-up quietly with 130/143
(core.interrupts): the handlers are set before anything heavy is imported,
and each command replaces them with its own. The console scripts import this
module without running either (cli_entry, gui_entry set the handlers).
"""

from __future__ import annotations

if __name__ == "__main__":
    # First of all: in a frozen bundle, a spawned worker starts by running this module.
    import multiprocessing

    multiprocessing.freeze_support()

from core.interrupts import exit_at_once_on_signals

if __name__ == "__main__":
    exit_at_once_on_signals()  # next: the imports below take a while

import sys
from collections.abc import Sequence

CLI_COMMANDS = ("strategies", "run", "experiment", "explore", "worker")


def open_window(argv: Sequence[str]) -> int:
    from gui.app import main as gui_main

    return int(gui_main(list(argv)))


def is_cli_command(args: Sequence[str]) -> bool:
    return bool(args) and (args[0] in CLI_COMMANDS or args[0] in ("-h", "--help"))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if is_cli_command(args):
        from core.cli import main as cli_main

        return cli_main(args)
    if args and not args[0].startswith("-"):
        print(
            f"queuescope: error: unknown command {args[0]!r}; "
            f"use one of: {', '.join(CLI_COMMANDS)}, or no arguments for the window",
            file=sys.stderr,
        )
        return 2
    return open_window([sys.argv[0], *args])


def gui_entry() -> int:
    """Entry point of the queuescope launcher (a gui-script: no console on Windows)."""
    exit_at_once_on_signals()
    return main()


def cli_entry() -> int:
    """Entry point of the queuescope-cli script: headless commands only."""
    exit_at_once_on_signals()
    from core.cli import end_process
    from core.cli import main as cli_main

    end_process(cli_main(sys.argv[1:]))


if __name__ == "__main__":
    if is_cli_command(sys.argv[1:]):
        from core.cli import end_process

        end_process(main())
    sys.exit(main())
