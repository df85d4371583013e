"""Structural rules of gui/: one bridge to the core, plain-object signals, cheap `import gui`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

GUI = Path(__file__).resolve().parents[2] / "gui"
# The bridge: the only module that runs the core (single runs and experiments).
BRIDGES = ("bridge.py",)
# Widgets may use core's data classes and constants, never what starts processes.
RUNNING_MODULES = (
    "multiprocessing",
    "concurrent",
    "core.engine",
    "core.worker",
    "core.queues",
    "core.experiment.runner",
)


def gui_modules() -> list[Path]:
    return sorted(GUI.glob("*.py"))


def imports(tree: ast.AST) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.extend((node.module, alias.name) for alias in node.names)
    return found


@pytest.mark.parametrize("path", gui_modules(), ids=lambda p: p.name)
def test_only_the_bridge_runs_the_core(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for module, name in imports(tree):
        starts_processes = (
            module.startswith(RUNNING_MODULES)
            or (module == "core" and name == "run")
            or (module == "core.experiment" and name == "run_experiment")
        )
        if path.name not in BRIDGES:
            assert not starts_processes, f"{path.name} imports {module}.{name}"
        else:
            assert not module.startswith("multiprocessing"), "a bridge calls the core API only"


@pytest.mark.parametrize("path", gui_modules(), ids=lambda p: p.name)
def test_signals_carry_objects_and_no_self_thread(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Signal":
            for arg in node.args:
                type_name = getattr(arg, "id", None)
                assert type_name not in ("dict", "list"), (
                    f"{path.name}:{node.lineno}: Signal({type_name}) converts to a Qt container; "
                    "use Signal(object)"
                )
        if isinstance(node, ast.Attribute) and node.attr == "thread":
            owner = node.value
            assert not (isinstance(owner, ast.Name) and owner.id == "self"), (
                f"{path.name}:{node.lineno}: self.thread shadows QObject.thread()"
            )


def test_bridge_worker_documents_its_signals() -> None:
    from gui.bridge import CoreController, CoreWorker, ExperimentController, RunController

    generic = ("started(object)", "progress(object)", "finished(object)", "errored(str)")
    documented: list[tuple[type, tuple[str, ...]]] = [
        (CoreWorker, generic),
        (CoreController, generic),
        (RunController, ("started(RunParams)", "progress(Progress)", "finished(RunResult)")),
        (
            ExperimentController,
            (
                "started(ExperimentPlan)",
                "progress(ExperimentProgress)",
                "finished(ExperimentResult)",
                "errored(str)",
            ),
        ),
    ]
    for cls, signals in documented:
        doc = cls.__doc__ or ""
        assert "Signals:" in doc
        for signal in signals:
            assert signal in doc, f"{cls.__name__} does not document {signal}"


def test_one_bridge_shape_for_runs_and_experiments() -> None:
    """Both controllers are the same bridge; no second worker/thread shape creeps back in."""
    from gui.bridge import CoreController, ExperimentController, RunController

    assert issubclass(RunController, CoreController)
    assert issubclass(ExperimentController, CoreController)
    assert not (GUI / "experiment_bridge.py").exists()
    for path in gui_modules():
        if path.name not in BRIDGES:
            assert "QThread(" not in path.read_text(), f"{path.name} starts its own QThread"


@pytest.mark.parametrize("path", gui_modules(), ids=lambda p: p.name)
def test_no_thread_is_ever_terminated(path: Path) -> None:
    """Cancel is cooperative everywhere: QThread.terminate() can leave locks held and children."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "terminate":
            raise AssertionError(f"{path.name}:{node.lineno} calls terminate()")


@pytest.mark.parametrize("name", BRIDGES)
def test_bridges_never_delete_the_worker_in_its_own_thread(name: str) -> None:
    """``worker.deleteLater`` on a worker signal runs in the worker thread, which can deadlock
    PySide (see gui.bridge's docstring): the worker is deleted in the GUI thread instead."""
    tree = ast.parse((GUI / name).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "connect":
            for arg in node.args:
                is_delete_later = isinstance(arg, ast.Attribute) and arg.attr == "deleteLater"
                owner = getattr(arg, "value", None)
                assert not (is_delete_later and getattr(owner, "id", None) == "worker"), (
                    f"{name}:{node.lineno} connects worker.deleteLater"
                )


def test_import_gui_does_not_load_qt() -> None:
    """main.py may import gui at top level; spawned workers re-import main and must stay Qt-free."""
    code = "import sys, gui; print('PySide6' in sys.modules, 'pyqtgraph' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=GUI.parent,
    )
    assert out.stdout.split() == ["False", "False"]
