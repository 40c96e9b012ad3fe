"""Where to put arrowheads on a route and which way they point, on the Web Mercator map.

Bearings are measured on the projected map (as the reader sees it), clockwise from north,
so a CSS-rotated ``▲`` points along the drawn line at any latitude.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from layers.mercator import project, unproject

MID_ARROW_SPACING = 900_000.0  # projected metres between mid-route arrows
MAX_MID_ARROWS = 4


@dataclass(frozen=True)
class Arrow:
    """An arrowhead: where (lon, lat) and which way (degrees clockwise from map north)."""

    lon: float
    lat: float
    bearing: float
    end: bool  # the head at the end of the line, as opposed to one along it


def mercator(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator (EPSG:3857) metres of a lon/lat point."""
    x, y = project(lon, lat)
    return float(x), float(y)


def bearing(start: Sequence[float], end: Sequence[float]) -> float:
    """Map bearing in degrees (0 = up, 90 = right) from ``start`` to ``end`` (lon, lat)."""
    x0, y0 = mercator(start[0], start[1])
    x1, y1 = mercator(end[0], end[1])
    return math.degrees(math.atan2(x1 - x0, y1 - y0)) % 360


def arrows_along(coords: Sequence[Sequence[float]], mid: bool = True) -> list[Arrow]:
    """An arrowhead at the end of a line and, with ``mid``, some along it (one per ~900 km,
    at most 4)."""
    points = _distinct(coords)
    if len(points) < 2:
        return []
    projected = [mercator(lon, lat) for lon, lat in points]
    lengths = [math.dist(a, b) for a, b in itertools.pairwise(projected)]
    total = sum(lengths)
    arrows = []
    count = min(MAX_MID_ARROWS, max(1, round(total / MID_ARROW_SPACING)))
    if mid and total > 0:
        for k in range(1, count + 1):
            arrows.append(_at_distance(points, projected, lengths, total * k / (count + 1)))
    arrows.append(Arrow(*points[-1], bearing(points[-2], points[-1]), end=True))
    return arrows


def split_at(coords: Sequence[Sequence[float]], place: Sequence[float]) -> int:
    """Index of the vertex of ``coords`` nearest to ``place`` (lon, lat): where an axis stands."""
    return min(range(len(coords)), key=lambda i: math.dist(coords[i][:2], place[:2]))


def _distinct(coords: Sequence[Sequence[float]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for coord in coords:
        point = (float(coord[0]), float(coord[1]))
        if not points or point != points[-1]:
            points.append(point)
    return points


def _at_distance(points, projected, lengths, distance: float) -> Arrow:
    """The arrow ``distance`` projected metres along the line, pointing along its segment."""
    i = 0
    while i < len(lengths) - 1 and distance > lengths[i]:
        distance -= lengths[i]
        i += 1
    share = 0.0 if lengths[i] == 0 else min(1.0, distance / lengths[i])
    x = projected[i][0] + share * (projected[i + 1][0] - projected[i][0])
    y = projected[i][1] + share * (projected[i + 1][1] - projected[i][1])
    lon, lat = _unproject(x, y)
    return Arrow(lon, lat, bearing(points[i], points[i + 1]), end=False)


def _unproject(x: float, y: float) -> tuple[float, float]:
    lon, lat = unproject(x, y)
    return float(lon), float(lat)
