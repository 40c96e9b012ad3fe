"""Session state shared by the pages: the date, language, layers, view and uploads, read
from the link on a session's first run and written back to it as the user moves.

The widgets each have their own key; the values the pages share live under ``atlas_*`` keys
(widget keys are dropped when a page that has no such widget runs).
"""

from __future__ import annotations

import datetime as dt
import hashlib

import streamlit as st

from atlas_app.assets import shipped_atlas
from layers.loading import geodata_folder
from layers.lru import LRU
from layers.model import Atlas, Layer
from layers.urlstate import EVENTS_ID, AtlasState, clamp_date, parse_state, to_params

COMPARE_DEFAULT = dt.date(1945, 9, 2)

DATE = "atlas_date"
DATE2 = "atlas_date2"  # the Compare page's second date
LANG = "atlas_lang"
LAYERS = "atlas_layers"
BASEMAP = "atlas_basemap"
VIEW = "atlas_view"  # (lat, lon, zoom) of the main map, or None before it reports one
BOUNDS = "atlas_bounds"  # (west, south, east, north) of the main map's view
WARNINGS = "atlas_warnings"  # what was wrong with the link, until the user moves on
USER = "atlas_user_layers"
MOUNT = "_atlas_map_mount"  # (lang, base map) the main map was mounted with
MOUNT_VIEW = "_atlas_mount_view"  # the view the main map was mounted at


def user_layers() -> list[Layer]:
    """This session's uploaded layers (never shared with another session)."""
    return [entry["layer"] for entry in st.session_state.get(USER, {}).values()]


def session_atlas() -> Atlas:
    """The shipped atlas plus this session's uploaded layers."""
    atlas = shipped_atlas(str(geodata_folder()))
    layers = user_layers()
    if not layers:
        return atlas
    from layers.user_layers import with_user_layers

    return with_user_layers(atlas, layers)


SESSION_CACHE_LIMIT = 64  # entries per cache of one session (uploads' map groups, notes)


def session_cache(name: str, limit: int | None = None) -> LRU:
    """A cache that belongs to this session only: bounded (least recently used entries go
    first) and released with the session. For what depends on the session's uploads, which
    must neither fill nor leak into the caches that sessions share."""
    cache = st.session_state.get(name)
    if not isinstance(cache, LRU):
        cache = st.session_state[name] = LRU(limit or SESSION_CACHE_LIMIT)
    return cache


def atlas_token() -> str:
    """Identifies the session atlas in caches: the data folder and the uploads' checksums."""
    digests = sorted(f"{k}:{v['digest']}" for k, v in st.session_state.get(USER, {}).items())
    return "|".join([str(geodata_folder()), *digests])


def add_user_layer(layer: Layer, data: bytes) -> None:
    """Keep an uploaded layer in the session and show it."""
    uploads = st.session_state.setdefault(USER, {})
    uploads[layer.spec.id] = {"layer": layer, "digest": hashlib.sha256(data).hexdigest()}
    if layer.spec.id not in st.session_state[LAYERS]:
        st.session_state[LAYERS] = [*st.session_state[LAYERS], layer.spec.id]


def remove_user_layer(layer_id: str) -> None:
    st.session_state.get(USER, {}).pop(layer_id, None)
    st.session_state[LAYERS] = [i for i in st.session_state[LAYERS] if i != layer_id]


def known_layer_ids(atlas: Atlas) -> list[str]:
    """Ids a link may name: the catalogue's layers and the event markers."""
    return [*atlas.layers, EVENTS_ID]


def default_layer_ids(atlas: Atlas) -> list[str]:
    return [*atlas.default_layer_ids(), EVENTS_ID]


def init_state(atlas: Atlas) -> None:
    """On a session's first run, take the state from the link (warnings kept to show)."""
    if DATE in st.session_state:
        return
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    state, warnings = parse_state(params, known_layer_ids(atlas))
    st.session_state[DATE] = state.date
    st.session_state[LANG] = state.lang
    layers = default_layer_ids(atlas) if state.layers is None else list(state.layers)
    st.session_state[LAYERS] = layers
    st.session_state[BASEMAP] = state.basemap
    st.session_state[VIEW] = state.view
    st.session_state[DATE2] = state.date2 or COMPARE_DEFAULT
    st.session_state[WARNINGS] = warnings


def current_state(atlas: Atlas, with_date2: bool = False) -> AtlasState:
    """The shareable state of this session."""
    layers = [i for i in st.session_state[LAYERS] if i not in atlas.user_layer_ids]
    defaults = default_layer_ids(atlas)
    view = st.session_state.get(VIEW)
    return AtlasState(
        date=st.session_state[DATE],
        lang=st.session_state[LANG],
        layers=None if layers == defaults else tuple(layers),
        basemap=st.session_state[BASEMAP],
        lat=view[0] if view else None,
        lon=view[1] if view else None,
        zoom=view[2] if view else None,
        date2=st.session_state[DATE2] if with_date2 else None,
    )


def sync_url(atlas: Atlas, with_date2: bool = False) -> None:
    """Write the state into the link, when it changed."""
    params = to_params(current_state(atlas, with_date2))
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)


def lang() -> str:
    return st.session_state.get(LANG, "en")


def set_date(day: dt.date) -> None:
    """Move the shared date (kept in the atlas range); link warnings are done with."""
    st.session_state[DATE] = clamp_date(day)
    st.session_state[WARNINGS] = []


def mount_view() -> tuple[float, float, int] | None:
    """The view to open the map at: fixed when the map mounts (first run, new language or
    base map), so reruns never fight the user's panning."""
    mount = (st.session_state[LANG], st.session_state[BASEMAP])
    if st.session_state.get(MOUNT) != mount:
        st.session_state[MOUNT] = mount
        st.session_state[MOUNT_VIEW] = st.session_state.get(VIEW)
    return st.session_state[MOUNT_VIEW]


def remember_view(result: dict | None) -> None:
    """Keep the view the map reports (for the link and the image export)."""
    if not result:
        return
    center, zoom, bounds = result.get("center"), result.get("zoom"), result.get("bounds")
    if center and isinstance(zoom, (int, float)):
        lon = (center["lng"] + 180) % 360 - 180
        st.session_state[VIEW] = (round(center["lat"], 3), round(lon, 3), int(zoom))
    if bounds and bounds.get("_southWest", {}).get("lat") is not None:
        south_west, north_east = bounds["_southWest"], bounds["_northEast"]
        st.session_state[BOUNDS] = (
            south_west["lng"],
            south_west["lat"],
            north_east["lng"],
            north_east["lat"],
        )
