"""One parameter schema: validate(), the CLI's options and the defaults all follow PARAMS."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.cli import RUN_OPTIONS, build_parser
from core.errors import ParamError
from core.faults import Fault
from core.params import PARAMS, Param, RunParams
from core.validation import validate

FLOAT_PARAMS = [p for p in PARAMS.values() if p.kind is float]
RANGED = [p for p in PARAMS.values() if p.low is not None]


def test_every_field_but_the_fault_is_declared_once_with_its_default() -> None:
    fields = {f.name: f.default for f in dataclasses.fields(RunParams)}
    assert list(PARAMS) == [name for name in fields if name != "fault"]
    for name, param in PARAMS.items():
        assert param.default == fields[name], name
        assert param.help, name


@pytest.mark.parametrize("param", FLOAT_PARAMS, ids=lambda p: p.name)
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_no_float_parameter_takes_nan_or_infinity(param: Param, bad: float) -> None:
    with pytest.raises(ParamError, match=f"^{param.name}: expected a finite number"):
        validate(RunParams(strategy="sentinel-per-worker").replace(**{param.name: bad}))


@pytest.mark.parametrize("param", RANGED, ids=lambda p: p.name)
def test_each_range_is_enforced_at_both_ends(param: Param) -> None:
    assert param.low is not None and param.high is not None
    base = RunParams(strategy="sentinel-per-worker", items=10)
    if param.kind is int:
        below, above = param.low - 1, param.high + 1
    else:  # the nearest floats: a fixed step vanishes next to 1e9
        below, above = math.nextafter(param.low, -math.inf), math.nextafter(param.high, math.inf)
    low = math.nextafter(param.low, math.inf) if param.low_excluded else param.low
    validate(base.replace(**{param.name: param.kind(low)}))
    validate(base.replace(**{param.name: param.kind(param.high)}))
    for outside in (param.low if param.low_excluded else below, above):
        with pytest.raises(ParamError, match=f"^{param.name} must be"):
            validate(base.replace(**{param.name: param.kind(outside)}))


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_validate_and_the_schema_agree_on_every_item_count(items: int) -> None:
    param = PARAMS["items"]
    inside = param.low is not None and param.high is not None and param.low <= items <= param.high
    try:
        validate(RunParams(strategy="sentinel-per-worker", items=items))
    except ParamError as error:
        assert not inside
        assert str(error).startswith("items must be between 0 and 10,000,000")
    else:
        assert inside


def test_the_run_command_offers_every_parameter_with_the_schemas_default_and_type() -> None:
    parser = build_parser()
    args = parser.parse_args(["run", "--strategy", "sentinel-per-worker"])
    for name in RUN_OPTIONS:
        assert getattr(args, name) == PARAMS[name].default, name
    args = parser.parse_args(
        ["run", "--strategy", "x", "--work-ms", "2.5", "--queue", "joinable", "--chunksize", "7"]
    )
    assert (args.work_ms, args.queue_kind, args.chunksize) == (2.5, "joinable", 7)


def test_a_fault_is_parsed_once_and_resolved_against_the_run() -> None:
    fault = Fault.parse("kill")
    assert fault.arg is None and str(fault) == "kill"
    params = validate(RunParams(strategy="sentinel-per-worker", items=10, fault=fault))
    assert params.fault == Fault("kill", 5)
    assert params.to_dict()["fault"] == "kill:5"
    with pytest.raises(ParamError, match="needs an item between 0 and 9, got 10"):
        validate(RunParams(strategy="sentinel-per-worker", items=10, fault=Fault("kill", 10)))
    with pytest.raises(ParamError, match="takes a whole number"):
        Fault.parse("kill:x")
