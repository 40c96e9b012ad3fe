"""Scale: 10,000 synthetic dated polygons — "what holds on this date?".

Compares :class:`layers.temporal.TemporalIndex` (binary search to an epoch, one answer per
epoch) with :func:`layers.temporal.plain_scan` (one pass over every feature), and the full
layer path (:meth:`layers.model.Layer.on`, which also slices the GeoDataFrame).
"""

from __future__ import annotations

import datetime as dt
import random
import time

import numpy as np
from shapely.geometry import box

from benchmarks.stats import Row, summary
from layers.loading import build_layer
from layers.model import ATLAS_END, ATLAS_START, LayerSpec
from layers.temporal import TemporalIndex, plain_scan

N_FEATURES = 10_000
SPAN = (ATLAS_END - ATLAS_START).days


def synthetic_features(n: int = N_FEATURES, seed: int = 1941) -> list[dict]:
    """``n`` small square territories with random validity intervals inside the atlas span."""
    rng = random.Random(seed)
    features = []
    for i in range(n):
        start = ATLAS_START + dt.timedelta(days=rng.randrange(SPAN))
        end = start + dt.timedelta(days=rng.randrange(1, 900))
        open_ended = rng.random() < 0.1
        lon, lat = rng.uniform(75, 150), rng.uniform(20, 60)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": f"synthetic_{i}",
                    "name_en": f"Area {i}",
                    "name_fr": f"Zone {i}",
                    "valid_from": start.isoformat(),
                    "valid_to": None if open_ended else end.isoformat(),
                    "status": "military_occupation",
                    "controller": rng.choice(["Japan", "USSR", "ROC"]),
                    "sources": ["synthetic"],
                },
                "geometry": box(lon, lat, lon + 0.2, lat + 0.2).__geo_interface__,
            }
        )
    return features


def random_days(n: int, seed: int) -> list[dt.date]:
    rng = random.Random(seed)
    return [ATLAS_START + dt.timedelta(days=rng.randrange(SPAN)) for _ in range(n)]


def run(queries: int = 2000) -> tuple[list[Row], dict]:
    features = synthetic_features()
    props = [f["properties"] for f in features]
    intervals = [(p["valid_from"], p["valid_to"]) for p in props]
    days = random_days(queries, seed=45)

    t0 = time.perf_counter()
    index = TemporalIndex([p["valid_from"] for p in props], [p["valid_to"] for p in props])
    build_ms = (time.perf_counter() - t0) * 1000

    index_ms, cold_ms, scan_ms = [], [], []
    for day in days:
        start = time.perf_counter()
        found = index.active(day)
        index_ms.append((time.perf_counter() - start) * 1000)
    # Cold: a fresh index for each query, so no epoch answer is cached.
    for day in days[:200]:
        fresh = TemporalIndex.__new__(TemporalIndex)
        fresh.__dict__.update(index.__dict__)
        fresh._by_epoch = {}
        start = time.perf_counter()
        fresh.active(day)
        cold_ms.append((time.perf_counter() - start) * 1000)
    for day in days[:300]:
        iso = day.isoformat()
        start = time.perf_counter()
        scanned = plain_scan(intervals, iso)
        scan_ms.append((time.perf_counter() - start) * 1000)
        # Same answer both ways (the benchmark is worthless otherwise).
        if not np.array_equal(index.active(day), np.array(scanned, dtype=np.int64)):
            raise AssertionError(f"TemporalIndex and plain_scan disagree on {iso}")
    del found

    spec = LayerSpec("synthetic", "synthetic.geojson", "territory", "Synthetic", "Synth", True, 1)
    t0 = time.perf_counter()
    layer = build_layer(spec, features, [], {"synthetic"})
    layer_build_s = time.perf_counter() - t0
    layer_ms = []
    for day in days:
        start = time.perf_counter()
        layer.on(day)
        layer_ms.append((time.perf_counter() - start) * 1000)

    idx, cold, scan, lay = summary(index_ms), summary(cold_ms), summary(scan_ms), summary(layer_ms)
    rows = [
        Row(
            "scale: TemporalIndex.active, 10k polygons, p50",
            idx["p50"],
            "ms",
            "scale_index_p50_ms",
            f"p95 {idx['p95']:.4f} ms over {idx['n']} random dates",
        ),
        Row(
            "scale: TemporalIndex.active uncached, p50",
            cold["p50"],
            "ms",
            None,
            f"p95 {cold['p95']:.3f} ms",
        ),
        Row("scale: plain_scan, p50", scan["p50"], "ms", None, f"p95 {scan['p95']:.2f} ms"),
        Row(
            "scale: plain_scan / index (p50)",
            scan["p50"] / idx["p50"],
            "x",
            None,
            f"uncached: {scan['p50'] / cold['p50']:.0f}x",
        ),
        Row(
            "scale: Layer.on (with frame slice), p50",
            lay["p50"],
            "ms",
            None,
            f"p95 {lay['p95']:.3f} ms",
        ),
    ]
    detail = {
        "features": N_FEATURES,
        "index_build_ms": build_ms,
        "layer_build_s": layer_build_s,
        "index_ms": idx,
        "index_uncached_ms": cold,
        "plain_scan_ms": scan,
        "layer_on_ms": lay,
    }
    return rows, detail
