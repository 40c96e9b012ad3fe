"""A compact, lossless JSON form of geometries for the browser's geometry store.

Coordinates become integers at a fixed scale (a power of ten at which every coordinate is
exact: 10⁴ for the shipped data, built to four decimals), and each ring or line a flat list of
differences from the previous position. The shipped store shrinks by half (1.5 MB instead of
3.1 MB; 439 KB instead of 986 KB compressed), and with it the work of compressing it once
and of the browser that parses it; the map decodes it (``atlasLib.decode`` in
:mod:`layers.map_elements`) to the very numbers a GeoJSON reader gives.

An encoded geometry is ``{"t": type, "c": parts}``, where a Point's parts are ``[x, y]``, a
LineString's one flat list ``[x0, y0, dx1, dy1, …]``, a Polygon's or MultiLineString's a list
of such lists, and a MultiPolygon's a list of Polygon parts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

MAX_DIGITS = 7  # 10⁷: about a centimetre, the finest scale tried


@dataclass(frozen=True)
class StoreFiles:
    """The geometry store as served: ``files`` (name → gzipped JSON) holds the overview,
    named ``name`` (what the map fetches first), and the detail file the overview names;
    ``keys`` are the feature ids stored."""

    name: str
    files: dict[str, bytes]
    keys: frozenset[str]


def exact_scale(geometries: list) -> int:
    """The smallest power of ten (from 10⁰ to 10⁷) at which every coordinate is an integer;
    10⁷ when none is (then each coordinate moves by at most 5 × 10⁻⁸ degrees)."""
    coordinates = shapely.get_coordinates(np.asarray(geometries, dtype=object))
    for digits in range(MAX_DIGITS + 1):
        scale = 10**digits
        if (np.rint(coordinates * scale) / scale == coordinates).all():
            return scale
    return 10**MAX_DIGITS


def encode(geometry, scale: int) -> dict:
    """``geometry`` (Point, LineString, Polygon or their Multi- forms) in the compact form."""
    kind = geometry.geom_type
    if kind == "Point":
        position = shapely.get_coordinates(geometry)[0]
        return {"t": kind, "c": np.rint(position * scale).astype(np.int64).tolist()}
    if kind == "LineString":
        return {"t": kind, "c": _line(geometry, scale)}
    if kind == "Polygon":
        return {"t": kind, "c": _polygon(geometry, scale)}
    if kind == "MultiLineString":
        return {"t": kind, "c": [_line(line, scale) for line in geometry.geoms]}
    if kind == "MultiPolygon":
        return {"t": kind, "c": [_polygon(polygon, scale) for polygon in geometry.geoms]}
    raise ValueError(f"cannot encode a {kind}")


def _polygon(polygon, scale: int) -> list[list[int]]:
    return [_line(polygon.exterior, scale), *(_line(ring, scale) for ring in polygon.interiors)]


def _line(line, scale: int) -> list[int]:
    """A line's or ring's positions as integers, each after the first as a difference."""
    points = np.rint(shapely.get_coordinates(line) * scale).astype(np.int64)
    steps = np.diff(points, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return steps.ravel().tolist()
