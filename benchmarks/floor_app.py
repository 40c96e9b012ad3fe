"""The cold-start floor: the atlas's stack doing almost nothing.

Streamlit, GeoPandas, Folium and streamlit-folium imported, a title, a slider and one
polygon on a Folium map: what any app on this stack pays before its own work. The cold-start
benchmark starts it in the same run as the atlas, and the atlas's target bounds the time it
takes beyond this. Run with ``streamlit run benchmarks/floor_app.py`` from the repository root.
"""

from __future__ import annotations

import folium
import geopandas
import streamlit as st
from streamlit_folium import st_folium

LEAFLET = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist"  # served from disk by the harness

st.set_page_config(page_title="Cold-start floor", layout="wide")
st.header("Cold-start floor")
st.slider("Day", 0, 2500, 700)
shape = geopandas.GeoSeries.from_xy([121.6], [39.1], crs=4326).buffer(0.5)  # any polygon
m = folium.Map(location=[45, 118], zoom_start=3, tiles=None)
m.default_js = [("leaflet", f"{LEAFLET}/leaflet.js")]
m.default_css = [("leaflet_css", f"{LEAFLET}/leaflet.css")]
folium.GeoJson(shape.to_json()).add_to(m)
st_folium(m, height=640, use_container_width=True, returned_objects=[])
