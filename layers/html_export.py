"""One self-contained HTML file: the interactive map with a date slider, no server, no network.

Leaflet's JavaScript and CSS are inlined from xstatic-leaflet (its images as data URIs), and
every layer's features (with their validity dates) and the events are embedded as JSON. A small
hand-written script shows what holds on the date chosen with the slider, fades routes that have
ended and advances the August 1945 axes waypoint by waypoint.

Everything that comes from data reaches the page escaped: popups, tooltips, event texts and the
legends are built here with :mod:`layers.html_parts` and assigned by the script as trusted,
pre-escaped HTML; plain strings go through ``textContent``. The JSON is made safe to embed in
``<script>`` (no ``</``, ``<!--`` or line separators can survive).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping

from layers import style
from layers.eventtext import escape, script_json
from layers.html_parts import HATCH_SVG, event_html, legend_html, popup_html, tooltip_html
from layers.i18n import format_date, normalise_language, t
from layers.map_features import name_feature
from layers.model import (
    ATLAS_END,
    ATLAS_START,
    DEFAULT_DATE,
    ROUTE_FADE_DAYS,
    Atlas,
    snapshot,
)
from layers.static import EVENT_DAYS, EVENTS, check_layers, project

COORD_DIGITS = 3  # about 100 m: finer than anything drawn in this atlas
DEFAULT_VIEW = ((18.0, 70.0), (58.0, 160.0))  # south-west, north-east (lat, lon)


def standalone_html(atlas: Atlas, *, lang: str = "en", layer_ids: list[str] | None = None) -> str:
    """The interactive map of the whole period as one HTML page that works from disk."""
    lang = normalise_language(lang)
    ids = _layer_ids(atlas, layer_ids)
    data = {
        "lang": lang,
        "start": ATLAS_START.isoformat(),
        "end": ATLAS_END.isoformat(),
        "initial": DEFAULT_DATE.isoformat(),
        "view": DEFAULT_VIEW,
        "eventDays": EVENT_DAYS,
        "months": [format_date(dt.date(2000, m, 2), lang).split()[1] for m in range(1, 13)],
        "day1": format_date(dt.date(2000, 1, 1), lang).split()[0],
        "title": t("title_on", lang, date="{date}"),
        "onTitle": t("on_this_date", lang),
        "aroundTitle": t("around_this_date", lang),
        "play": t("play", lang),
        "pause": t("pause", lang),
        "playDays": 7,
        "hatches": HATCH_SVG,
        "noEvents": t("no_events", lang),
        "layers": [_layer(atlas, layer_id, lang) for layer_id in ids if layer_id != EVENTS],
        "events": _events(atlas, lang) if EVENTS in ids else [],
        "legends": _legends(atlas, [i for i in ids if i != EVENTS], lang),
        "attribution": escape(t("attribution", lang)),
        "colours": {"text": style.TEXT, "land": style.LAND},
    }
    return _page(data, atlas, ids, lang)


# ---------------------------------------------------------------- data


def _layer_ids(atlas: Atlas, layer_ids: Iterable[str] | None) -> list[str]:
    """Every layer by default (the page can switch them), else the checked ids."""
    if layer_ids is None:
        return [s.id for s in atlas.specs()] + [EVENTS]
    return check_layers(atlas, layer_ids)


def _layer(atlas: Atlas, layer_id: str, lang: str) -> dict:
    layer = atlas.layers[layer_id]
    spec = layer.spec
    frame = layer.frame
    geometry = frame.geometry
    records = frame.drop(columns=geometry.name).to_dict("records")
    features = []
    for props, geom in zip(records, geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        props = {k: v for k, v in props.items() if not _missing(v)}
        features.append(_feature(layer_id, spec.kind, props, geom, lang))
    return {
        "id": layer_id,
        "kind": spec.kind,
        "visible": bool(spec.visible),
        "features": features,
    }


def _feature(layer_id: str, kind: str, props: dict, geom, lang: str) -> dict:
    valid_to = props.get("valid_to")
    feature: dict = {
        "id": str(props.get("id", "")),
        "from": props.get("valid_from"),
        "to": valid_to,
        "until": valid_to,
    }
    if kind == "base" and props.get("kind") == "outside_scope":
        feature["geometry"] = _geojson(geom)
        feature["style"] = style.OUTSIDE_SCOPE_STYLE.leaflet()
        feature["tip"] = tooltip_html(props, lang)
        feature["pop"] = popup_html(props, lang)
        return feature
    if kind == "base":
        feature["geometry"] = _geojson(geom)
        feature["style"] = _base_style(geom)
        return feature
    feature["tip"] = tooltip_html(props, lang)
    feature["pop"] = popup_html(props, lang)
    if kind == "point":
        feature["lat"], feature["lon"] = round(geom.y, 4), round(geom.x, 4)
        feature["rank"] = int(props.get("rank") or 3)
        feature["capital"] = bool(props.get("capital_of"))
        feature["label"] = _city_label(props, lang)
        return feature
    feature["geometry"] = _geojson(geom)
    if kind == "territory" or geom.geom_type in ("Polygon", "MultiPolygon"):
        feature["style"] = style.territory_style(props).leaflet()
        name = name_feature(props, geom, lang)  # the app's territory name and label point
        if name is not None:
            lon, lat = json.loads(name[1])["coordinates"]
            rank = int(name[0]["nc"].rsplit("-", 1)[-1])
            feature["name"] = {"lat": lat, "lon": lon, "html": name[0]["n"], "rank": rank}
        return feature
    line = style.route_style(layer_id, props)
    feature["style"] = line.leaflet()
    parts = [p for p in shapely.get_parts(geom) if len(p.coords) > 1]
    if line.arrows and parts:
        end = np.asarray(parts[-1].coords)
        feature["arrow"] = [round(end[-1, 1], 4), round(end[-1, 0], 4), _angle(end[-2], end[-1])]
    if kind == "route":
        feature["faded"] = style.route_style(layer_id, props, ended=True).leaflet()
        waypoints = props.get("waypoints")
        fade = 0 if isinstance(waypoints, list) and waypoints else ROUTE_FADE_DAYS  # as the app
        if isinstance(valid_to, str):
            end = dt.date.fromisoformat(valid_to) + dt.timedelta(days=fade)
            feature["until"] = end.isoformat()
    waypoints = props.get("waypoints")
    if layer_id == "august_storm" and isinstance(waypoints, list) and waypoints and parts:
        coords = np.asarray(parts[0].coords)
        feature["axis"] = _axis_steps(coords, waypoints)
        feature["angles"] = [
            _angle(coords[max(i - 1, 0)], coords[max(i, 1)]) for i in range(len(coords))
        ]
    return feature


def _angle(before: np.ndarray, after: np.ndarray) -> float:
    """Screen direction from one lon/lat to the next on a Mercator map, degrees clockwise from
    east: the same at every zoom, since Mercator keeps angles."""
    (x0, x1), (y0, y1) = project([before[0], after[0]], [before[1], after[1]])
    return round(-math.degrees(math.atan2(y1 - y0, x1 - x0)), 1)


def _axis_steps(coords: np.ndarray, waypoints: list) -> list[list]:
    """``[vertex, date]`` of each dated waypoint, in order: the axis is solid up to the last one
    reached on a date, as :func:`layers.temporal.axis_progress` says."""
    steps = []
    for i, waypoint in enumerate(waypoints):
        date = waypoint.get("date") if isinstance(waypoint, dict) else None
        if not isinstance(date, str):
            continue
        if len(waypoints) == len(coords):
            vertex = i
        elif "lon" in waypoint and "lat" in waypoint:
            gaps = np.hypot(coords[:, 0] - waypoint["lon"], coords[:, 1] - waypoint["lat"])
            vertex = int(np.argmin(gaps))
        else:
            continue
        steps.append([vertex, date])
    return steps


def _base_style(geom) -> dict:
    """Land as on the map images (style's LAND and COAST); the graticule in GRATICULE."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return {
            "fillColor": style.LAND,
            "fillOpacity": 1,
            "color": style.COAST,
            "weight": 0.6,
            "opacity": 1,
        }
    return {"color": style.GRATICULE, "weight": 0.8, "opacity": 1, "fill": False}


