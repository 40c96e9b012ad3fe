"""Arrowheads at the ends of routes, and the August 1945 axes drawn up to the day's progress."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from layers import style
from layers.mercator import project
from layers.static.strokes import PX, dashes
from layers.temporal import axis_progress

if TYPE_CHECKING:
    from layers.static.frame import Frame


def axis(frame: Frame, geom, waypoints: list, line: style.LineStyle, lw: float, zorder: float):
    """An August 1945 axis: solid up to the place reached on the day, dotted beyond."""
    lines = [g for g in shapely.get_parts(geom) if not g.is_empty]
    if not lines:
        return
    lonlat = np.asarray(lines[0].coords)
    xy = np.column_stack(project(lonlat[:, 0], lonlat[:, 1]))
    reached = _vertex_of(xy, waypoints, axis_progress(waypoints, frame.day))
    done, ahead = xy[: reached + 1], xy[reached:]
    planned = style.planned_style(line)
    thin = planned.weight * PX * frame.u
    if len(ahead) > 1:
        frame.any_ahead = True
        frame.ax.add_artist(
            Line2D(
                ahead[:, 0],
                ahead[:, 1],
                color=to_rgba(planned.colour, planned.opacity),
                lw=thin,
                linestyle=dashes(planned.dash, frame.u),
                dash_capstyle="round",
                zorder=zorder,
            )
        )
    if len(done) > 1:
        frame.ax.add_artist(
            Line2D(
                done[:, 0],
                done[:, 1],
                color=to_rgba(line.colour, line.opacity),
                lw=lw,
                solid_capstyle="round",
                solid_joinstyle="round",
                zorder=zorder,
            )
        )
        arrowhead(frame, done, line.colour, line.opacity, lw, zorder)
    else:
        arrowhead(frame, ahead, planned.colour, planned.opacity, thin, zorder)


def arrowhead(frame: Frame, xy: np.ndarray, colour: str, alpha: float, lw: float, zorder: float):
    """An arrowhead where the line ends, or where it leaves the map, pointing along it."""
    v = frame.view
    inside = (xy[:, 0] >= v.x0) & (xy[:, 0] <= v.x1) & (xy[:, 1] >= v.y0) & (xy[:, 1] <= v.y1)
    if not inside.any():
        return
    last = int(np.flatnonzero(inside)[-1])
    if last == len(xy) - 1:
        tip, before = xy[last], xy[max(last - 1, 0)]
    else:  # the line leaves the map after ``last``: put the head on the edge
        pad = 6 * v.per_px
        rect = (v.x0 + pad, v.y0 + pad, v.x1 - pad, v.y1 - pad)
        clipped = shapely.clip_by_rect(shapely.LineString(xy[last : last + 2]), *rect)
        if clipped.is_empty or clipped.geom_type != "LineString":
            return
        coords = np.asarray(clipped.coords)
        tip, before = coords[-1], xy[last]
    direction = tip - before
    length = float(np.hypot(*direction))
    if length == 0:
        return
    start = tip - direction / length * v.per_px
    head_length, head_width = 1.6 * lw + 4 * frame.u, 1.05 * lw + 2.5 * frame.u
    frame.ax.add_artist(
        FancyArrowPatch(
            tuple(start),
            tuple(tip),
            arrowstyle=f"-|>,head_length={head_length:.2f},head_width={head_width:.2f}",
            mutation_scale=1,
            color=to_rgba(colour, alpha),
            lw=0,
            shrinkA=0,
            shrinkB=0,
            zorder=zorder + 0.1,
        )
    )


def _vertex_of(xy: np.ndarray, waypoints: list, index: int) -> int:
    """The vertex nearest to waypoint ``index`` (when vertices and waypoints do not pair up)."""
    if len(waypoints) == len(xy):
        return index
    point = waypoints[index] if index < len(waypoints) else None
    if not isinstance(point, dict) or "lon" not in point or "lat" not in point:
        return 0
    x, y = project(point["lon"], point["lat"])
    return int(np.argmin(np.hypot(xy[:, 0] - x, xy[:, 1] - y)))
