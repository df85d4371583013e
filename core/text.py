"""Text the window shows: English here, marked so the window can translate it.

The core never imports Qt, so it cannot translate. It marks its strings with
translatable("core", "...") instead; pyside6-lupdate extracts those calls
(-tr-function-alias QT_TRANSLATE_NOOP+=translatable), and the window
translates at display time with QCoreApplication.translate("core", text).
Only literal strings can be extracted: never pass a variable or an f-string.

Text built from values (a diagnosis, an error message) is a Sentence: a
marked template with named {placeholders} and the values that fill them, so
a translation can reorder the values. Values are numbers, ids, code or error
text, or further Sentences; never English words.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

Translate: TypeAlias = Callable[[str], str]


def translatable(context: str, text: str) -> str:
    """Mark text for extraction; returns it unchanged."""
    return text


def identity(text: str) -> str:
    return text


SHOWN_CHARS = 80
_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxlevel = 3
_SHORT_REPR.maxstring = _SHORT_REPR.maxother = _SHORT_REPR.maxlong = SHOWN_CHARS
_SHORT_REPR.maxlist = _SHORT_REPR.maxtuple = _SHORT_REPR.maxdict = _SHORT_REPR.maxset = 8


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """repr(value) for a one-line message, cut to about limit characters.

    A value read from a file or a command line may be huge or deeply nested;
    an integer too long to print (repr raises past 4,300 digits) shows its magnitude.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3 * limit:
        exponent = math.log10(abs(value))
        mantissa = 10 ** (exponent - math.floor(exponent))
        return f"{'-' if value < 0 else ''}{mantissa:.3f}e+{math.floor(exponent)}"
    text = _SHORT_REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def counted(count: int, one: str, many: str) -> str:
    """The template for one thing or for several: '1 item was', '2 items were'.

    Both are marked at the call site (translatable); a language without
    plural forms translates both the same.
    """
    return one if count == 1 else many


LIST_SEPARATOR = translatable("core", ", ")
MORE_IDS = translatable("core", "{shown}, … ({count} in all)")


@dataclass(frozen=True)
class Ids:
    """Ids to list: the first few and how many there are in all."""

    shown: tuple[int, ...]
    count: int

    @classmethod
    def of(cls, ids: Sequence[int], limit: int | None = 10) -> Ids:
        return cls(tuple(ids if limit is None else ids[:limit]), len(ids))

    def render(self, translate: Translate = identity) -> str:
        shown = translate(LIST_SEPARATOR).join(str(i) for i in self.shown)
        if self.count <= len(self.shown):
            return shown
        return translate(MORE_IDS).format(shown=shown, count=self.count)


@dataclass(frozen=True)
class Sentence:
    """A marked template and the values of its {placeholders}.

    A template without args is shown as it is (its braces are not format
    fields), so any plain message can be wrapped.
    """

    template: str
    args: tuple[tuple[str, Value], ...] = ()

    @classmethod
    def of(cls, template: str, /, **args: Value) -> Sentence:
        return cls(template, tuple(args.items()))

    def render(self, translate: Translate = identity) -> str:
        text = translate(self.template)
        if not self.args:
            return text
        return text.format_map({name: _render(value, translate) for name, value in self.args})

    def __str__(self) -> str:
        return self.render()


Value: TypeAlias = "str | int | float | Sentence | Ids | tuple[Sentence, ...]"


def _render(value: Value, translate: Translate) -> str | int | float:
    if isinstance(value, Sentence | Ids):
        return value.render(translate)
    if isinstance(value, tuple):
        return translate(LIST_SEPARATOR).join(part.render(translate) for part in value)
    return value  # numbers stay numbers, so templates may use format specs like {n:,}
