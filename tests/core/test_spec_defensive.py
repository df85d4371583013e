"""Specs read defensively: odd files and hostile contents are one line and exit 2.

A FIFO, a directory or a device is refused without reading it; text past a
size cap, nesting past a depth cap and numbers past a digit cap are refused
before they can exhaust the stack or memory. Every failure is an
ExperimentSpecError (the window shows it in a message box, see
tests/gui/test_spec_input.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from core.experiment import ExperimentSpecError, load_spec, parse_spec
from core.experiment.spec import MAX_AXIS_VALUES, MAX_SPEC_BYTES
from tests.core.cli_helpers import cli

STRATEGY = '"strategies": "get-timeout"'


def fifo(tmp_path: Path) -> str:
    path = tmp_path / "spec.json"
    os.mkfifo(path)  # nobody writes: reading it would wait forever
    return str(path)


def directory(tmp_path: Path) -> str:
    path = tmp_path / "spec.json"
    path.mkdir()
    return str(path)


def written(name: str, text: str) -> Callable[[Path], str]:
    def make(tmp_path: Path) -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return make


DEEP_JSON = "{" + STRATEGY + ', "workers": ' + "[" * 990 + "]" * 990 + "}"
DEEP_TOML = 'strategies = "get-timeout"\nworkers = ' + "[" * 1000 + "]" * 1000 + "\n"
FILES: list[tuple[str, Callable[[Path], str], str]] = [
    # (case, the file, what the one line says)
    ("fifo", fifo, "not a regular file"),
    ("directory", directory, "not a regular file"),
    ("/dev/zero", lambda tmp_path: "/dev/zero", "cannot read spec /dev/zero: not a regular file"),
    ("json nested 990 deep", written("deep.json", DEEP_JSON), "nested more than 32 levels"),
    ("toml nested 1000 deep", written("deep.toml", DEEP_TOML), "nested more than 32 levels"),
    (
        "json 5000-digit int",
        written("digits.json", "{" + STRATEGY + ', "seed": ' + "7" * 5000 + "}"),
        "a number has more than 30 digits",
    ),
    (
        "toml 5000-digit int",
        written("digits.toml", 'strategies = "get-timeout"\nseed = ' + "7" * 5000 + "\n"),
        "a number has more than 30 digits",
    ),
    (
        "toml 4000-digit int",
        written("d4000.toml", 'strategies = "get-timeout"\nseed = ' + "7" * 4000 + "\n"),
        "a number has more than 30 digits",
    ),
    (
        "too large",
        written("big.json", "{" + STRATEGY + ', "workers": [' + "1," * MAX_SPEC_BYTES + "1]}"),
        "a spec may have at most 1,048,576",
    ),
    (
        "a million-value axis",
        written("axis.json", "{" + STRATEGY + ', "workers": [' + "1," * 500_000 + "1]}"),
        f"workers: 500,001 values; an axis takes at most {MAX_AXIS_VALUES:,}",
    ),
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("case", "make", "said"), FILES, ids=[case for case, _, _ in FILES])
def test_a_hostile_spec_file_is_one_line_and_exit_2(
    tmp_path: Path, case: str, make: Callable[[Path], str], said: str
) -> None:
    path = make(tmp_path)
    done = cli("experiment", "--spec", path, "--plan", timeout=30)
    assert done.returncode == 2, done.stderr[-500:]
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and len(lines[0]) < 300, done.stderr[-500:]
    assert said in lines[0]
    with pytest.raises(ExperimentSpecError, match=said.replace("(", r"\(")):
        load_spec(path)


@pytest.mark.parametrize(
    ("text", "fmt", "said"),
    [
        (DEEP_JSON, "json", "nested more than 32 levels"),
        ("[" * 100_000 + "]" * 100_000, "json", "nested more than 32 levels"),
        (DEEP_TOML, "toml", "nested more than 32 levels"),
        ("x = " + "[" * 100_000, "toml", "nested more than 32 levels"),
        ("{" + STRATEGY + ', "seed": -' + "7" * 31 + "}", "json", "more than 30 digits"),
        ("x" * (MAX_SPEC_BYTES + 1), "json", "a spec may have at most 1,048,576"),
    ],
    ids=["json", "json-100k", "toml", "toml-100k-open", "negative-digits", "too-long-text"],
)
def test_parse_spec_refuses_what_would_exhaust_the_stack_or_memory(
    text: str, fmt: str, said: str
) -> None:
    with pytest.raises(ExperimentSpecError) as caught:
        parse_spec(text, fmt, "spec")
    message = str(caught.value)
    assert said in message and "\n" not in message


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("{" + STRATEGY + ', "work_ms": [' + ", ".join(['"x"'] * 900) + "]}", "work_ms: expected"),
        ("{" + STRATEGY + ', "work_kind": "' + "y" * 500_000 + '"}', "unknown work kind 'yyy"),
        ('{"strategies": "' + "z" * 500_000 + '"}', "unknown strategy 'zzz"),
        ("{" + STRATEGY + ', "' + "k" * 500_000 + '": 1}', "unknown key 'kkk"),
        ("{" + STRATEGY + ', "workers": [[' + "1, " * 100_000 + "1]]}", "workers: expected"),
    ],
    ids=["list-of-900", "long-string", "long-strategy", "long-key", "long-nested-list"],
)
def test_a_huge_rejected_value_is_echoed_shortened(text: str, said: str) -> None:
    with pytest.raises(ExperimentSpecError) as caught:
        parse_spec(text)
    message = str(caught.value)
    assert said in message and "\n" not in message
    echoed = message.split("; valid: ")[0]  # the list of valid ids grows with the catalog
    assert len(echoed) < 400, message[:500]


def test_a_symlink_to_a_regular_spec_is_read(tmp_path: Path) -> None:
    target = tmp_path / "real.toml"
    target.write_text('strategies = "get-timeout"\n', encoding="utf-8")
    link = tmp_path / "link.toml"
    link.symlink_to(target)
    assert load_spec(link).strategies == ("get-timeout",)
