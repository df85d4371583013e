"""Your own loop: a worker loop read from a Python file, checked without running it.

A loop file defines `def loop(q, process, opts)` (or another name, given as
FILE:FUNCTION) and may define `def finish(run)`, what the main process does
once the items are in (core.hosts.FinishHost), and literal descriptors:

    TITLE = "My loop"              # how the lab names it
    DESCRIPTION = "..."            # its explanation
    BACKENDS = ("mp", "manager")   # the queue backends it runs on, its default first
    SENTINEL = "STOP"              # put after the items ...
    SENTINELS = "per-worker"       # ... none, one, or per-worker (default when SENTINEL is set)
    NEEDS = ("stop event",)        # what it needs of a backend (core.backends.Need values)

read_loop() checks a file from its text alone (ast, and literal_eval for
the descriptors: no code of the file runs in this process) and builds a
Strategy whose id is `loop:/absolute/path.py:function`. Its loop is a
UserLoop, which travels to a worker as (path, function) and imports the
file there by path (never as pickled code). The file's top-level code runs
first in a short-lived probe process (core.user_code.probe_loop), so an
exception at import time is reported, with the file and line, before any
worker starts. load_loop() does both and registers the strategy.
check_loop_source() is the same check on text being edited, as a list of
(line, column, message) problems.
"""

from __future__ import annotations

import ast
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.errors import ParamError
from core.text import Sentence, Value, shown, translatable
from core.user_code import loop_function, probe_loop, run_finish

if TYPE_CHECKING:
    from core.hosts import FinishHost
    from core.strategies import Strategy
    from core.worker import LoopOptions

LOOP_PREFIX = "loop:"
DEFAULT_FUNCTION = "loop"
FINISH_FUNCTION = "finish"
LOOP_PARAMETERS = 3  # (q, process, opts)
FINISH_PARAMETERS = 1  # (run)
MAX_LOOP_BYTES = 1 << 20  # a loop is a few lines: anything far past that is not one
SENTINEL_COUNTS = ("none", "one", "per-worker")

USER_LOOPS = translatable("core", "Your own loops")
EXPECTED = translatable("core", "your own loop: run it and see")
NO_SUCH_FILE = translatable("core", "no such file")
IS_A_DIRECTORY = translatable("core", "is a directory, not a Python file")
NOT_REGULAR = translatable("core", "not a regular file")
TOO_LARGE = translatable("core", "the file is {size:,} bytes; a loop file may have at most {max:,}")
CANNOT_READ = translatable("core", "cannot read it: {reason}")
NOT_UTF8 = translatable("core", "not a UTF-8 text file")
NOT_PYTHON = translatable("core", "not Python: {reason}")
NO_FUNCTION = translatable(
    "core", "no function {function}(q, process, opts) defined with def at the top level"
)
NO_FUNCTION_BUT = translatable(
    "core",
    "no function {function}(q, process, opts) defined with def at the top level; "
    "it defines: {defined}",
)
ASYNC_FUNCTION = translatable("core", "{function} is async; a worker loop is a plain def")
WRONG_LOOP_SIGNATURE = translatable(
    "core", "{function} must take exactly three parameters (q, process, opts), not ({parameters})"
)
WRONG_FINISH_SIGNATURE = translatable(
    "core", "finish must take exactly one parameter (run), not ({parameters})"
)
NOT_A_LITERAL = translatable(
    "core", "{name} must be a literal value (no names, calls or operators)"
)
NOT_A_STRING = translatable("core", "{name} must be a string, not {value}")
NOT_STRINGS = translatable("core", "{name} must be a string or a tuple of strings")
UNKNOWN_BACKEND = translatable("core", "unknown backend {value}; valid: {valid}")
UNKNOWN_NEED = translatable("core", "unknown need {value}; valid: {valid}")
UNKNOWN_SENTINELS = translatable("core", "SENTINELS is {value}; valid: {valid}")
NO_BACKEND_FITS = translatable(
    "core", "none of the backends ({backends}) supplies what the loop needs ({needs})"
)
BAD_FUNCTION_NAME = translatable("core", "{function} is not a Python function name")
WHERE = translatable("core", "{file}:{line}:{column}: {message}")
WHERE_FILE = translatable("core", "{file}: {message}")


class LoopFileError(ParamError):
    """A loop file that cannot be run: one line, `file.py:LINE:COL: reason`."""


