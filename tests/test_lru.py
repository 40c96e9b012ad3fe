"""The bounded caches: never more than their limit, least recently used dropped first."""

from __future__ import annotations

import datetime as dt

import pytest

from layers.loading import load_atlas
from layers.lru import LRU
from layers.model import MAX_SLICES


def test_the_least_recently_used_goes_first():
    cache = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2
    with pytest.raises(ValueError):
        LRU(0)


def test_a_layer_keeps_a_bounded_number_of_date_slices():
    atlas = load_atlas()
    layer = atlas.layers["august_storm"]
    day = dt.date(1945, 8, 9)
    for offset in range(40):  # the axes advance day by day: many epochs
        layer.on(day + dt.timedelta(days=offset))
    assert 0 < len(layer._slices) <= MAX_SLICES
    small = LRU(3)
    object.__setattr__(layer, "_slices", small)
    for offset in range(10):
        layer.on(day + dt.timedelta(days=offset))
    assert len(small) == 3
