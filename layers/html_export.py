"""One self-contained HTML file: the interactive map with a date slider, no server, no network.

The page is a Jinja2 template (``layers/web/standalone.html.j2``) with its own CSS
(``standalone.css``) and script (``engine.js``, the map engine), all package files. Leaflet is
inlined from xstatic-leaflet, and the live map's own look and drawing library come with it
(:class:`layers.map_elements.AtlasHead`: its CSS, ``atlas_map.js``, zoom classes and label
placement). Every feature is shipped as a dated record whose states are drawn exactly as the
live map draws them (:mod:`layers.map_features`); the engine shows the records and events that
hold on the chosen date. Look constants reach the engine as data (``look``), never as literals.

Everything that comes from data reaches the page escaped: popups, tooltips, event texts and the
legend rows are built with :mod:`layers.html_parts`; plain strings go through ``textContent``.
The JSON is made safe to embed in ``<script>`` (no ``</``, ``<!--`` or line separators).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import jinja2
import numpy as np
import shapely
from markupsafe import Markup

from layers import style
from layers.eventtext import escape, script_json
from layers.html_parts import event_html, legend_row_html
from layers.i18n import format_date, normalise_language, t
from layers.map_access import MapAccess
from layers.map_elements import AtlasHead
from layers.map_features import (
    REGION,
    area_feature,
    event_feature,
    feature_rows,
    has_planned_part,
    line_feature,
    name_feature,
    nearby_events,
    outside_scope_feature,
    point_feature,
    route_features,
)
from layers.model import ATLAS_END, ATLAS_START, DEFAULT_DATE, Atlas, route_fade_days
from layers.render import PANES
from layers.static import EVENTS, check_layers
from layers.style import EVENT_WINDOW_DAYS, PLANNED_DASH, LegendEntry, legend_entries, legend_order
from layers.temporal import OPEN_END
from layers.urlstate import MAX_ZOOM, MIN_ZOOM

COORD_DIGITS = 3  # about 100 m: finer than anything drawn in this atlas
PLAY_STEP_DAYS = 7  # one step of the play button
PLAY_INTERVAL_MS = 700
ZOOM_SNAP = 0.5  # as the live map (layers/render.py base_map)
LEGEND_POSITION = "bottomright"  # over the sea, clear of the region the atlas is about
LEGEND_FOLD_BELOW = (640, 560)  # the legend starts folded on a map narrower or lower (px)
MAP_NAME = "atlasMap"  # the Leaflet map's global name, read by the live map's head script
WEB = resources.files("layers") / "web"
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FunctionLoader(lambda name: (WEB / name).read_text(encoding="utf-8")),
    autoescape=True,
    keep_trailing_newline=True,
)


def standalone_html(atlas: Atlas, *, lang: str = "en", layer_ids: list[str] | None = None) -> str:
    """The interactive map of the whole period as one HTML page that works from disk."""
    lang = normalise_language(lang)
    ids = _layer_ids(atlas, layer_ids)
    drawn = [i for i in ids if i != EVENTS]
    records = [r for layer_id in drawn for r in _records(atlas, layer_id, lang)]
    events = _events(atlas, lang) if EVENTS in ids else []
    data = {
        "lang": lang,
        "start": ATLAS_START.isoformat(),
        "end": ATLAS_END.isoformat(),
        "initial": DEFAULT_DATE.isoformat(),
        "text": _texts(lang),
        "look": look(),
        "layers": [
            {"id": s.id, "kind": s.kind, "visible": bool(s.visible) or s.kind == "base"}
            for s in atlas.specs()
            if s.id in drawn
        ],
        "records": records,
        "events": events,
        "legend": _legend(atlas, drawn, EVENTS in ids, lang),
    }
    return _page(data, atlas, ids, lang)


def look() -> dict:
    """Every look constant the engine uses, from :mod:`layers.style` and the live map's
    modules. The base map's features name their style here (``"land"``, ``"graticule"``,
    ``"outsideScope"``); the others carry the style :mod:`layers.map_features` gives them."""
    return {
        "panes": {kind: list(pane) for kind, pane in PANES.items()},
        "eventWindowDays": EVENT_WINDOW_DAYS,
        "playStepDays": PLAY_STEP_DAYS,
        "playIntervalMs": PLAY_INTERVAL_MS,
        "land": style.LAND_STYLE,
        "graticule": style.GRATICULE_STYLE,
        "outsideScope": style.OUTSIDE_SCOPE_STYLE.leaflet(),
        "bounds": [[REGION[1], REGION[0]], [REGION[3], REGION[2]]],  # south-west, north-east
        "zoom": {"min": MIN_ZOOM, "max": MAX_ZOOM, "snap": ZOOM_SNAP},
        "legendPosition": LEGEND_POSITION,
        "legendFoldBelow": list(LEGEND_FOLD_BELOW),
        "msPerDay": dt.timedelta(days=1) // dt.timedelta(milliseconds=1),
    }


def _texts(lang: str) -> dict:
    months = [format_date(dt.date(2000, m, 2), lang).split()[1] for m in range(1, 13)]
    return {
        "months": months,
        "day1": format_date(dt.date(2000, 1, 1), lang).split()[0],
        "title": t("title_on", lang, date="{date}"),
        "onTitle": t("on_this_date", lang),
        "aroundTitle": t("around_this_date", lang),
        "noEvents": t("no_events", lang),
        "dayBefore": t("day_before", lang),
        "daysBefore": t("days_before", lang, n="{n}"),
        "dayAfter": t("day_after", lang),
        "daysAfter": t("days_after", lang, n="{n}"),
        "play": t("play", lang),
        "pause": t("pause", lang),
        "legend": t("legend", lang),
        "attribution": escape(t("attribution", lang)),
    }


# ---------------------------------------------------------------- data


def _layer_ids(atlas: Atlas, layer_ids: Iterable[str] | None) -> list[str]:
    """Every layer by default (the page can switch them), else the checked ids."""
    if layer_ids is None:
        return [s.id for s in atlas.specs()] + [EVENTS]
    return check_layers(atlas, layer_ids)


def _records(atlas: Atlas, layer_id: str, lang: str) -> list[dict]:
    """A layer's features as dated records: ``from``/``until`` (shown on ``[from, until)``,
    the live map's grace period for ended routes included) and ``states``, each
    ``[first day, features]`` with the features as the live map draws them on that day."""
    layer = atlas.layers[layer_id]
    kind = layer.spec.kind
    until = [None if d == OPEN_END else str(d) for d in layer.index.shown_until]
    fade = route_fade_days(layer.frame) if kind == "route" else 0
    user = layer_id in atlas.user_layer_ids  # an upload: drawn in the neutral colour
    records = []
    for position, (props, geom) in enumerate(feature_rows(layer.frame)):
        if geom is None or geom.is_empty:
            continue
        record = {
            "id": str(props.get("id", "")),
            "layer": layer_id,
            "from": props.get("valid_from"),
            "until": until[position] if kind != "base" else None,
        }
        if kind == "base":
            records.append({**record, **_base_state(props, geom, lang)})
            continue
        if kind == "point":
            features = [point_feature(props, geom, lang, user)]
            records.append(_with_states(record, [[record["from"], features]], PANES["point"]))
            continue
        if kind == "route":
            states = _route_states(layer_id, props, geom, fade, lang)
            records.append(_with_states(record, states, PANES["route"]))
            continue
        if kind == "territory":
            features = [area_feature(props, lang, _geojson(geom))]
            records.append(_with_states(record, [[record["from"], features]], PANES["territory"]))
            name = name_feature(props, geom, lang)
            if name is not None:
                named = {**record, "id": record["id"] + ":name", "interactive": False}
                records.append(_with_states(named, [[record["from"], [name]]], PANES["name"]))
            continue
        features = [line_feature(layer_id, props, lang, _geojson(geom), user)]
        records.append(_with_states(record, [[record["from"], features]], PANES["line"]))
    return records


def _base_state(props: dict, geom, lang: str) -> dict:
    """The base map's land, graticule and land outside the atlas's scope, as the live map."""
    kind = props.get("kind")
    if kind == "outside_scope":
        shown, geometry = outside_scope_feature(props, lang, _geojson(geom))
        features = [({**shown, "s": "outsideScope"}, geometry)]  # the style in ``look``
        return {"states": [[None, _plain(features)]], "pane": None, "interactive": True}
    shown = {"s": "graticule" if kind == "graticule" else "land"}
    return {"states": [[None, _plain([(shown, _geojson(geom))])]], "pane": None}


def _route_states(layer_id: str, props: dict, geom, fade: int, lang: str) -> list[list]:
    """A route on each day its drawing changes: its start, each waypoint reached, its end
    (faded while the live map keeps ended routes)."""
    first = props.get("valid_from")
    last = props.get("valid_to")
    days = {first}
    waypoints = props.get("waypoints")
    if isinstance(waypoints, list):
        for point in waypoints:
            day = point.get("date") if isinstance(point, dict) else None
            if isinstance(day, str) and first < day and (last is None or day < last):
                days.add(day)
    states = []
    for day in sorted(days):
        shown = route_features(layer_id, {**props, "ended": False}, geom, _day(day), lang)
        states.append([day, shown])
    if isinstance(last, str) and fade > 0:
        ended = route_features(layer_id, {**props, "ended": True}, geom, _day(last), lang)
        states.append([last, ended])
    return states


def _with_states(record: dict, states: list[list], pane: tuple[str, int]) -> dict:
    return {**record, "states": [[day, _plain(f)] for day, f in states], "pane": list(pane)}


def _plain(features: list[tuple[dict, str | None]]) -> list[dict]:
    """The live map's (properties, GeoJSON string) pairs as objects of one JSON document."""
    return [{"p": props, "g": json.loads(geometry)} for props, geometry in features if geometry]


