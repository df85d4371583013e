"""Structural rules of gui/: one bridge to the core, plain-object signals, cheap `import gui`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

GUI = Path(__file__).resolve().parents[2] / "gui"
BRIDGE = "bridge.py"
# Widgets may use core's data classes and constants, never what starts processes.
RUNNING_MODULES = ("multiprocessing", "concurrent", "core.engine", "core.worker", "core.queues")


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
        starts_processes = module.startswith(RUNNING_MODULES) or (
            module == "core" and name == "run"
        )
        if path.name != BRIDGE:
            assert not starts_processes, f"{path.name} imports {module}.{name}"
        else:
            assert not module.startswith("multiprocessing"), "the bridge calls core.run only"


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
    from gui.bridge import RunController, RunWorker

    for cls in (RunWorker, RunController):
        doc = cls.__doc__ or ""
        assert "Signals:" in doc
        for signal in ("started", "progress(Progress)", "finished(RunResult)", "errored(str)"):
            assert signal in doc, f"{cls.__name__} does not document {signal}"


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
