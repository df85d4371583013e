"""The experiment spec: what to run, read from and written to JSON and TOML, checked key by key.

spec_from_dict() checks plain data (parsed JSON or TOML) and builds an
ExperimentSpec; every error is one user-facing line that names the key (and
the file, when there is one).
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import stat
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.backends import backend_names
from core.errors import ParamError
from core.faults import FAULT_KINDS, Fault
from core.outputs import json_safe
from core.params import (
    MAX_CHUNKSIZE,
    MAX_SECONDS,
    MAX_SEED,
    MAX_WORK_MS,
    PARAMS,
    POOL_QUEUE,
    Param,
    is_int,
    type_name,
)
from core.strategies import STRATEGIES
from core.text import Sentence, Value, shown, translatable
from core.user_loops import loop_id, loop_path, read_loop

SPEC_VERSION = 1
DEFAULT_TRIALS = 20
MAX_TRIALS = 10_000
MAX_PARALLEL = 64
# A spec is a few hundred bytes of flat keys and lists: anything far past that is not one.
MAX_SPEC_BYTES = 1 << 20
MAX_NESTING = 32  # levels of lists and tables
MAX_INT_DIGITS = 30  # the largest value (a seed) has 19
MAX_AXIS_VALUES = 1000
__all__ = ["MAX_CHUNKSIZE", "MAX_SECONDS", "MAX_SEED", "MAX_WORK_MS", "POOL_QUEUE"]

DEFAULT_QUEUE = "default"  # the strategy's own default queue kind
NO_FAULT = "none"

# The experiment's own parameters; the run parameters are core.params.PARAMS.
TRIALS = Param(
    "trials", int, DEFAULT_TRIALS, translatable("core", "trials per cell"), 1, MAX_TRIALS
)
PARALLEL = Param("parallel", int, 1, translatable("core", "trials at once"), 1, MAX_PARALLEL)
# Spec keys that hold one value, and the parameter that judges it.
_SCALARS = {
    "trials": TRIALS,
    **{
        name: PARAMS[name]
        for name in (
            "work_ms",
            "jitter_ms",
            "work_kind",
            "producer",
            "rate",
            "watchdog_s",
            "get_timeout_s",
            "chunksize",
            "batch_size",
            "seed",
        )
    },
    "parallel": PARALLEL,
}
# The spec's scalars that every cell's RunParams takes as they are.
RUN_SCALARS = tuple(key for key in _SCALARS if key in PARAMS and key != "seed")


def spec_queue_kinds() -> tuple[str, ...]:
    """What a spec's queue_kinds may name: "default", every backend, "pool"."""
    return (DEFAULT_QUEUE, *backend_names(), POOL_QUEUE)


class ExperimentSpecError(ParamError):
    """A malformed or out-of-range experiment spec; the message is one user-facing line."""


def spec_error(template: str, /, **args: Value) -> ExperimentSpecError:
    """An ExperimentSpecError from a marked template and its values."""
    return ExperimentSpecError(Sentence.of(template, **args))


def _from(source: str | None, message: Sentence) -> Sentence:
    """The message, after the file it is about when there is one."""
    if not source:
        return message
    return Sentence.of(translatable("core", "{source}: {message}"), source=source, message=message)