def _geojson(geom) -> str:
    rounded = shapely.set_precision(geom, 10**-COORD_DIGITS, mode="pointwise")
    return shapely.to_geojson(geom if rounded.is_empty else rounded)


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _events(atlas: Atlas, lang: str) -> list[dict]:
    """Each event with its marker on its date and around it (the live map's
    :func:`layers.map_features.event_feature`), its place and its text."""
    found = []
    for props, geom in feature_rows(atlas.events):
        date = props.get("date")
        if not isinstance(date, str) or geom is None or geom.is_empty:
            continue
        marker = {}
        for key, on_day in (("on", True), ("near", False)):
            shown, _ = event_feature([{**props, "geometry": geom, "on_day": on_day}], lang)
            marker[key] = shown
        found.append(
            {
                "id": str(props.get("id", "")),
                "date": date,
                "end": props.get("date_end") or date,
                "lat": round(geom.y, 4),
                "lon": round(geom.x, 4),
                "place": f"{geom.x:.3f},{geom.y:.3f}",
                "marker": marker,
                "html": event_html(props, lang),
            }
        )
    return sorted(found, key=lambda e: (e["date"], e["id"]))


def _legend(atlas: Atlas, layer_ids: list[str], with_events: bool, lang: str) -> dict:
    """The legend of every epoch, by layer so that the page can leave out switched-off ones.

    ``rows``: each row's HTML in legend order; ``starts``: the days where the legend may
    change; ``epochs``: for each start, the index of its ``[layer id, row]`` pairs in ``sets``.
    """
    bounds = set()
    for layer_id in layer_ids:
        layer = atlas.layers[layer_id]
        bounds.update(str(np.datetime64(v, "D")) for v in layer.index.bounds)
        if "waypoints" in layer.frame:
            for waypoints in layer.frame["waypoints"]:
                for point in waypoints if isinstance(waypoints, list) else []:
                    if isinstance(point, dict) and isinstance(point.get("date"), str):
                        bounds.add(point["date"])
    window = dt.timedelta(days=EVENT_WINDOW_DAYS)
    for props, _ in feature_rows(atlas.events) if with_events else []:
        if isinstance(props.get("date"), str):
            first = _day(props["date"])
            last = _day(props.get("date_end") or props["date"])
            bounds.update(d.isoformat() for d in (first - window, last + window + dt.timedelta(1)))
    starts = [ATLAS_START.isoformat()]
    starts += sorted(b for b in bounds if ATLAS_START.isoformat() < b <= ATLAS_END.isoformat())
    entries: dict[str, LegendEntry] = {}
    cache: dict[tuple, list[str]] = {}
    sets: list[list] = []
    known: dict[str, int] = {}
    epochs = []
    for start in starts:
        day = _day(start)
        pairs = []
        for layer_id in layer_ids:
            for entry in _layer_legend(atlas, layer_id, day, lang, cache, entries):
                pairs.append([layer_id, entry])
        if with_events and nearby_events(atlas, day):
            for fill, key in (
                (style.TEXT, "legend_event_today"),
                (style.LAND, "legend_event_near"),
            ):
                entries.setdefault(key, LegendEntry(key, t(key, lang), "point", fill, style.TEXT))
                pairs.append([EVENTS, key])
        signature = json.dumps(pairs)
        if signature not in known:
            known[signature] = len(sets)
            sets.append(pairs)
        epochs.append(known[signature])
    ordered = sorted(entries.values(), key=legend_order)
    number = {entry.key: i for i, entry in enumerate(ordered)}
    return {
        "rows": [legend_row_html(entry, i) for i, entry in enumerate(ordered)],
        "starts": starts,
        "epochs": epochs,
        "sets": [[[layer, number[key]] for layer, key in pairs] for pairs in sets],
    }