@dataclass(frozen=True)
class LoopProblem:
    """What is wrong at one place of a loop file (line and column are 1-based; 0: no place)."""

    line: int
    column: int
    message: Sentence

    def located(self, file: str) -> Sentence:
        if self.line <= 0:
            return Sentence.of(WHERE_FILE, file=file, message=self.message)
        return Sentence.of(
            WHERE, file=file, line=self.line, column=self.column, message=self.message
        )


def _problem(node: ast.AST | None, template: str, /, **args: Value) -> LoopProblem:
    line = getattr(node, "lineno", 0) if node is not None else 0
    column = getattr(node, "col_offset", -1) + 1 if node is not None else 0
    return LoopProblem(line, column, Sentence.of(template, **args))


# --- where a loop is: FILE[:FUNCTION] ------------------------------------------------


def split_loop_spec(spec: str) -> tuple[str, str]:
    """FILE[:FUNCTION] (or a strategy id loop:FILE:FUNCTION) as (file, function)."""
    text = spec.removeprefix(LOOP_PREFIX)
    head, sep, tail = text.rpartition(":")
    if sep and tail.isidentifier() and head:
        return head, tail
    return text, DEFAULT_FUNCTION


def loop_path(spec: str, base_dir: str | None = None) -> tuple[str, str]:
    """(absolute path, function) of FILE[:FUNCTION]; a relative FILE is under base_dir."""
    file, function = split_loop_spec(spec)
    file = os.path.expanduser(file)
    return os.path.abspath(os.path.join(base_dir or os.getcwd(), file)), function


def loop_id(path: str, function: str = DEFAULT_FUNCTION) -> str:
    """The strategy id of the loop `function` of the file at the absolute path."""
    return f"{LOOP_PREFIX}{path}:{function}"


def is_loop_id(strategy_id: str) -> bool:
    return strategy_id.startswith(LOOP_PREFIX)


# --- the check, from the text alone ------------------------------------------------------


@dataclass(frozen=True)
class LoopSource:
    """What a checked loop file says of itself."""

    function: str
    source: str  # the loop function's source, for display
    finish_source: str | None  # finish's, when the file has one
    title: str | None = None
    description: str | None = None
    backends: tuple[str, ...] = ()
    sentinel: Any = None
    sentinels: str = "none"
    needs: tuple[str, ...] = ()


def check_loop_source(text: str, function: str = DEFAULT_FUNCTION) -> list[LoopProblem]:
    """Everything wrong with a loop file's text, in the file's order; [] when it can run."""
    return _parse(text, function)[1]


def _parse(text: str, function: str) -> tuple[LoopSource | None, list[LoopProblem]]:
    if not function.isidentifier():
        return None, [_problem(None, BAD_FUNCTION_NAME, function=shown(function))]
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        reason = error.msg or type(error).__name__
        line, column = error.lineno or 0, error.offset or 0
        return None, [LoopProblem(line, column, Sentence.of(NOT_PYTHON, reason=reason))]
    except ValueError as error:  # a NUL byte
        return None, [LoopProblem(0, 0, Sentence.of(NOT_PYTHON, reason=str(error)))]
    problems: list[LoopProblem] = []
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    literals: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions[node.name] = node
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            if isinstance(node.targets[0], ast.Name):
                literals[node.targets[0].id] = node.value
        elif (
            isinstance(node, ast.AnnAssign)
            and node.value is not None
            and isinstance(node.target, ast.Name)
        ):
            literals[node.target.id] = node.value
    loop = functions.get(function)
    if loop is None:
        defined = [name for name, node in functions.items() if _arity(node) == LOOP_PARAMETERS]
        if defined:
            problems.append(
                _problem(None, NO_FUNCTION_BUT, function=function, defined=", ".join(defined))
            )
        else:
            problems.append(_problem(None, NO_FUNCTION, function=function))
    else:
        problems += _check_function(loop, LOOP_PARAMETERS, WRONG_LOOP_SIGNATURE)
    finish = functions.get(FINISH_FUNCTION) if function != FINISH_FUNCTION else None
    if finish is not None:
        problems += _check_function(finish, FINISH_PARAMETERS, WRONG_FINISH_SIGNATURE)
    described = _Descriptors(literals)
    if problems or loop is None:
        return None, _in_order(problems + described.problems)
    source = LoopSource(
        function=function,
        source=ast.get_source_segment(text, loop) or "",
        finish_source=ast.get_source_segment(text, finish) if finish is not None else None,
        **described.values,
    )
    return (None if described.problems else source), _in_order(described.problems)


