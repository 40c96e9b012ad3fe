"""The map on the page: a cached base map that stays mounted, and cached date feature groups.

streamlit-folium re-mounts its iframe (losing zoom and centre) whenever the base map's script
changes, and swaps the feature groups in place when only they change. So the base map is
built once per (language, base) and each feature group once per state: a date change sends
new groups, nothing else, and the view stays where the user left it.

streamlit-folium attaches the groups to the map and renames elements while rendering, so
calls that use a cached map are serialised by a lock and the groups are detached afterwards.
"""

from __future__ import annotations

import datetime as dt
import threading

import streamlit as st
from streamlit_folium import st_folium

from atlas_app import state
from layers import render
from layers.loading import geodata_folder
from layers.model import Atlas, state_key

MAP_HEIGHT = 640
RETURNED = ["bounds", "zoom", "center"]  # for the link's view and the export's area
_RENDER_LOCK = threading.Lock()
MOUNT_VIEW = "_atlas_mount_view"


@st.cache_resource(max_entries=12, show_spinner=False)
def cached_base_map(_atlas: Atlas, _store, token: str, lang: str, basemap: str):
    """The date-independent map for a language and base (``token`` names atlas and store)."""
    return render.base_map(_atlas, lang, basemap, store=_store)


@st.cache_resource(max_entries=3000, show_spinner=False)
def _cached_layer_group(_atlas: Atlas, _store, _day: dt.date, token: str, key: tuple, lang: str):
    """A shipped layer's group, built once per state (equal ``key``: identical group)."""
    return render.layer_group(_atlas, key[0][0], _day, lang, _store)


@st.cache_resource(max_entries=1000, show_spinner=False)
def _cached_events_group(_atlas: Atlas, _store, token: str, day: dt.date, lang: str):
    return render.events_group(_atlas, day, lang, _store)


@st.cache_resource(max_entries=1000, show_spinner=False)
def _cached_overlay_group(_atlas: Atlas, token: str, day: dt.date, ids: tuple, lang: str):
    return render.overlay_group(_atlas, day, list(ids), lang)


def date_groups(atlas: Atlas, day: dt.date, layer_ids: list[str], lang: str) -> list:
    """The feature groups of ``day``, each built once per state and reused."""
    store, shipped = _shipped()
    token = f"{state.atlas_token()}|{shipped}"  # the shipped data with this session's uploads
    user_groups = st.session_state.setdefault("_user_groups", {})
    groups = []
    for spec in render.drawn_specs(atlas, layer_ids):
        key = state_key(atlas, day, [spec.id])
        if spec.id in atlas.user_layer_ids:  # kept in the session, like the upload itself
            cache_key = (token, key, lang)
            if cache_key not in user_groups:
                user_groups[cache_key] = render.layer_group(atlas, spec.id, day, lang, store)
            groups.append(user_groups[cache_key])
        else:
            groups.append(_cached_layer_group(atlas, store, day, shipped, key, lang))
    if render.EVENTS_ID in layer_ids:
        groups.append(_cached_events_group(atlas, store, shipped, day, lang))
    groups.append(_cached_overlay_group(atlas, token, day, tuple(layer_ids), lang))
    return groups


def show_map(
    atlas: Atlas,
    day: dt.date,
    layer_ids: list[str],
    lang: str,
    basemap: str,
    *,
    key: str,
    view: tuple[float, float, int] | None = None,
    height: int = MAP_HEIGHT,
    returned: list[str] | None = None,
) -> dict | None:
    """Draw the map; ``view`` (lat, lon, zoom) is applied once when the map mounts."""
    store, shipped = _shipped()
    base = cached_base_map(atlas, store, shipped, lang, basemap)
    groups = date_groups(atlas, day, layer_ids, lang)
    center = (view[0], view[1]) if view else None
    with _RENDER_LOCK:
        _detach_groups(base)
        try:
            return st_folium(
                base,
                key=key,
                height=height,
                use_container_width=True,
                returned_objects=RETURNED if returned is None else returned,
                feature_group_to_add=groups,
                center=center,
                zoom=view[2] if view else None,
                render=False,
            )
        finally:
            _detach_groups(base)


def _shipped() -> tuple[render.GeometryStore | None, str]:
    """The geometry store, and a token naming the shipped data and store (for cache keys)."""
    folder = str(geodata_folder())
    store = state.geometry_store(folder)
    return store, f"{folder}|{store.url if store else ''}"


def _detach_groups(base) -> None:
    """Remove the groups streamlit-folium attached, so the base map's script never changes."""
    for name in [n for n in base._children if n.startswith("feature_group_feature_group_")]:
        del base._children[name]


def mount_view() -> tuple[float, float, int] | None:
    """The view to open the map at: fixed when the map mounts (first run, new language or
    base map), so reruns never fight the user's panning."""
    mount = (st.session_state[state.LANG], st.session_state[state.BASEMAP])
    if st.session_state.get(state.MOUNT) != mount:
        st.session_state[state.MOUNT] = mount
        st.session_state[MOUNT_VIEW] = st.session_state.get(state.VIEW)
    return st.session_state[MOUNT_VIEW]


def remember_view(result: dict | None) -> None:
    """Keep the view the map reports (for the link and the image export)."""
    if not result:
        return
    center, zoom, bounds = result.get("center"), result.get("zoom"), result.get("bounds")
    if center and isinstance(zoom, (int, float)):
        lon = (center["lng"] + 180) % 360 - 180
        st.session_state[state.VIEW] = (round(center["lat"], 3), round(lon, 3), int(zoom))
    if bounds and bounds.get("_southWest", {}).get("lat") is not None:
        south_west, north_east = bounds["_southWest"], bounds["_northEast"]
        st.session_state[state.BOUNDS] = (
            south_west["lng"],
            south_west["lat"],
            north_east["lng"],
            north_east["lat"],
        )
