"""A line plot of named series that redraws from its own data, and never ends the app.

Plotext is not safe to draw twice: on a log axis, ``build()`` replaces the data it
holds by its logarithm, so the next build (any re-render: a resize, a line of the
screen changing height) takes the logarithm of the logarithm, and a loss below 1 then
raises ``ValueError: math domain error`` from inside Textual's render, which ends the
app. This widget keeps the series itself and hands Plotext a fresh copy on every
render, leaves out what a log axis cannot show (zero, negative and subnormal values),
and turns anything Plotext still raises into one line of text in the plot's place.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

YScale = Literal["auto", "linear", "log"]
LOG_SPREAD = 1e3  # "auto" goes to a log axis when the largest value is this many times the least
SMALLEST_ON_LOG = sys.float_info.min  # Plotext overflows on subnormal values' logarithms
TICKS = 5  # labelled values on the y axis


@dataclass(frozen=True)
class Line:
    """One plotted series: its legend label and its points."""

    label: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]


class SeriesPlot(PlotextPlot):
    """Plots a list of :class:`Line` on a linear or log y axis, chosen by the data.

    Attributes:
        log_y: whether the last drawing used a log y axis.
        error: why the last drawing failed, or None when it was drawn.
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.lines: tuple[Line, ...] = ()
        self.yscale: YScale = "auto"
        self.xlabel = ""
        self.log_y = False
        self.error: str | None = None

    def show(self, lines: Sequence[Line], *, xlabel: str = "", yscale: YScale = "auto") -> None:
        """Replaces what is plotted and redraws.

        Args:
            lines: the series to draw, in legend order.
            xlabel: the label under the x axis.
            yscale: ``auto`` (log when every value is positive and they span more
                than :data:`LOG_SPREAD`), ``linear`` or ``log``.
        """
        self.lines = tuple(lines)
        self.xlabel = xlabel
        self.yscale = yscale
        self.refresh()

    def render(self) -> RenderResult:
        try:
            self._draw()
            rendered = super().render()
        except Exception as exc:
            # Whatever Plotext raises is shown in the plot's place and logged: raised
            # here, it would escape from Textual's render and end the app.
            self.error = f"{type(exc).__name__}: {exc}"
            self.log(f"the plot could not be drawn: {self.error}")
            return Text(f"the plot could not be drawn: {self.error}", no_wrap=True, end="")
        self.error = None
        return rendered

    def _draw(self) -> None:
        """Gives Plotext a fresh copy of the data: what a build changed is thrown away."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        lines = [_finite(line) for line in self.lines]
        wants_log = self.yscale == "log" or (self.yscale == "auto" and _wants_log(lines))
        on_log = [_positive(line) for line in lines] if wants_log else lines
        # A log axis with nothing it can place falls back to a linear one.
        self.log_y = wants_log and any(line.ys for line in on_log)
        if self.log_y:
            lines = on_log
            plt.yscale("log")
        values = [y for line in lines for y in line.ys]
        if not values:
            return
        columns = 2 * max(self.size.width, 1)  # braille dots across the widget
        for line in lines:
            if line.xs:
                thin = _thin(line, columns)
                plt.plot(list(thin.xs), list(thin.ys), label=line.label, marker="braille")
        ticks = _ticks(min(values), max(values), self.log_y, TICKS)
        plt.yticks(ticks, [f"{tick:.3g}" for tick in ticks])
        if self.xlabel:
            plt.xlabel(self.xlabel)


def _finite(line: Line) -> Line:
    """The points that can be drawn at all (a NaN or an infinity has no place)."""
    points = [
        (x, y)
        for x, y in zip(line.xs, line.ys, strict=False)
        if math.isfinite(x) and math.isfinite(y)
    ]
    return Line(line.label, tuple(x for x, _ in points), tuple(y for _, y in points))


def _positive(line: Line) -> Line:
    """The points a log axis can place (a log axis has no zero and no negatives)."""
    points = [(x, y) for x, y in zip(line.xs, line.ys, strict=True) if y >= SMALLEST_ON_LOG]
    return Line(line.label, tuple(x for x, _ in points), tuple(y for _, y in points))


def _thin(line: Line, buckets: int) -> Line:
    """At most two points per bucket of consecutive points: the lowest and the highest.

    Drawn, it looks the same (a braille dot column shows no more), spikes included,
    but a demo that streams a hundred thousand points no longer makes every redraw
    take most of a second.
    """
    count = len(line.xs)
    if count <= 2 * buckets:
        return line
    kept: list[int] = []
    for bucket in range(buckets):
        indices = range(bucket * count // buckets, (bucket + 1) * count // buckets)
        low = min(indices, key=line.ys.__getitem__)
        high = max(indices, key=line.ys.__getitem__)
        kept += sorted({low, high})
    return Line(line.label, tuple(line.xs[i] for i in kept), tuple(line.ys[i] for i in kept))


def _wants_log(lines: Sequence[Line]) -> bool:
    """True when the values are all positive and span orders of magnitude (a
    diverging loss): on a linear axis everything but the blow-up would be flat."""
    values = [y for line in lines for y in line.ys]
    if not values or min(values) <= 0:
        return False
    return max(values) > LOG_SPREAD * min(values)


def _ticks(low: float, high: float, log: bool, count: int) -> list[float]:
    """Evenly spaced y ticks over the range Plotext gives the axis.

    Labelled by the caller in three significant digits: Plotext's own labels are
    fixed-point, and a value of 1e300 (or a span of 1e-9) made a label hundreds of
    characters wide that pushed the whole plot off the widget.
    """
    if log:
        low, high = math.log10(low), math.log10(high)
    if low == high:  # the same widening Plotext applies to a flat line
        low, high = (0.5 * low, 1.5 * low) if low != 0 else (-1.0, 1.0)
    ticks = [low + (high - low) * i / (count - 1) for i in range(count)]
    return [10**tick for tick in ticks] if log else ticks