@dataclass(frozen=True)
class ExperimentSpec:
    """What to run. Grid axes are tuples; every combination is one cell.

    Build it directly (then plan_experiment() validates it) or with
    spec_from_dict() / load_spec(), which validate at once.
    """

    strategies: tuple[str, ...]
    workers: tuple[int, ...] = (3,)
    items: tuple[int, ...] = (100,)
    start_methods: tuple[str, ...] = ("spawn",)
    queue_kinds: tuple[str, ...] = (DEFAULT_QUEUE,)
    faults: tuple[str, ...] = (NO_FAULT,)  # KIND[:ARG] (core.faults), or "none"
    trials: int = DEFAULT_TRIALS
    work_ms: float = 0.0
    work_kind: str = "sleep"
    jitter_ms: float = 0.0
    producer: str = "prefill"
    rate: float | None = None
    watchdog_s: float = 5.0
    get_timeout_s: float = 0.5
    chunksize: int = 1
    batch_size: int = 1000
    seed: int = 0
    parallel: int = 1  # trials at once
    explorer: bool = False  # add the explorer's column (core.explorer.grid)
    # Loop files, FILE:FUNCTION with an absolute FILE (a spec file's relative to the spec).
    loops: tuple[str, ...] = ()

    @property
    def strategy_ids(self) -> tuple[str, ...]:
        """The strategies axis: the strategies, then the loop files' (core.user_loops)."""
        return (*self.strategies, *(loop_id(*loop_path(loop)) for loop in self.loops))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data; spec_from_dict(spec.to_dict()) gives the spec back."""
        data: dict[str, Any] = {"version": SPEC_VERSION}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "explorer" and not value:
                continue  # an opt-in: specs without it read and write as before
            if not value and (f.name == "loops" or (f.name == "strategies" and self.loops)):
                continue  # a spec without loop files is written as before there were any
            data[f.name] = list(value) if isinstance(value, tuple) else value
        return data

    def replace(self, **changes: Any) -> ExperimentSpec:
        return dataclasses.replace(self, **changes)


_FIELDS = tuple(f.name for f in dataclasses.fields(ExperimentSpec))
_KEYS = ("version", *_FIELDS)


def spec_from_dict(data: Any, source: str | None = None) -> ExperimentSpec:
    """Check plain data (parsed JSON or TOML) and build the spec.

    A grid axis may be one value or a list of values; duplicates are dropped.
    Raises ExperimentSpecError naming the key (and source, when given).
    """

    def fail(template: str, /, **args: Value) -> ExperimentSpecError:
        return ExperimentSpecError(_from(source, Sentence.of(template, **args)))

    if not isinstance(data, Mapping):
        raise fail(
            translatable("core", "the spec must be an object (a table) of keys, got {type}"),
            type=type_name(data),
        )
    for key in data:
        if key not in _KEYS:
            close = _close_match(str(key), _KEYS)
            if close:
                raise fail(
                    translatable("core", "unknown key {key} (did you mean {close}?)"),
                    key=shown(key),
                    close=repr(close),
                )
            raise fail(
                translatable("core", "unknown key {key}; valid keys: {valid}"),
                key=shown(key),
                valid=", ".join(_KEYS),
            )
    problem = _shape_problem(data)  # every key is known now
    if problem is not None:
        raise ExperimentSpecError(_from(source, problem))
    if "version" in data and (not is_int(data["version"]) or data["version"] != SPEC_VERSION):
        raise fail(
            translatable(
                "core", "version: this QueueScope reads spec version {version}, got {value}"
            ),
            version=SPEC_VERSION,
            value=shown(data["version"]),
        )
    if "strategies" not in data and "loops" not in data:
        raise fail(
            translatable("core", "missing key 'strategies' (a strategy id or a list of them)")
        )

    defaults = ExperimentSpec(strategies=())
    values: dict[str, Any] = {}
    try:
        values["strategies"] = _axis(
            data, "strategies", PARAMS["strategy"], _check_strategy, default=()
        )
        loops = _axis(data, "loops", _LOOPS, _no_check, default=())
        base_dir = os.path.dirname(os.path.abspath(source)) if source else None
        values["loops"] = tuple(dict.fromkeys(_loop_file(loop, base_dir) for loop in loops))
        values["workers"] = _axis(data, "workers", PARAMS["workers"], default=defaults.workers)
        values["items"] = _axis(data, "items", PARAMS["items"], default=defaults.items)
        values["start_methods"] = _axis(
            data, "start_methods", PARAMS["start_method"], default=defaults.start_methods
        )
        values["queue_kinds"] = _axis(
            data,
            "queue_kinds",
            PARAMS["queue_kind"],
            choices=spec_queue_kinds(),
            default=defaults.queue_kinds,
        )
        values["faults"] = _axis(data, "faults", _FAULT, _check_fault, defaults.faults)
        for key, param in _SCALARS.items():
            values[key] = param.check(data[key], key=key) if key in data else param.default
        if not isinstance(data.get("explorer", False), bool):
            raise _Invalid(
                translatable("core", "explorer: expected true or false, got {value}"),
                value=shown(data["explorer"]),
            )
        values["explorer"] = data.get("explorer", False)
    except (_Invalid, ParamError) as error:
        raise ExperimentSpecError(_from(source, error.sentence)) from None
    return ExperimentSpec(**values)


def validate_spec(spec: ExperimentSpec) -> ExperimentSpec:
    """Check a spec built in code (a GUI's); returns it normalised (duplicates dropped)."""
    return spec_from_dict(spec.to_dict())


def parse_spec(text: str, fmt: str = "json", source: str | None = None) -> ExperimentSpec:
    """Parse spec text in "json" or "toml"; syntax errors say line and column.

    Every failure is an ExperimentSpecError with one line: text past
    MAX_SPEC_BYTES, values nested past MAX_NESTING or numbers longer than
    MAX_INT_DIGITS are refused before they can exhaust the stack or memory.
    """
    if fmt not in ("json", "toml"):
        raise ValueError(f"unknown spec format {fmt!r}; use 'json' or 'toml'")
    if len(text) > MAX_SPEC_BYTES:
        raise ExperimentSpecError(_from(source, _too_large(len(text))))
    try:
        data = _parse_toml(text) if fmt == "toml" else _parse_json(text)
    except _Invalid as error:
        raise ExperimentSpecError(_from(source, error.sentence)) from None
    except RecursionError:
        raise ExperimentSpecError(_from(source, _TOO_DEEP)) from None
    except ValueError:  # Python's own limit on the digits of an int (4,300)
        raise ExperimentSpecError(_from(source, _TOO_MANY_DIGITS)) from None
    return spec_from_dict(data, source)


def _parse_toml(text: str) -> Any:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        if "end of document" in str(error):
            lines = text.splitlines() or [""]
            raise _Invalid(
                translatable("core", "invalid TOML: {error} (line {line}, column {column})"),
                error=str(error),
                line=len(lines),
                column=len(lines[-1]) + 1,
            ) from None
        raise _Invalid(translatable("core", "invalid TOML: {error}"), error=str(error)) from None


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_int=_spec_int)
    except json.JSONDecodeError as error:
        raise _Invalid(
            translatable("core", "invalid JSON at line {line}, column {column}: {error}"),
            line=error.lineno,
            column=error.colno,
            error=error.msg,
        ) from None


