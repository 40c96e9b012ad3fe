"""What holds on a date: a temporal index over half-open validity intervals.

Features are valid on ``[valid_from, valid_to)``. The dates at which anything starts or
ends split time into *epochs*; inside one epoch the set of valid features cannot change.
A query finds its epoch by binary search and reuses the answer computed for that epoch,
so scrubbing day by day costs a ``searchsorted`` and a dictionary look-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

OPEN_END = np.datetime64("9999-12-31", "D")


def to_day(value: dt.date | str | np.datetime64) -> np.datetime64:
    """A date as ``numpy.datetime64[D]``."""
    return np.datetime64(value, "D")


class TemporalIndex:
    """Answers "which features hold on this day?" for one set of intervals."""

    def __init__(self, starts: Sequence, ends: Sequence, grace_days: int = 0) -> None:
        self.starts = np.array([to_day(s) for s in starts], dtype="datetime64[D]")
        ends = [to_day(e) if isinstance(e, (str, dt.date)) else OPEN_END for e in ends]
        self.ends = np.array(ends, dtype="datetime64[D]")
        # Routes stay on the map (faded) for ``grace_days`` after they end.
        self.grace_days = grace_days
        self.shown_until = np.minimum(self.ends + np.timedelta64(grace_days, "D"), OPEN_END)
        self.bounds = np.unique(np.concatenate([self.starts, self.ends, self.shown_until]))
        self._by_epoch: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.starts)

    def epoch(self, day: dt.date | str) -> int:
        """The number of start/end dates on or before ``day``: equal epochs, equal answers."""
        return int(np.searchsorted(self.bounds, to_day(day), side="right"))

    def active(self, day: dt.date | str) -> np.ndarray:
        """Positions of the features shown on ``day`` (valid, or within the grace period)."""
        epoch = self.epoch(day)
        found = self._by_epoch.get(epoch)
        if found is None:
            d = to_day(day)
            found = np.flatnonzero((self.starts <= d) & (d < self.shown_until))
            found.setflags(write=False)
            self._by_epoch[epoch] = found
        return found

    def ended(self, day: dt.date | str) -> np.ndarray:
        """For each position: has the feature ended by ``day`` (shown faded, if at all)?"""
        return self.ends <= to_day(day)


def plain_scan(intervals: Sequence[tuple[str, str | None]], day: str) -> list[int]:
    """The obvious answer, for comparison in benchmarks and tests: one pass over all features."""
    return [
        i for i, (start, end) in enumerate(intervals) if start <= day and (end is None or day < end)
    ]


def axis_progress(waypoints: Sequence[dict], day: dt.date | str) -> int:
    """Index of the last waypoint an advancing axis has reached by ``day``.

    Waypoints carry the date each place was reached; a place without a date counts as reached
    when the next dated place is (the axis went through it), and the start line needs no date.
    """
    d = str(day)
    reached = 0
    for i, waypoint in enumerate(waypoints):
        date = waypoint.get("date")
        if date is not None and date <= d:
            reached = i
    return reached
