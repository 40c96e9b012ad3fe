"""The map on the page: a base map that stays mounted, and feature groups cached per state.

streamlit-folium re-mounts its iframe (losing zoom and centre) whenever the base map's script
changes, and swaps the feature groups in place when only they change. So the base map is
rendered once per (language, base) and each feature group's script once per state and slot
(:mod:`atlas_app.mapcomponent`): a date change sends new groups, nothing else, and the view
stays where the user left it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from atlas_app import assets, mapcomponent, session
from atlas_app.assets import HASH_FUNCS
from layers import render
from layers.loading import geodata_folder
from layers.map_elements import AtlasGroup
from layers.model import Atlas

MAP_HEIGHT = 700  # the main page's CSS makes the map fill the window
RETURNED = ["bounds", "zoom", "center"]  # for the link's view and the export's area


@st.cache_resource(max_entries=12, show_spinner=False, hash_funcs=HASH_FUNCS)
def mounted_map(
    atlas: Atlas, store: render.GeometryStore | None, lang: str, basemap: str, sync: bool = False
):
    """The date-independent map for a language and base; ``sync``: it pans and zooms with
    the page's other synchronised maps."""
    return mapcomponent.mount(render.base_map(atlas, lang, basemap, store=store, sync=sync))


@st.cache_resource(max_entries=4000, show_spinner=False, hash_funcs=HASH_FUNCS)
def _group_script(
    atlas: Atlas,
    store: render.GeometryStore | None,
    key: tuple,
    slot: int,
    _build: Callable[[], AtlasGroup],
) -> str:
    """A group's script, made once per key and slot (equal keys: identical groups)."""
    return mapcomponent.group_script(_build(), slot)


def _group_scripts(atlas: Atlas, day: dt.date, layer_ids: list[str], lang: str, store) -> list[str]:
    """The feature groups of ``day`` (:func:`layers.render.map_groups`) as scripts, each made
    once per key and slot. What depends on this session's uploads is kept in a bounded cache
    of the session."""
    scripts = []
    for slot, (key, build) in enumerate(render.map_groups(atlas, day, layer_ids, lang, store)):
        if not render.uses_uploads(atlas, key):
            scripts.append(_group_script(atlas, store, key, slot, build))
            continue
        user_scripts = session.session_cache("_user_group_scripts")
        cache_key = (atlas.source, store.url if store else None, key, slot)
        script = user_scripts.get(cache_key)
        if script is None:
            script = user_scripts.put(cache_key, mapcomponent.group_script(build(), slot))
        scripts.append(script)
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
    store = assets.geometry_store(str(geodata_folder()))
    return mapcomponent.map_component(
        mounted_map(atlas, store, lang, basemap, sync),
        _group_scripts(atlas, day, layer_ids, lang, store),
        key=key,
        height=height,
        returned_objects=RETURNED if returned is None else returned,
        center=(view[0], view[1]) if view else None,
        zoom=view[2] if view else None,
    )
