"""Server: the state on a date and the map update the app sends, over 200 random dates.

Three measurements per date, all in this process with the app's own functions:

* ``snapshot`` — what holds on the date (temporal index + cached slices);
* ``groups uncached`` — :func:`layers.render.date_groups`, every feature group built anew;
* ``app rerun`` — what a date change costs the server in the app: the groups through a
  per-state cache like :mod:`atlas_app.mapview`'s (layer groups per epoch, events and overlay
  per day), then ``st_folium`` with ``feature_group_to_add`` exactly as the app calls it
  (serialising the groups and the mounted base map), Streamlit running bare.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time

from benchmarks.stats import Row, summary
from layers.loading import load_atlas
from layers.model import ATLAS_END, ATLAS_START, snapshot, state_key

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
    from streamlit_folium import st_folium

    from layers import render

    _quiet_streamlit()
    atlas = load_atlas()
    ids = [*atlas.default_layer_ids(), render.EVENTS_ID]
    rng = random.Random(1941)
    days = [ATLAS_START + dt.timedelta(days=rng.randrange(SPAN + 1)) for _ in range(n_dates)]
    base = render.base_map(atlas, "en")

    snap_ms, build_ms = [], []
    for day in days:
        start = time.perf_counter()
        snapshot(atlas, day, ids)
        snap_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        render.date_groups(atlas, day, ids, "en")
        build_ms.append((time.perf_counter() - start) * 1000)

    layer_cache: dict = {}
    day_cache: dict = {}

    def cached_groups(day: dt.date) -> list:
        groups = []
        for spec in render.drawn_specs(atlas, ids):
            key = (spec.id, state_key(atlas, day, [spec.id]))
            if key not in layer_cache:
                layer_cache[key] = render.layer_group(atlas, spec.id, day, "en")
            groups.append(layer_cache[key])
        if day not in day_cache:
            day_cache[day] = (
                render.events_group(atlas, day, "en"),
                render.overlay_group(atlas, day, ids, "en"),
            )
        groups.extend(day_cache[day])
        return groups

    def detach() -> None:
        for name in [n for n in base._children if n.startswith("feature_group_feature_group_")]:
            del base._children[name]

    def rerun(day: dt.date) -> None:
        snapshot(atlas, day, ids)
        groups = cached_groups(day)
        try:
            st_folium(
                base,
                key="atlas_map",
                height=640,
                use_container_width=True,
                returned_objects=["bounds", "zoom", "center"],
                feature_group_to_add=groups,
                render=False,
            )
        finally:
            detach()

    rerun(days[0])  # the first call renders the base map once, as the app's first run does
    rerun_ms, serialise_ms = [], []
    rng = random.Random(1945)
    steps = [ATLAS_START + dt.timedelta(days=rng.randrange(SPAN + 1)) for _ in range(n_dates)]
    for day in steps:
        start = time.perf_counter()
        rerun(day)
        rerun_ms.append((time.perf_counter() - start) * 1000)
    for day in steps[:50]:  # everything cached: only the serialisation is left
        start = time.perf_counter()
        rerun(day)
        serialise_ms.append((time.perf_counter() - start) * 1000)

    snap, build = summary(snap_ms), summary(build_ms)
    app, ser = summary(rerun_ms), summary(serialise_ms)
    rows = [
        Row("server: snapshot, p50", snap["p50"], "ms", None, f"p95 {snap['p95']:.2f} ms"),
        Row(
            "server: feature groups built uncached, p50",
            build["p50"],
            "ms",
            None,
            f"p95 {build['p95']:.1f} ms (render.date_groups)",
        ),
        Row(
            "server: app update on a new date, p50",
            app["p50"],
            "ms",
            "server_update_p50_ms",
            f"p95 {app['p95']:.1f} ms; cached groups + st_folium serialisation",
        ),
        Row(
            "server: of which st_folium serialisation, p50",
            ser["p50"],
            "ms",
            None,
            f"p95 {ser['p95']:.1f} ms (all groups cached)",
        ),
    ]
    detail = {
        "dates": n_dates,
        "snapshot_ms": snap,
        "groups_uncached_ms": build,
        "app_update_ms": app,
        "serialisation_only_ms": ser,
    }
    return rows, detail
