"""The main page's map: the map engine in the browser, hosted by a Streamlit custom
component (``st.components.v2``, no iframe).

The server renders the folium map once per language and base (:func:`assets.live_map`: its
script and the engine's data are files the browser fetches once); each rerun sends only the
date, the layers and the playback step. The engine draws every date in the browser: the
time control in the map redraws on every animation frame while the user drags, and the
server hears of the date once the user releases or pauses (a trigger value, "date"), then
updates the events panel, the notes and the link. The view comes back as a state value
("view") for the link and the image export; the key of the uploads the map holds as another
("extra"), so that they are sent once per map, not with every date.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from importlib import resources

import streamlit as st
from jinja2 import Template

from atlas_app import assets, session
from layers.engine_data import extra_data
from layers.engine_element import LIVE_DATA_ID, LIVE_START
from layers.loading import geodata_folder
from layers.model import Atlas
from layers.render import LEAFLET_ASSETS
from layers.style import PLAY_STEP_DAYS
from layers.urlstate import clamp_date

WEB = resources.files("atlas_app") / "web"
HTML = '<div class="atlas-live"></div>'


@functools.cache
def component():
    """The live map's component, registered once per process. Its module is served as a
    file where static serving is on (the component then holds a two-line loader: a rerun
    does not send the module again), else given inline."""
    host = (WEB / "live_map.js").read_text(encoding="utf-8")
    url = assets.served_module(host, "live_host")
    if url is not None:
        loader = Template((WEB / "live_map_loader.js").read_text(encoding="utf-8"))
        host = loader.render(url=json.dumps(url))
    # Leaflet's panes and controls use the page's CSS: no shadow root.
    return st.components.v2.component("atlas_live_map", html=HTML, js=host, isolate_styles=False)


def show_live_map(
    atlas: Atlas,
    day: dt.date,
    layer_ids: list[str],
    lang: str,
    basemap: str,
    *,
    key: str,
    view: tuple[float, float, int] | None = None,
    play_step: int = PLAY_STEP_DAYS,
) -> dict | None:
    """Show the live map at ``day``; ``view`` (lat, lon, zoom) applies when it mounts.
    Returns the view the map reports ({"center", "zoom", "bounds"}), or None."""
    live = assets.live_map(str(geodata_folder()), lang, basemap)
    mount = {
        "key": f"{lang}|{basemap}|{live.script_url or id(live)}",
        "mapName": live.map_name,  # folium's: the map's global and its <div>'s id
        "cssUrl": live.css_url,
        "css": live.css,
        "scriptUrl": live.script_url,
        "script": live.script,
        "fetches": list(live.fetches),
        "data": live.data,
        "dataId": LIVE_DATA_ID,
        "start": LIVE_START,
        "leaflet": LEAFLET_ASSETS,
    }
    result = component()(
        key=key,
        data={
            "mount": mount,
            "date": day.isoformat(),
            "layers": list(layer_ids),
            "playStep": play_step,
            "view": list(view) if view else None,
            "extra": _uploads(atlas, lang, held=(st.session_state.get(key) or {}).get("extra")),
        },
        on_date_change=lambda: _take_date(key),
        on_view_change=lambda: None,
        on_extra_change=lambda: None,
        height="content",
    )
    return result.get("view") if result else None


def _uploads(atlas: Atlas, lang: str, held: str | None = None) -> dict | None:
    """The session's uploaded layers as engine records with their legend rows, sent with the
    page (they never leave the session): made once per set of uploads and language, kept in
    the session. Sent once per map: when the map reports that it ``held`` them (state value
    "extra": their key), only the key goes again."""
    if not atlas.user_layer_ids:
        return None
    cache = session.session_cache("_user_live_data")
    token = session.atlas_token()
    found = cache.get((token, lang))
    if found is None:
        key = hashlib.sha256(f"{token}|{lang}".encode()).hexdigest()[:16]  # no server path
        found = cache.put(
            (token, lang), {"key": key, **extra_data(atlas, atlas.user_layer_ids, lang)}
        )
    return {"key": found["key"]} if held == found["key"] else found


def _take_date(key: str) -> None:
    """The date the user settled on in the map becomes the page's date."""
    value = (st.session_state.get(key) or {}).get("date")
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return
    session.set_date(clamp_date(day))
