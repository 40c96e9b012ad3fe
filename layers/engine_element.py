"""The map engine as a folium element, and a folium map cut into the parts a page embeds.

The app's live map and the standalone HTML are both a folium map (:func:`layers.render.base_map`:
base map, panes, controls) with :class:`AtlasEngine` added: its script is
``layers/web/engine.js``, its look ``layers/web/engine.css`` with the colours of
:mod:`layers.style`, and it starts the engine on the map with data inline (the standalone
page) or at a URL (the app: a file served once, fetched once).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import folium
from folium.template import Template

from layers import style
from layers.eventtext import script_json
from layers.map_elements import BOX_CSS, FastElement, _Rendered

WEB = resources.files("layers") / "web"


class AtlasEngine(FastElement):
    """Runs the map engine on its parent map. ``source``: ``{"element": id}`` (JSON in the
    page) or ``{"url": url}``; ``options``: ``{"dateFromHash": true}`` (the page's link names
    the first date) or ``{"fromWindow": name}`` (a global object the host page fills with
    the first ``date`` and ``layers`` before the script runs)."""

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>{{ this.css }}</style>
{% endmacro %}
{% macro script(this, kwargs) %}
{{ this.library }}
window.AtlasEngine.start(
  {{ this._parent.get_name() }}, {{ this.source_json }}, {{ this.options_json }});
{% endmacro %}
"""
    )

    def __init__(self, source: dict, options: dict | None = None) -> None:
        super().__init__()
        self._name = "AtlasEngine"
        self.source_json = script_json(source)
        self.options_json = script_json(options or {})
        self.library = (WEB / "engine.js").read_text(encoding="utf-8")
        self.css = engine_css()


def engine_css() -> str:
    """The time control's CSS with the atlas's colours."""
    text = (WEB / "engine.css").read_text(encoding="utf-8")
    return Template(text).render(box=BOX_CSS, land=style.LAND, coast=style.COAST, text=style.TEXT)


@dataclass(frozen=True)
class MapParts:
    """A rendered folium map: the CSS of the atlas's elements, the map's ``<div>``, its
    script (the map's own styles and folium's page-wide ones are left to the page)."""

    css: str
    html: str
    script: str
    map_name: str


def map_parts(m: folium.Map) -> MapParts:
    """Render ``m`` once and cut it into the parts a page embeds."""
    figure = m.get_root()
    figure.render()
    css = []
    for child in figure.header._children.values():
        if isinstance(child, _Rendered):
            css.append(child.render().strip().removeprefix("<style>").removesuffix("</style>"))
    return MapParts(
        css="\n".join(css),
        html=figure.html.render().strip(),
        script=figure.script.render(),
        map_name=m.get_name(),
    )


LIVE_MAP_ID = "live"  # the app's live map: its global is map_live, its <div> #map_live
LIVE_DATA_ID = "atlas-live-data"  # the engine's data in the page, when it is not served
LIVE_START = "atlasLiveStart"  # the global the app's host fills with the first date and layers


@dataclass(frozen=True)
class LiveMap:
    """The app's live map: its Leaflet map's global name, and where its CSS and script are
    served (``*_url``) or, when nothing is served, the CSS, the script and the engine's data
    as JSON to put in the page; ``fetches`` are the URLs its script fetches (the host asks
    for them while Leaflet loads)."""

    map_name: str
    css_url: str | None = None
    script_url: str | None = None
    css: str | None = None
    script: str | None = None
    data: str | None = None
    fetches: tuple[str, ...] = ()  # what the script fetches (the engine's data, the store)


def live_parts(m: folium.Map, source: dict) -> MapParts:
    """``m`` as the app's live map: the engine added, started with the host's first date
    and layers, its data from ``source`` (as :class:`AtlasEngine`)."""
    m._id = LIVE_MAP_ID
    AtlasEngine(source, {"fromWindow": LIVE_START}).add_to(m)
    return map_parts(m)