def _layer_legend(
    atlas: Atlas, layer_id: str, day: dt.date, lang: str, cache: dict, entries: dict
) -> list[str]:
    """The legend keys of one layer on ``day`` (with the live map's "not yet reached" row
    while an August 1945 axis has a stretch to go)."""
    layer = atlas.layers[layer_id]
    frame = layer.on(day)
    planned = bool(layer_id == "august_storm" and not frame.empty)
    planned = planned and has_planned_part(frame, day)
    key = (layer_id, layer.index.epoch(day), planned)
    if key not in cache:
        found = legend_entries({layer_id: frame}, lang)
        if planned:
            found.append(
                LegendEntry(
                    "axis:planned",
                    t("legend_ahead", lang),
                    "line",
                    style.TEXT,
                    style.TEXT,
                    dash=PLANNED_DASH,
                )
            )
        for entry in found:
            entries.setdefault(entry.key, entry)
        cache[key] = [entry.key for entry in found]
    return cache[key]


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


class _Named:
    """The parent the live map's head script names (the page's Leaflet map)."""

    def get_name(self) -> str:
        return MAP_NAME


def _live_map_head(lang: str) -> tuple[str, str]:
    """The live map's CSS and scripts, run on this page's map: its look and library
    (:class:`layers.map_elements.AtlasHead`: atlasLib, zoom classes, label placement, the
    first view fitted to the region) and :class:`layers.map_access.MapAccess` (its title
    and a scale bar in kilometres)."""
    css, scripts = "", []
    elements = (
        AtlasHead(escape(t("attribution", lang)), region=REGION),
        MapAccess(t("map_frame_title", lang)),
    )
    for element in elements:
        element._parent = _Named()
        macros = element._template.module.__dict__
        if "header" in macros:
            css += re.sub(r"^\s*<style>|</style>\s*$", "", str(macros["header"](element, {})))
        scripts.append(str(macros["script"](element, {})))
    return _inert(css, "style"), _inert("\n".join(scripts), "script")


