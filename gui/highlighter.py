"""A small Python syntax highlighter for the strategy's worker loop."""

from __future__ import annotations

import builtins
import keyword
import re
from typing import Any, ClassVar

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat


def _format(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


# One alternation, scanned left to right, so a '#' inside a string stays a
# string and a keyword inside a comment stays a comment.
_TOKEN = re.compile(
    r"""
    (?P<string>[rbfRBF]{0,2}(?:\"\"\".*?\"\"\"|'''.*?'''|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'))
    | (?P<comment>\#.*)
    | (?P<decorator>@[\w.]+)
    | (?P<definition>(?<=\bdef\s)\w+|(?<=\bclass\s)\w+)
    | (?P<word>\b[A-Za-z_]\w*\b)
    | (?P<number>\b\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?\b)
    """,
    re.VERBOSE,
)
_KEYWORDS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))


class PythonHighlighter(QSyntaxHighlighter):
    """Keywords, builtins, strings, comments, numbers and def/class names."""

    FORMATS: ClassVar[dict[str, QTextCharFormat]] = {
        "keyword": _format("#0033b3", bold=True),
        "builtin": _format("#7a3e9d"),
        "self": _format("#94558d", italic=True),
        "string": _format("#067d17"),
        "comment": _format("#8c8c8c", italic=True),
        "decorator": _format("#9e880d"),
        "definition": _format("#00627a", bold=True),
        "number": _format("#1750eb"),
    }

    def __init__(self, document: Any) -> None:
        super().__init__(document)

    def highlightBlock(self, text: str) -> None:
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup
            if kind == "word":
                word = match.group()
                if word in _KEYWORDS:
                    kind = "keyword"
                elif word in ("self", "cls"):
                    kind = "self"
                elif word in _BUILTINS:
                    kind = "builtin"
                else:
                    continue
            if kind is None:
                continue
            start, end = match.span()
            self.setFormat(start, end - start, self.FORMATS[kind])