def _city_label(props: dict, lang: str) -> str:
    name = (props.get("name_fr") if lang == "fr" else None) or props.get("name_en") or ""
    native = props.get("name_native")
    parts = [escape(name)]
    if isinstance(native, str) and native and native != name:
        parts.append(f'<span class="atlas-native">{escape(native)}</span>')
    return " ".join(parts)


def _events(atlas: Atlas, lang: str) -> list[dict]:
    events = atlas.events
    if events.empty:
        return []
    geometry = events.geometry
    records = events.drop(columns=geometry.name).to_dict("records")
    found = []
    for props, geom in zip(records, geometry, strict=True):
        props = {k: v for k, v in props.items() if not _missing(v)}
        date = props.get("date")
        if not isinstance(date, str) or geom is None or geom.is_empty:
            continue
        found.append(
            {
                "id": str(props.get("id", "")),
                "date": date,
                "end": props.get("date_end") or date,
                "lat": round(geom.y, 4),
                "lon": round(geom.x, 4),
                "importance": int(props.get("importance") or 3),
                "html": event_html(props, lang),
            }
        )
    return sorted(found, key=lambda e: (e["date"], e["id"]))


def _legends(atlas: Atlas, layer_ids: list[str], lang: str) -> dict:
    """The legend of every epoch: the dates where it may change and, for each, the HTML."""
    bounds = set()
    for layer_id in layer_ids:
        for value in atlas.layers[layer_id].index.bounds:
            day = dt.date.fromisoformat(str(np.datetime64(value, "D")))
            if ATLAS_START < day <= ATLAS_END:
                bounds.add(day)
    starts = [ATLAS_START, *sorted(bounds)]
    html, index, result = [], {}, []
    for day in starts:
        legend = legend_html(style.legend_entries(snapshot(atlas, day, layer_ids), lang), lang)
        if legend not in index:
            index[legend] = len(html)
            html.append(legend)
        result.append(index[legend])
    return {"starts": [d.isoformat() for d in starts], "index": result, "html": html}


