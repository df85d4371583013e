"""Where a loop file's code runs besides the workers: each in a child process of its own.

The project's rule is that a user's code never runs in the main process
(the window's or the command line's). So:

- probe_loop() imports the file in a short-lived probe process before a run
  starts: an exception at import time becomes a one-line LoopFileError with
  the file and line, and top-level code that never ends is given up on.
- run_finish() runs the file's finish(run) in a helper process; the
  producer thread serves what finish asks of the run (core.hosts.FinishHost)
  over a pipe, so finish sees the same typed interface the built-ins do.
- run_isolated() runs any function of the lab that calls user code (the
  explorer's model runs loops in threads) in a child, and returns its text.

Only bytes travel back: JSON, and put() values as literals (repr, then
ast.literal_eval); nothing a user's process sends is unpickled.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib.util
import json
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from types import ModuleType
from typing import Any

from core.hosts import FinishHost
from core.interrupts import shielded
from core.lifeline import ProcessId
from core.text import Sentence, translatable
from core.worker import become_child

PROBE_TIMEOUT_S = 10.0
POLL_S = 0.05
STOP_WAIT_S = 1.0

IMPORT_FAILED = translatable("core", "importing it raised {error}")
IMPORT_EXITED = translatable("core", "importing it ended its process (exit code {code})")
IMPORT_TOO_LONG = translatable(
    "core", "importing it took longer than {seconds} s: its top-level code does not return"
)
NOT_CALLABLE = translatable("core", "once imported, {function} is not a function")
FINISH_EXITED = translatable("core", "finish(run) ended its process (exit code {code})")
NOT_A_LITERAL_PUT = (
    "run.put() in a loop file's finish takes literal values (None, strings, numbers, "
    "tuples, ...), not {value}"
)


class UserCodeError(RuntimeError):
    """The user's code failed in a child process; str() is what it said (a traceback)."""


class ChildCancelled(Exception):
    """The caller cancelled while the child worked: it was stopped, nothing is left."""


def _context() -> BaseContext:
    return multiprocessing.get_context("spawn")


def _start(ctx: BaseContext, target: Callable[..., None], args: tuple[Any, ...], name: str) -> Any:
    process = ctx.Process(target=target, args=args, name=name, daemon=True)  # type: ignore[attr-defined]
    with shielded():
        process.start()
    return process


def _stop(process: Any) -> None:
    """Join it, or end it: nothing of the user's outlives the step that started it."""
    process.join(STOP_WAIT_S if process.exitcode is None else None)
    for end in (process.terminate, process.kill):
        if process.exitcode is not None:
            break
        with contextlib.suppress(OSError):
            end()
        process.join(STOP_WAIT_S)
    with contextlib.suppress(ValueError, OSError):
        process.close()


def _send(conn: Connection, message: dict[str, Any]) -> None:
    conn.send_bytes(json.dumps(message).encode("utf-8"))


def _receive(conn: Connection) -> dict[str, Any]:
    message = json.loads(conn.recv_bytes().decode("utf-8"))
    if not isinstance(message, dict):
        raise UserCodeError(f"unexpected message from a child process: {message!r}")
    return message


# --- in a child: the file imported by path ---------------------------------------------

_MODULES: dict[str, ModuleType] = {}


def import_loop_file(path: str) -> ModuleType:
    """The loop file as a module of its own (once per process), run from its path.

    Its private module name cannot clash with a module of the lab's or the
    user's; its directory is searched last for the modules it imports.
    """
    module = _MODULES.get(path)
    if module is not None:
        return module
    name = "_queuescope_loop_" + hashlib.sha256(path.encode()).hexdigest()[:16]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}", path=path)
    module = importlib.util.module_from_spec(spec)
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.append(folder)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    _MODULES[path] = module
    return module


class NotAFunction(TypeError):
    """The file, once run, has no function by that name (a def replaced at run time)."""


def loop_function(path: str, function: str) -> Callable[..., Any]:
    """The function of the loop file at path: imports the file (in a child process only)."""
    found = getattr(import_loop_file(path), function, None)
    if not callable(found):
        raise NotAFunction(f"{path} has no function {function} once imported")
    return found  # type: ignore[no-any-return]


# --- the probe: the file's top-level code, once, before a run --------------------------