def _in_order(problems: list[LoopProblem]) -> list[LoopProblem]:
    """By line and column; problems of the whole file (line 0) last."""
    return sorted(problems, key=lambda p: (p.line <= 0, p.line, p.column))


def _arity(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int | None:
    """Its number of parameters; None if it takes *args, **kwargs or keyword-only ones."""
    args = node.args
    if args.vararg or args.kwarg or args.kwonlyargs:
        return None
    return len(args.posonlyargs) + len(args.args)


def _check_function(
    node: ast.FunctionDef | ast.AsyncFunctionDef, count: int, wrong: str
) -> list[LoopProblem]:
    if isinstance(node, ast.AsyncFunctionDef):
        return [_problem(node, ASYNC_FUNCTION, function=node.name)]
    if _arity(node) == count:
        return []
    parameters = ast.unparse(node.args)
    return [_problem(node, wrong, function=node.name, parameters=parameters)]


class _Descriptors:
    """The file's literal descriptors, read with literal_eval (never run)."""

    def __init__(self, literals: dict[str, ast.expr]) -> None:
        from core.backends import Need, backend_names

        self.problems: list[LoopProblem] = []
        self.values: dict[str, Any] = {}
        self.literals = literals
        self.values["title"] = self._string("TITLE")
        self.values["description"] = self._string("DESCRIPTION")
        valid_needs = [need.value for need in Need]
        self.values["needs"] = self._choices("NEEDS", valid_needs, UNKNOWN_NEED)
        self.values["backends"] = self._choices("BACKENDS", backend_names(), UNKNOWN_BACKEND)
        if "SENTINEL" in literals:
            self.values["sentinel"] = self._literal("SENTINEL")
        counts = self._string("SENTINELS")
        if counts is None:
            counts = "per-worker" if "SENTINEL" in literals else "none"
        elif counts not in SENTINEL_COUNTS:
            self.problems.append(
                _problem(
                    literals["SENTINELS"],
                    UNKNOWN_SENTINELS,
                    value=shown(counts),
                    valid=", ".join(SENTINEL_COUNTS),
                )
            )
        self.values["sentinels"] = counts

    def _literal(self, name: str) -> Any:
        node = self.literals.get(name)
        if node is None:
            return None
        try:
            return ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            self.problems.append(_problem(node, NOT_A_LITERAL, name=name))
            return None

    def _string(self, name: str) -> str | None:
        value = self._literal(name)
        if value is None or isinstance(value, str):
            return value
        self.problems.append(
            _problem(self.literals[name], NOT_A_STRING, name=name, value=shown(value))
        )
        return None

    def _choices(
        self, name: str, valid: list[str] | tuple[str, ...], unknown: str
    ) -> tuple[str, ...]:
        value = self._literal(name)
        if value is None:
            return ()
        words = (value,) if isinstance(value, str) else value
        if not isinstance(words, tuple | list) or not all(isinstance(w, str) for w in words):
            self.problems.append(_problem(self.literals[name], NOT_STRINGS, name=name))
            return ()
        node = self.literals[name]
        elements = node.elts if isinstance(node, ast.Tuple | ast.List) else [node] * len(words)
        for word, element in zip(words, elements, strict=False):
            if word not in valid:
                self.problems.append(
                    _problem(element, unknown, value=shown(word), valid=", ".join(valid))
                )
                return ()
        return tuple(dict.fromkeys(words))


# --- reading a file -------------------------------------------------------------------


def read_loop_text(path: str) -> str:
    """The text of the loop file at path; LoopFileError (one line) if it is none."""

    def fail(template: str, /, **args: Value) -> LoopFileError:
        return LoopFileError(LoopProblem(0, 0, Sentence.of(template, **args)).located(path))

    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise fail(IS_A_DIRECTORY)
        if not stat.S_ISREG(info.st_mode):
            raise fail(NOT_REGULAR)
        if info.st_size > MAX_LOOP_BYTES:
            raise fail(TOO_LARGE, size=info.st_size, max=MAX_LOOP_BYTES)
        # O_NONBLOCK: should the name become a FIFO meanwhile, opening it does not wait.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        try:
            data = os.read(fd, MAX_LOOP_BYTES + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise fail(NO_SUCH_FILE) from None
    except OSError as error:
        raise fail(CANNOT_READ, reason=str(error.strerror or error)) from None
    if len(data) > MAX_LOOP_BYTES:
        raise fail(TOO_LARGE, size=len(data), max=MAX_LOOP_BYTES)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise LoopFileError(LoopProblem(line, column, Sentence(NOT_UTF8)).located(path)) from None


def loop_hash(path: str) -> str:
    """The SHA-256 of a loop file's text: a remote worker runs only the very same file."""
    import hashlib

    return hashlib.sha256(read_loop_text(path).encode("utf-8")).hexdigest()


def read_loop(spec: str, base_dir: str | None = None) -> Strategy:
    """The strategy of the loop file FILE[:FUNCTION], checked from its text; runs none of it.

    A relative FILE is under base_dir (the working directory when None).
    Raises LoopFileError with one line: file, line and column, and why.
    """
    from core.backends import Need, backends
    from core.strategies import Strategy

    path, function = loop_path(spec, base_dir)
    text = read_loop_text(path)
    source, problems = _parse(text, function)
    if problems or source is None:
        raise LoopFileError(problems[0].located(path))
    needs = frozenset(Need(value) for value in source.needs)
    # Unsaid, mp first: a Process per worker, so a worker's own exit code is evidence too.
    asked = source.backends or tuple(sorted((b.name for b in backends()), key="mp".__ne__))
    fitting = [b.name for b in backends() if needs <= b.supports and b.name in asked]
    fitting.sort(key=asked.index)  # BACKENDS' order: its first that fits is the default
    if not fitting:
        message = Sentence.of(
            NO_BACKEND_FITS, backends=", ".join(asked), needs=", ".join(source.needs)
        )
        raise LoopFileError(LoopProblem(0, 0, message).located(path))
    finish = None
    if source.finish_source is not None:
        finish = UserFinish(path, FINISH_FUNCTION, source.finish_source)
    name = os.path.basename(path)
    return Strategy(
        id=loop_id(path, function),
        title=source.title or (name if function == DEFAULT_FUNCTION else f"{name}: {function}"),
        group=USER_LOOPS,
        explanation=source.description or "",
        docs_note="",
        expected=EXPECTED,
        expected_outcomes=frozenset(),
        loop=UserLoop(path, function, source.source),
        sentinel=source.sentinel,
        sentinels=source.sentinels,
        finish=finish,
        needs=needs,
        default_backend=fitting[0],
        backends=source.backends,
    )


def load_loop(spec: str, base_dir: str | None = None) -> Strategy:
    """read_loop(), then its file's top-level code run in a probe process, then registered.

    The strategy shows wherever the built-ins do (a file loaded again
    replaces its earlier version). Raises LoopFileError: for an exception
    at import time, with the file and line where it was raised.
    """
    from core.strategies import register_strategy, unregister_strategy

    strategy = checked_loop(spec, base_dir)
    unregister_strategy(strategy.id)
    register_strategy(strategy)
    return strategy


def checked_loop(spec: str, base_dir: str | None = None) -> Strategy:
    """read_loop(), then its file's top-level code run in a probe process; not registered.

    For a caller that registers in another thread (the window's) or only
    checks before a run. Raises LoopFileError like load_loop().
    """
    strategy = read_loop(spec, base_dir)
    assert isinstance(strategy.loop, UserLoop)
    failed = probe_loop(strategy.loop.path, strategy.loop.function)
    if failed is not None:
        line, message = failed
        raise LoopFileError(
            LoopProblem(line, 1 if line else 0, message).located(strategy.loop.path)
        )
    return strategy


def ensure_registered(strategy_id: str) -> None:
    """Register the loop file a loop:... id names, from its text (no code runs)."""
    from core.strategies import STRATEGIES, register_strategy

    if is_loop_id(strategy_id) and strategy_id not in STRATEGIES:
        register_strategy(read_loop(strategy_id))


# --- what travels to a worker: a path and a name ------------------------------------


@dataclass(frozen=True)
class UserLoop:
    """A user's loop as a worker gets it: the file's path and the function's name.

    Picklable as these two strings (and the source, for display); calling it
    imports the file in the calling process, which is always a worker.
    """

    path: str
    function: str
    source_text: str = ""

    def __call__(self, q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
        loop_function(self.path, self.function)(q, process, opts)


@dataclass(frozen=True)
class UserFinish:
    """A user's finish(run): run in a helper process of its own (core.user_code)."""

    path: str
    function: str
    source_text: str = ""

    def __call__(self, run: FinishHost) -> None:
        run_finish(self.path, self.function, run)
