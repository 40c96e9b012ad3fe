"""Labels: their outlines and boxes, the boxes already taken, and where a territory's name fits.

Labels are drawn as outlines of the font chain rather than as text, so they look the same in
every viewer of an SVG or PDF; outlines and sizes are cached per text and size.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import shapely
from matplotlib.font_manager import FontProperties
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Bbox
from shapely.geometry import box

from layers import style
from layers.static.cache import ByIdentity
from layers.static.view import View

if TYPE_CHECKING:
    from layers.static.scaffold import Scaffold

LINE_SPACING = 1.1
ASCENT, DESCENT = 0.78, 0.24  # of the font size: the box of a line of label

_ANCHORS = ByIdentity(1024)  # projected shape → label anchors in a view


class Boxes:
    """Pixel boxes already taken by labels, markers and map furniture."""

    def __init__(self, frame: Bbox, pad: float) -> None:
        self.frame, self.pad = frame, pad
        self.boxes = np.zeros((256, 4))
        self.count = 0

    def copy(self) -> Boxes:
        other = Boxes(self.frame, self.pad)
        other.boxes, other.count = self.boxes.copy(), self.count
        return other

    def free(self, extent: tuple[float, float, float, float]) -> bool:
        """True when the box lies inside the map, 2 px from its edge, and meets no other."""
        x0, y0, x1, y1 = extent
        f, p = self.frame, self.pad
        if x0 < f.x0 + 2 or x1 > f.x1 - 2 or y0 < f.y0 + 2 or y1 > f.y1 - 2:
            return False
        b = self.boxes[: self.count]
        hits = (b[:, 0] < x1 + p) & (b[:, 2] > x0 - p) & (b[:, 1] < y1 + p) & (b[:, 3] > y0 - p)
        return not hits.any()

    def take(self, extent) -> None:
        """Mark a box ``(x0, y0, x1, y1)`` or :class:`Bbox` as taken."""
        if isinstance(extent, Bbox):
            extent = (extent.x0, extent.y0, extent.x1, extent.y1)
        if self.count == len(self.boxes):
            self.boxes = np.concatenate([self.boxes, np.zeros_like(self.boxes)])
        self.boxes[self.count] = extent
        self.count += 1


class Labels:
    """Labels drawn as outlines in one batch: every halo first, then the text of each colour.

    Outlines are cached per text and size, so a label costs no text layout when drawn, and it
    renders the same in every viewer, whatever fonts the viewer has.
    """

    def __init__(self, scaffold: Scaffold, halo: bool = True) -> None:
        self.s, self.halo = scaffold, halo
        self.parts: dict[tuple[str, float], list[Path]] = {}

    def add(
        self,
        text: str,
        box_: tuple[float, float, float, float],
        size: float,
        *,
        colour: str = style.TEXT,
        weight: str = "normal",
        style_: str = "normal",
        alpha: float = 1.0,
    ) -> None:
        """A label whose box has its lower left corner at ``box_[:2]`` (figure pixels)."""
        path = label_path(text, size, weight, style_, self.s.fonts)
        dpi = self.s.view.dpi
        moved = Path(path.vertices / 72 + np.array([box_[0] / dpi, box_[1] / dpi]), path.codes)
        self.parts.setdefault((colour, alpha), []).append(moved)

    def draw(self, zorder: float, clip: bool = True) -> None:
        """Add the labels gathered so far to the axes, and start a new batch; ``clip=False``
        draws them outside the map's frame too."""
        inches = self.s.fig.dpi_scale_trans
        if self.halo and self.parts:
            every = Path.make_compound_path(*(p for ps in self.parts.values() for p in ps))
            halo = PathPatch(
                every,
                facecolor=style.LAND,
                edgecolor=style.LAND,
                lw=self.s.halo,
                joinstyle="round",
                transform=inches,
                zorder=zorder,
                clip_on=clip,
            )
            self.s.ax.add_artist(halo)
        for (colour, alpha), paths in self.parts.items():
            text = PathPatch(
                Path.make_compound_path(*paths),
                facecolor=colour,
                edgecolor="none",
                alpha=alpha,
                transform=inches,
                zorder=zorder,
                clip_on=clip,
            )
            self.s.ax.add_artist(text)
        self.parts = {}


