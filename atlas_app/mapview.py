"""The map on the page: a base map that stays mounted, and feature groups cached per state.

streamlit-folium re-mounts its iframe (losing zoom and centre) whenever the base map's script
changes, and swaps the feature groups in place when only they change. So the base map is
rendered once per (language, base) and each feature group's script once per state and slot
(:mod:`atlas_app.mapcomponent`): a date change sends new groups, nothing else, and the view
stays where the user left it.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from atlas_app import assets, mapcomponent, session
from layers import render
from layers.loading import geodata_folder
from layers.model import Atlas, state_key

MAP_HEIGHT = 700  # the main page's CSS makes the map fill the window
RETURNED = ["bounds", "zoom", "center"]  # for the link's view and the export's area
MOUNT_VIEW = "_atlas_mount_view"


@st.cache_resource(max_entries=12, show_spinner=False)
def mounted_map(_atlas: Atlas, _store, token: str, lang: str, basemap: str, sync: bool = False):
    """The date-independent map for a language and base (``token`` names atlas and store);
    ``sync``: it pans and zooms with the page's other synchronised maps."""
    return mapcomponent.mount(render.base_map(_atlas, lang, basemap, store=_store, sync=sync))


@st.cache_resource(max_entries=3000, show_spinner=False)
def _layer_script(
    _atlas: Atlas, _store, _day: dt.date, token: str, key: tuple, lang: str, slot: int
):
    """A shipped layer's group script, made once per state (equal ``key``: identical group)."""
    group = render.layer_group(_atlas, key[0][0], _day, lang, _store)
    return mapcomponent.group_script(group, slot)


@st.cache_resource(max_entries=1000, show_spinner=False)
def _events_script(_atlas: Atlas, _store, token: str, day: dt.date, lang: str, slot: int):
    return mapcomponent.group_script(render.events_group(_atlas, day, lang, _store), slot)


@st.cache_resource(max_entries=1000, show_spinner=False)
def _overlay_script(_atlas: Atlas, token: str, day: dt.date, ids: tuple, lang: str, slot: int):
    return mapcomponent.group_script(render.overlay_group(_atlas, day, list(ids), lang), slot)


def _group_scripts(
    atlas: Atlas, day: dt.date, layer_ids: list[str], lang: str, store, shipped: str
) -> list[str]:
    """The feature groups of ``day`` as scripts, each made once per state and slot. What
    depends on this session's uploads is kept in a bounded cache of the session."""
    user_scripts = session.session_cache("_user_group_scripts")
    token = session.atlas_token() if atlas.user_layer_ids else ""
    scripts = []
    for spec in render.drawn_specs(atlas, layer_ids):
        key, slot = state_key(atlas, day, [spec.id]), len(scripts)
        if spec.id in atlas.user_layer_ids:
            cache_key = (token, key, lang, slot)
            script = user_scripts.get(cache_key)
            if script is None:
                group = render.layer_group(atlas, spec.id, day, lang, store)
                script = user_scripts.put(cache_key, mapcomponent.group_script(group, slot))
            scripts.append(script)
        else:
            scripts.append(_layer_script(atlas, store, day, shipped, key, lang, slot))
    if render.EVENTS_ID in layer_ids:
        scripts.append(_events_script(atlas, store, shipped, day, lang, len(scripts)))
    slot, ids = len(scripts), tuple(layer_ids)
    if atlas.user_layer_ids:
        cache_key = ("overlay", token, day, ids, lang, slot)
        script = user_scripts.get(cache_key)
        if script is None:
            group = render.overlay_group(atlas, day, list(ids), lang)
            script = user_scripts.put(cache_key, mapcomponent.group_script(group, slot))
        scripts.append(script)
    else:
        scripts.append(_overlay_script(atlas, shipped, day, ids, lang, slot))
    return scripts


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
    sync: bool = False,
) -> dict | None:
    """Draw the map; ``view`` (lat, lon, zoom) is applied once when the map mounts (without
    one, the map fits the atlas's region); ``sync``: pans and zooms with the page's other
    synchronised maps."""
    store, shipped = _shipped()
    return mapcomponent.map_component(
        mounted_map(atlas, store, shipped, lang, basemap, sync),
        _group_scripts(atlas, day, layer_ids, lang, store, shipped),
        key=key,
        height=height,
        returned_objects=RETURNED if returned is None else returned,
        center=(view[0], view[1]) if view else None,
        zoom=view[2] if view else None,
    )


def _shipped() -> tuple[render.GeometryStore | None, str]:
    """The geometry store, and a token naming the shipped data and store (for cache keys)."""
    folder = str(geodata_folder())
    store = assets.geometry_store(folder)
    return store, f"{folder}|{store.url if store else ''}"


def mount_view() -> tuple[float, float, int] | None:
    """The view to open the map at: fixed when the map mounts (first run, new language or
    base map), so reruns never fight the user's panning."""
    mount = (st.session_state[session.LANG], st.session_state[session.BASEMAP])
    if st.session_state.get(session.MOUNT) != mount:
        st.session_state[session.MOUNT] = mount
        st.session_state[MOUNT_VIEW] = st.session_state.get(session.VIEW)
    return st.session_state[MOUNT_VIEW]


def remember_view(result: dict | None) -> None:
    """Keep the view the map reports (for the link and the image export)."""
    if not result:
        return
    center, zoom, bounds = result.get("center"), result.get("zoom"), result.get("bounds")
    if center and isinstance(zoom, (int, float)):
        lon = (center["lng"] + 180) % 360 - 180
        st.session_state[session.VIEW] = (round(center["lat"], 3), round(lon, 3), int(zoom))
    if bounds and bounds.get("_southWest", {}).get("lat") is not None:
        south_west, north_east = bounds["_southWest"], bounds["_northEast"]
        st.session_state[session.BOUNDS] = (
            south_west["lng"],
            south_west["lat"],
            north_east["lng"],
            north_east["lat"],
        )