def _one_answer(
    target: Callable[..., None],
    args: tuple[Any, ...],
    name: str,
    timeout_s: float | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> dict[str, Any] | int | None:
    """Run target(*args, conn, owner) in a spawned child and read the one message it sends.

    Returns the message; the child's exit code if it ended without one; None
    if none came within timeout_s. ChildCancelled once cancelled() says so.
    The child is gone on return.
    """
    ctx = _context()
    ours, theirs = ctx.Pipe(duplex=False)
    process = _start(ctx, target, (*args, theirs, ProcessId.current()), name)
    theirs.close()
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    try:
        while not ours.poll(POLL_S):  # a message, or the end of the pipe
            if deadline is not None and time.monotonic() > deadline:
                return None
            if cancelled is not None and cancelled():
                raise ChildCancelled
        try:
            return _receive(ours)
        except EOFError:
            process.join(STOP_WAIT_S)
            return -1 if process.exitcode is None else int(process.exitcode)
    finally:
        ours.close()
        _stop(process)


def probe_loop(
    path: str, function: str, timeout_s: float = PROBE_TIMEOUT_S
) -> tuple[int, Sentence] | None:
    """Import the loop file in a probe process: None, or where and why that failed.

    The line is the file's line where the exception was raised (0: none).
    """
    answer = _one_answer(_probe_main, (path, function), "queuescope-loop-probe", timeout_s)
    if answer is None:
        return 0, Sentence.of(IMPORT_TOO_LONG, seconds=f"{timeout_s:g}")
    if isinstance(answer, int):
        return 0, Sentence.of(IMPORT_EXITED, code=answer)
    if "error" not in answer:
        return None
    if answer.get("not_callable"):
        return 0, Sentence.of(NOT_CALLABLE, function=function)
    return int(answer.get("line") or 0), Sentence.of(IMPORT_FAILED, error=str(answer["error"]))


def _probe_main(path: str, function: str, conn: Connection, owner: ProcessId) -> None:
    become_child(owner)
    answer: dict[str, Any] = {"ok": True}
    try:
        loop_function(path, function)
    except NotAFunction as error:
        answer = {"error": str(error), "not_callable": True}
    except BaseException as error:  # SystemExit and KeyboardInterrupt at import time too
        answer = _import_error(error, path)
    with contextlib.suppress(OSError):
        _send(conn, answer)
        conn.close()
    os._exit(0)  # threads its top-level code started must not keep the probe alive


def _import_error(error: BaseException, path: str) -> dict[str, Any]:
    """The exception's last line, and the line of the file where it was raised."""
    line = 0
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == path:
            line = frame.lineno or 0
    if isinstance(error, SyntaxError) and error.filename == path:
        line = error.lineno or line
    text = "".join(traceback.format_exception_only(type(error), error)).strip().splitlines()
    return {"error": text[-1] if text else type(error).__name__, "line": line}


# --- finish(run): in a helper process, served by the producer thread -------------------


def run_finish(path: str, function: str, host: FinishHost) -> None:
    """Run the file's finish in a helper process and serve its requests until it returns.

    Raises UserCodeError with the user's traceback if it raised or ended its
    process; returns early (the helper stopped) once the run shuts down.
    """
    ctx = host.ctx
    ours, theirs = ctx.Pipe()
    args = (path, function, theirs, host.workers, ProcessId.current())
    process = _start(ctx, _finish_main, args, "queuescope-finish")
    theirs.close()
    try:
        error = _serve(ours, process, host)
    finally:
        ours.close()
        _stop(process)
    if error is not None:
        raise UserCodeError(error)


def _serve(conn: Connection, process: Any, host: FinishHost) -> str | None:
    while not host.cancelled():
        if not conn.poll(POLL_S):
            continue
        try:
            request = _receive(conn)
        except EOFError:
            process.join(STOP_WAIT_S)
            return str(Sentence.of(FINISH_EXITED, code=str(process.exitcode)))
        op = request.get("op")
        if op == "done":
            return None
        if op == "error":
            return str(request.get("traceback"))
        reply: Any = None
        if op == "put":
            host.put(ast.literal_eval(str(request["value"])))
        elif op == "join_queue":
            reply = host.join_queue()
        elif op == "wait_until_empty":
            reply = host.wait_until_empty()
        elif op == "set_stop":
            host.set_stop()
        elif op == "cancelled":
            reply = host.cancelled()
        else:
            raise UserCodeError(f"unknown request from finish's process: {op!r}")
        _send(conn, {"reply": reply})
    return None


class _RemoteRun:
    """The run as finish(run) sees it in the helper process: FinishHost over a pipe."""

    def __init__(self, conn: Connection, workers: int) -> None:
        self._conn = conn
        self._workers = workers

    @property
    def workers(self) -> int:
        return self._workers

    @property
    def ctx(self) -> BaseContext:
        return _context()

    def _call(self, op: str, value: str | None = None) -> Any:
        _send(self._conn, {"op": op, "value": value})
        return _receive(self._conn).get("reply")

    def put(self, obj: Any) -> None:
        text = repr(obj)
        try:
            same = ast.literal_eval(text) == obj
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            same = False
        if not same:
            raise TypeError(NOT_A_LITERAL_PUT.format(value=text[:80]))
        self._call("put", text)

    def join_queue(self) -> bool:
        return bool(self._call("join_queue"))

    def wait_until_empty(self) -> bool:
        return bool(self._call("wait_until_empty"))

    def set_stop(self) -> None:
        self._call("set_stop")

    def cancelled(self) -> bool:
        return bool(self._call("cancelled"))


def _finish_main(
    path: str, function: str, conn: Connection, workers: int, owner: ProcessId
) -> None:
    become_child(owner)
    message: dict[str, Any] = {"op": "done"}
    try:
        loop_function(path, function)(_RemoteRun(conn, workers))
    except BaseException:  # sys.exit() in finish too: the run's evidence
        message = {"op": "error", "traceback": traceback.format_exc()}
    with contextlib.suppress(OSError, EOFError):
        _send(conn, message)
        conn.close()
    os._exit(0)


# --- any lab function that calls user code, in a child ---------------------------------


def run_isolated(
    target: Callable[..., str], *args: Any, cancelled: Callable[[], bool] | None = None
) -> str:
    """target(*args) (a module-level function returning text) run in a spawned child.

    Raises UserCodeError with the child's traceback if it raised or died, and
    ChildCancelled (the child stopped) once cancelled() answers True.
    """
    answer = _one_answer(_isolated_main, (target, args), "queuescope-isolated", None, cancelled)
    if not isinstance(answer, dict):
        raise UserCodeError(f"the child process ended (exit code {answer})")
    if "error" in answer:
        raise UserCodeError(str(answer["error"]))
    return str(answer["text"])


def _isolated_main(
    target: Callable[..., str], args: tuple[Any, ...], conn: Connection, owner: ProcessId
) -> None:
    become_child(owner)
    try:
        answer = {"text": target(*args)}
    except BaseException:
        answer = {"error": traceback.format_exc()}
    with contextlib.suppress(OSError):
        _send(conn, answer)
        conn.close()
    os._exit(0)