def _spec_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Invalid(TOO_MANY_DIGITS, max=MAX_INT_DIGITS)
    return int(text)


TOO_MANY_DIGITS = translatable("core", "a number has more than {max} digits")
_TOO_MANY_DIGITS = Sentence.of(TOO_MANY_DIGITS, max=MAX_INT_DIGITS)
_TOO_DEEP = Sentence.of(
    translatable("core", "values nested more than {max} levels deep"), max=MAX_NESTING
)


def _too_large(size: int) -> Sentence:
    return Sentence.of(
        translatable("core", "the spec is {size:,} bytes; a spec may have at most {max:,}"),
        size=size,
        max=MAX_SPEC_BYTES,
    )


def _shape_problem(data: Mapping[str, Any]) -> Sentence | None:
    """Too deep a nesting or too long a number under a key (walked without recursion)."""
    for key, top in data.items():
        pending: list[tuple[Any, int]] = [(top, 2)]
        while pending:
            value, depth = pending.pop()
            if isinstance(value, Mapping | list | tuple):
                if depth > MAX_NESTING:
                    return _from(str(key), _TOO_DEEP)
                children = value.values() if isinstance(value, Mapping) else value
                pending.extend((child, depth + 1) for child in children)
            elif is_int(value) and abs(value) >= 10**MAX_INT_DIGITS:
                return _from(str(key), _TOO_MANY_DIGITS)
    return None


def _close_match(word: str, valid: Sequence[str]) -> str | None:
    """The valid word the user probably meant (a long word is no typo of a short one)."""
    if len(word) > 2 * max(map(len, valid)):
        return None
    close = difflib.get_close_matches(word, valid, n=1)
    return close[0] if close else None


def load_spec(path: str | os.PathLike[str]) -> ExperimentSpec:
    """Read a spec file: TOML if its name ends in .toml, JSON otherwise.

    Only a regular file of at most MAX_SPEC_BYTES is read: a FIFO, a
    directory or a device is refused without reading (a FIFO would block,
    /dev/zero would never end).
    """
    name = os.fspath(path)
    return parse_spec(_read_spec_file(name), spec_format(name), name)


