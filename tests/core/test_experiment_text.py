"""Experiment spec errors, plan notes, skipped reasons and cell labels: marked sentences."""

from __future__ import annotations

import pytest

from core.experiment import (
    ExperimentSpec,
    ExperimentSpecError,
    parse_spec,
    plan_experiment,
)
from core.text import Sentence
from tests.core.test_diagnosis_text import marked_strings, placeholders, walk


def check(sentence: Sentence, english: str) -> None:
    """Marked, filled, the same English, and changed by a translation."""
    assert sentence.render() == english
    marked = marked_strings()
    for part in walk(sentence):
        assert part.template in marked, part.template
        assert placeholders(part.template) == {n for n, _ in part.args}, part
    assert sentence.render(lambda t: f"<{t}>") != english


@pytest.mark.parametrize(
    ("fmt", "text", "english"),
    [
        ("json", "[1]", "the spec must be an object (a table) of keys, got a list"),
        ("json", '{"strategis": 1}', "unknown key 'strategis' (did you mean 'strategies'?)"),
        ("json", "{}", "missing key 'strategies' (a strategy id or a list of them)"),
        ("json", '{"strategies": "get-timeout", "workers": "3"}', None),
        ("json", '{"strategies": "get-timeout", "watchdog_s": 0}', None),
        ("json", '{"strategies": "get-timeout", "queue_kinds": "zz"}', None),
        ("json", '{"strategies": "get-timeout", "faults": "kill:500"}', None),
        ("json", '{"strategies": "joinable-task-done", "queue_kinds": "mp"}', None),
        ("json", '{"strategies": "x", "strategies": "y"}', "key 'strategies' is given twice"),
        ("json", '{"strategies": ', None),
        ("toml", "strategies = ", None),
    ],
)
@pytest.mark.parametrize("source", [None, "spec.json"])
def test_spec_errors_carry_their_message_as_marked_sentences(
    fmt: str, text: str, english: str | None, source: str | None
) -> None:
    with pytest.raises(ExperimentSpecError) as caught:
        plan_experiment(parse_spec(text, fmt, source))
    error = caught.value
    if english is not None:
        assert str(error) == (f"{source}: " if source else "") + english
    check(error.sentence, str(error))


def test_notes_skipped_reasons_and_cell_labels_have_marked_sentences() -> None:
    plan = plan_experiment(
        ExperimentSpec(
            strategies=("joinable-task-done", "pool-imap-unordered"),
            queue_kinds=("mp", "joinable"),
            faults=("none", "slow:1"),
            workers=(64,),
            parallel=4,
        )
    )
    assert len(plan.note_sentences) == len(plan.notes) == 2  # the pool, oversubscribed
    for note, sentence in zip(plan.notes, plan.note_sentences, strict=True):
        check(sentence, note)
    assert plan.skipped
    for skipped in plan.skipped:
        check(skipped.sentence, skipped.reason)
    assert {c.coordinates.fault for c in plan.cells} == {"none", "slow:1"}
    for cell in plan.cells:
        check(cell.label_sentence, cell.label)
