"""The window's parts on their own: lanes, verdict banner, log, highlighter."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtWidgets import QPlainTextEdit

from core.params import RunParams
from core.result import ItemRecords, Progress, RunResult, TimelineEvent, WorkerSummary, WorkerView
from core.states import EventKind, WorkerStatus
from core.states import WorkerStatus as S
from gui.highlighter import PythonHighlighter
from gui.lanes import MAX_SERIES_POINTS, Lane, SeriesBuffer, WorkerLanes
from gui.panels import LogPanel
from gui.verdict import (
    MAX_IDS_SHOWN,
    SEVERITY_CANCELLED,
    SEVERITY_FAILURE,
    SEVERITY_OK,
    SEVERITY_WARNING,
    VerdictBanner,
    severity_of,
)

WAITING = S.WAITING_GET  # inside get(): blocked only once a deadlock is proven


def progress(t: float, states: list[WorkerStatus], since: list[float] | None = None) -> Progress:
    since = since or [0.0] * len(states)
    views = [
        WorkerView(index=i + 1, state=s, item=None, pid=100 + i, processed=0, since_s=since[i])
        for i, s in enumerate(states)
    ]
    return Progress(
        elapsed_s=t,
        items=10,
        put=10,
        taken=0,
        processed=0,
        items_per_s=0.0,
        queue_depth=10,
        workers=views,
        new_records=ItemRecords(),
        new_events=[],
        phase="running",
    )


def result(outcomes: list[str], lost: list[int], dumps: dict[int, str] | None = None) -> RunResult:
    return RunResult(
        params=RunParams("seed-empty-after-get"),
        outcome=outcomes[0],
        outcomes=outcomes,
        items=1000,
        processed=1000 - len(lost),
        lost=lost,
        dropped=lost,
        left_in_queue=[],
        duplicates=[],
        workers=[WorkerSummary(1, 11, 0, 0, S.EXITED, 0)],
        diagnosis="A sentence.",
        elapsed_s=1.5,
        records=ItemRecords(),
        timeline=[],
        depth_samples=[],
        stack_dumps=dumps or {},
    )


def test_lane_merges_same_state_and_dates_changes_back() -> None:
    lane = Lane()
    lane.observe(S.STARTING, since=0.0, now=0.1)
    lane.observe(S.PROCESSING, since=0.15, now=0.2)
    lane.observe(S.PROCESSING, since=0.15, now=0.3)  # same state: nothing new
    lane.observe(WAITING, since=0.35, now=0.4)
    assert lane.segments(now=2.0) == [
        (0.0, 0.15, S.STARTING),
        (0.15, 0.35, S.PROCESSING),
        (0.35, 2.0, WAITING),
    ]


def test_lane_cap_keeps_the_span() -> None:
    lane = Lane()
    for i in range(1001):
        lane.observe(S.PROCESSING if i % 2 else S.TIMED_GET, since=i * 0.01, now=i * 0.01)
    assert len(lane.states) == 1000
    lane.cap(64)
    assert len(lane.states) <= 64
    assert lane.starts[0] == 0.0 and lane.ends[-1] == pytest.approx(10.0)
    assert all(a == b for a, b in zip(lane.ends, lane.starts[1:], strict=False))  # no holes


def test_series_buffer_is_capped() -> None:
    buffer = SeriesBuffer()
    for i in range(3 * MAX_SERIES_POINTS):
        buffer.add(float(i), float(i))
    t, _values = buffer.data()
    assert len(t) <= MAX_SERIES_POINTS
    assert t[0] == 0.0 and t[-1] == 3 * MAX_SERIES_POINTS - 1
    assert np.all(np.diff(t) > 0)


def test_lanes_keep_growing_while_workers_hang(qtbot: Any) -> None:
    lanes = WorkerLanes()
    qtbot.addWidget(lanes)
    lanes.reset(3)
    lanes.update_progress(progress(0.2, [S.PROCESSING, S.PROCESSING, S.EXITED]))
    for step in range(1, 200):  # 30 snapshots a second of a hang
        lanes.update_progress(progress(0.3 + step / 30, [WAITING, WAITING, S.EXITED], [0.25] * 3))
    lanes.redraw()
    assert lanes.segment_count() == 5  # merged: processing then waiting (x2), exited
    bar = lanes.bars[WAITING]
    assert bar.isVisible()
    ends = np.asarray(bar.opts["x0"]) + np.asarray(bar.opts["width"])
    assert ends.max() == pytest.approx(0.3 + 199 / 30)  # drawn up to the latest snapshot
    assert sorted(np.asarray(bar.opts["y0"]) + 0.4) == pytest.approx([1.0, 2.0])
    x_depth, depth = lanes.depth_curve.getData()
    assert len(x_depth) == 200 and depth[-1] == 10


@pytest.mark.parametrize(
    ("outcomes", "severity"),
    [
        (["ok"], SEVERITY_OK),
        (["lost"], SEVERITY_WARNING),
        (["duplicated"], SEVERITY_WARNING),
        (["deadlock", "lost"], SEVERITY_FAILURE),
        (["stalled"], SEVERITY_FAILURE),
        (["crashed"], SEVERITY_FAILURE),
        (["cancelled"], SEVERITY_CANCELLED),
        (["cancelled", "crashed"], SEVERITY_FAILURE),
    ],
)
def test_severity(outcomes: list[str], severity: str) -> None:
    assert severity_of(outcomes) == severity


def test_banner_lists_lost_ids_and_dumps(qtbot: Any) -> None:
    banner = VerdictBanner()
    qtbot.addWidget(banner)
    banner.show()
    many = list(range(3, 3 + MAX_IDS_SHOWN + 50))
    banner.show_result(result(["lost"], many))
    assert banner.severity() == SEVERITY_WARNING
    text = banner.lost_label.text()
    assert f"Lost items ({len(many)})" in text
    assert text.endswith(f", {3 + MAX_IDS_SHOWN - 1} and 50 more")
    assert not banner.dumps_button.isVisible()

    banner.show_result(result(["deadlock"], [], {2: "Thread 0x1\n  File x.py, line 1"}))
    assert banner.severity() == SEVERITY_FAILURE
    assert banner.dumps_button.isVisible()
    assert not banner.lost_label.isVisible()
    assert "background: #ffebee" in banner.styleSheet()


def test_running_banner_says_what_workers_do(qtbot: Any) -> None:
    banner = VerdictBanner()
    qtbot.addWidget(banner)
    snapshot = progress(1.0, [S.EXITED, WAITING, WAITING])
    banner.show_running("loop 1", snapshot.workers)
    assert banner.lost_label.text() == f"Workers now: exited: 1  ·  {WAITING}: 2, 3"
    many = progress(1.0, [S.PROCESSING] * 20 + [WAITING] * 5)
    banner.show_running("loop 1", many.workers)
    assert banner.lost_label.text() == f"Workers now: processing: 20  ·  {WAITING}: 5"


def test_log_is_capped_and_in_time_order(qtbot: Any) -> None:
    log = LogPanel(max_lines=100)
    qtbot.addWidget(log)
    log.append_events(
        [
            TimelineEvent(0.2, 2, EventKind.EXITED, None, "exited"),
            TimelineEvent(0.1, 1, EventKind.TOOK, 5, "took item 5"),
        ]
    )
    assert [line.split()[-1] for line in log.lines()] == ["5", "exited"]
    for i in range(30):
        log.append_events(
            [
                TimelineEvent(1 + i / 10 + k / 1000, 1, EventKind.TOOK, k, f"took item {k}")
                for k in range(10)
            ]
        )
    assert len(log.lines()) == 100
    assert log.lines()[-1].endswith("took item 9")
    timeline = [
        TimelineEvent(float(t), t % 3, EventKind.TOOK, t, f"took item {t}")
        for t in range(500, 0, -1)
    ]
    log.show_timeline(timeline, footer="verdict ok")
    lines = log.lines()
    assert len(lines) == 100 and lines[-1] == "verdict ok"
    assert lines[-2].endswith("worker 2   took item 500")
    assert lines[-4].endswith("main       took item 498")  # worker 0 is the main process


def test_highlighter_formats_keywords_strings_comments(qtbot: Any) -> None:
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    highlighter = PythonHighlighter(editor.document())
    editor.setPlainText("while True:  # if 'x'\n    data = q.get('#')")
    document = editor.document()
    first, second = document.firstBlock(), document.firstBlock().next()

    def kinds(block: Any) -> dict[str, Any]:
        found = {}
        for fmt_range in block.layout().formats():
            text = block.text()[fmt_range.start : fmt_range.start + fmt_range.length]
            found[text] = fmt_range.format.foreground().color().name()
        return found

    formats = highlighter.FORMATS
    line_one, line_two = kinds(first), kinds(second)
    assert line_one["while"] == formats["keyword"].foreground().color().name()
    assert line_one["# if 'x'"] == formats["comment"].foreground().color().name()
    assert "if" not in line_one  # a keyword inside a comment stays comment
    assert line_two["'#'"] == formats["string"].foreground().color().name()
