"""Errors shared across the core: a leaf module, so any layer may raise them."""

from __future__ import annotations

from core.text import Sentence, translatable


class ParamError(ValueError):
    """A run parameter is out of range or does not fit the chosen strategy.

    str(error) is the English message; error.sentence is the same message in
    translatable parts, for the window.
    """

    def __init__(self, message: str | Sentence) -> None:
        self.sentence = message if isinstance(message, Sentence) else Sentence(message)
        super().__init__(self.sentence.render())


class RunCannotStart(ParamError):
    """The machine refused what a run needs to start (a process limit, a full disk).

    A ParamError, so every caller that reports a refused run in one line
    reports this one too.
    """

    def __init__(self, error: OSError) -> None:
        super().__init__(Sentence.of(CANNOT_START, reason=error.strerror or str(error)))


CANNOT_START = translatable("core", "the run cannot start: {reason}")


class RunInProgress(RuntimeError):
    """Raised when a run is started while another one is still going."""


RUN_IN_PROGRESS = translatable("core", "a run is already in progress; wait for it or cancel it")