@functools.lru_cache(maxsize=8192)
def label_path(text: str, size: float, weight: str, style_: str, families: tuple[str, ...]) -> Path:
    """A label's outline in points, lines centred, its box's lower left corner at (0, 0)."""
    prop = FontProperties(family=list(families), size=size, weight=weight, style=style_)
    lines = text.split("\n")
    widths, paths = [], []
    for line in lines:
        path = TextPath((0, 0), line, prop=prop)
        paths.append(path)
        widths.append(float(path.vertices[:, 0].max()) if len(path.vertices) else 0.0)
    width = max(widths)
    vertices, codes = [], []
    for i, (path, w) in enumerate(zip(paths, widths, strict=True)):
        if not len(path.vertices):
            continue
        baseline = DESCENT * size + (len(lines) - 1 - i) * LINE_SPACING * size * 1.17
        vertices.append(path.vertices + np.array([(width - w) / 2, baseline]))
        codes.append(path.codes)
    if not vertices:
        return Path(np.zeros((1, 2)), [Path.MOVETO])
    return Path(np.concatenate(vertices), np.concatenate(codes))


@functools.lru_cache(maxsize=8192)
def label_size(
    text: str, size: float, weight: str, style_: str, families: tuple[str, ...], dpi: float
) -> tuple[float, float]:
    """A label's box in pixels: outline width, and the line heights of its font size."""
    path = label_path(text, size, weight, style_, families)
    lines = text.count("\n") + 1
    width = float(path.vertices[:, 0].max()) if len(path.vertices) > 1 else 0.0
    height = (DESCENT + ASCENT) * size + (lines - 1) * LINE_SPACING * size * 1.17
    return width * dpi / 72, height * dpi / 72


def aligned(px: float, py: float, w: float, h: float, ha: str, va: str) -> tuple:
    """The box (x0, y0, x1, y1) of a ``w``×``h`` label aligned on a pixel as ha/va say."""
    x0 = {"left": px, "right": px - w}.get(ha, px - w / 2)
    y0 = {"bottom": py, "top": py - h}.get(va, py - h / 2)
    return x0, y0, x0 + w, y0 + h


def box_inside(extent: tuple, shape, ax) -> bool:
    """True when a pixel box lies inside a projected shape drawn on ``ax``."""
    (x0, y0), (x1, y1) = ax.transData.inverted().transform(
        [(extent[0], extent[1]), (extent[2], extent[3])]
    )
    return bool(shape.contains(box(x0, y0, x1, y1)))


def anchors(shape, view: View) -> list[tuple[float, float]]:
    """Candidate label centres in a territory's visible part, the most inland first."""

    def build():
        visible = shapely.clip_by_rect(shape, view.x0, view.y0, view.x1, view.y1)
        points: list[tuple[float, float]] = []
        least = (view.x1 - view.x0) * (view.y1 - view.y0) * 0.002
        for part in sorted(shapely.get_parts(visible), key=lambda p: -p.area)[:3]:
            if part.geom_type != "Polygon" or part.area < least:
                continue
            centre = shapely.maximum_inscribed_circle(part, view.per_px * 4).coords[0]
            grid = _grid(part, 9)
            depth = shapely.distance(part.boundary, shapely.points(grid)) if grid else []
            ranked = [p for _, p in sorted(zip(depth, grid, strict=True), reverse=True)]
            points.extend([tuple(centre), *ranked[:12]])
        return points

    return _ANCHORS.get(shape, view, build)


def _grid(polygon, n: int) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = polygon.bounds
    xs = np.linspace(x0, x1, n + 2)[1:-1]
    ys = np.linspace(y0, y1, n + 2)[1:-1]
    grid = np.array([(x, y) for x in xs for y in ys])
    inside = shapely.contains_xy(polygon, grid[:, 0], grid[:, 1])
    return [tuple(p) for p in grid[inside]]
