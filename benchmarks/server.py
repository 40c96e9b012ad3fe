"""Server: what a date costs the server, over 200 random dates, in this process with the
app's own code (Streamlit running bare).

* ``snapshot`` — what holds on the date (temporal index + cached slices);
* ``work after release`` — what the main page's fragment does once the user releases the
  map's time control on a new date: :func:`atlas_app.livemap.show_live_map` (the live map's
  component call: date, layers and playback step; the map's script and data are served
  files made once per language and base), :func:`layers.model.snapshot` and the events
  panel's data (:func:`layers.map_features.nearby_events`). The browser draws the date itself
  before the server hears of it;
* the Compare page (streamlit-folium): ``groups uncached`` — every feature group of a date
  built anew and rendered to the script its iframe receives (:func:`layers.render.date_groups`
  + :func:`atlas_app.mapcomponent.group_script`), and ``map update`` —
  :func:`atlas_app.mapview.show_map`, as the Compare page calls it for each of its maps, on
  dates never shown before and then on dates shown before.
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


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def run(n_dates: int = N_DATES) -> tuple[list[Row], dict]:
    """The server's work on ``n_dates`` random dates: the rows and their details."""
    _quiet_streamlit()
    import streamlit as st

    from atlas_app import assets, livemap, mapcomponent, mapview
    from layers import render
    from layers.loading import geodata_folder
    from layers.map_features import nearby_events

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

    def released(day: dt.date) -> tuple[float, float, float, float]:
        """The fragment's work on a settled date: (total, live map, snapshot, events) ms."""
        start = time.perf_counter()
        livemap.show_live_map(atlas, day, ids, "en", "atlas", key="atlas_live_map")
        live = _ms(start)
        mark = time.perf_counter()
        snapshot(atlas, day, ids)
        snap = _ms(mark)
        mark = time.perf_counter()
        nearby_events(atlas, day)
        events = _ms(mark)
        return _ms(start), live, snap, events

    released(ATLAS_START)  # the first run makes the served map and data once, as the app's does
    release = [released(day) for day in days]

    build_ms = []
    for day in days:
        start = time.perf_counter()
        groups = render.date_groups(atlas, day, ids, "en", store)
        [mapcomponent.group_script(group, slot) for slot, group in enumerate(groups)]
        build_ms.append(_ms(start))

    def compare_update(day: dt.date) -> float:
        start = time.perf_counter()
        snapshot(atlas, day, ids)
        mapview.show_map(atlas, day, ids, "en", "atlas", key="map_compare_left", sync=True)
        return _ms(start)

    compare_update(ATLAS_START)  # the first run mounts the base map once, as the page's does
    new_ms = [compare_update(day) for day in days]
    seen_ms = [compare_update(day) for day in days]

    total, live, snap, events = (summary(list(column)) for column in zip(*release, strict=True))
    build, new, seen = summary(build_ms), summary(new_ms), summary(seen_ms)
    rows = [
        Row("server: snapshot, p50", snap["p50"], "ms", None, f"p95 {snap['p95']:.2f} ms"),
        Row(
            "server: work after the user releases a date, p50",
            total["p50"],
            "ms",
            "server_release_p50_ms",
            f"p95 {total['p95']:.2f} ms; show_live_map + snapshot + nearby_events",
        ),
        Row(
            "server: of which the live map's component call, p50",
            live["p50"],
            "ms",
            None,
            f"p95 {live['p95']:.2f} ms; nearby_events p50 {events['p50']:.3f} ms",
        ),
        Row(
            "Compare page (streamlit-folium): groups built uncached, p50",
            build["p50"],
            "ms",
            None,
            f"p95 {build['p95']:.1f} ms (groups and their scripts, no cache)",
        ),
        Row(
            "Compare page (streamlit-folium): map update, new date, p50",
            new["p50"],
            "ms",
            "server_update_p50_ms",
            f"p95 {new['p95']:.1f} ms; snapshot + mapview.show_map, per map",
        ),
        Row(
            "Compare page (streamlit-folium): map update, date seen, p50",
            seen["p50"],
            "ms",
            None,
            f"p95 {seen['p95']:.1f} ms (every group cached)",
        ),
    ]
    detail = {
        "dates": len(days),
        "snapshot_ms": snap,
        "release_ms": total,
        "release_live_map_ms": live,
        "release_snapshot_ms": snap,
        "release_nearby_events_ms": events,
        "compare_groups_uncached_ms": build,
        "compare_update_new_date_ms": new,
        "compare_update_seen_date_ms": seen,
    }
    return rows, detail
