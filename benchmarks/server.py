"""Server: the state on a date and the map update the app sends, over 200 random dates.

Measured in this process with the app's own code, Streamlit running bare:

* ``snapshot`` — what holds on the date (temporal index + cached slices);
* ``groups uncached`` — every feature group of the date built anew and rendered to the
  script the browser receives (:func:`layers.render.date_groups` +
  :func:`atlas_app.mapcomponent.group_script`), as if no cache existed;
* ``app update`` — what a date change costs the server in the app:
  :func:`atlas_app.mapview.show_map`, as the main page calls it (the mounted base map, the
  feature-group scripts cached per state, the component call), on dates never shown before
  and then on dates shown before.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time

from benchmarks.stats import Row, summary
from layers.model import ATLAS_END, ATLAS_START, snapshot

N_DATES = 200
SPAN = (ATLAS_END - ATLAS_START).days


def _quiet_streamlit() -> None:
    try:
        from streamlit.logger import set_log_level

        set_log_level("error")
    except ImportError:
        pass
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def run(n_dates: int = N_DATES) -> tuple[list[Row], dict]:
    _quiet_streamlit()
    import streamlit as st

    from atlas_app import assets, mapcomponent, mapview
    from layers import render
    from layers.loading import geodata_folder

    _quiet_streamlit()
    st.cache_resource.clear()
    folder = str(geodata_folder())
    atlas = assets.shipped_atlas(folder)
    store = assets.geometry_store(folder)
    ids = [*atlas.default_layer_ids(), render.EVENTS_ID]
    rng = random.Random(1941)
    days = sorted(
        {ATLAS_START + dt.timedelta(days=rng.randrange(SPAN + 1)) for _ in range(n_dates)}
    )
    rng.shuffle(days)

    snap_ms, build_ms = [], []
    for day in days:
        start = time.perf_counter()
        snapshot(atlas, day, ids)
        snap_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        groups = render.date_groups(atlas, day, ids, "en", store)
        [mapcomponent.group_script(group, slot) for slot, group in enumerate(groups)]
        build_ms.append((time.perf_counter() - start) * 1000)

    def update(day: dt.date) -> float:
        start = time.perf_counter()
        snapshot(atlas, day, ids)
        mapview.show_map(atlas, day, ids, "en", "atlas", key="atlas_map")
        return (time.perf_counter() - start) * 1000

    update(ATLAS_START)  # the first run mounts the base map once, as the app's first run does
    new_ms = [update(day) for day in days]
    seen_ms = [update(day) for day in days]

    snap, build = summary(snap_ms), summary(build_ms)
    new, seen = summary(new_ms), summary(seen_ms)
    rows = [
        Row("server: snapshot, p50", snap["p50"], "ms", None, f"p95 {snap['p95']:.2f} ms"),
        Row(
            "server: feature groups built uncached, p50",
            build["p50"],
            "ms",
            None,
            f"p95 {build['p95']:.1f} ms (groups and their scripts, no cache)",
        ),
        Row(
            "server: app update on a date never shown, p50",
            new["p50"],
            "ms",
            "server_update_p50_ms",
            f"p95 {new['p95']:.1f} ms; snapshot + mapview.show_map",
        ),
        Row(
            "server: app update on a date shown before, p50",
            seen["p50"],
            "ms",
            None,
            f"p95 {seen['p95']:.1f} ms (every group cached)",
        ),
    ]
    detail = {
        "dates": len(days),
        "snapshot_ms": snap,
        "groups_uncached_ms": build,
        "app_update_new_date_ms": new,
        "app_update_seen_date_ms": seen,
    }
    return rows, detail
