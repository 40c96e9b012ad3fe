"""Geometries projected to Web Mercator and simplified, once per process."""

from __future__ import annotations

from typing import Literal

import numpy as np
import shapely
from matplotlib.path import Path

from layers.mercator import project, unproject
from layers.static.cache import ByIdentity

_PATHS = ByIdentity(4096)  # geometry → projected, simplified path or shape


def lat_of(y: float) -> float:
    """The latitude in degrees of a Web Mercator ``y`` in metres."""
    return float(unproject(0.0, y)[1])


def geometry(geom, tolerance: float, kind: Literal["polygon", "line", "shape"]):
    """A geometry in Web Mercator, simplified to ``tolerance`` metres: a path or a shape.

    ``polygon`` and ``line`` give a matplotlib :class:`Path` (or ``None`` when nothing is
    left to draw), ``shape`` a prepared shapely geometry.
    """

    def build():
        projected = shapely.transform(geom, _project_xy)
        if tolerance:
            projected = shapely.simplify(projected, tolerance, preserve_topology=True)
        if kind == "shape":
            shapely.prepare(projected)
            return projected
        return _polygon_path(projected) if kind == "polygon" else _line_path(projected)

    return _PATHS.get(geom, (tolerance, kind), build)


def _project_xy(coords: np.ndarray) -> np.ndarray:
    return np.column_stack(project(coords[:, 0], coords[:, 1]))


def _polygon_path(geom) -> Path | None:
    geom = shapely.orient_polygons(geom)  # holes wind the other way: non-zero fill keeps them
    vertices, codes = [], []
    for polygon in shapely.get_parts(geom):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.asarray(ring.coords)
            if len(xy) < 4:
                continue
            ring_codes = np.full(len(xy), Path.LINETO, dtype=np.uint8)
            ring_codes[0], ring_codes[-1] = Path.MOVETO, Path.CLOSEPOLY
            vertices.append(xy)
            codes.append(ring_codes)
    if not vertices:
        return None
    return Path(np.concatenate(vertices), np.concatenate(codes))


def _line_path(geom) -> Path | None:
    vertices, codes = [], []
    for line in shapely.get_parts(geom):
        xy = np.asarray(getattr(line, "coords", []))
        if len(xy) < 2:
            continue
        line_codes = np.full(len(xy), Path.LINETO, dtype=np.uint8)
        line_codes[0] = Path.MOVETO
        vertices.append(xy)
        codes.append(line_codes)
    if not vertices:
        return None
    return Path(np.concatenate(vertices), np.concatenate(codes))
