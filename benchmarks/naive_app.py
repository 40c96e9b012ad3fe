"""The naive baseline for the scrubbing benchmark: rebuild the whole Folium map on every rerun.

Same data and styles as the atlas, but each slider step builds a new ``folium.Map`` with the
base map and every visible layer, serialises it all to GeoJSON, and hands the full map to
``st_folium`` (no ``feature_group_to_add``), so the browser re-creates the map from scratch.
Run with ``streamlit run benchmarks/naive_app.py`` from the repository root.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import folium
import streamlit as st
from branca.element import MacroElement
from folium.template import Template
from streamlit_folium import st_folium

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from layers.i18n import format_date
from layers.loading import load_atlas
from layers.model import ATLAS_END, ATLAS_START, DEFAULT_DATE, snapshot
from layers.style import LAND, SEA, route_style, territory_style

LEAFLET_ONLY_JS = [("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")]
LEAFLET_ONLY_CSS = [("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")]
KEEP = ["id", "name_en", "status", "controller", "geometry"]


class DateBox(MacroElement):
    """The date in a corner of the map, like the atlas's (the benchmark waits for it)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: "topright"});
{{ this.get_name() }}.onAdd = function () {
  var div = L.DomUtil.create("div", "atlas-date-box");
  div.textContent = {{ this.text|tojson }};
  return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "DateBox"
        self.text = text


@st.cache_resource
def atlas():
    return load_atlas()


def build_map(day: dt.date) -> folium.Map:
    data = atlas()
    m = folium.Map(location=[45, 118], zoom_start=3, tiles=None, control_scale=True)
    m.default_js = LEAFLET_ONLY_JS
    m.default_css = LEAFLET_ONLY_CSS
    m.get_root().header.add_child(
        folium.Element(f"<style>.leaflet-container{{background:{SEA}}}</style>")
    )
    for layer_id, frame in snapshot(data, day, data.default_layer_ids()).items():
        if frame.empty:
            continue
        kind = data.layers[layer_id].spec.kind
        columns = [c for c in KEEP if c in frame.columns]
        if kind == "route" and "ended" in frame:
            columns.append("ended")
        geojson = frame[columns].to_json()
        if kind == "base":

            def style(_f):
                return {"fillColor": LAND, "color": "#9A9486", "weight": 0.6, "fillOpacity": 1}

        elif kind == "territory":

            def style(f):
                return territory_style(f["properties"]).leaflet()

        elif kind in ("route", "line"):

            def style(f, layer_id=layer_id):
                props = f["properties"]
                return route_style(layer_id, props, bool(props.get("ended"))).leaflet()

        else:
            marker = folium.CircleMarker(radius=4, fill=True, color="#2B2B2B")
            folium.GeoJson(geojson, name=layer_id, marker=marker).add_to(m)
            continue
        tooltip = folium.GeoJsonTooltip(["name_en"]) if "name_en" in columns else None
        folium.GeoJson(geojson, name=layer_id, style_function=style, tooltip=tooltip).add_to(m)
    DateBox(format_date(day, "en")).add_to(m)
    return m


st.set_page_config(page_title="Naive atlas (benchmark baseline)", layout="wide")
day = st.slider("Date", min_value=ATLAS_START, max_value=ATLAS_END, value=DEFAULT_DATE)
st.markdown(f"Showing **{day.isoformat()}**")
st_folium(build_map(day), height=620, use_container_width=True, returned_objects=[])
