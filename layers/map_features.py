"""What the map draws for each feature: style, tooltip, popup and label, with its geometry.

A map feature is a pair ``(properties, geometry)``: the properties use the short keys read by
:class:`layers.map_elements.AtlasGeoJson`, the geometry is a GeoJSON string (or ``None`` when
the properties name a stored geometry with ``g``). Styles come from :mod:`layers.style`, HTML
from :mod:`layers.html_parts`: every string from data is escaped. No folium here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

import numpy as np
import pandas as pd
import shapely
import shapely.ops

from layers.arrows import Arrow, arrows_along, split_at
from layers.eventtext import escape
from layers.html_parts import event_html, popup_html, tooltip_html
from layers.i18n import colon, format_date, localised, t
from layers.model import Atlas
from layers.style import (
    CITY_OUTLINE,
    CITY_RADIUS,
    EVENT_OUTLINE,
    EVENT_RADIUS,
    EVENT_WINDOW_DAYS,
    LAND,
    OUTSIDE_SCOPE_STYLE,
    TEXT,
    UNCERTAIN_DASH,
    UNKNOWN_COLOUR,
    USER_LINE,
    LineStyle,
    city_radius,
    planned_style,
    route_style,
    territory_style,
)
from layers.temporal import axis_progress

# The region the atlas is about (west, south, east, north): the first view fits it, and a
# territory's name goes inside its part of it.
REGION = (88.0, 18.0, 150.0, 56.0)
# Territory names by area (km², whole feature): rank 1 from the first view, 2 and 3 zoomed in.
NAME_RANKS = ((150_000, 1), (20_000, 2), (0, 3))
_NAME_CUTS = (" (", " : ", ": ", " under ", " sous ", " during ", " pendant ")

Feature = tuple[dict, str | None]


def feature_rows(frame: pd.DataFrame) -> Iterator[tuple[dict, object]]:
    """(properties with None for missing values, geometry) for each row of a layer's frame."""
    columns = list(frame.columns)
    for row in frame.to_numpy(dtype=object):  # far faster than pandas row access
        props = {c: (None if _missing(v) else v) for c, v in zip(columns, row, strict=True)}
        yield props, props.pop("geometry", None)


def area_feature(props: dict, lang: str, geometry_json: str | None = None) -> Feature:
    """A territory, filled by controller and outlined by status. Without ``geometry_json``
    the map takes the stored geometry of the feature's id."""
    return _shown(territory_style(props).leaflet(), props, lang, geometry_json)


def outside_scope_feature(props: dict, lang: str, geometry_json: str | None = None) -> Feature:
    """Land outside the atlas's scope: neutral grey, its note of what is not drawn in the popup."""
    return _shown(OUTSIDE_SCOPE_STYLE.leaflet(), props, lang, geometry_json)


def name_feature(props: dict, geometry, lang: str) -> Feature | None:
    """A territory's short name at its label point, ranked by area; None when the territory
    has no part in the atlas's region."""
    place = label_point(props.get("id"), geometry)
    if place is None:
        return None
    lon, lat, area = place
    rank = next(r for floor, r in NAME_RANKS if area >= floor)
    shown = {"n": escape(map_name(props, lang)), "nc": f"atlas-area-rank-{rank}"}
    return shown, f'{{"type":"Point","coordinates":[{lon:.4f},{lat:.4f}]}}'


def largest_per_label(names: list[tuple[Feature, float]]) -> list[Feature]:
    """One name per label among (name feature, area) pairs: the largest piece's. A territory
    drawn in several pieces (China between the occupied zones) is named once."""
    best: dict[str, tuple[Feature, float]] = {}
    for feature, area in names:
        label = feature[0]["n"]
        if label not in best or area > best[label][1]:
            best[label] = (feature, area)
    return [feature for feature, _ in best.values()]


def map_name(props: dict, lang: str) -> str:
    """The name a territory carries on the map: ``label_en``/``label_fr`` when the data has
    them, else its name without the qualifier ("Korea (Chōsen)" → "Korea")."""
    explicit = localised(props, "label", lang)
    if explicit:
        return explicit
    name = localised(props, "name", lang) or props.get("id") or ""
    for cut in _NAME_CUTS:
        head = name.split(cut, 1)[0].strip()
        if head:
            name = head
    return name


