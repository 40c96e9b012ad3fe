"""What the map engine (``layers/web/engine.js``) needs to show any date in the browser.

Every feature is a dated record whose states are drawn exactly as the live map draws them
(:mod:`layers.map_features`): ``from``/``until`` (shown on ``[from, until)``, the grace period
of ended routes included) and ``states``, each ``[first day, features]``. With a geometry
store, stored geometries are named by id (``"g"`` in the properties) instead of shipped; the
base map is folium's (:func:`layers.render.base_map`), not the engine's.

Events carry their marker on their date and around it and their escaped text; the legend is
given for every epoch, by layer, so the page can leave out switched-off layers. Look
constants arrive as data (:func:`look`), never as literals in the script.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

import numpy as np
import shapely

from layers import style
from layers.html_parts import event_html, legend_row_html
from layers.i18n import format_date, t
from layers.map_features import (
    area_feature,
    event_feature,
    feature_rows,
    has_planned_part,
    label_point,
    line_feature,
    name_feature,
    nearby_events,
    point_feature,
    route_features,
)
from layers.model import ATLAS_END, ATLAS_START, DEFAULT_DATE, Atlas, route_fade_days
from layers.render import PANES, GeometryStore
from layers.static import EVENTS, check_layers
from layers.style import (
    EVENT_WINDOW_DAYS,
    LAND,
    PLANNED_DASH,
    UNKNOWN_COLOUR,
    USER_LINE,
    LegendEntry,
    legend_entries,
    legend_order,
    territory_style,
)
from layers.temporal import OPEN_END
from layers.urlstate import MAX_ZOOM, MIN_ZOOM

COORD_DIGITS = 3  # about 100 m: finer than anything drawn in this atlas


def engine_data(
    atlas: Atlas,
    lang: str,
    layer_ids: Iterable[str] | None = None,
    store: GeometryStore | None = None,
    visible: Iterable[str] | None = None,
) -> dict:
    """The engine's data for ``layer_ids`` (every layer and the events by default), shown
    at first as ``visible`` says (by default the catalogue's visible layers, and events)."""
    ids = every_layer_id(atlas) if layer_ids is None else check_layers(atlas, layer_ids)
    drawn = [s.id for s in atlas.specs() if s.id in ids and s.kind != "base"]
    shown = set([*atlas.default_layer_ids(), EVENTS] if visible is None else visible)
    return {
        "start": ATLAS_START.isoformat(),
        "end": ATLAS_END.isoformat(),
        "initial": DEFAULT_DATE.isoformat(),
        "text": texts(lang),
        "look": look(),
        "storeUrl": store.url if store is not None else None,
        "layers": [{"id": i, "visible": i in shown} for i in drawn],
        "eventsVisible": EVENTS in ids and EVENTS in shown,
        "records": [r for layer_id in drawn for r in layer_records(atlas, layer_id, lang, store)],
        "events": events(atlas, lang) if EVENTS in ids else [],
        "legend": legend(atlas, drawn, EVENTS in ids, lang),
    }


def extra_data(atlas: Atlas, layer_ids: Iterable[str], lang: str) -> dict:
    """A session's own layers (uploads) for the engine's ``setExtra``: their records and
    their legend, in :func:`legend`'s shape (one row per upload, named by it)."""
    ids = [s.id for s in atlas.specs() if s.id in set(layer_ids)]
    return {
        "records": [r for layer_id in ids for r in layer_records(atlas, layer_id, lang)],
        "legend": legend(atlas, ids, False, lang),
    }


def split_popups(data: dict) -> tuple[dict, list[str]]:
    """``data`` without its popups, and the popups: each popup (``"p"``) of its records and
    event markers is replaced by its index (``"pp"``) in the list, where each distinct text
    is once. Popups are four fifths of the data and the first map shows none, so the live
    map fetches them apart, once the page is idle (``popupsUrl``)."""
    texts: dict[str, int] = {}

    def keyed(props: dict) -> dict:
        if "p" not in props:
            return props
        lean = {k: v for k, v in props.items() if k != "p"}
        lean["pp"] = texts.setdefault(props["p"], len(texts))
        return lean

    def lean_states(record: dict) -> list:
        return [
            [day, [{**f, "p": keyed(f["p"])} for f in shown]] for day, shown in record["states"]
        ]

    records = [{**r, "states": lean_states(r)} for r in data["records"]]
    events = [
        {**e, "marker": {key: keyed(m) for key, m in e["marker"].items()}} for e in data["events"]
    ]
    return {**data, "records": records, "events": events}, list(texts)


def every_layer_id(atlas: Atlas) -> list[str]:
    """Every layer of the catalogue and the events."""
    return [s.id for s in atlas.specs()] + [EVENTS]


def look() -> dict:
    """Every look constant the engine uses, from :mod:`layers.style` and the live map's
    modules."""
    return {
        "panes": {kind: list(pane) for kind, pane in PANES.items()},
        "eventWindowDays": EVENT_WINDOW_DAYS,
        "playStepDays": style.PLAY_STEP_DAYS,
        "playIntervalMs": style.PLAY_INTERVAL_MS,
        "zoom": {"min": MIN_ZOOM, "max": MAX_ZOOM, "snap": style.ZOOM_SNAP},
        "legendPosition": style.LEGEND_POSITION,
        "legendFoldBelow": list(style.LEGEND_FOLD_BELOW),
        "legendMaxShare": style.LEGEND_MAX_SHARE,
        "legendMinHeight": style.LEGEND_MIN_HEIGHT,
        "timePosition": style.TIME_POSITION,
        "settleAfterMs": dict(style.SETTLE_AFTER_MS),
        "quietMs": style.LABELS_QUIET_MS,
        "icons": dict(style.TIME_ICONS),
        "iconBox": style.TIME_ICON_BOX,
        "msPerDay": dt.timedelta(days=1) // dt.timedelta(milliseconds=1),
    }


def texts(lang: str) -> dict:
    """The engine's words in ``lang`` (plain text: the engine sets them as text)."""
    months = [format_date(dt.date(2000, m, 2), lang).split()[1] for m in range(1, 13)]
    return {
        "months": months,
        "day1": format_date(dt.date(2000, 1, 1), lang).split()[0],
        "date": t("date", lang),
        "prevEvent": t("prev_event", lang),
        "nextEvent": t("next_event", lang),
        "minusDay": t("minus_day", lang),
        "plusDay": t("plus_day", lang),
        "play": t("play", lang),
        "pause": t("pause", lang),
        "legend": t("legend", lang),
        "loading": t("popup_loading", lang),
    }


# ---------------------------------------------------------------- records


def layer_records(
    atlas: Atlas, layer_id: str, lang: str, store: GeometryStore | None = None
) -> list[dict]:
    """A layer's features as dated records (see the module's docstring)."""
    layer = atlas.layers[layer_id]
    kind = layer.spec.kind
    until = [None if d == OPEN_END else str(d) for d in layer.index.shown_until]
    fade = route_fade_days(layer.frame) if kind == "route" else 0
    user = layer_id in atlas.user_layer_ids  # an upload: drawn in the neutral colour
    records = []
    named = []  # (record, name feature, area) of each territory with a name
    for position, (props, geom) in enumerate(feature_rows(layer.frame)):
        if geom is None or geom.is_empty:
            continue
        record = {
            "id": str(props.get("id", "")),
            "layer": layer_id,
            "from": props.get("valid_from"),
            "until": until[position],
        }
        stored = not user and store is not None and record["id"] in store.keys
        shipped = None if stored else _geojson(geom)
        if kind == "point":
            features = [point_feature(props, geom, lang, user)]
            records.append(_with_states(record, [[record["from"], features]], PANES["point"]))
        elif kind == "route":
            states = _route_states(layer.spec.line_style, props, geom, fade, lang)
            records.append(_with_states(record, states, PANES["route"]))
        elif kind == "territory":
            features = [area_feature(props, lang, shipped)]
            records.append(_with_states(record, [[record["from"], features]], PANES["territory"]))
            name = name_feature(props, geom, lang)
            if name is not None:
                named.append((record, name, label_point(record["id"], geom)[2]))
        else:
            features = [line_feature(layer.spec.line_style, props, lang, shipped, user)]
            records.append(_with_states(record, [[record["from"], features]], PANES["line"]))
    return records + _name_records(named)


def _name_records(named: list[tuple[dict, tuple, float]]) -> list[dict]:
    """Territory names as records: a piece carries its name while it is the largest shown
    piece of that name (:func:`layers.map_features.largest_per_label`, day by day)."""
    by_label: dict[str, list] = {}
    for item in named:
        by_label.setdefault(item[1][0]["n"], []).append(item)
    records = []
    for items in by_label.values():
        days = sorted({r["from"] for r, _, _ in items} | {r["until"] for r, _, _ in items} - {None})
        spans: dict[int, list[list]] = {}  # item → [[from, until], …] while it is the largest
        for i, day in enumerate(days):
            end = days[i + 1] if i + 1 < len(days) else None
            shown = [k for k, (r, _, _) in enumerate(items) if _holds(r, day)]
            if not shown:
                continue
            winner = max(shown, key=lambda k: items[k][2])
            runs = spans.setdefault(winner, [])
            if runs and runs[-1][1] == day:
                runs[-1][1] = end
            else:
                runs.append([day, end])
        for k, runs in spans.items():
            record, name, _ = items[k]
            states = []
            for start, end in runs:
                states.append([start, [name]])
                if end is not None and end != record["until"]:
                    states.append([end, []])
            base = {**record, "id": record["id"] + ":name", "interactive": False}
            records.append(_with_states(base, states, PANES["name"]))
    return records


def _holds(record: dict, day: str) -> bool:
    return (record["from"] is None or record["from"] <= day) and (
        record["until"] is None or day < record["until"]
    )


def _route_states(line_style: str | None, props: dict, geom, fade: int, lang: str) -> list[list]:
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
        shown = route_features(line_style, {**props, "ended": False}, geom, _day(day), lang)
        states.append([day, shown])
    if isinstance(last, str) and fade > 0:
        ended = route_features(line_style, {**props, "ended": True}, geom, _day(last), lang)
        states.append([last, ended])
    return states


def _with_states(record: dict, states: list[list], pane: tuple[str, int]) -> dict:
    return {**record, "states": [[day, _plain(f)] for day, f in states], "pane": list(pane)}


def _plain(features: list[tuple[dict, str | None]]) -> list[dict]:
    """The live map's (properties, GeoJSON string) pairs as objects of one JSON document; a
    feature without geometry names its stored one (``"g"`` in its properties)."""
    plain = []
    for props, geometry in features:
        if geometry:
            plain.append({"p": props, "g": json.loads(geometry)})
        elif "g" in props:
            plain.append({"p": props})
    return plain


def _geojson(geom) -> str:
    rounded = shapely.set_precision(geom, 10**-COORD_DIGITS, mode="pointwise")
    return shapely.to_geojson(geom if rounded.is_empty else rounded)


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


# ---------------------------------------------------------------- events and legend


def events(atlas: Atlas, lang: str) -> list[dict]:
    """Each event with its marker on its date and around it (the live map's
    :func:`layers.map_features.event_feature`), its place and its escaped text."""
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


def legend(atlas: Atlas, layer_ids: list[str], with_events: bool, lang: str) -> dict:
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
    uploads = {i: _Upload(atlas, i, lang) for i in layer_ids if i in atlas.user_layer_ids}
    for upload in uploads.values():
        entries[upload.entry.key] = upload.entry
    cache: dict[tuple, list[str]] = {}
    sets: list[list] = []
    known: dict[str, int] = {}
    epochs = []
    for start in starts:
        day = _day(start)
        pairs = []
        for layer_id in layer_ids:
            if layer_id in uploads:
                if uploads[layer_id].shows(start):
                    pairs.append([layer_id, uploads[layer_id].entry.key])
                continue
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
    planned = bool(layer.spec.moving_front and not frame.empty)
    planned = planned and has_planned_part(frame, day)
    key = (layer_id, layer.index.epoch(day), planned)
    if key not in cache:
        found = legend_entries({layer_id: frame}, lang, {layer_id: layer.spec.line_style})
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


class _Upload:
    """An uploaded layer in the legend: one row, its name with the swatch of its look (the
    neutral colour, or the one style all its territories share), shown on the days that
    show any of its features."""

    def __init__(self, atlas: Atlas, layer_id: str, lang: str) -> None:
        layer = atlas.layers[layer_id]
        self.starts = np.sort(layer.index.starts)
        self.until = np.sort(layer.index.shown_until)
        self.entry = _upload_entry(layer, lang)

    def shows(self, day: str) -> bool:
        """Whether any feature is shown on ``day`` (started, not yet ended: counted by
        binary search, whatever the number of features)."""
        d = np.datetime64(day, "D")
        started = np.searchsorted(self.starts, d, side="right")
        return bool(started - np.searchsorted(self.until, d, side="right") > 0)


def _upload_entry(layer, lang: str) -> LegendEntry:
    """The legend row of an uploaded layer, labelled with its title (which names the file)."""
    key, label, kind = f"upload:{layer.spec.id}", layer.spec.title(lang), layer.spec.kind
    if kind == "point":
        return LegendEntry(key, label, "point", UNKNOWN_COLOUR, LAND)
    if kind == "line":
        return LegendEntry(
            key, label, "line", USER_LINE.colour, USER_LINE.colour, weight=USER_LINE.weight
        )
    columns = [c for c in ("controller", "status") if c in layer.frame]
    pairs = layer.frame[columns].drop_duplicates().to_dict("records") if columns else [{}]
    looks = {territory_style(pair) for pair in pairs}
    area = looks.pop() if len(looks) == 1 else territory_style({})
    return LegendEntry(
        key, label, "area", area.fill, area.stroke, area.fill_opacity, area.dash, area.hatch
    )
