"""The command's text output: one sparkline per series, the checks, raw points on request."""

from __future__ import annotations

import types
from collections.abc import Generator
from typing import Any

import pytest

import solvers.cli
from solvers.cli import main
from solvers.events import check, log, point
from solvers.text import BLOCKS, WIDTH, TextOutput, sparkline


def test_sparkline_goes_from_lowest_to_highest_block() -> None:
    spark, log_scale = sparkline([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    assert spark == BLOCKS and not log_scale


def test_a_long_series_is_at_most_60_characters() -> None:
    spark, _ = sparkline([float(i) for i in range(1000)])
    assert len(spark) == WIDTH == 60
    assert spark[0] == "▁" and spark[-1] == "█"


def test_a_series_spanning_decades_is_drawn_on_a_log_scale() -> None:
    # 1, 0.1, ..., 1e-6: on a linear scale all but the first would be the lowest block.
    spark, log_scale = sparkline([10.0**-k for k in range(7)])
    assert log_scale
    assert len(set(spark)) == 7


def test_a_blow_up_is_a_gap_never_averaged_away() -> None:
    values: list[float | None] = [1.0] * 200
    values[150] = None
    spark, _ = sparkline(values)
    assert spark.count("·") == 1


def test_a_constant_series_is_a_flat_line() -> None:
    spark, _ = sparkline([0.5] * 10)
    assert len(set(spark)) == 1


def _story(**params: Any) -> Generator[dict[str, Any], None, dict[str, Any]]:
    yield log("training")
    for i in range(100):
        yield point("loss", i, 1.0 / (i + 1))
    for i in range(3):
        yield point("accuracy", i, 0.5 + 0.2 * i)
    yield check("loss went down", True, "1 → 0.01", kind="empirical")
    yield check("Σ P = 1", True, "exactly", kind="identity")
    yield check("control: frozen W", True, "stayed at 0.69", kind="empirical", control=True)
    for i in range(5):
        yield point("late", i, float(i))
    return {"final": 0.01}


def _fake(monkeypatch: pytest.MonkeyPatch) -> None:
    demo = types.SimpleNamespace(TITLE="story", PARAMS=(), run=_story)
    monkeypatch.setattr(solvers.cli, "load", lambda name: demo)


def test_text_output_summarises_each_series_where_it_ends(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fake(monkeypatch)
    assert main(["story"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "training"
    assert lines[1].startswith("  loss ") and "1 → 0.01 (100 points, x 0…99, log scale)" in lines[1]
    assert lines[2].startswith("  accuracy ") and "(3 points, x 0…2)" in lines[2]
    assert lines[3].startswith("✓ loss went down: 1 → 0.01 [empirical]")
    assert lines[4] == "✓ Σ P = 1: exactly [identity: not evidence]"
    assert lines[5] == "✓ control: frozen W: stayed at 0.69 [empirical control]"
    # A series still open when the run ends is printed before the summary.
    assert lines[6].startswith("  late ")
    assert lines[7:11] == [
        "checks:",
        "  ✓ empirical          loss went down",
        "  ✓ identity           Σ P = 1",
        "  ✓ empirical control  control: frozen W",
    ]
    assert lines[11] == "evidence: 1 check, 1 control; 1 identity shown, not counted"
    assert lines[12] == "done: ok (final=0.01)"
    assert len(lines) == 13


def test_points_prints_every_point(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fake(monkeypatch)
    assert main(["story", "--points"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "  loss[0] = 1"
    assert sum(1 for line in lines if "[" in line and "] = " in line) == 108


def test_json_prints_every_point(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fake(monkeypatch)
    assert main(["story", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert sum(1 for line in lines if '"type": "point"' in line) == 108


def test_text_output_keeps_no_state_between_runs() -> None:
    out = TextOutput()
    assert list(out.lines(point("a", 0, 1.0))) == []
    assert list(out.lines(log("x")))[-1] == "x"