_LABEL_POINTS: dict[tuple, tuple[float, float, float] | None] = {}


def label_point(feature_id: object, geometry) -> tuple[float, float, float] | None:
    """(lon, lat, area in km²): the pole of inaccessibility (in Web Mercator) of the largest
    piece of the territory inside :data:`REGION`, computed once per feature."""
    if geometry is None or geometry.is_empty:
        return None
    key = (feature_id, geometry.bounds)
    if key not in _LABEL_POINTS:
        _LABEL_POINTS[key] = _label_point(geometry)
    return _LABEL_POINTS[key]


def _label_point(geometry) -> tuple[float, float, float] | None:
    inside = shapely.clip_by_rect(geometry, *REGION)
    parts = [g for g in getattr(inside, "geoms", [inside]) if g.geom_type == "Polygon"]
    if not parts:
        return None
    projected = [shapely.transform(part, _mercator) for part in parts]
    largest = max(projected, key=lambda g: g.area)
    point = shapely.ops.polylabel(largest, tolerance=max(largest.length / 2000, 1.0))
    lon, lat = _mercator_inverse(point.x, point.y)
    return lon, lat, _area_km2(geometry)


def _mercator(coords: np.ndarray) -> np.ndarray:
    lon, lat = coords[:, 0], np.clip(coords[:, 1], -85.0, 85.0)
    x = np.radians(lon) * 6_378_137.0
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * 6_378_137.0
    return np.column_stack([x, y])


def _mercator_inverse(x: float, y: float) -> tuple[float, float]:
    lon = math.degrees(x / 6_378_137.0)
    lat = math.degrees(2 * math.atan(math.exp(y / 6_378_137.0)) - math.pi / 2)
    return lon, lat


def _area_km2(geometry) -> float:
    """Area on the sphere, near enough for ranking names (degrees² scaled by latitude)."""
    total = 0.0
    for part in getattr(geometry, "geoms", [geometry]):
        if part.geom_type == "Polygon" and not part.is_empty:
            total += part.area * math.cos(math.radians(part.centroid.y))
    return total * 111.32**2


def line_feature(
    line_style: str | None,
    props: dict,
    lang: str,
    geometry_json: str | None = None,
    user: bool = False,
) -> Feature:
    """A line drawn by its layer's ``line_style`` (a railway), or an uploaded line (in the
    neutral colour)."""
    style = USER_LINE if user else route_style(line_style, props)
    return _shown(style.leaflet(), props, lang, geometry_json)


def point_feature(props: dict, geometry, lang: str, user: bool = False) -> Feature:
    """A city (or an uploaded point): a dot, its period name as a label, details in a popup."""
    rank = props.get("rank") if props.get("rank") in CITY_RADIUS else 3
    radius = city_radius(rank, bool(props.get("capital_of")))
    style = {
        "color": LAND,
        "weight": CITY_OUTLINE,
        "fillColor": UNKNOWN_COLOUR if user else TEXT,
        "fillOpacity": 0.95,
        "className": f"atlas-dot atlas-dot-{1 if user else rank}",  # hidden with its label
    }
    popup = popup_html(props, lang)
    if props.get("modern_name"):
        label = escape(colon(t("modern_name", lang), lang))
        popup += f"<div><i>{label}</i> {escape(props['modern_name'])}</div>"
    shown = {"s": style, "r": radius, "t": tooltip_html(props, lang), "p": popup}
    if not user:
        shown["l"] = escape(localised(props, "name", lang))
        shown["lc"] = f"atlas-rank-{rank}"
    return shown, shapely.to_geojson(geometry)


