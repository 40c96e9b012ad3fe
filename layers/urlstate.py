"""The atlas state carried by a shareable URL: parsed and written without Streamlit.

``?date=1945-08-20&lang=fr&layers=manchukuo,korea&lat=43&lon=125&zoom=5`` restores a view.
Parsing never raises: every bad value is dropped with a warning (in the link's language)
and a sensible default takes its place.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from layers.i18n import LANGUAGES, t
from layers.model import ATLAS_END, ATLAS_START, DEFAULT_DATE

BASEMAPS = ("atlas", "osm", "positron", "relief")
EVENTS_ID = "events"  # the event markers: toggled like a layer, though not a catalogue layer
MAX_ZOOM, MIN_ZOOM = 12, 2
_SHOWN_VALUE = 40  # characters of a bad value quoted back in a warning
_SHOWN_IDS = 3  # unknown layer ids named in the warning
MAX_LAYERS_CHARS = 2_000  # of ?layers= read at the most
MAX_LAYER_IDS = 64


@dataclass(frozen=True)
class AtlasState:
    """What a link restores. ``layers=None`` means the catalogue's default layers."""

    date: dt.date = DEFAULT_DATE
    lang: str = "en"
    layers: tuple[str, ...] | None = None
    basemap: str = "atlas"
    lat: float | None = None
    lon: float | None = None
    zoom: int | None = None
    date2: dt.date | None = None  # the second date of the Compare page

    @property
    def view(self) -> tuple[float, float, int] | None:
        """``(lat, lon, zoom)`` when the link fixes the view."""
        if self.lat is None or self.lon is None or self.zoom is None:
            return None
        return self.lat, self.lon, self.zoom


def parse_state(
    params: Mapping[str, str | list[str]], layer_ids: Collection[str] | None = None
) -> tuple[AtlasState, list[str]]:
    """The state a URL's query parameters describe, and a warning per value left out.

    ``layer_ids`` are the known layer ids (unknown ones are dropped); ``None`` accepts any.
    """
    values = {key: _values(params, key) for key in _keys(params)}
    raw_lang = _last(values.get("lang"))
    lang = raw_lang if raw_lang in LANGUAGES else "en"
    warnings: list[str] = []

    def warn(name: str, value: object, reason_key: str, **kw: object) -> None:
        shown = str(value)
        if len(shown) > _SHOWN_VALUE:
            shown = shown[:_SHOWN_VALUE] + "…"
        reason = t(reason_key, lang, **kw)
        warnings.append(t("invalid_param", lang, name=name, value=shown, reason=reason))

    if raw_lang is not None and raw_lang not in LANGUAGES:
        warn("lang", raw_lang, "reason_lang")
    day = _parse_day(values.get("date"), "date", warn) or DEFAULT_DATE
    date2 = _parse_day(values.get("date2"), "date2", warn)
    layers = _parse_layers(values.get("layers"), layer_ids, warn)
    basemap = _last(values.get("basemap"))
    if basemap is not None and basemap not in BASEMAPS:
        warn("basemap", basemap, "reason_choice", choices=", ".join(BASEMAPS))
        basemap = None
    view = _parse_view(values, warn)
    state = AtlasState(
        date=day,
        lang=lang,
        layers=layers,
        basemap=basemap or "atlas",
        lat=view[0] if view else None,
        lon=view[1] if view else None,
        zoom=view[2] if view else None,
        date2=date2,
    )
    return state, warnings


def to_params(state: AtlasState) -> dict[str, str]:
    """The query parameters that restore ``state`` (defaults left out, except date and lang)."""
    params = {"date": state.date.isoformat(), "lang": state.lang}
    if state.layers is not None:
        params["layers"] = ",".join(state.layers)
    if state.basemap != "atlas":
        params["basemap"] = state.basemap
    if state.view is not None:
        lat, lon, zoom = state.view
        params.update(lat=f"{lat:.3f}", lon=f"{lon:.3f}", zoom=str(zoom))
    if state.date2 is not None:
        params["date2"] = state.date2.isoformat()
    return params


def clamp_date(day: dt.date) -> dt.date:
    """``day`` brought into the atlas range."""
    return min(max(day, ATLAS_START), ATLAS_END)


def _keys(params: Mapping) -> list[str]:
    try:
        return [key for key in params if isinstance(key, str)]
    except TypeError:
        return []


def _values(params: Mapping, key: str) -> list[str]:
    """Every value given for ``key`` (repeated keys arrive as lists), as strings."""
    try:
        value = params[key]
    except (KeyError, TypeError):
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    return [item if isinstance(item, str) else str(item) for item in items]


def _last(values: list[str] | None) -> str | None:
    """The last value of a repeated key (what a browser's URL bar means), stripped."""
    if not values:
        return None
    return values[-1].strip()


def _parse_day(values: list[str] | None, name: str, warn) -> dt.date | None:
    raw = _last(values)
    if raw is None or raw == "":
        return None
    try:
        day = dt.date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None:
        warn(name, raw, "reason_date")
        return None
    if not ATLAS_START <= day <= ATLAS_END:
        warn(name, raw, "reason_range", start=ATLAS_START.isoformat(), end=ATLAS_END.isoformat())
        return clamp_date(day)
    return day


def _parse_layers(
    values: list[str] | None, known: Collection[str] | None, warn
) -> tuple[str, ...] | None:
    """The layer ids asked for, in order, without repeats. The work is bounded whatever the
    link holds: the first :data:`MAX_LAYERS_CHARS` characters and :data:`MAX_LAYER_IDS` ids
    are read, in linear time; what is left out gives one warning that names a few ids."""
    if values is None:
        return None
    text = ",".join(values)
    items = [item.strip() for item in text[:MAX_LAYERS_CHARS].split(",")]
    wanted = list(dict.fromkeys(item for item in items if item))
    asked = len(wanted) + (text.count(",", MAX_LAYERS_CHARS) if len(text) > MAX_LAYERS_CHARS else 0)
    usable = frozenset(wanted if known is None else known)
    kept = [item for item in wanted[:MAX_LAYER_IDS] if item in usable]
    if asked > len(kept):
        left_out = [item for item in wanted if item not in kept][:_SHOWN_IDS]
        shown = ", ".join(left_out) + (" …" if asked - len(kept) > len(left_out) else "")
        warn("layers", shown, "reason_layers", count=asked - len(kept))
        if not kept:
            return None  # nothing usable asked for: the default layers
    return tuple(kept)


def _parse_view(values: dict, warn) -> tuple[float, float, int] | None:
    given = {name: _last(values.get(name)) for name in ("lat", "lon", "zoom")}
    if all(v is None for v in given.values()):
        return None
    limits = {"lat": (-85.0, 85.0), "lon": (-180.0, 180.0), "zoom": (MIN_ZOOM, MAX_ZOOM)}
    parsed = {}
    for name, raw in given.items():
        if raw is None:
            warn(name, "", "reason_view")
            return None
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        low, high = limits[name]
        if not math.isfinite(number) or not low <= number <= high:
            warn(name, raw, "reason_number", low=low, high=high)
            return None
        parsed[name] = number
    return parsed["lat"], parsed["lon"], round(parsed["zoom"])
