"""The temporal index answers like a plain scan, on half-open intervals."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

from layers.temporal import TemporalIndex, axis_progress, plain_scan


def test_half_open_intervals():
    index = TemporalIndex(["1940-01-01", "1941-01-01"], ["1941-01-01", None])
    assert index.active("1940-12-31").tolist() == [0]
    assert index.active("1941-01-01").tolist() == [1]
    assert index.active("1939-12-31").tolist() == []
    assert index.active("2000-01-01").tolist() == [1]


def test_same_epoch_same_answer_and_cached():
    index = TemporalIndex(["1940-01-01"], ["1941-01-01"])
    assert index.epoch("1940-03-01") == index.epoch("1940-09-01")
    assert index.active("1940-03-01") is index.active("1940-09-01")
    assert index.epoch("1941-01-01") != index.epoch("1940-12-31")


def test_grace_period_keeps_ended_features_shown_and_flags_them():
    index = TemporalIndex(["1941-06-29"], ["1941-12-06"], grace_days=60)
    assert index.active("1942-01-15").tolist() == [0]
    assert index.ended("1942-01-15").tolist() == [True]
    assert index.ended("1941-10-01").tolist() == [False]
    assert index.active("1942-02-04").tolist() == []


def test_matches_plain_scan_on_random_intervals():
    rng = random.Random(7)
    base = dt.date(1939, 1, 1)
    intervals = []
    for _ in range(2000):
        start = base + dt.timedelta(days=rng.randrange(2500))
        end = None if rng.random() < 0.1 else start + dt.timedelta(days=rng.randrange(1, 400))
        intervals.append((start.isoformat(), end.isoformat() if end else None))
    index = TemporalIndex([s for s, _ in intervals], [e for _, e in intervals])
    for _ in range(300):
        day = (base + dt.timedelta(days=rng.randrange(-10, 2600))).isoformat()
        assert index.active(day).tolist() == plain_scan(intervals, day)


def test_axis_progress_follows_waypoint_dates():
    waypoints = [
        {"date": None},
        {"date": None},
        {"date": "1945-08-16"},
        {"date": "1945-08-20"},
    ]
    assert axis_progress(waypoints, dt.date(1945, 8, 9)) == 0
    assert axis_progress(waypoints, dt.date(1945, 8, 16)) == 2
    assert axis_progress(waypoints, "1945-08-19") == 2
    assert axis_progress(waypoints, "1945-09-01") == 3


def test_dates_are_numpy_days():
    index = TemporalIndex([dt.date(1940, 1, 1)], [None])
    assert index.starts.dtype == np.dtype("datetime64[D]")
