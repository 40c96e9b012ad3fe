"""The view: an image's size, the map frame inside it, and the projected extent it shows."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from layers.mercator import EARTH_RADIUS, MAX_LAT, project
from layers.static.projection import lat_of


@dataclass(frozen=True)
class View:
    """The image: its size, the map frame inside it, and the projected extent it shows."""

    width: int
    height: int
    dpi: float
    unit: float  # fonts and lines against the 1600×1000 image at 150 dpi (clamped)
    header: float  # title band, inches
    footer: float  # sources line, inches
    panel: float  # the legend's panel right of the map, inches
    x0: float
    y0: float
    x1: float
    y1: float
    per_px: float  # projected metres per pixel

    @property
    def tolerance(self) -> float:
        """Simplification tolerance: about half a pixel, rounded down to a power of two."""
        return float(2 ** math.floor(math.log2(max(self.per_px * 0.5, 1.0))))

    @property
    def per_pt(self) -> float:
        """Projected metres per typographic point."""
        return self.per_px * self.dpi / 72

    @property
    def centre_lat(self) -> float:
        return lat_of((self.y0 + self.y1) / 2)

    def lonlat_box(self) -> tuple[float, float, float, float]:
        """The extent shown, ``(W, S, E, N)`` in degrees."""
        lon0, lon1 = (math.degrees(x / EARTH_RADIUS) for x in (self.x0, self.x1))
        return lon0, lat_of(self.y0), lon1, lat_of(self.y1)


@functools.lru_cache(maxsize=64)
def view_of(bounds: tuple[float, float, float, float], width: int, height: int, dpi: float) -> View:
    """The view of checked ``bounds`` in an image of this size, the map filling its frame
    (left of the legend's panel, which takes at most 30% of the width)."""
    w_in, h_in = width / dpi, height / dpi
    unit = min(max(min(w_in / (1600 / 150), h_in / (1000 / 150)), 0.7), 2.0)
    header, footer = 0.42 * unit, 0.22 * unit
    panel = min(2.5 * unit, 0.3 * w_in)
    map_w, map_h = width - panel * dpi, height - (header + footer) * dpi
    west, south, east, north = bounds
    (x0, x1), (y0, y1) = project([west, east], [south, north])
    # Grow the narrower side so that the map fills its frame at one scale in x and y.
    per_px = max((x1 - x0) / map_w, (y1 - y0) / map_h)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w, half_h = per_px * map_w / 2, per_px * map_h / 2
    limit = float(project(0, MAX_LAT)[1])
    cy = min(max(cy, -limit + half_h), limit - half_h) if half_h < limit else 0.0
    return View(
        width,
        height,
        dpi,
        unit,
        header,
        footer,
        panel,
        cx - half_w,
        cy - half_h,
        cx + half_w,
        cy + half_h,
        per_px,
    )
