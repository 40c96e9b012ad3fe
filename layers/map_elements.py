"""Small Leaflet elements for folium: a pre-serialised GeoJSON layer, a corner box, the CSS.

Everything here is built once per cached state and rendered as plain string concatenation:
the GeoJSON is serialised when the element is made, never again on a rerun. Strings that
reach HTML are escaped by the caller (``layers.html_parts``); the JSON placed in scripts is
additionally made safe for an HTML ``<script>`` block.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from layers.eventtext import script_json
from layers.html_parts import HATCH_SVG
from layers.style import COAST, LAND, SEA, TEXT


class _Rendered(Element):
    """Text already rendered. (branca wraps rendered output in an ``Element``, which compiles
    it as a Jinja template: seconds for a megabyte of GeoJSON, on every rerun.)"""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def _render_parts(element: MacroElement, kwargs: dict) -> None:
    """Place an element's rendered header, HTML and script in its figure, then its children."""
    figure = element.get_root()
    if isinstance(figure, Figure):
        macros = element._template.module.__dict__
        for part, target in (
            ("header", figure.header),
            ("html", figure.html),
            ("script", figure.script),
        ):
            if part in macros:
                target.add_child(_Rendered(macros[part](element, kwargs)), name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)


class FastElement(MacroElement):
    """A MacroElement whose rendered header, HTML and script are placed in the figure as is."""

    def render(self, **kwargs) -> None:
        _render_parts(self, kwargs)


class AtlasGroup(folium.FeatureGroup):
    """A feature group that renders fast and can be rendered again and again (cached).

    It adds itself to its parent in its own script (folium would add a child element for
    that on every render, and a cached group would pile them up).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup().addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, name: str) -> None:
        super().__init__(name=name, control=False)

    def render(self, **kwargs) -> None:
        _render_parts(self, kwargs)


class AtlasGeoJson(FastElement):
    """GeoJSON features that carry their own Leaflet style, tooltip, popup and label.

    Feature properties (short keys keep the payload small): ``s`` style, ``t`` tooltip HTML,
    ``p`` popup HTML, ``l`` permanent label HTML and ``lc`` its CSS class, ``r`` circle
    radius, ``h`` divIcon HTML and ``z`` its size (arrowheads), ``g`` the key of a geometry
    in the store (one JSON object of geometries, fetched once per page).

    Drawn by ``atlasLib`` (see :class:`AtlasHead`, which every atlas map has). In a feature
    group, the Leaflet layer is kept by content signature and shown while a group that wants
    it is on the map: when streamlit-folium swaps the groups for a new date, layers that did
    not change stay on the map untouched, and the others change in the same frame. Each kind
    of layer has its own pane, so drawing order holds whatever changed.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
window.atlasLib.draw({{ this._parent.get_name() }}, {{ this.data_json }}, {{ this.options_json }});
{% endmacro %}
"""
    )

    def __init__(
        self,
        features: list[tuple[dict, str | None]],
        *,
        pane: tuple[str, int] | None = None,
        interactive: bool = True,
        store_url: str | None = None,
    ) -> None:
        """``features``: (properties, geometry as a GeoJSON string, or None when the
        properties name a stored geometry with ``g``); ``pane``: (name, z-index)."""
        super().__init__()
        self._name = "AtlasGeoJson"
        self.properties = [props for props, _ in features]
        parts = [
            f'{{"geometry":{geometry or "null"},"properties":{script_json(props)}}}'
            for props, geometry in features
        ]
        self.data_json = "[" + ",".join(parts) + "]"
        options = {"interactive": interactive, "url": store_url}
        if pane is not None:
            options["pane"], options["z"] = pane
        signature = hashlib.sha1((self.data_json + json.dumps(options)).encode("utf-8"))
        options["sig"] = signature.hexdigest()[:20]
        self.options_json = script_json(options)


class MapBox(FastElement):
    """An HTML box in a corner of the map, shown while its feature group is on the map."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (group) {
  var box = L.control({position: {{ this.position|tojson }}});
  box.onAdd = function (map) {
    var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
    div.innerHTML = {{ this.html_json }};
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    window.atlasLib.legend(div, map);
    return div;
  };
  group.on("add", function () { box.addTo(group._map); });
  group.on("remove", function () { box.remove(); });
  if (group._map) { box.addTo(group._map); }
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, html: str, position: str, css_class: str) -> None:
        """``html`` must already be safe (built from escaped parts)."""
        super().__init__()
        self._name = "MapBox"
        self.html = html
        self.html_json = script_json(html)
        self.position = position
        self.css_class = css_class


class AtlasHead(FastElement):
    """The map's look (colours from :mod:`layers.style`), zoom-dependent city labels, and
    ``atlasLib``, which draws :class:`AtlasGeoJson` layers."""

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>{{ this.css }}</style>
{% endmacro %}
{% macro script(this, kwargs) %}
{{ this.library }}
(function (map) {
  function zoomClasses() {
    var zoom = map.getZoom(), box = map.getContainer();
    box.classList.toggle("atlas-small", zoom < 3.75);
    box.classList.toggle("atlas-z4", zoom >= 3.75);
    box.classList.toggle("atlas-z5", zoom >= 5);
    box.classList.toggle("atlas-z6", zoom >= 6);
    window.atlasLib.declutter(map);
  }
  map.on("zoomend", zoomClasses);
  map.on("moveend", function () { window.atlasLib.declutter(map); });
  map.on("resize", function () { window.atlasLib.declutter(map); });
  zoomClasses();
  // A click focuses the map for its keys; never let that focus scroll the page (the map is
  // in an iframe: the browser would scroll the parent page to show the focused element).
  var box = map.getContainer(), focus = box.focus;
  box.focus = function () { focus.call(box, {preventScroll: true}); };
  window.atlasLib.fit(map, {{ this.region_json }});
  {% if this.sync %}window.atlasLib.sync(map);{% endif %}
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution({{ this.attribution_json }});
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(
        self,
        attribution_html: str,
        region: tuple[float, float, float, float] | None = None,
        sync: bool = False,
    ) -> None:
        """``region`` (west, south, east, north): the map opens fitted to it, at any size;
        ``sync``: the map pans and zooms with the page's other synchronised maps."""
        super().__init__()
        self._name = "AtlasHead"
        self.sync = sync
        west, south, east, north = region or (None,) * 4
        self.region_json = script_json([[south, west], [north, east]] if region else None)
        self.attribution_json = script_json(attribution_html)
        self.css = CSS
        self.library = LIBRARY


BOX_CSS = (  # the map's boxes: legend, date, time control
    f"background:{LAND}EE;border:1px solid {COAST};border-radius:4px;color:{TEXT};"
    f"box-shadow:0 1px 4px {TEXT}55;padding:6px 9px;"
)
# The map's look: layers/web/atlas_map.css, with the colours of layers.style.
_CSS_TEMPLATE = (Path(__file__).parent / "web" / "atlas_map.css").read_text(encoding="utf-8")
CSS = Template(_CSS_TEMPLATE).render(
    box=BOX_CSS,
    halo=",".join(f"0 0 {r}px {LAND}" for r in (1, 2, 3)),
    land=LAND,
    sea=SEA,
    coast=COAST,
    text=TEXT,
)

# The map library (atlasLib): geometry store, drawing, hatching, label placement.
LIBRARY = f"var HATCHES = {script_json(HATCH_SVG)};\n" + (
    Path(__file__).parent / "web" / "atlas_map.js"
).read_text(encoding="utf-8")