def _read_spec_file(name: str) -> str:
    def cannot_read(reason: str | Sentence) -> ExperimentSpecError:
        return spec_error(
            translatable("core", "cannot read spec {name}: {error}"), name=name, error=reason
        )

    not_regular = Sentence(translatable("core", "not a regular file"))
    try:
        if not stat.S_ISREG(os.stat(name).st_mode):
            raise cannot_read(not_regular)
        # O_NONBLOCK: should the name become a FIFO meanwhile, opening it does not wait.
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise cannot_read(not_regular)
            if info.st_size > MAX_SPEC_BYTES:
                raise ExperimentSpecError(_from(name, _too_large(info.st_size)))
            data = _read_at_most(fd, MAX_SPEC_BYTES + 1)
        finally:
            os.close(fd)
    except OSError as error:
        raise cannot_read(str(error.strerror or error)) from None
    if len(data) > MAX_SPEC_BYTES:
        raise ExperimentSpecError(_from(name, _too_large(len(data))))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ExperimentSpecError(
            _from(name, Sentence(translatable("core", "not a UTF-8 text file")))
        ) from None


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = os.read(fd, limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def dump_spec(spec: ExperimentSpec, fmt: str = "json") -> str:
    """The spec as "json" or "toml" text; parse_spec reads either back to the same spec."""
    if fmt == "json":
        return json.dumps(json_safe(spec.to_dict()), indent=2, allow_nan=False) + "\n"
    if fmt != "toml":
        raise ValueError(f"unknown spec format {fmt!r}; use 'json' or 'toml'")
    lines = ["# QueueScope experiment spec"]
    for key, value in spec.to_dict().items():
        if value is None:
            continue  # TOML has no null: a missing key is the default (rate: as fast as possible)
        lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string: same escapes
    return repr(value)


def spec_format(path: str | os.PathLike[str]) -> str:
    """ "toml" for a .toml file name, "json" otherwise (as load_spec reads it)."""
    return "toml" if os.fspath(path).lower().endswith(".toml") else "json"


def save_spec(spec: ExperimentSpec, path: str | os.PathLike[str]) -> None:
    Path(path).write_text(dump_spec(spec, spec_format(path)), encoding="utf-8")


class _Invalid(ValueError):
    """A spec value is wrong; the message names the key."""

    def __init__(self, template: str, /, **args: Value) -> None:
        self.sentence = Sentence.of(template, **args)
        super().__init__(self.sentence.render())


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Invalid(translatable("core", "key {key} is given twice"), key=shown(key))
        out[key] = value
    return out


_FAULT = Param("faults", str, NO_FAULT, translatable("core", "faults to inject"))


def _axis(
    data: Mapping[str, Any],
    key: str,
    param: Param,
    check: Callable[[Any], None] | None = None,
    default: tuple[Any, ...] | None = None,
    choices: Sequence[str] | None = None,
) -> tuple[Any, ...]:
    """A grid axis: one value or a list of them, each judged by param (and check)."""
    if key not in data:
        assert default is not None
        return default
    raw = data[key]
    items = list(raw) if isinstance(raw, list | tuple) else [raw]
    if not items:
        raise _Invalid(
            translatable("core", "{key}: the list is empty; give at least one value"), key=key
        )
    if len(items) > MAX_AXIS_VALUES:
        raise _Invalid(
            translatable("core", "{key}: {count:,} values; an axis takes at most {max:,}"),
            key=key,
            count=len(items),
            max=MAX_AXIS_VALUES,
        )
    out: list[Any] = []
    for item in items:
        if check is None:
            value = param.check(item, choices, key=key)
        else:
            value = param.coerce(item, key)
            check(value)
        if value not in out:
            out.append(value)
    return tuple(out)


def _check_strategy(value: str) -> None:
    if value not in STRATEGIES:
        close = _close_match(value, list(STRATEGIES))
        if close:
            raise _Invalid(
                translatable(
                    "core", "unknown strategy {value} (did you mean {close}?); valid: {valid}"
                ),
                value=shown(value),
                close=repr(close),
                valid=", ".join(STRATEGIES),
            )
        raise _Invalid(
            translatable("core", "unknown strategy {value}; valid: {valid}"),
            value=shown(value),
            valid=", ".join(STRATEGIES),
        )


_LOOPS = Param("loops", str, (), translatable("core", "loop files, FILE[:FUNCTION]"))


def _no_check(value: str) -> None:
    pass


def _loop_file(loop: str, base_dir: str | None) -> str:
    """A loop file as FILE:FUNCTION, FILE made absolute, checked from its text (none of it runs)."""
    path, function = loop_path(loop, base_dir)
    read_loop(f"{path}:{function}")
    return f"{path}:{function}"


def _check_fault(value: str) -> None:
    if value == NO_FAULT:
        return
    kind = value.partition(":")[0]
    if kind not in FAULT_KINDS:
        raise _Invalid(
            translatable("core", "unknown fault {kind}; valid: {valid}"),
            kind=shown(kind),
            valid=", ".join((NO_FAULT, *FAULT_KINDS)),
        )
    Fault.parse(value)  # its ARG is checked against each cell's size when planned
