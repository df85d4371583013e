"""Standard output that cannot break the CLI: any encoding, a closed pipe, a full disk.

- Characters the stream's encoding lacks (LC_ALL=C, PYTHONIOENCODING=latin-1)
  are written as ASCII: typographic ones as their usual stand-ins (an em dash
  as "-", an ellipsis as "..."), any other as a backslash escape.
- A failed write to stdout raises StdoutFailed, so the CLI tells its stdout
  apart from the files it writes: a closed pipe (``| head``) ends quietly, a
  full disk is one line. discard_stdout() then points the file descriptor at
  /dev/null, so the interpreter's last flush at exit has nothing to fail on.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import sys
from typing import TextIO

ASCII_FALLBACK = "queuescope-ascii"

_ASCII_FOR = {
    "\u2014": "-",  # em dash
    "\u2013": "-",  # en dash
    "\u2212": "-",  # minus sign
    "\u2026": "...",
    "\u00d7": "x",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2192": "->",
    "\u2190": "<-",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u00b7": ".",
    "\u00a0": " ",
}


def _ascii_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    unencodable = error.object[error.start : error.end]
    replacement = "".join(
        _ASCII_FOR.get(char) or char.encode("ascii", "backslashreplace").decode("ascii")
        for char in unencodable
    )
    return replacement, error.end


codecs.register_error(ASCII_FALLBACK, _ascii_fallback)


def tolerate_any_encoding(*streams: TextIO) -> None:
    """Encode what the streams' encoding lacks with ASCII stand-ins instead of failing."""
    for stream in streams:
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(OSError, ValueError):  # closed, or not writable now
                stream.reconfigure(errors=ASCII_FALLBACK)


class StdoutFailed(Exception):
    """Standard output could not be written: a closed pipe, a full disk, an I/O error."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))
        self.error = error

    @property
    def broken_pipe(self) -> bool:
        """The reader went away (``| head``): not an error, the output is just not wanted."""
        return isinstance(self.error, BrokenPipeError) or self.error.errno == errno.EPIPE


def write_out(text: str, end: str = "\n") -> None:
    """Print text and `end` on stdout; StdoutFailed if it cannot be written."""
    try:
        print(text, end=end)
    except OSError as error:
        raise StdoutFailed(error) from None


def flush_out() -> None:
    """Write out what stdout holds; StdoutFailed if it cannot be written."""
    try:
        sys.stdout.flush()
    except OSError as error:
        raise StdoutFailed(error) from None


def discard_stdout() -> None:
    """After a failed write: what stdout still holds goes to /dev/null, quietly."""
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
