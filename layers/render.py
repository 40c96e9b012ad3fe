"""The atlas as a folium map: a base map per language and base, then feature groups per date.

The base map (sea, land, graticule or online tiles, CSS) never changes with the date, so the
app builds it once and streamlit-folium keeps it mounted; everything that depends on the
date is a feature group (one per layer, plus events and the legend) that streamlit-folium
swaps in place.

Geometry store: the shipped territories, railways and base map can be written once to one
gzip-compressed JSON file (:func:`geometry_bundle`) that the browser fetches once; feature
groups then only carry styles, tooltips and popups, and a date step sends kilobytes instead
of megabytes.
Without a store (``store=None``) every geometry is inline, and uploaded layers always are.

Pure functions: no Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import folium
import shapely

from layers import geometry_codec
from layers.eventtext import escape
from layers.geometry_codec import StoreFiles
from layers.html_parts import legend_html
from layers.i18n import format_date, t
from layers.map_access import MapAccess
from layers.map_elements import AtlasGeoJson, AtlasGroup, AtlasHead, MapBox
from layers.map_features import (
    REGION,
    area_feature,
    event_feature,
    events_by_place,
    feature_rows,
    has_planned_part,
    label_point,
    largest_per_label,
    line_feature,
    name_feature,
    nearby_events,
    outside_scope_feature,
    point_feature,
    route_features,
)
from layers.model import Atlas, LayerSpec, snapshot, state_key
from layers.style import (
    COARSE_MAX_ZOOM,
    COARSE_TOLERANCE_DEG,
    GRATICULE_STYLE,
    LAND,
    LAND_STYLE,
    PLANNED_DASH,
    TEXT,
    ZOOM_SNAP,
    LegendEntry,
    legend_entries,
)
from layers.urlstate import EVENTS_ID, MAX_ZOOM, MIN_ZOOM
from layers.validate import ROLE_BASE

LEAFLET_ASSETS = "/app/static/vendor/leaflet"  # Streamlit static serving of static/vendor/
DEFAULT_CENTER = (41.0, 111.0)
DEFAULT_ZOOM = 4
STORED_KINDS = ("base", "territory", "line")
OVERLAY = "overlay"  # the feature group of the legend and the date
PANES = {  # one Leaflet pane per kind of layer keeps the drawing order (pane, z-index)
    "territory": ("atlas-territory", 410),
    "name": ("atlas-names", 415),
    "line": ("atlas-line", 420),
    "route": ("atlas-route", 430),
    "point": ("atlas-point", 440),
    EVENTS_ID: ("atlas-events", 450),
}
TILES = {
    "osm": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        19,
    ),
    "positron": (
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "&copy; OpenStreetMap contributors &copy; CARTO",
        19,
    ),
    "relief": (
        "https://server.arcgisonline.com/ArcGIS/rest/services/World_Shaded_Relief/MapServer"
        "/tile/{z}/{y}/{x}",
        "Tiles &copy; Esri &mdash; Source: Esri",
        13,
    ),
}


@dataclass(frozen=True)
class GeometryStore:
    """Where the browser finds stored geometries (``url``) and which feature ids are there."""

    url: str
    keys: frozenset[str]


def geometry_bundle(atlas: Atlas) -> StoreFiles:
    """The shipped base, territory and line geometries, by feature id in the compact form of
    :mod:`layers.geometry_codec`, as two gzipped JSON files.

    The overview, ``{"scale": …, "coarseZoom": …, "geometries": {…}, "coarse": {…},
    "detail": name}``, is all the first map needs: ``coarse`` holds the overview copy of
    each shape that simplifying (:data:`layers.style.COARSE_TOLERANCE_DEG`) shortens, drawn
    up to ``coarseZoom``, and ``geometries`` the shapes that have no such copy. The detail
    file, ``{"geometries": {…}}``, holds the full shapes of the others, which the map fetches
    when idle or when zoomed in beyond ``coarseZoom`` (a third of the bytes come first).

    Files are named by their content and compressed once here (the browser inflates them with
    ``DecompressionStream``; a web server would otherwise compress them again for every
    visitor). Uploaded layers are never part of the store (they stay in their session).
    """
    geometries = {}
    for spec in atlas.specs():
        if spec.kind in STORED_KINDS and spec.id not in atlas.user_layer_ids:
            frame = atlas.layers[spec.id].frame
            for props, geometry in feature_rows(frame[["id", "geometry"]]):
                geometries[props["id"]] = geometry
    scale = geometry_codec.exact_scale(list(geometries.values()))
    whole, coarse, detail = {}, {}, {}
    for key in sorted(geometries):
        encoded = geometry_codec.encode(geometries[key], scale)
        simple = shapely.simplify(geometries[key], COARSE_TOLERANCE_DEG, preserve_topology=True)
        if shapely.get_num_coordinates(simple) < shapely.get_num_coordinates(geometries[key]):
            coarse[key] = geometry_codec.encode(simple, scale)
            detail[key] = encoded
        else:
            whole[key] = encoded
    detail_name, detail_data = _store_file("geometry_detail", {"geometries": detail})
    overview = {
        "scale": scale,
        "coarseZoom": COARSE_MAX_ZOOM,
        "geometries": whole,
        "coarse": coarse,
        "detail": detail_name,
    }
    name, data = _store_file("geometry", overview)
    return StoreFiles(name, {name: data, detail_name: detail_data}, frozenset(geometries))


def _store_file(kind: str, content: dict) -> tuple[str, bytes]:
    data = json.dumps(content, separators=(",", ":")).encode("utf-8")
    name = f"{kind}-{hashlib.sha256(data).hexdigest()[:16]}.json.gz"
    return name, gzip.compress(data, compresslevel=9, mtime=0)


def base_map(
    atlas: Atlas,
    lang: str = "en",
    basemap: str = "atlas",
    *,
    assets: str = LEAFLET_ASSETS,
    store: GeometryStore | None = None,
    sync: bool = False,
) -> folium.Map:
    """The date-independent map: offline vector base (or online tiles), look and controls;
    with ``sync``, it pans and zooms with the other synchronised maps of the page.

    ``assets`` is the URL folder of leaflet.js/leaflet.css (by default the app's static
    files): only Leaflet is loaded, no jQuery, Bootstrap or icon fonts from a CDN.
    """
    m = folium.Map(
        location=DEFAULT_CENTER,
        zoom_start=DEFAULT_ZOOM,
        tiles=None,
        min_zoom=MIN_ZOOM,
        max_zoom=MAX_ZOOM,
        control_scale=False,  # MapAccess adds one in kilometres only
        zoom_snap=ZOOM_SNAP,
    )
    m.default_js = [("leaflet", f"{assets}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{assets}/leaflet.css")]
    AtlasHead(escape(t("attribution", lang)), region=REGION, sync=sync).add_to(m)
    MapAccess(t("map_frame_title", lang)).add_to(m)
    if basemap in TILES:
        url, attribution, max_zoom = TILES[basemap]
        folium.TileLayer(url, attr=attribution, max_zoom=min(max_zoom, MAX_ZOOM)).add_to(m)
        return m
    base = atlas.base_layer()
    if base is None or base.broken:
        return m
    for kind, style in (
        ("land", LAND_STYLE),
        ("outside_scope", None),
        ("graticule", GRATICULE_STYLE),
    ):
        features = []
        for props, geometry in feature_rows(base.frame):
            if props.get("kind") != kind:
                continue
            stored = store is not None and props["id"] in store.keys
            geometry_json = None if stored else shapely.to_geojson(geometry)
            if style is None:  # outside the scope: a note of what is not drawn, on hover
                features.append(outside_scope_feature(props, lang, geometry_json))
                continue
            shown = {"s": style, "g": props["id"]} if stored else {"s": style}
            features.append((shown, geometry_json))
        if features:
            interactive = style is None
            AtlasGeoJson(features, interactive=interactive, store_url=_url(store)).add_to(m)
    return m


def map_groups(
    atlas: Atlas,
    day: dt.date,
    layer_ids: list[str],
    lang: str = "en",
    store: GeometryStore | None = None,
) -> list[tuple[tuple, Callable[[], AtlasGroup]]]:
    """The map's feature groups on ``day`` in order, each as ``(cache key, build)``: the
    layers in draw order, the events, the overlay (legend and date). The app
    (:mod:`atlas_app.mapview`) and :func:`date_groups` both draw these.

    A key starts with the group's name (layer id, :data:`EVENTS_ID` or :data:`OVERLAY`) and
    holds everything the group depends on besides the atlas and ``store``: equal keys, equal
    groups (:func:`uses_uploads` says which keys also depend on the session's uploads).
    """
    groups: list[tuple[tuple, Callable[[], AtlasGroup]]] = []
    for spec in drawn_specs(atlas, layer_ids):
        key = (spec.id, lang, state_key(atlas, day, [spec.id]))
        groups.append((key, partial(layer_group, atlas, spec.id, day, lang, store)))
    if EVENTS_ID in layer_ids:
        groups.append(((EVENTS_ID, lang, day), partial(events_group, atlas, day, lang, store)))
    overlay = partial(overlay_group, atlas, day, list(layer_ids), lang)
    groups.append(((OVERLAY, lang, day, tuple(layer_ids)), overlay))
    return groups


def uses_uploads(atlas: Atlas, key: tuple) -> bool:
    """True when the group of ``key`` (from :func:`map_groups`) depends on the uploaded
    layers: an uploaded layer's, or the overlay while there are uploads (their legend)."""
    return key[0] in atlas.user_layer_ids or (key[0] == OVERLAY and bool(atlas.user_layer_ids))


def date_groups(
    atlas: Atlas,
    day: dt.date,
    layer_ids: list[str],
    lang: str = "en",
    store: GeometryStore | None = None,
) -> list[AtlasGroup]:
    """Every feature group of the map on ``day`` (:func:`map_groups`), built."""
    return [build() for _, build in map_groups(atlas, day, layer_ids, lang, store)]


def drawn_specs(atlas: Atlas, layer_ids: list[str]) -> list[LayerSpec]:
    """Catalogue entries drawn as feature groups (the base layer is part of the base map)."""
    wanted = set(layer_ids)
    return [s for s in atlas.specs() if s.id in wanted and s.role != ROLE_BASE]


def layer_group(
    atlas: Atlas,
    layer_id: str,
    day: dt.date,
    lang: str = "en",
    store: GeometryStore | None = None,
) -> AtlasGroup:
    """One layer's features on ``day``, styled, with tooltips and popups.

    Each feature but points gets its own element: the browser then redraws only the
    features that changed from one date to the next (a point layer is one cheap element).
    """
    layer = atlas.layers[layer_id]
    spec = layer.spec
    kind = spec.kind
    user = layer_id in atlas.user_layer_ids
    parts: list[list] = []  # the features of each element
    points: list = []
    names: list = []  # territory names, one element for the layer
    for props, geometry in feature_rows(layer.on(day)):
        stored = not user and store is not None and props["id"] in store.keys
        geometry_json = None if stored else shapely.to_geojson(geometry)
        if kind == "territory":
            parts.append([area_feature(props, lang, geometry_json)])
            name = name_feature(props, geometry, lang)
            if name is not None:
                names.append((name, label_point(props.get("id"), geometry)[2]))
        elif kind == "line":
            parts.append([line_feature(spec.line_style, props, lang, geometry_json, user)])
        elif kind == "route":
            parts.append(route_features(spec.line_style, props, geometry, day, lang))
        elif kind == "point":
            points.append(point_feature(props, geometry, lang, user))
    group = AtlasGroup(name=layer_id)
    for features in [*parts, points] if points else parts:
        AtlasGeoJson(features, pane=PANES.get(kind), store_url=_url(store)).add_to(group)
    if names:
        named = largest_per_label(names)
        AtlasGeoJson(named, pane=PANES["name"], interactive=False).add_to(group)
    return group


def events_group(
    atlas: Atlas, day: dt.date, lang: str = "en", store: GeometryStore | None = None
) -> AtlasGroup:
    """Markers of the events within 30 days, sized by importance; those of the day filled.
    Events at one place share one marker (its popup lists them all). One element per place,
    so that a date step only redraws the markers that changed."""
    group = AtlasGroup(name=EVENTS_ID)
    for events in events_by_place(nearby_events(atlas, day)):
        features = [event_feature(events, lang)]
        AtlasGeoJson(features, pane=PANES[EVENTS_ID], store_url=_url(store)).add_to(group)
    return group


def overlay_group(atlas: Atlas, day: dt.date, layer_ids: list[str], lang: str = "en") -> AtlasGroup:
    """The legend (only what is drawn on ``day``) and the date, as boxes on the map."""
    group = AtlasGroup(name=OVERLAY)
    legend = legend_box_html(atlas, day, layer_ids, lang)
    MapBox(legend, "bottomright", "atlas-legend-box").add_to(group)
    date_html = f"{escape(format_date(day, lang))}<small>{escape(t('app_short', lang))}</small>"
    MapBox(date_html, "topright", "atlas-date-box").add_to(group)
    return group


def legend_box_html(atlas: Atlas, day: dt.date, layer_ids: list[str], lang: str) -> str:
    """The legend of what is drawn, plus planned axes and event markers when shown."""
    specs = drawn_specs(atlas, layer_ids)
    shot = snapshot(atlas, day, [s.id for s in specs])
    entries = legend_entries(shot, lang, {s.id: s.line_style for s in specs})
    moving = [shot[s.id] for s in specs if s.moving_front]
    if any(not axes.empty and has_planned_part(axes, day) for axes in moving):
        label = t("legend_ahead", lang)
        entries.append(LegendEntry("axis:planned", label, "line", TEXT, TEXT, dash=PLANNED_DASH))
    if EVENTS_ID in layer_ids and nearby_events(atlas, day):
        for fill, key in ((TEXT, "legend_event_today"), (LAND, "legend_event_near")):
            entries.append(LegendEntry(key, t(key, lang), "point", fill, TEXT))
    return legend_html(entries, lang)


def _url(store: GeometryStore | None) -> str | None:
    return None if store is None else store.url
