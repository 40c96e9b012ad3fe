"""Features of layer slices as rows, their cells, and the events shown on a day."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import pandas as pd

from layers.i18n import format_date, t
from layers.model import Atlas, events_between
from layers.static.cache import ByIdentity
from layers.style import IMAGE_EVENT_DAYS

if TYPE_CHECKING:
    from layers.static.view import View

EVENTS = "events"  # pseudo layer id: event markers

_ROWS = ByIdentity(512)  # layer slice → (properties, geometry) rows
_EVENTS = ByIdentity(16)  # atlas → events shown on a day in a view


def rows(frame) -> list[tuple[dict, object]]:
    """(properties, geometry) of each feature; layer slices are reused, so this is cached."""

    def build():
        geometry = frame.geometry
        records = pd.DataFrame(frame).drop(columns=geometry.name).to_dict("records")
        return list(zip(records, geometry, strict=True))

    return _ROWS.get(frame, None, build)


def text(value: object) -> str | None:
    """A string from a data frame cell (missing values are NaN or None), else None."""
    return value if isinstance(value, str) and value else None


def whole(value: object, default: int) -> int:
    """A whole number from a data frame cell, else ``default``."""
    return int(value) if isinstance(value, (int, float)) and math.isfinite(value) else default


def name(props: dict, lang: str) -> str | None:
    """A feature's name: the French one in French when there is one, else the English one."""
    return (text(props.get("name_fr")) if lang == "fr" else None) or text(props.get("name_en"))


def events_shown(atlas: Atlas, day: dt.date, view: View) -> list[tuple]:
    """Events of the date and of the days before it in the view, grouped by place:
    ``((lon, lat), [properties…], ongoing)``."""
    return _EVENTS.get(atlas, (day, view), lambda: _find_events(atlas, day, view))


def _recent_events(atlas: Atlas, day: dt.date, view: View, inside: bool) -> list[tuple]:
    """(properties, point) of the events of the date and of the days before it whose place
    lies inside the view (``inside``) or outside it."""
    found = events_between(atlas, day - dt.timedelta(days=IMAGE_EVENT_DAYS), day)
    if len(found) == 0:
        return []
    west, south, east, north = view.lonlat_box()
    return [
        (props, geom)
        for props, geom in rows(found)
        if geom is not None and (west <= geom.x <= east and south <= geom.y <= north) == inside
    ]


def _find_events(atlas: Atlas, day: dt.date, view: View) -> list[tuple]:
    places: dict[tuple[float, float], list[dict]] = {}
    for props, geom in _recent_events(atlas, day, view, inside=True):
        places.setdefault((round(geom.x, 2), round(geom.y, 2)), []).append(props)
    today = day.isoformat()
    return [
        (place, group, any((text(p.get("date_end")) or p["date"]) >= today for p in group))
        for place, group in places.items()
    ]


def events_elsewhere(atlas: Atlas, day: dt.date, view: View, most: int = 3) -> list[dict]:
    """Events of the date and of the days before it outside the view (Yalta on a map of
    Manchuria), the latest and most important first: the legend names them."""
    away = [props for props, _ in _recent_events(atlas, day, view, inside=False)]
    away.sort(key=lambda p: (whole(p.get("importance"), 3), p["id"]))
    away.sort(key=lambda p: p["date"], reverse=True)
    return away[:most]


def event_label(group: list[dict], day: dt.date, lang: str) -> str:
    """The words beside an event star: the latest event's day and month; for an event of
    several days, ``since 8 December 1941`` while it goes on (the map does not tell its end
    before it comes) and its span (``29 July – 21 November``) once over, so that an event begun
    long before the map's date is not read as recent. A year is added where it is not the map's."""
    latest = max(group, key=lambda p: p["date"])
    first = dt.date.fromisoformat(latest["date"])
    last = dt.date.fromisoformat(text(latest.get("date_end")) or latest["date"])

    def short(when: dt.date) -> str:
        full = format_date(when, lang)
        return full if when.year != day.year else full.rsplit(" ", 1)[0]

    if last == first or day <= first:
        return short(first)
    if day < last:
        return t("event_since", lang, date=short(first))
    return f"{short(first)} – {short(last)}"