def _geojson(geom) -> dict:
    rounded = shapely.set_precision(geom, 10**-COORD_DIGITS, mode="pointwise")
    if rounded.is_empty:
        rounded = geom
    return mapping(rounded)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


# ---------------------------------------------------------------- page


def _leaflet() -> tuple[str, str]:
    """Leaflet's CSS and JavaScript, from xstatic-leaflet.

    The CSS's images (layer switcher and default marker icons, which this page does not use)
    are dropped, so that nothing is ever fetched.
    """
    from xstatic.pkg import leaflet

    folder = Path(leaflet.BASE_DIR)
    css = (folder / "leaflet.css").read_text(encoding="utf-8")
    css = re.sub(r"url\(images/[\w.-]+\)", "none", css)
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    return _inert(css, "style"), _inert(js, "script")


def _inert(text: str, tag: str) -> str:
    """Code that cannot close its own ``<style>``/``<script>`` element early."""
    return re.sub(f"</(?={tag})", "<\\/", text, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def _page(data: dict, atlas: Atlas, ids: list[str], lang: str) -> str:
    leaflet_css, leaflet_js = _leaflet()
    rows = []
    for spec in atlas.specs():
        if spec.id not in ids or spec.id == "basemap":
            continue
        checked = " checked" if spec.visible else ""
        rows.append(
            f'<label><input type="checkbox" data-layer="{escape(spec.id)}"{checked}> '
            f"{escape(spec.title(lang))}</label>"
        )
    if EVENTS in ids:
        rows.append(
            f'<label><input type="checkbox" data-layer="{EVENTS}" checked> '
            f"{escape(t('events_panel', lang))}</label>"
        )
    css = _CSS.format(
        land=style.LAND, sea=style.SEA, text=style.TEXT, coast=style.COAST, grid=style.GRATICULE
    )
    return _TEMPLATE.format(
        lang=escape(lang),
        title=escape(t("app_title", lang)),
        subtitle=escape(t("app_subtitle", lang)),
        leaflet_css=leaflet_css,
        css=css,
        date_label=escape(t("date", lang)),
        prev=escape(t("prev_event", lang)),
        next=escape(t("next_event", lang)),
        minus_day=escape(t("minus_day", lang)),
        plus_day=escape(t("plus_day", lang)),
        play=escape(t("play", lang)),
        layers_title=escape(t("layers", lang)),
        layer_rows="".join(rows),
        events_title=escape(t("events_panel", lang)),
        data=script_json(data),
        leaflet_js=leaflet_js,
        script=_SCRIPT,
    )


_CSS = """
html, body {{ margin: 0; height: 100%; }}
body {{ display: flex; flex-direction: column; color: {text}; background: {land};
  font: 14px/1.35 "DejaVu Sans", "Noto Sans", "Noto Sans CJK JP", system-ui, sans-serif; }}
header {{ padding: 6px 12px; border-bottom: 1px solid {coast}; }}
header h1 {{ font-size: 19px; margin: 0; }}
header p {{ margin: 0; font-style: italic; font-size: 12px; }}
.atlas-bar {{ display: flex; align-items: center; gap: 8px; flex-wrap: wrap; margin-top: 4px; }}
#atlas-slider {{ flex: 1; min-width: 240px; }}
#atlas-date {{ font-weight: bold; min-width: 12em; }}
main {{ flex: 1; display: flex; min-height: 0; }}
#atlas-map {{ flex: 1; background: {sea}; }}
aside {{ width: 330px; overflow-y: auto; padding: 8px 12px; border-left: 1px solid {coast};
  font-size: 13px; }}
aside h2 {{ font-size: 14px; margin: 10px 0 4px; }}
#atlas-layers label {{ display: block; }}
.atlas-event {{ border-top: 1px solid {grid}; padding: 6px 0; }}
#atlas-events h3 {{ font-size: 13px; margin: 8px 0 2px; }}
.atlas-event.atlas-today {{ border-left: 3px solid {text}; padding-left: 6px; }}
.atlas-notes {{ font-size: 12px; font-style: italic; }}
.atlas-sources {{ font-size: 11px; }}
.atlas-sources ul {{ margin: 2px 0; padding-left: 16px; }}
.atlas-legend {{ background: {land}; border: 1px solid {coast}; padding: 6px 8px;
  font-size: 12px; max-height: 45vh; overflow-y: auto; }}
.atlas-legend-title {{ font: inherit; font-weight: bold; background: none; border: 0;
  padding: 0; color: {text}; cursor: pointer; }}
.atlas-folded .atlas-legend-row {{ display: none; }}
.atlas-legend-row {{ display: flex; align-items: center; gap: 6px; }}
.atlas-city {{ background: transparent; border: 0; box-shadow: none; padding: 0;
  font-size: 12px; font-weight: bold; text-shadow: 0 0 3px {land}, 0 0 3px {land}; }}
.atlas-city::before {{ display: none; }}
.atlas-native {{ font-weight: normal; }}
.atlas-arrow {{ background: transparent; border: 0; }}
.atlas-area-label {{ background: none; border: 0; pointer-events: none; }}
.atlas-area-label span {{ position: absolute; transform: translate(-50%, -50%);
  width: max-content; max-width: 9em; text-align: center; line-height: 1.1;
  font-variant: small-caps; letter-spacing: 0.05em; font-weight: bold; opacity: 0.85;
  text-shadow: 0 0 2px {land}, 0 0 3px {land}; }}
.atlas-area-rank-1 span {{ font-size: 14px; }}
.atlas-area-rank-2 span, .atlas-area-rank-3 span {{ font-size: 11.5px; }}
.atlas-hidden {{ display: none !important; }}
.leaflet-container {{ font: inherit; }}
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>{leaflet_css}</style>
<style>{css}</style>
</head>
<body>
<header>
<h1 id="atlas-title">{title}</h1>
<p>{subtitle}</p>
<div class="atlas-bar">
<button type="button" id="atlas-prev">{prev}</button>
<button type="button" id="atlas-minus-day">{minus_day}</button>
<input type="range" id="atlas-slider" min="0" max="0" step="1" value="0" aria-label="{date_label}">
<button type="button" id="atlas-plus-day">{plus_day}</button>
<button type="button" id="atlas-next">{next}</button>
<button type="button" id="atlas-play" aria-pressed="false">{play}</button>
<span id="atlas-date" aria-live="polite"></span>
</div>
</header>
<main>
<div id="atlas-map"></div>
<aside>
<h2>{layers_title}</h2>
<div id="atlas-layers">{layer_rows}</div>
<h2>{events_title}</h2>
<div id="atlas-events"></div>
</aside>
</main>
<script type="application/json" id="atlas-data">{data}</script>
<script>{leaflet_js}</script>
<script>{script}</script>
</body>
</html>
"""

# The client side. It never builds HTML from data: it assigns the pre-escaped strings made in
# Python (popups, tooltips, event texts, legends) and uses textContent for everything else.
_SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("atlas-data").textContent);
  var DAY = 86400000;
  var SVG = "http://www.w3.org/2000/svg";
  var start = Date.parse(data.start + "T00:00:00Z");
  var last = Math.round((Date.parse(data.end + "T00:00:00Z") - start) / DAY);
  var slider = document.getElementById("atlas-slider");
  var dateText = document.getElementById("atlas-date");
  var titleText = document.getElementById("atlas-title");
  var eventsBox = document.getElementById("atlas-events");
  var colours = data.colours;

  function isoOf(i) { return new Date(start + i * DAY).toISOString().slice(0, 10); }
  function indexOf(iso) { return Math.round((Date.parse(iso + "T00:00:00Z") - start) / DAY); }
  function shift(iso, days) { return isoOf(indexOf(iso) + days); }
  function spoken(iso) {
    var p = iso.split("-");
    var d = Number(p[2]);
    return (d === 1 ? data.day1 : String(d)) + " " + data.months[Number(p[1]) - 1] + " " + p[0];
  }
  // Popups, tooltips, event texts and legends: escaped in Python by layers.html_parts.
  function trusted(html) { return html; }

  var map = L.map("atlas-map", { zoomSnap: 0.25 });
  map.fitBounds(data.view);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(trusted(data.attribution));
  [["atlas-base", 300], ["atlas-areas", 400], ["atlas-names", 410], ["atlas-lines", 450],
   ["atlas-points", 620]]
    .forEach(function (pane) { map.createPane(pane[0]).style.zIndex = String(pane[1]); });

  var legendBox = null;
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    legendBox = L.DomUtil.create("div", "atlas-legend-box");
    L.DomEvent.disableScrollPropagation(legendBox);
    L.DomEvent.disableClickPropagation(legendBox);
    legendBox.addEventListener("click", function (event) {  // the title button folds it
      var title = event.target.closest(".atlas-legend-title");
      if (!title) { return; }
      var folded = legendBox.classList.toggle("atlas-folded");
      title.setAttribute("aria-expanded", String(!folded));
    });
    return legendBox;
  };
  legend.addTo(map);

  var hatchDefs = null;
  function hatch(area, s) {  // the hatched statuses' SVG patterns, as on the app's map
    var template = data.hatches[s.hatch];
    if (!template) { return; }
    var id = ["atlas-hatch", s.hatch, s.fillColor, s.color, s.fillOpacity].join("-")
      .replace(/[^A-Za-z0-9-]/g, "");
    if (!document.getElementById(id)) {
      if (!hatchDefs) {
        var svg = document.createElementNS(SVG, "svg");
        svg.setAttribute("width", "0"); svg.setAttribute("height", "0");
        svg.style.position = "absolute";
        hatchDefs = document.createElementNS(SVG, "defs");
        svg.appendChild(hatchDefs);
        document.body.appendChild(svg);
      }
      hatchDefs.insertAdjacentHTML("beforeend", template.replace(/\{id\}/g, id)
        .replace(/\{fill\}/g, s.fillColor).replace(/\{stroke\}/g, s.color)
        .replace(/\{opacity\}/g, String(s.fillOpacity)));
    }
    area.eachLayer(function (part) {
      if (part._path) {
        part._path.setAttribute("fill", "url(#" + id + ")");
        part._path.setAttribute("fill-opacity", "1");
      }
    });
  }

  function paneOf(kind) {
    if (kind === "base") { return "atlas-base"; }
    if (kind === "territory") { return "atlas-areas"; }
    if (kind === "point") { return "atlas-points"; }
    return "atlas-lines";
  }

  function arrow(latlng, angle, colour, pane) {
    var icon = document.createElementNS(SVG, "svg");
    icon.setAttribute("viewBox", "-9 -9 18 18");
    icon.setAttribute("width", "18");
    icon.setAttribute("height", "18");
    var head = document.createElementNS(SVG, "path");
    head.setAttribute("d", "M 8 0 L -6 -6 L -3 0 L -6 6 Z");
    head.setAttribute("fill", colour);
    head.setAttribute("transform", "rotate(" + angle + ")");
    icon.appendChild(head);
    var marker = L.marker(latlng, {
      pane: pane, interactive: false, keyboard: false,
      icon: L.divIcon({ className: "atlas-arrow", html: icon, iconSize: [18, 18] })
    });
    marker.head = head;
    return marker;
  }

  function build(layer, f) {
    var pane = paneOf(layer.kind);
    if (layer.kind === "point") {
      var city = L.circleMarker([f.lat, f.lon], {
        pane: pane, radius: f.rank === 1 ? 5 : 3.5, weight: 1.5, color: colours.text,
        fillColor: f.capital ? colours.text : colours.land, fillOpacity: 1
      });
      city.bindTooltip(trusted(f.label), {
        permanent: f.rank === 1, direction: "right", className: "atlas-city", offset: [4, 0]
      });
      city.bindPopup(trusted(f.pop));
      return { layer: city, lines: [] };
    }
    if (layer.kind === "base" || layer.kind === "territory") {
      var area = L.geoJSON(f.geometry, {
        pane: pane, style: function () { return f.style; }, interactive: !!f.tip
      });
      if (f.style.hatch) { area.on("add", function () { hatch(area, f.style); }); }
      if (f.tip) {
        area.bindTooltip(trusted(f.tip), { sticky: true });
        area.bindPopup(trusted(f.pop));
      }
      if (f.name) {  // the territory's name at its label point, as on the app's map
        var name = L.marker([f.name.lat, f.name.lon], {
          pane: "atlas-names", interactive: false, keyboard: false,
          icon: L.divIcon({ className: "atlas-area-label atlas-area-rank-" + f.name.rank,
                            html: "<span>" + trusted(f.name.html) + "</span>", iconSize: null })
        });
        return { layer: L.featureGroup([area, name]), lines: [] };
      }
      return { layer: area, lines: [] };
    }
    var group = L.featureGroup();
    var built = { layer: group, lines: [], arrow: null };
    if (f.axis) {
      var coords = f.geometry.type === "MultiLineString"
        ? f.geometry.coordinates[0] : f.geometry.coordinates;
      var ahead = L.polyline([], L.extend({}, f.style, {
        pane: pane, dashArray: "1 8", lineCap: "round",
        weight: Math.max(2, f.style.weight * 0.55), opacity: 0.85
      }));
      var done = L.polyline([], L.extend({}, f.style, { pane: pane }));
      built.lines = [ahead, done];
      built.axis = { latlngs: coords.map(function (c) { return [c[1], c[0]]; }), step: -1 };
      group.addLayer(ahead).addLayer(done);
    } else {
      var line = L.polyline(latlngsOf(f.geometry), L.extend({}, f.style, { pane: pane }));
      built.lines = [line];
      group.addLayer(line);
    }
    if (f.arrow) {
      built.arrow = arrow([f.arrow[0], f.arrow[1]], f.arrow[2], f.style.color, pane);
      group.addLayer(built.arrow);
    }
    group.bindTooltip(trusted(f.tip), { sticky: true });
    group.bindPopup(trusted(f.pop));
    return built;
  }

  function latlngsOf(geometry) {
    var flip = function (c) { return [c[1], c[0]]; };
    return geometry.type === "MultiLineString"
      ? geometry.coordinates.map(function (part) { return part.map(flip); })
      : geometry.coordinates.map(flip);
  }

  function progress(steps, iso) {
    var reached = 0;
    steps.forEach(function (s) { if (s[1] <= iso) { reached = Math.max(reached, s[0]); } });
    return reached;
  }

  function drawAxis(f, built, iso) {
    var axis = built.axis;
    var k = Math.min(progress(f.axis, iso), axis.latlngs.length - 1);
    if (k === axis.step) { return; }
    axis.step = k;
    built.lines[0].setLatLngs(axis.latlngs.slice(k));
    built.lines[1].setLatLngs(k > 0 ? axis.latlngs.slice(0, k + 1) : []);
    if (built.arrow) {
      var tip = k > 0 ? k : axis.latlngs.length - 1;
      built.arrow.setLatLng(axis.latlngs[tip]);
      built.arrow.head.setAttribute("transform", "rotate(" + f.angles[tip] + ")");
    }
  }

  function fade(f, built, ended) {
    var look = ended ? f.faded : f.style;
    built.lines.forEach(function (line, i) {
      line.setStyle(built.axis && i === 0 ? { opacity: ended ? look.opacity : 0.85 } : look);
    });
    if (built.arrow) { built.arrow.setOpacity(look.opacity); }
  }

  var items = [];
  data.layers.forEach(function (layer) {
    layer.features.forEach(function (f) {
      items.push({ layer: layer, f: f, built: null, shown: false, ended: false });
    });
  });
  var enabled = { events: data.events.length > 0 };
  data.layers.forEach(function (layer) {
    enabled[layer.id] = layer.kind === "base" || layer.visible;
  });

  function holds(f, iso) {
    return f.from <= iso && (f.until === null || f.until === undefined || iso < f.until);
  }

  var eventLayer = L.layerGroup().addTo(map);
  var eventDates = [];
  data.events.forEach(function (e) {
    if (eventDates.indexOf(e.date) < 0) { eventDates.push(e.date); }
  });
  eventDates.sort();

  function showEvents(iso) {
    eventLayer.clearLayers();
    eventsBox.replaceChildren();
    var from = shift(iso, -30);
    var to = shift(iso, 30);
    var recent = shift(iso, -data.eventDays);
    var around = data.events.filter(function (e) { return e.date <= to && e.end >= from; });
    var isToday = function (e) { return e.date <= iso && e.end >= iso; };
    var lists = [[data.onTitle, around.filter(isToday)],
                 [data.aroundTitle, around.filter(function (e) { return !isToday(e); })]];
    if (!around.length) {
      var none = document.createElement("p");
      none.textContent = data.noEvents;
      eventsBox.appendChild(none);
    }
    lists.forEach(function (list) {  // "on this date", then "around this date"
      if (!list[1].length) { return; }
      var heading = document.createElement("h3");
      heading.textContent = list[0];
      eventsBox.appendChild(heading);
      list[1].forEach(function (e) {
        var item = document.createElement("div");
        item.className = isToday(e) ? "atlas-event-item atlas-today" : "atlas-event-item";
        item.innerHTML = trusted(e.html);
        eventsBox.appendChild(item);
      });
    });
    around.forEach(function (e) {
      var today = isToday(e);
      if (enabled.events && e.date <= iso && e.end >= recent) {
        var marker = L.circleMarker([e.lat, e.lon], {
          pane: "atlas-points", radius: e.importance === 1 ? 8 : 6, weight: 2,
          color: colours.text, fillColor: today ? colours.text : colours.land, fillOpacity: 0.9
        });
        marker.bindPopup(trusted(e.html));
        eventLayer.addLayer(marker);
      }
    });
  }

  // Territory names give way: shown from the zoom of their rank, at the first spot near
  // their label point that covers no city label or other name, else hidden.
  function placeNames() {
    var zoom = map.getZoom();
    var boxes = Array.prototype.map.call(
      document.querySelectorAll(".leaflet-tooltip.atlas-city"),
      function (el) { return el.getBoundingClientRect(); });
    var names = Array.prototype.slice.call(document.querySelectorAll(".atlas-area-label"));
    names.sort(function (a, b) { return a.className < b.className ? -1 : 1; });
    var steps = [[0, 0], [0, -16], [0, 16], [-40, 0], [40, 0], [0, -32], [0, 32],
                 [-40, -16], [40, 16], [-40, 16], [40, -16]];
    function clear(r) {
      return !boxes.some(function (b) {
        return r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom;
      });
    }
    names.forEach(function (el) {
      el.classList.remove("atlas-hidden");
      var rank = Number((/atlas-area-rank-(\d)/.exec(el.className) || [0, 3])[1]);
      var free = null;
      if (zoom >= (rank === 1 ? 0 : rank === 2 ? 4 : 6)) {
        for (var k = 0; k < steps.length && !free; k++) {
          el.style.marginLeft = steps[k][0] + "px";
          el.style.marginTop = steps[k][1] + "px";
          var r = el.firstChild.getBoundingClientRect();
          if (clear(r)) { free = r; }
        }
      }
      if (free) { boxes.push(free); } else { el.classList.add("atlas-hidden"); }
    });
  }
  map.on("zoomend", placeNames);

  var legendIndex = -1;
  function showLegend(iso) {
    var starts = data.legends.starts;
    var lo = 0;
    var hi = starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= iso) { lo = mid; } else { hi = mid - 1; }
    }
    var index = data.legends.index[lo];
    if (index !== legendIndex && legendBox) {
      legendIndex = index;
      legendBox.innerHTML = trusted(data.legends.html[index]);
      var title = legendBox.querySelector(".atlas-legend-title");
      if (title) {
        title.setAttribute("aria-expanded", String(!legendBox.classList.contains("atlas-folded")));
      }
    }
  }

  function show(i) {
    var iso = isoOf(i);
    slider.value = String(i);
    slider.setAttribute("aria-valuetext", spoken(iso));
    dateText.textContent = spoken(iso);
    titleText.textContent = data.title.replace("{date}", spoken(iso));
    items.forEach(function (it) {
      var want = Boolean(enabled[it.layer.id]) && holds(it.f, iso);
      if (want && !it.built) { it.built = build(it.layer, it.f); }
      if (want && !it.shown) { it.built.layer.addTo(map); it.shown = true; }
      if (!want && it.shown) { map.removeLayer(it.built.layer); it.shown = false; }
      if (!want) { return; }
      if (it.built.axis) { drawAxis(it.f, it.built, iso); }
      var ended = Boolean(it.f.faded) && it.f.to !== null && it.f.to <= iso;
      if (ended !== it.ended) { fade(it.f, it.built, ended); it.ended = ended; }
    });
    showLegend(iso);
    showEvents(iso);
    placeNames();
    document.getElementById("atlas-prev").disabled = !(eventDates[0] < iso);
    document.getElementById("atlas-next").disabled = !(eventDates[eventDates.length - 1] > iso);
    try { history.replaceState(null, "", "#" + iso); } catch (e) { /* some file: pages */ }
  }

  slider.max = String(last);
  slider.addEventListener("input", function () { show(Number(slider.value)); });
  document.getElementById("atlas-minus-day").addEventListener("click", function () {
    show(Math.max(0, Number(slider.value) - 1));
  });
  document.getElementById("atlas-plus-day").addEventListener("click", function () {
    show(Math.min(last, Number(slider.value) + 1));
  });
  document.getElementById("atlas-prev").addEventListener("click", function () {
    var iso = isoOf(Number(slider.value));
    var before = eventDates.filter(function (d) { return d < iso; });
    if (before.length) { show(indexOf(before[before.length - 1])); }
  });
  document.getElementById("atlas-next").addEventListener("click", function () {
    var iso = isoOf(Number(slider.value));
    var after = eventDates.filter(function (d) { return d > iso; });
    if (after.length) { show(indexOf(after[0])); }
  });
  Array.prototype.forEach.call(document.querySelectorAll("#atlas-layers input"), function (box) {
    box.addEventListener("change", function () {
      enabled[box.getAttribute("data-layer")] = box.checked;
      show(Number(slider.value));
    });
  });

  var playButton = document.getElementById("atlas-play"), timer = null;
  function play(on) {
    if (timer) { clearInterval(timer); timer = null; }
    playButton.textContent = on ? data.pause : data.play;
    playButton.setAttribute("aria-pressed", String(on));
    if (!on) { return; }
    if (Number(slider.value) >= last) { show(0); }
    timer = setInterval(function () {
      var next = Math.min(last, Number(slider.value) + data.playDays);
      show(next);
      if (next >= last) { play(false); }
    }, 700);
  }
  playButton.addEventListener("click", function () { play(!timer); });

  var asked = /^#(\d{4}-\d{2}-\d{2})$/.exec(location.hash);
  var first = asked ? indexOf(asked[1]) : -1;
  show(first >= 0 && first <= last ? first : indexOf(data.initial));
})();
"""