def route_features(
    line_style: str | None, props: dict, geometry, day: dt.date, lang: str
) -> list[Feature]:
    """A directed route with arrowheads, drawn by its layer's ``line_style``; an axis with
    dated waypoints (those of a ``moving_front`` layer) solid where reached, dotted beyond.

    A route that has ended stays on the map for a while, faded (``ended`` column).
    """
    ended = bool(props.get("ended"))
    style = route_style(line_style, props, ended)
    info = {
        "t": tooltip_html(props, lang),
        "p": popup_html(props, lang) + axis_html(props, day, lang),
    }
    waypoints = props.get("waypoints")
    moving = isinstance(waypoints, list) and waypoints
    features = []
    for coords in line_parts(geometry):
        reached, planned = (
            split_axis(coords, waypoints, day) if moving and not ended else (coords, [])
        )
        if len(reached) >= 2:
            features.append(({"s": style.leaflet(), **info}, line_json(reached)))
            features += arrow_features(arrows_along(reached), style)
        if len(planned) >= 2:
            dotted = planned_style(style).leaflet()
            features.append(({"s": dotted, **info}, line_json(planned)))
            head = arrows_along(planned, mid=False)
            features += arrow_features(head, style, scale=0.7, opacity=0.6)
    return features


def split_axis(coords: list, waypoints: list[dict], day: dt.date) -> tuple[list, list]:
    """The part of an axis reached by ``day`` and the part still planned."""
    progress = axis_progress(waypoints, day)
    if len(waypoints) == len(coords):
        index = progress
    else:
        point = waypoints[progress]
        index = split_at(coords, (point.get("lon", 0.0), point.get("lat", 0.0)))
    return coords[: index + 1], coords[index:]


def has_planned_part(frame: pd.DataFrame, day: dt.date) -> bool:
    """True when an August 1945 axis shown on ``day`` still has a stretch to go (dotted)."""
    for props, geometry in feature_rows(frame):
        waypoints = props.get("waypoints")
        if not isinstance(waypoints, list) or not waypoints or props.get("ended"):
            continue
        if any(len(split_axis(c, waypoints, day)[1]) >= 2 for c in line_parts(geometry)):
            return True
    return False


def axis_html(props: dict, day: dt.date, lang: str) -> str:
    """Army, commander and the places of an axis with the date each was reached (escaped)."""
    waypoints = props.get("waypoints")
    if not isinstance(waypoints, list) or not waypoints:
        return ""
    names = (localised(props, "army", lang), localised(props, "commander", lang))
    who = " — ".join(escape(v) for v in names if v)
    reached = axis_progress(waypoints, day)
    items = []
    for i, point in enumerate(waypoints):
        name = point.get("name_fr") if lang == "fr" and point.get("name_fr") else None
        text = escape(name or point.get("name_en") or point.get("place"))
        day_text = day_label(point.get("date"), lang)
        if day_text:
            text += f" — {escape(day_text)}" + (" ⚠" if point.get("date_uncertain") else "")
        note = localised(point, "note", lang)
        if note:
            text += f' <span class="atlas-notes">({escape(note)})</span>'
        items.append(f"<li>{f'<b>{text}</b>' if i == reached else text}</li>")
    label = t("axis", lang)
    title = f"{escape(colon(label, lang))} {who}" if who else escape(label)
    return f'<div class="atlas-axis"><i>{title}</i><ol>{"".join(items)}</ol></div>'


def arrow_features(
    arrows: list[Arrow], style: LineStyle, scale: float = 1.0, opacity: float | None = None
) -> list[Feature]:
    """Dart-shaped arrowheads (inline SVG, rotated by CSS) whose tip sits on the point."""
    alpha = style.opacity if opacity is None else min(opacity, style.opacity)
    features = []
    for arrow in arrows:
        size = round((12 + 1.6 * style.weight) * scale * (1.0 if arrow.end else 0.8))
        html = (
            f'<div style="width:{size}px;height:{size}px;transform-origin:50% 0;'
            f'transform:rotate({arrow.bearing:.0f}deg);opacity:{alpha}">'
            f'<svg width="{size}" height="{size}" viewBox="0 0 20 20">'
            f'<path d="M10 0 L19 20 L10 14.5 L1 20 Z" fill="{style.colour}" '
            f'stroke="{LAND}" stroke-width="1.2" stroke-linejoin="round"/></svg></div>'
        )
        point = f'{{"type":"Point","coordinates":[{arrow.lon:.4f},{arrow.lat:.4f}]}}'
        features.append(({"h": html, "z": size}, point))
    return features


