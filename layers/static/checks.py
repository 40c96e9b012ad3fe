"""Checks of an image request: date, size, resolution, bounds, layer ids and format."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from layers.export import IMAGE, MAX_DPI, MAX_PIXELS, MAX_SIDE, MIN_DPI, MIN_SIDE, formats
from layers.mercator import MAX_LAT
from layers.model import ATLAS_END, ATLAS_START, Atlas
from layers.static.features import EVENTS

DEFAULT_BOUNDS = (70.0, 18.0, 160.0, 58.0)
FORMATS = formats(IMAGE)


class ExportError(ValueError):
    """A request that cannot be drawn: bad bounds, size, format, date or layer id."""


def check_request(
    atlas: Atlas,
    day: dt.date,
    layer_ids: Iterable[str] | None,
    bounds: tuple[float, float, float, float] | None,
    width: int,
    height: int,
    dpi: float,
) -> tuple[list[str], tuple[float, float, float, float]]:
    """The layer ids and bounds to draw, or :class:`ExportError` saying what is wrong."""
    check_day(day)
    check_size(width, height, dpi)
    return check_layers(atlas, layer_ids), check_bounds(bounds)


def check_day(day: dt.date) -> None:
    """A date within the atlas period."""
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ExportError(f"not a date: {day!r}")
    if not ATLAS_START <= day <= ATLAS_END:
        raise ExportError(f"date {day} outside the atlas period {ATLAS_START}..{ATLAS_END}")


def check_size(width: int, height: int, dpi: float) -> None:
    """Pixel sizes and resolution within sane ranges."""
    for name, value in (("width", width), ("height", height)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ExportError(f"{name} must be a whole number of pixels, not {value!r}")
        if not MIN_SIDE <= value <= MAX_SIDE:
            raise ExportError(f"{name} {value} outside {MIN_SIDE}..{MAX_SIDE} pixels")
    if width * height > MAX_PIXELS:
        raise ExportError(f"{width}×{height} is more than {MAX_PIXELS:,} pixels")
    if not isinstance(dpi, (int, float)) or not MIN_DPI <= dpi <= MAX_DPI:
        raise ExportError(f"dpi {dpi!r} outside {MIN_DPI}..{MAX_DPI}")


def check_bounds(
    bounds: Iterable[float] | None,
) -> tuple[float, float, float, float]:
    """``(W, S, E, N)`` in degrees with W < E and S < N, or the default East Asia view."""
    if bounds is None:
        return DEFAULT_BOUNDS
    try:
        west, south, east, north = (float(v) for v in bounds)
    except (TypeError, ValueError):
        raise ExportError(f"bounds must be four numbers W,S,E,N, not {bounds!r}") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ExportError("bounds must be finite numbers")
    if not (-180 <= west < east <= 180):
        raise ExportError(f"bounds need -180 <= W < E <= 180 (got W={west}, E={east})")
    if not (-90 <= south < north <= 90):
        raise ExportError(f"bounds need -90 <= S < N <= 90 (got S={south}, N={north})")
    if min(north, MAX_LAT) - max(south, -MAX_LAT) <= 0.01:
        raise ExportError("bounds lie beyond the latitudes a Mercator map can show")
    return west, south, east, north


def check_layers(atlas: Atlas, layer_ids: Iterable[str] | None) -> list[str]:
    """Known layer ids (``events`` included), in the order given; all of them when ``None``."""
    if layer_ids is None:
        return [*atlas.default_layer_ids(), EVENTS]
    ids = list(layer_ids)
    unknown = [i for i in ids if i not in atlas.layers and i != EVENTS]
    if unknown:
        known = ", ".join([*sorted(atlas.layers), EVENTS])
        raise ExportError(f"unknown layer id {unknown[0]!r} (known: {known})")
    return ids


def check_format(fmt: str) -> str:
    """``png``, ``svg`` or ``pdf``."""
    fmt = str(fmt).lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(f"unknown image format {fmt!r} (use one of {', '.join(FORMATS)})")
    return fmt
