"""The lanes' live time axis: re-labelled once a step, in few steps, holding every snapshot."""

from __future__ import annotations

from typing import Any

import pytest

from gui.lanes import WorkerLanes
from tests.gui.test_widgets import progress


def test_live_time_axis_grows_in_1_2_5_steps_and_holds_every_snapshot(qtbot: Any) -> None:
    lanes = WorkerLanes()
    qtbot.addWidget(lanes)
    lanes.reset(2, 100)
    assert lanes.lane_plot.vb.viewRange()[0][1] == pytest.approx(1.02)
    rights: list[float] = []  # the right ends set, without the 2 % padding
    lanes.lane_plot.sigXRangeChanged.connect(lambda _view, r: rights.append(round(r[1] / 1.02, 6)))
    for k in range(1, 130):
        lanes.update_progress(progress(k / 10, []))
        lanes.redraw()
        assert lanes.lane_plot.vb.viewRange()[0][1] >= k / 10  # the data drawn is inside
    assert sorted(set(rights)) == [2.0, 5.0, 10.0, 20.0]  # from the 1 s a run starts with


def test_hidden_axes_keep_their_labels_when_the_range_moves(qtbot: Any) -> None:
    lanes = WorkerLanes()
    qtbot.addWidget(lanes)
    for plot in (lanes.lane_plot, lanes.depth_plot, lanes.rate_plot):
        for side in ("top", "right"):
            assert not plot.getAxis(side).autoSIPrefix
