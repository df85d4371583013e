"""The About dialog and the Help → "What is this?" page (the post's story in the app)."""

from __future__ import annotations

import html
import os
import platform

import PySide6
from PySide6.QtCore import QUrl, Signal, qVersion
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

import resources
from core import __version__
from core.params import RunParams, platform_start_method
from core.strategies import STRATEGIES
from gui.i18n import core_text
from gui.verdict import OUTCOMES, banner_colors, outcome_explanation, severity_of

DOCS_URL = "https://docs.python.org/3/library/multiprocessing.html#programming-guidelines"
POST_LOOPS = (
    "seed-empty-after-get",
    "seed-while-not-empty",
    "seed-single-sentinel",
    "seed-sentinel-per-worker",
)
STRATEGY_LINK = "queuescope:strategy/"
# What the post ran: 100 items, 3 workers, a Manager().Queue(), no work per item.
POST_SETTINGS = RunParams(items=100, workers=3, queue_kind="manager", work_ms=0.0)


def post_params(strategy_id: str) -> RunParams:
    """Try it: the post's own settings with that loop (the rest at their defaults)."""
    return POST_SETTINGS.replace(strategy=strategy_id)


def app_icon() -> QIcon:
    return QIcon(str(resources.path("icon")))


def help_page(dialog: QDialog, name: str, size: tuple[int, int]) -> QTextBrowser:
    """Lay out a Help page: a text browser (named name's "Page" as "Text") over Close."""
    dialog.setObjectName(name)
    dialog.setWindowIcon(app_icon())
    dialog.resize(*size)
    browser = QTextBrowser(dialog)
    browser.setObjectName(name.removesuffix("Page") + "Text")
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(browser)
    layout.addWidget(buttons)
    return browser


class AboutDialog(QDialog):
    """Version, the Python / Qt / PySide6 versions, the start method, CPUs, the docs link."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About QueueScope"))
        self.setWindowIcon(app_icon())
        cpus = os.cpu_count() or 1
        facts = [
            (self.tr("Version"), __version__),
            (
                self.tr("Python"),
                f"{platform.python_version()} ({platform.python_implementation()})",
            ),
            (self.tr("Qt"), qVersion()),
            (self.tr("PySide6"), PySide6.__version__),
            (
                self.tr("Start method"),
                self.tr("{method} (Python's default here: {default})").format(
                    method=RunParams().start_method, default=platform_start_method()
                ),
            ),
            (self.tr("CPUs"), self.tr("%n CPU(s)", "", cpus)),
        ]
        rows = "".join(
            f"<tr><td><b>{html.escape(name)}</b></td><td>{html.escape(str(value))}</td></tr>"
            for name, value in facts
        )
        text = QLabel(
            "<h2>QueueScope</h2><p>"
            + html.escape(
                self.tr(
                    "A lab that shows how Python multiprocessing work queues end: which loops "
                    "finish, which deadlock, which lose items, and why."
                )
            )
            + f"</p><table cellspacing='6'>{rows}</table>"
            + f"<p><a href='{DOCS_URL}'>"
            + html.escape(self.tr("Python docs: multiprocessing programming guidelines"))
            + "</a></p>"
        )
        text.setObjectName("aboutText")
        text.setOpenExternalLinks(True)
        text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)


class WhatIsThisPage(QDialog):
    """The post's story: its four loops, what went wrong, and what the lab shows for each.

    Signals:
        strategyRequested(str): the user asked to try a loop in the lab (a strategy id).
    """

    strategyRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("What is this?"))
        self.browser = help_page(self, "whatIsThisPage", (760, 720))
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_link)
        self.browser.setHtml(self.page_html())

    def page_html(self) -> str:
        intro = self.tr(
            "A blog post set out to process 100 items with three worker processes: the main "
            "process filled a multiprocessing.Manager().Queue() and started the workers with "
            "Pool(3).apply_async(read, (q,)). The run hung at the very end. The author tried "
            'four loops in turn and concluded that the hang "seems random". QueueScope runs '
            "those loops exactly as written, watches every worker, accounts for every item, and "
            "says with evidence what happened."
        )
        # Texts are translated outside the f-strings: pyside6-lupdate does not look inside.
        title = self.tr("The post and its four loops")
        parts = [f"<h2>{html.escape(title)}</h2>", f"<p>{html.escape(intro)}</p>"]
        for number, strategy_id in enumerate(POST_LOOPS, start=1):
            strategy = STRATEGIES[strategy_id]
            heading = self.tr("Loop {number}: {title}").format(
                number=number, title=core_text(strategy.title)
            )
            parts.append(f"<h3>{html.escape(heading)}</h3>")
            parts.append(f"<pre>{html.escape(strategy.source)}</pre>")
            parts.append(f"<p>{html.escape(core_text(strategy.explanation))}</p>")
            parts.append(
                "<p><i>"
                + html.escape(
                    self.tr("What the lab shows: {expected}").format(
                        expected=core_text(strategy.expected)
                    )
                )
                + "</i> &nbsp; <a href='"
                + STRATEGY_LINK
                + strategy_id
                + "'>"
                + html.escape(self.tr("Try it"))
                + "</a></p>"
            )
        moral = self.tr(
            "The Python docs say it plainly: Queue.empty() and qsize() are not reliable, and "
            "their own worker recipe ends on one 'STOP' per worker. Run an experiment to see how "
            "often each loop hangs or loses items on your machine."
        )
        moral_title = self.tr("The moral")
        parts.append(f"<h3>{html.escape(moral_title)}</h3><p>{html.escape(moral)}</p>")
        return "".join(parts)

    def _on_link(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith(STRATEGY_LINK):
            self.strategyRequested.emit(text.removeprefix(STRATEGY_LINK))
            self.accept()
        else:
            QDesktopServices.openUrl(url)


class OutcomesPage(QDialog):
    """Help → Outcomes: what each verdict word means, in the banner's colours."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Outcomes"))
        self.browser = help_page(self, "outcomesPage", (640, 460))
        self.browser.setHtml(self.page_html())

    def page_html(self) -> str:
        intro = self.tr(
            'A run ends with one or more outcomes, the headline first ("deadlock + lost"). '
            "Each is decided from recorded evidence, never guessed from time alone."
        )
        title = self.tr("Outcomes")
        rows = []
        for outcome in OUTCOMES:
            background, border, text = banner_colors(severity_of([outcome]))
            word = html.escape(core_text(outcome))
            rows.append(
                f"<tr><td style='background:{background}; color:{text};"
                f" border: 1px solid {border};'>&nbsp;<b>{word}</b>&nbsp;</td>"
                f"<td>{html.escape(outcome_explanation(outcome))}</td></tr>"
            )
        return (
            f"<h2>{html.escape(title)}</h2><p>{html.escape(intro)}</p>"
            f"<table cellspacing='4' cellpadding='4'>{''.join(rows)}</table>"
        )