def nearby_events(atlas: Atlas, day: dt.date, days: int = EVENT_WINDOW_DAYS) -> list[dict]:
    """Events within ``days`` of ``day``, nearest first: their properties plus ``offset`` (days
    from ``day``; 0 while a multi-day event is under way), ``on_day`` and ``geometry``."""
    records, first, last = _event_table(atlas.events)
    target = np.datetime64(day, "D")
    window = np.timedelta64(days, "D")
    found = []
    for i in np.flatnonzero((first <= target + window) & (last >= target - window)):
        offset = (
            0
            if first[i] <= target <= last[i]
            else int(
                ((first[i] if first[i] > target else last[i]) - target) / np.timedelta64(1, "D")
            )
        )
        found.append({**records[i], "offset": offset, "on_day": offset == 0})
    return sorted(found, key=lambda e: (abs(e["offset"]), e["date"], e["id"]))


def events_by_place(events: list[dict]) -> list[list[dict]]:
    """Events grouped by where they happened (points within ~100 m), nearest in time first."""
    places: dict[tuple, list[dict]] = {}
    for event in events:
        point = event["geometry"]
        places.setdefault((round(point.x, 3), round(point.y, 3)), []).append(event)
    return list(places.values())


def event_feature(events: list[dict], lang: str) -> Feature:
    """The marker of the events at one place: sized by the most important, filled dark when
    one is on the date, dashed when all are uncertain; its popup lists them all."""
    ranks = [e.get("importance") if e.get("importance") in EVENT_RADIUS else 3 for e in events]
    style = {
        "color": TEXT,
        "weight": EVENT_OUTLINE,
        "fillColor": TEXT if any(e["on_day"] for e in events) else LAND,
        "fillOpacity": 0.9,
        "dashArray": UNCERTAIN_DASH if all(e.get("uncertain") for e in events) else None,
    }
    tips = []
    for event in events:
        when = day_label(event.get("date"), lang)
        end = day_label(event.get("date_end"), lang)
        if end and end != when:
            when = f"{when} – {end}"
        tips.append(f"<b>{escape(localised(event, 'title', lang))}</b><br>{escape(when)}")
    popup = "".join(event_html(e, lang) for e in events)
    if len(events) > 1:
        popup = f'<div class="atlas-event-list">{popup}</div>'
    shown = {"s": style, "r": EVENT_RADIUS[min(ranks)], "t": "<br>".join(tips), "p": popup}
    return shown, shapely.to_geojson(events[0]["geometry"])


def line_json(coords: list) -> str:
    """A LineString as a GeoJSON string."""
    return '{"type":"LineString","coordinates":' + str([list(c[:2]) for c in coords]) + "}"


def line_parts(geometry) -> list[list]:
    """The coordinate lists of a LineString or MultiLineString."""
    if geometry.geom_type == "LineString":
        return [list(geometry.coords)]
    return [list(part.coords) for part in getattr(geometry, "geoms", [])]


def day_label(value: object, lang: str) -> str:
    """An ISO date as ``20 August 1945`` in the language; empty when it is not a date."""
    try:
        return format_date(dt.date.fromisoformat(value), lang) if isinstance(value, str) else ""
    except ValueError:
        return ""


_EVENT_TABLES: dict[int, tuple] = {}


def _event_table(events: pd.DataFrame) -> tuple[list[dict], np.ndarray, np.ndarray]:
    """Events as plain records and first/last day arrays, made once per events frame."""
    entry = _EVENT_TABLES.get(id(events))
    if entry is None or entry[0] is not events:
        records = [{**props, "geometry": geometry} for props, geometry in feature_rows(events)]
        first = np.array([_day(r.get("date")) for r in records], dtype="datetime64[D]")
        last = np.array(
            [_day(r.get("date_end") or r.get("date")) for r in records], dtype="datetime64[D]"
        )
        entry = (events, records, first, last)
        _EVENT_TABLES[id(events)] = entry
    return entry[1], entry[2], entry[3]


def _day(value: object) -> np.datetime64:
    try:
        return np.datetime64(value, "D") if isinstance(value, str) else np.datetime64("NaT")
    except ValueError:
        return np.datetime64("NaT")


def _shown(style: dict, props: dict, lang: str, geometry_json: str | None) -> Feature:
    shown = {"s": style, "t": tooltip_html(props, lang), "p": popup_html(props, lang)}
    if geometry_json is None:
        shown["g"] = props["id"]
    return shown, geometry_json


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
