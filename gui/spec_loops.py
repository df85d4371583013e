"""Opening a spec that names loop files: the window lists them and asks before using any.

A loop file's code runs when the experiment runs (each is imported once in a
probe process first). Yes keeps them in the spec; No opens the spec without
them. ask_about_loops() is the question, a window-modal QMessageBox.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from core.experiment import ExperimentSpec
from core.user_loops import split_loop_spec

QUESTION_NAME = "loopFilesQuestion"


def ask_about_loops(parent: QWidget, loops: tuple[str, ...]) -> bool:
    """Whether to use these loop files (FILE:FUNCTION each); asks in a message box."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "QueueScope",
        QCoreApplication.translate(
            "SpecLoops", "This experiment spec runs loop files: code of its own."
        ),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setObjectName(QUESTION_NAME)
    listed = "\n".join(f"• {split_loop_spec(loop)[0]}" for loop in loops)
    box.setInformativeText(
        QCoreApplication.translate(
            "SpecLoops",
            "Its code runs when you start the experiment. Use these loop files?\n{files}\n"
            "No opens the spec without them.",
        ).format(files=listed)
    )
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def spec_to_open(parent: QWidget, spec: ExperimentSpec) -> ExperimentSpec:
    """spec as the user accepts it: with its loop files, or without them."""
    if not spec.loops or ask_about_loops(parent, spec.loops):
        return spec
    return spec.replace(loops=())