def _page(data: dict, atlas: Atlas, ids: list[str], lang: str) -> str:
    leaflet_css, leaflet_js = _leaflet()
    live_css, live_js = _live_map_head(lang)
    layers = [
        {"id": s.id, "title": s.title(lang), "checked": bool(s.visible)}
        for s in atlas.specs()
        if s.id in ids and s.kind != "base"
    ]
    if EVENTS in ids:
        layers.append({"id": EVENTS, "title": t("events_panel", lang), "checked": True})
    colours = {
        "land": style.LAND,
        "coast": style.COAST,
        "grid": style.GRATICULE,
        "text": style.TEXT,
    }
    css = _TEMPLATES.get_template("standalone.css").render(colours=colours)
    engine = (WEB / "engine.js").read_text(encoding="utf-8")
    return _TEMPLATES.get_template("standalone.html.j2").render(
        lang=lang,
        title=t("app_title", lang),
        subtitle=t("app_subtitle", lang),
        labels={
            key: t(key, lang)
            for key in (
                "date",
                "prev_event",
                "next_event",
                "minus_day",
                "plus_day",
                "play",
                "layers",
                "events_panel",
            )
        },
        layers=layers,
        leaflet_css=Markup(leaflet_css),
        live_css=Markup(live_css),
        css=Markup(_inert(css, "style")),
        data=Markup(script_json(data)),
        leaflet_js=Markup(leaflet_js),
        engine_js=Markup(_inert(engine, "script")),
        live_js=Markup(live_js),
        map_name=MAP_NAME,
    )
