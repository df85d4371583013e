"""Help → Force the race, and "Force it in step mode" beside a strategy's text.

The dialog tells each shipped schedule (gui/shipped_schedules.py) as a
numbered list of steps, each with a short why, loop 2's first; its Try it
(the default button) and each schedule's own Try it link load that schedule
into step mode, exactly as Step mode's Load schedule… does: the schedule's
parameters, the switch on, a controlled run that replays it and then waits.
The strategy panel shows a link for every strategy a shipped schedule is
for, read from the files' "strategy" fields.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.strategies import STRATEGIES
from gui.about import help_page
from gui.help_menu import HelpMenu
from gui.i18n import core_text
from gui.panels import StrategyPanel
from gui.qtutil import named
from gui.shipped_schedules import (
    ShippedSchedule,
    left_blocked,
    schedules_by_strategy,
    shipped_schedules,
    step_line,
    step_whys,
)
from gui.step_panel import StepPanel


class ForceRaceDialog(QDialog):
    """The shipped schedules step by step, each with a Try it.

    Signals:
        scheduleRequested(str): the user asked to try a schedule (its file's path).
    """

    scheduleRequested = Signal(str)

    def __init__(self, shipped: list[ShippedSchedule], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Force the race"))
        self.shipped = shipped
        self.browser = help_page(self, "forceRacePage", (720, 640))
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_link)
        self.browser.setHtml(self.page_html())
        buttons = self.findChild(QDialogButtonBox)
        assert buttons is not None
        self.try_button = named(QPushButton(self.tr("Try it")), "forceRaceTryButton")
        buttons.addButton(self.try_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.try_button.setDefault(True)
        self.try_button.setEnabled(bool(shipped))
        if shipped:
            self.try_button.setToolTip(
                self.tr("Load {file} into step mode and replay it").format(
                    file=shipped[0].path.name
                )
            )
            self.try_button.clicked.connect(lambda: self.try_schedule(shipped[0]))
        self.try_button.setFocus()

    def page_html(self) -> str:
        intro = self.tr(
            "A race shows up by chance in a free run. Step mode lets you choose who moves: "
            "these clicks force it every time, on real processes. Try it loads the schedule "
            "into step mode, replays it, and then waits for your next click."
        )
        title = self.tr("Force the race")
        parts = [f"<h2>{html.escape(title)}</h2>", f"<p>{html.escape(intro)}</p>"]
        if not self.shipped:
            parts.append(f"<p>{html.escape(self.tr('No schedule is shipped.'))}</p>")
        for number, entry in enumerate(self.shipped):
            parts.append(self._section_html(number, entry))
        return "".join(parts)

    def _section_html(self, number: int, entry: ShippedSchedule) -> str:
        schedule = entry.schedule
        parts = [f"<h3>{html.escape(schedule_title(entry))}</h3>"]
        workers = self.tr("%n worker(s)", "", schedule.workers)
        count = self.tr("%n item(s)", "", schedule.items)
        setting = f"{workers}, {count}"
        parts.append(f"<p><i>{html.escape(setting)}</i> ({html.escape(entry.path.name)})</p>")
        items = []
        for step, why in zip(schedule.steps, step_whys(schedule), strict=True):
            line = f"<code>{html.escape(step_line(step))}</code>"
            items.append(f"<li>{line}{' &nbsp;— ' + html.escape(why) if why else ''}</li>")
        parts.append(f"<ol>{''.join(items)}</ol>")
        blocked = left_blocked(schedule)
        if blocked:
            end = self.tr("After the last step, still blocked in get(): {workers}").format(
                workers=", ".join(blocked)
            )
            parts.append(f"<p>{html.escape(end)}</p>")
        try_it = html.escape(self.tr("Try it"))
        parts.append(f"<p><a href='schedule:{number}'>{try_it}</a></p>")
        return "".join(parts)

    def try_schedule(self, entry: ShippedSchedule) -> None:
        self.scheduleRequested.emit(str(entry.path))
        self.accept()

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == "schedule" and url.path().isdigit():
            number = int(url.path())
            if number < len(self.shipped):
                self.try_schedule(self.shipped[number])


def schedule_title(entry: ShippedSchedule) -> str:
    """The title of the strategy the schedule is for (its id if no strategy has it)."""
    strategy = STRATEGIES.get(entry.strategy)
    return core_text(strategy.title) if strategy is not None else entry.strategy


class ForceItLinks(QLabel):
    """Under a strategy's text: "Force it in step mode", one link per shipped schedule.

    Signals:
        scheduleRequested(str): a link was followed (the schedule file's path).
    """

    scheduleRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("forceItLinks")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        # Tab reaches the links and Enter follows one: keyboard-only use works.
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setOpenExternalLinks(False)
        self.linkActivated.connect(self.scheduleRequested.emit)
        self.paths: list[str] = []

    def show_schedules(self, shipped: list[ShippedSchedule]) -> None:
        self.paths = [str(entry.path) for entry in shipped]
        links = []
        for entry in shipped:
            if len(shipped) == 1:
                text = self.tr("Force it in step mode")
            else:
                text = self.tr("Force it in step mode ({name})").format(name=entry.path.stem)
            links.append(f"<a href='{html.escape(str(entry.path))}'>{html.escape(text)}</a>")
        self.setText("<br>".join(links))
        self.setVisible(bool(links))


class ForceRace(QObject):
    """Help → Force the race and the strategy panel's links, both into the step panel."""

    def __init__(
        self, help_menu: HelpMenu, step_panel: StepPanel, strategy_panel: StrategyPanel
    ) -> None:
        super().__init__(step_panel)
        self.step_panel = step_panel
        self.params_panel = help_menu.params_panel
        self.tabs = help_menu.tabs
        self.shipped = schedules_by_strategy()
        menu = help_menu.menu
        self.action = menu.addAction(QCoreApplication.translate("MainWindow", "Force the race"))
        self.action.setObjectName("forceRaceAction")
        actions = menu.actions()
        if len(actions) > 2:  # after "What is this?": the story, then how to force it
            menu.insertAction(actions[1], self.action)
        self.action.triggered.connect(self.show_dialog)
        self.links = ForceItLinks()
        layout = strategy_panel.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(strategy_panel.explanation_label) + 1, self.links)
        self.links.scheduleRequested.connect(self.try_schedule)
        self.params_panel.changed.connect(self.show_links)
        self.show_links()

    @Slot()
    def show_dialog(self) -> ForceRaceDialog:
        dialog = ForceRaceDialog(shipped_schedules(), self.tabs.window())
        dialog.scheduleRequested.connect(self.try_schedule)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        dialog.activateWindow()  # keys go to it at once: Return tries it, Escape closes it
        return dialog

    @Slot()
    def show_links(self) -> None:
        """The links for the strategy chosen now."""
        strategy = self.params_panel.strategy().id
        self.links.show_schedules(self.shipped.get(strategy, []))

    @Slot(str)
    def try_schedule(self, path: str) -> bool:
        """As Load schedule… does, in the Run tab; False (and a message box) if it cannot.

        Only when Load schedule… could be used now: a free run going is not cut short.
        """
        self.tabs.setCurrentIndex(0)
        if not self.step_panel.can_load():
            self.step_panel.status.setText(
                self.tr("A run is going: try the schedule once it has ended")
            )
            return False
        return self.step_panel.load_schedule(path)
