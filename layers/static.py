"""Map images drawn on the server: PNG, SVG and PDF from the same layer state and style as the
interactive map.

Everything is drawn in Web Mercator (EPSG:3857), like the Leaflet map, always on the embedded
base map (land and graticule), so no tiles and no network are needed. Colours, outlines,
hatching and line widths come from :mod:`layers.style`; the legend rows from
:func:`layers.style.legend_entries`. Labels (cities with their period and native names, events,
territories) are placed where they clash with nothing and drawn as outlines of DejaVu Sans with
a CJK fallback (Noto Sans CJK): they look the same in every viewer of an SVG or PDF; the title
and the sources line stay text.

What does not depend on the date is cached per process: projected and simplified geometries,
label outlines, and a figure per view (sea, land, graticule, scale bar, north arrow, sources
line) on which each date's layers are drawn. Renders are serialised by a lock.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import math
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, fontManager
from matplotlib.ft2font import FT2Font
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Bbox
from shapely.geometry import box

from layers import style
from layers.i18n import format_date, t
from layers.model import ATLAS_END, ATLAS_START, Atlas, events_between, snapshot, state_key
from layers.temporal import axis_progress

log = logging.getLogger(__name__)

DEFAULT_BOUNDS = (70.0, 18.0, 160.0, 58.0)
FORMATS = ("png", "svg", "pdf")
EVENTS = "events"  # pseudo layer id: event markers
EVENT_DAYS = 14  # events drawn: those of the date and of the days before it
MIN_SIZE, MAX_SIZE, MAX_PIXELS = 200, 8000, 40_000_000
MIN_DPI, MAX_DPI = 50, 600

EARTH_RADIUS = 6378137.0  # EPSG:3857 sphere
MAX_LAT = 85.05112878
LINE_SPACING = 1.1
ASCENT, DESCENT = 0.78, 0.24  # of the font size: the box of a line of label
PX = 0.55  # points per web-map pixel: the Leaflet widths and dashes of layers.style, in print
LATIN_FONT = "DejaVu Sans"
CJK_FONTS = (
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans CJK SC",
    "Noto Sans CJK KR",
    "Noto Serif CJK JP",
    "Source Han Sans JP",
    "Source Han Sans",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
)
_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "neutrality-pact-atlas",
    "pdf.fonttype": 42,
    "lines.scale_dashes": False,
    "path.simplify": True,
    "axes.unicode_minus": False,
}
_LOCK = threading.RLock()


class ExportError(ValueError):
    """A request that cannot be drawn: bad bounds, size, format, date or layer id."""


# ---------------------------------------------------------------- arguments


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
        if not MIN_SIZE <= value <= MAX_SIZE:
            raise ExportError(f"{name} {value} outside {MIN_SIZE}..{MAX_SIZE} pixels")
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


# ---------------------------------------------------------------- public API


def render_image(
    atlas: Atlas,
    day: dt.date,
    layer_ids: list[str] | None = None,
    *,
    bounds: tuple[float, float, float, float] | None = None,
    lang: str = "en",
    fmt: str = "png",
    width: int = 1600,
    height: int = 1000,
    dpi: float = 150,
) -> bytes:
    """The map of ``day`` as PNG, SVG or PDF bytes (a PNG is exactly ``width``×``height``)."""
    fmt = check_format(fmt)
    ids, bounds = check_request(atlas, day, layer_ids, bounds, width, height, dpi)
    with _LOCK, matplotlib.rc_context(_RC):
        scaffold = _scaffold(atlas, _view(bounds, width, height, dpi), lang, day)
        title = _draw(scaffold, atlas, day, ids, lang)
        buffer = io.BytesIO()
        scaffold.fig.savefig(buffer, format=fmt, dpi=dpi, metadata={"Title": title})
        return buffer.getvalue()


def render_array(
    atlas: Atlas,
    day: dt.date,
    layer_ids: list[str] | None = None,
    *,
    bounds: tuple[float, float, float, float] | None = None,
    lang: str = "en",
    width: int = 1600,
    height: int = 1000,
    dpi: float = 150,
) -> np.ndarray:
    """The map of ``day`` as an RGB array of shape ``(height, width, 3)``, for animations.

    When the map of ``day`` is the one drawn last for this view but for its date (same
    features, same axes progress, same event markers), only the title is drawn again.
    """
    ids, bounds = check_request(atlas, day, layer_ids, bounds, width, height, dpi)
    with _LOCK, matplotlib.rc_context(_RC):
        view = _view(bounds, width, height, dpi)
        scaffold = _scaffold(atlas, view, lang, day)
        fig, canvas, title = scaffold.fig, scaffold.fig.canvas, scaffold.title
        key, pinned = _map_key(atlas, day, ids, view)
        if scaffold.drawn != key:
            _draw(scaffold, atlas, day, ids, lang)
            title.set_animated(True)  # drawn on its own, over a copy of everything else
            canvas.draw()
            title.set_animated(False)
            scaffold.background = canvas.copy_from_bbox(fig.bbox)
            scaffold.drawn, scaffold.pinned = key, pinned
        else:
            canvas.restore_region(scaffold.background)
        title.set_text(t("title_on", lang, date=format_date(day, lang)))
        fig.draw_artist(title)
        return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def project(lon: np.ndarray | float, lat: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude in degrees to Web Mercator metres (EPSG:3857)."""
    lat = np.clip(np.asarray(lat, dtype=float), -MAX_LAT, MAX_LAT)
    x = EARTH_RADIUS * np.radians(np.asarray(lon, dtype=float))
    y = EARTH_RADIUS * np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    return x, y


def pixel_of(
    lon: float,
    lat: float,
    *,
    bounds: tuple[float, float, float, float] | None = None,
    width: int = 1600,
    height: int = 1000,
    dpi: float = 150,
) -> tuple[int, int]:
    """Column and row (from the top) of a place in an image drawn with these arguments."""
    view = _view(check_bounds(bounds), width, height, dpi)
    x, y = project(lon, lat)
    col = (float(x) - view.x0) / view.per_px
    row = height - view.footer * dpi - (float(y) - view.y0) / view.per_px
    return int(col), int(row)


def font_families() -> list[str]:
    """The font chain for labels: DejaVu Sans for Latin and Cyrillic, then a CJK font if any."""
    return list(_fonts())


# ---------------------------------------------------------------- fonts


@functools.cache
def _fonts() -> tuple[str, ...]:
    installed = {f.name for f in fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return (LATIN_FONT, name)
    log.warning(
        "No CJK font found (install fonts-noto-cjk): native names in Chinese, Japanese or "
        "Korean script are left out of map images."
    )
    return (LATIN_FONT,)


@functools.cache
def _font_files(families: tuple[str, ...]) -> tuple[FT2Font, ...]:
    files = []
    for name in families:
        path = findfont(FontProperties(family=name), fallback_to_default=False)
        files.append(FT2Font(path, face_index=getattr(path, "face_index", 0)))
    return tuple(files)


@functools.lru_cache(maxsize=4096)
def _can_draw(text: str, families: tuple[str, ...]) -> bool:
    """True when every character of ``text`` has a glyph in the font chain."""
    fonts = _font_files(families)
    return all(c.isspace() or any(f.get_char_index(ord(c)) for f in fonts) for c in text)


# ---------------------------------------------------------------- caches


class _ByIdentity:
    """Values computed from objects and looked up by identity, least recently used out first.

    The object is kept with its value, so its id cannot be reused while the entry lives.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[tuple, tuple] = OrderedDict()

    def get(self, obj: object, extra: object, compute):
        key = (id(obj), extra)
        hit = self.items.get(key)
        if hit is not None and hit[0] is obj:
            self.items.move_to_end(key)
            return hit[1]
        value = compute()
        self.items[key] = (obj, value)
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return value


_PATHS = _ByIdentity(4096)  # geometry → projected, simplified path or shape
_ROWS = _ByIdentity(512)  # layer slice → (properties, geometry) rows
_ANCHORS = _ByIdentity(1024)  # projected shape → label anchors in a view
_SCAFFOLDS = _ByIdentity(6)  # base map slice → figure with what does not change by date
_EVENTS = _ByIdentity(16)  # atlas → events shown on a day in a view
_LEGENDS: dict[tuple, tuple] = {}  # ids of the layer slices shown, language → legend rows


def _geometry(geom, tolerance: float, kind: str):
    """A geometry in Web Mercator, simplified to ``tolerance`` metres: a path or a shape."""

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


def _legend_entries(state: dict, lang: str) -> list[style.LegendEntry]:
    """:func:`layers.style.legend_entries`, cached per set of layer slices shown."""
    slices = tuple(state.values())
    key = (tuple(id(f) for f in slices), lang)
    hit = _LEGENDS.get(key)
    if hit is None or any(a is not b for a, b in zip(hit[0], slices, strict=True)):
        if len(_LEGENDS) > 256:
            _LEGENDS.clear()
        hit = _LEGENDS[key] = (slices, style.legend_entries(state, lang))
    return hit[1]


def _rows(frame) -> list[tuple[dict, object]]:
    """(properties, geometry) of each feature; layer slices are reused, so this is cached."""

    def build():
        geometry = frame.geometry
        records = pd.DataFrame(frame).drop(columns=geometry.name).to_dict("records")
        return list(zip(records, geometry, strict=True))

    return _ROWS.get(frame, None, build)


# ---------------------------------------------------------------- view


@dataclass(frozen=True)
class _View:
    """The image: its size, the map frame inside it, and the projected extent it shows."""

    width: int
    height: int
    dpi: float
    unit: float  # fonts and lines against the 1600×1000 image at 150 dpi (clamped)
    header: float  # title band, inches
    footer: float  # sources line, inches
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
        return _lat_of((self.y0 + self.y1) / 2)

    def lonlat_box(self) -> tuple[float, float, float, float]:
        lon0, lon1 = (math.degrees(x / EARTH_RADIUS) for x in (self.x0, self.x1))
        return lon0, _lat_of(self.y0), lon1, _lat_of(self.y1)


def _lat_of(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y / EARTH_RADIUS)) - math.pi / 2)


@functools.lru_cache(maxsize=64)
def _view(bounds: tuple[float, float, float, float], width: int, height: int, dpi: float) -> _View:
    w_in, h_in = width / dpi, height / dpi
    unit = min(max(min(w_in / (1600 / 150), h_in / (1000 / 150)), 0.7), 2.0)
    header, footer = 0.42 * unit, 0.22 * unit
    map_w, map_h = width, height - (header + footer) * dpi
    west, south, east, north = bounds
    (x0, x1), (y0, y1) = project([west, east], [south, north])
    # Grow the narrower side so that the map fills its frame at one scale in x and y.
    per_px = max((x1 - x0) / map_w, (y1 - y0) / map_h)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w, half_h = per_px * map_w / 2, per_px * map_h / 2
    limit = float(project(0, MAX_LAT)[1])
    cy = min(max(cy, -limit + half_h), limit - half_h) if half_h < limit else 0.0
    return _View(
        width,
        height,
        dpi,
        unit,
        header,
        footer,
        cx - half_w,
        cy - half_h,
        cx + half_w,
        cy + half_h,
        per_px,
    )


# ---------------------------------------------------------------- label boxes


class _Boxes:
    """Pixel boxes already taken by labels, markers and map furniture."""

    def __init__(self, frame: Bbox, pad: float) -> None:
        self.frame, self.pad = frame, pad
        self.boxes = np.zeros((256, 4))
        self.count = 0

    def copy(self) -> _Boxes:
        other = _Boxes(self.frame, self.pad)
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
        if isinstance(extent, Bbox):
            extent = (extent.x0, extent.y0, extent.x1, extent.y1)
        if self.count == len(self.boxes):
            self.boxes = np.concatenate([self.boxes, np.zeros_like(self.boxes)])
        self.boxes[self.count] = extent
        self.count += 1


# ---------------------------------------------------------------- drawing


def _draw(scaffold: _Scaffold, atlas: Atlas, day: dt.date, layer_ids: list[str], lang: str) -> str:
    """Draw the layers of ``day`` on the scaffold (emptied first); return the title."""
    scaffold.reset()
    frame = _Frame(scaffold, atlas, day, lang)
    state = snapshot(atlas, day, [i for i in layer_ids if i in atlas.layers])
    for layer_id, features in state.items():
        kind = atlas.layers[layer_id].spec.kind
        if kind == "territory":
            frame.territories(features)
        elif kind in ("line", "route"):
            frame.lines(layer_id, features)
    frame.legend(state, EVENTS in layer_ids)
    if "cities" in state:
        frame.cities(state["cities"])
    if EVENTS in layer_ids:
        frame.events(_events_shown(atlas, day, scaffold.view))
    frame.finish()
    for layer_id, features in state.items():
        spec = atlas.layers[layer_id].spec
        if spec.kind == "territory":
            frame.territory_labels(features, spec.title(lang))
    frame.labels.draw(zorder=9)
    title = t("title_on", lang, date=format_date(day, lang))
    scaffold.title.set_text(title)
    return title


def _scaffold(atlas: Atlas, view: _View, lang: str, day: dt.date) -> _Scaffold:
    """The cached scaffold of this view, language and base map."""
    basemap = atlas.layers.get("basemap")
    base = basemap.on(day) if basemap is not None else None
    key = (view, lang, _fonts())
    return _SCAFFOLDS.get(base, key, lambda: _Scaffold(view, lang, base))


def _map_key(atlas: Atlas, day: dt.date, layer_ids: list[str], view: _View) -> tuple:
    """Equal keys, equal maps but for the title (see :func:`layers.model.state_key`).

    The key holds the atlas and the layer slices shown, so that their ids, also in the key,
    cannot be reused by other objects while a scaffold remembers it.
    """
    drawn = [i for i in layer_ids if i in atlas.layers]
    slices = tuple(atlas.layers[i].on(day) for i in drawn)
    events = ()
    if EVENTS in layer_ids:
        events = tuple(
            (place, tuple(p["id"] for p in group), ongoing)
            for place, group, ongoing in _events_shown(atlas, day, view)
        )
    ids = (id(atlas), tuple(id(s) for s in slices))
    return (ids, tuple(layer_ids), state_key(atlas, day, drawn), events), (atlas, slices)


def _events_shown(atlas: Atlas, day: dt.date, view: _View) -> list[tuple]:
    """Events of the date and of the days before it in the view, grouped by place:
    ``((lon, lat), [properties…], ongoing)``."""
    return _EVENTS.get(atlas, (day, view), lambda: _find_events(atlas, day, view))


def _find_events(atlas: Atlas, day: dt.date, view: _View) -> list[tuple]:
    found = events_between(atlas, day - dt.timedelta(days=EVENT_DAYS), day)
    if len(found) == 0:
        return []
    west, south, east, north = view.lonlat_box()
    places: dict[tuple[float, float], list[dict]] = {}
    for props, geom in _rows(found):
        if geom is not None and west <= geom.x <= east and south <= geom.y <= north:
            places.setdefault((round(geom.x, 2), round(geom.y, 2)), []).append(props)
    today = day.isoformat()
    return [
        (place, group, any((_text(p.get("date_end")) or p["date"]) >= today for p in group))
        for place, group in places.items()
    ]


class _Scaffold:
    """A figure holding what does not depend on the date, reused for every date of one view:
    sea, land, coasts and graticule, scale bar and north arrow, degree labels, the subtitle and
    the sources line. Reusing the figure also reuses its renderer and so its text metrics.
    """

    def __init__(self, view: _View, lang: str, base) -> None:
        self.view, self.lang = view, lang
        self.u = u = view.unit
        self.families = list(_fonts())
        self.fonts = tuple(self.families)
        self.halo = 2.4 * u  # points: the light outline that keeps labels legible on fills
        fig = Figure(figsize=(view.width / view.dpi, view.height / view.dpi), dpi=view.dpi)
        fig.set_facecolor(style.LAND)
        FigureCanvasAgg(fig)
        bottom = view.footer * view.dpi / view.height
        top = 1 - view.header * view.dpi / view.height
        ax = fig.add_axes((0, bottom, 1, top - bottom))
        ax.set_axis_off()
        ax.set_xlim(view.x0, view.x1)
        ax.set_ylim(view.y0, view.y1)
        ax.set_autoscale_on(False)
        self.fig, self.ax = fig, ax
        self.renderer = fig.canvas.get_renderer()
        self.boxes = _Boxes(ax.get_window_extent(self.renderer), 1.5 * u)
        self.land = []
        self.corner = "lower right"
        ax.add_patch(
            Rectangle((0, 0), 1, 1, transform=ax.transAxes, facecolor=style.SEA, lw=0, zorder=0)
        )
        if base is not None:
            self._basemap(base)
            self.corner = _legend_corner(view, tuple(self.land))
        self.labels = _Labels(self)
        self._scale_bar(left=self.corner != "lower left")
        self._graticule_labels()
        self.labels.draw(zorder=20)
        h_in = view.height / view.dpi
        self.title = self._band_text(h_in - view.header / 2, "", "left", 13, "bold")
        self._band_text(h_in - view.header / 2, t("app_subtitle", lang), "right", 7.5, "italic")
        self._band_text(view.footer / 2, t("attribution", lang), "left", 5.6)
        self._band_text(view.footer / 2, t("projection", lang), "right", 5.6)
        self.static = set(ax.get_children())
        self.drawn: tuple | None = None  # map key of the date drawn last (see render_array)
        self.pinned: tuple = ()  # what that key's ids refer to
        self.background = None

    def reset(self) -> None:
        """Remove what an earlier date drew."""
        self.drawn = None
        for artist in self.ax.get_children():
            if artist not in self.static:
                artist.remove()

    def patch(self, path: Path, **kw) -> PathPatch:
        patch = PathPatch(path, **kw)
        self.ax.add_artist(patch)  # add_patch would recompute data limits from every vertex
        return patch

    def _basemap(self, base) -> None:
        tol, u = self.view.tolerance, self.u
        kinds = base["kind"] if "kind" in base else [None] * len(base)
        for geom, kind in zip(base.geometry, kinds, strict=True):
            if geom is None or geom.is_empty:
                continue
            if geom.geom_type in ("Polygon", "MultiPolygon"):
                path = _geometry(geom, tol, "polygon")
                if path is None:
                    continue
                self.patch(path, facecolor=style.LAND, edgecolor="none", zorder=1)
                self.patch(path, facecolor="none", edgecolor=style.COAST, lw=0.45 * u, zorder=2.5)
                self.land.append(_geometry(geom, tol * 8, "shape"))
            elif kind == "graticule" or geom.geom_type in ("LineString", "MultiLineString"):
                path = _geometry(geom, tol, "line")
                if path is not None:
                    self.patch(
                        path, facecolor="none", edgecolor=style.GRATICULE, lw=0.5 * u, zorder=1.5
                    )

    def _scale_bar(self, left: bool) -> None:
        """A bar true at the map's centre latitude, with a north arrow above it."""
        view, ax, u = self.view, self.ax, self.u
        lat = view.centre_lat
        k = math.cos(math.radians(lat))  # ground metres per projected metre there
        target = (view.x1 - view.x0) * k * 0.16
        magnitude = 10 ** math.floor(math.log10(target))
        nice = max(m * magnitude for m in (1, 2, 2.5, 5) if m * magnitude <= target)
        length = nice / k
        pad_x, pad_y, bar_h = 14 * u * view.per_pt, 16 * u * view.per_pt, 4 * u * view.per_pt
        x0 = view.x0 + pad_x if left else view.x1 - pad_x - length
        y0 = view.y0 + pad_y
        for i in range(4):
            ax.add_patch(
                Rectangle(
                    (x0 + i * length / 4, y0),
                    length / 4,
                    bar_h,
                    facecolor=style.TEXT if i % 2 == 0 else style.LAND,
                    edgecolor=style.TEXT,
                    lw=0.6 * u,
                    zorder=20,
                )
            )
        km = nice / 1000
        for value, x in ((0, x0), (km / 2, x0 + length / 2), (km, x0 + length)):
            self.label_at(_number(value), x, y0 + bar_h * 1.6, 6.0 * u, "center", "bottom")
        caption = f"{t('scale', self.lang)} · {t('scale_at', self.lang, lat=_latitude(lat))}"
        self.label_at(caption, x0, y0 - bar_h * 0.8, 6.0 * u, "left", "top")
        nx = x0 + (length * 0.06 if left else length * 0.94)
        ny = y0 + bar_h * 6.5
        arrow = 14 * u * view.per_pt
        ax.add_patch(
            FancyArrowPatch(
                (nx, ny),
                (nx, ny + arrow),
                arrowstyle=f"-|>,head_length={5 * u:.2f},head_width={2.6 * u:.2f}",
                mutation_scale=1,
                color=style.TEXT,
                lw=1.1 * u,
                shrinkA=0,
                shrinkB=0,
                zorder=20,
            )
        )
        north = t("north", self.lang)
        self.label_at(north, nx, ny + arrow * 1.1, 7.5 * u, "center", "bottom", weight="bold")
        corner = [(x0 - pad_x * 0.5, view.y0), (x0 + length + pad_x * 0.5, ny + arrow * 2.2)]
        self.boxes.take(Bbox(ax.transData.transform(corner)))

    def _graticule_labels(self) -> None:
        """Degrees along the top and left edges, where they meet nothing else."""
        view = self.view
        west, south, east, north = view.lonlat_box()
        # Keep clear of where the legend goes, whatever its size on a given date.
        legend = Bbox(self.ax.transData.transform(_corner_rect(view, self.corner)))
        labels = [
            (_longitude(lon), float(project(lon, 0)[0]), view.y1 - 3 * view.per_pt, "center", "top")
            for lon in range(math.ceil(west / 10) * 10, math.floor(east) + 1, 10)
        ]
        labels += [
            (_latitude(lat), view.x0 + 3 * view.per_pt, float(project(0, lat)[1]), "left", "center")
            for lat in range(math.ceil(south / 10) * 10, math.floor(north) + 1, 10)
        ]
        size = 5.6 * self.u
        for text, x, y, ha, va in labels:
            w, h = _label_size(text, size, "normal", "normal", self.fonts, self.view.dpi)
            px, py = self.ax.transData.transform((x, y))
            box_ = _aligned(px, py, w, h, ha, va)
            if self.boxes.free(box_) and not Bbox.from_extents(*box_).overlaps(legend):
                self.labels.add(text, box_, size, alpha=0.75)
                self.boxes.take(box_)

    def label_at(self, text: str, x: float, y: float, size: float, ha: str, va: str, **kw):
        """A label aligned on a point given in projected metres; its box is taken."""
        weight = kw.get("weight", "normal")
        w, h = _label_size(text, size, weight, "normal", self.fonts, self.view.dpi)
        px, py = self.ax.transData.transform((x, y))
        box_ = _aligned(px, py, w, h, ha, va)
        self.labels.add(text, box_, size, weight=weight)
        self.boxes.take(box_)

    def _band_text(self, y_in: float, text: str, side: str, size: float, look: str = ""):
        """Text in the title band or the sources line (``y_in`` inches from the bottom)."""
        view = self.view
        pad = 0.16 * self.u / (view.width / view.dpi)
        return self.fig.text(
            pad if side == "left" else 1 - pad,
            y_in / (view.height / view.dpi),
            text,
            ha=side,
            va="center",
            fontsize=size * self.u,
            weight="bold" if look == "bold" else "normal",
            style="italic" if look == "italic" else "normal",
            color=style.TEXT,
            family=self.families,
        )


class _Labels:
    """Labels drawn as outlines in one batch: every halo first, then the text of each colour.

    Outlines are cached per text and size, so a label costs no text layout when drawn, and it
    renders the same in every viewer, whatever fonts the viewer has.
    """

    def __init__(self, scaffold: _Scaffold, halo: bool = True) -> None:
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
        path = _label_path(text, size, weight, style_, self.s.fonts)
        dpi = self.s.view.dpi
        moved = Path(path.vertices / 72 + np.array([box_[0] / dpi, box_[1] / dpi]), path.codes)
        self.parts.setdefault((colour, alpha), []).append(moved)

    def draw(self, zorder: float) -> None:
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
            )
            self.s.ax.add_artist(text)
        self.parts = {}


class _Frame:
    """The layers of one date drawn on a scaffold, labels placed where they clash with nothing."""

    def __init__(self, scaffold: _Scaffold, atlas: Atlas, day: dt.date, lang: str) -> None:
        self.s, self.atlas, self.day, self.lang = scaffold, atlas, day, lang
        self.ax, self.view, self.u = scaffold.ax, scaffold.view, scaffold.u
        self.boxes = scaffold.boxes.copy()
        self.families = scaffold.families
        self.fonts = scaffold.fonts
        self.any_ended = False
        self.any_ahead = False
        self.labels = _Labels(scaffold)
        self.markers: dict[tuple, list[tuple[float, float]]] = {}
        self.widest: dict[tuple[int, int], float] = {}  # largest symbol at a place, points
        self.pending: list[tuple[tuple, tuple]] = []  # labels beside points: (priority, label)

    # -- layers

    def territories(self, features) -> None:
        tol, u = self.view.tolerance, self.u
        for props, geom in _rows(features):
            path = _geometry(geom, tol, "polygon")
            if path is None:
                continue
            area = style.territory_style(props)
            fill = self.s.patch(
                path, facecolor=_rgba(area.fill, area.fill_opacity), edgecolor="none", zorder=2
            )
            if area.hatch:
                fill.set_hatch(area.hatch)
                fill.set_hatchcolor(_rgba(area.stroke, 0.55))
                fill.set_hatch_linewidth(0.6 * u)
            self.s.patch(
                path,
                facecolor="none",
                edgecolor=_rgba(area.stroke, 0.9),
                lw=area.weight * PX * u,
                linestyle=_dashes(area.dash, u),
                zorder=3,
            )

    def lines(self, layer_id: str, features) -> None:
        tol = self.view.tolerance
        for props, geom in _rows(features):
            ended = bool(props.get("ended", False))
            line = style.route_style(layer_id, props, ended=ended)
            self.any_ended |= ended
            lw = line.weight * PX * self.u
            zorder = 4 if layer_id == "railways" else (5 if ended else 6)
            waypoints = props.get("waypoints")
            if layer_id == "august_storm" and isinstance(waypoints, list) and not ended:
                self._axis(geom, waypoints, line, lw, zorder)
                continue
            path = _geometry(geom, tol, "line")
            if path is None:
                continue
            self.s.patch(
                path,
                facecolor="none",
                edgecolor=_rgba(line.colour, line.opacity),
                lw=lw,
                linestyle=_dashes(line.dash, self.u),
                capstyle="round",
                joinstyle="round",
                zorder=zorder,
            )
            if line.arrows:
                self._arrow(np.asarray(path.vertices), line.colour, line.opacity, lw, zorder)

    def _axis(self, geom, waypoints: list, line: style.LineStyle, lw: float, zorder: float):
        """An August 1945 axis: solid up to the place reached on the day, dotted beyond."""
        lines = [g for g in shapely.get_parts(geom) if not g.is_empty]
        if not lines:
            return
        lonlat = np.asarray(lines[0].coords)
        xy = np.column_stack(project(lonlat[:, 0], lonlat[:, 1]))
        reached = _vertex_of(xy, waypoints, axis_progress(waypoints, self.day))
        done, ahead = xy[: reached + 1], xy[reached:]
        thin = max(lw * 0.55, 1.0 * self.u)
        if len(ahead) > 1:
            self.any_ahead = True
            self.ax.add_artist(
                Line2D(
                    ahead[:, 0],
                    ahead[:, 1],
                    color=_rgba(line.colour, 0.85),
                    lw=thin,
                    linestyle=(0, (0.1, 2.0 * thin)),
                    dash_capstyle="round",
                    zorder=zorder,
                )
            )
        if len(done) > 1:
            self.ax.add_artist(
                Line2D(
                    done[:, 0],
                    done[:, 1],
                    color=_rgba(line.colour, line.opacity),
                    lw=lw,
                    solid_capstyle="round",
                    solid_joinstyle="round",
                    zorder=zorder,
                )
            )
            self._arrow(done, line.colour, line.opacity, lw, zorder)
        else:
            self._arrow(ahead, line.colour, 0.85, thin, zorder)

    def _arrow(self, xy: np.ndarray, colour: str, alpha: float, lw: float, zorder: float):
        """An arrowhead where the line ends, or where it leaves the map, pointing along it."""
        v = self.view
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
        head_length, head_width = 1.6 * lw + 4 * self.u, 1.05 * lw + 2.5 * self.u
        self.ax.add_artist(
            FancyArrowPatch(
                tuple(start),
                tuple(tip),
                arrowstyle=f"-|>,head_length={head_length:.2f},head_width={head_width:.2f}",
                mutation_scale=1,
                color=_rgba(colour, alpha),
                lw=0,
                shrinkA=0,
                shrinkB=0,
                zorder=zorder + 0.1,
            )
        )

    # -- legend

    def legend(self, state: dict, with_events: bool) -> None:
        """The rows of :func:`layers.style.legend_entries`, then the image's own symbols.

        Drawn by hand rather than with ``Axes.legend``: the rows are outlines and patches laid
        out once, which is several times faster to draw for every frame of an animation.
        """
        u = self.u
        rows: list[tuple[str, dict, str]] = []
        entries = _legend_entries(state, self.lang)
        for entry in entries:
            rows.append((entry.kind, {"entry": entry}, entry.label))
        if self.any_ahead:
            colour = style.ROUTE_COLOURS["transbaikal"]
            dots = {"color": colour, "lw": 1.6 * u, "linestyle": (0, (0.1, 3.0 * u))}
            rows.append(("stroke", dots, t("legend_ahead", self.lang)))
        if self.any_ended:
            faded = {"color": _rgba(style.ROUTE_COLOURS["transfer"], 0.35), "lw": 3 * u}
            rows.append(("stroke", faded, t("legend_ended", self.lang)))
        if "cities" in state:
            city = {"marker": "o", "markersize": 3.6 * u, "markerfacecolor": style.LAND}
            rows.append(("marker", city, t("legend_city", self.lang)))
        if with_events:
            star = {"marker": "*", "markersize": 9 * u, "markerfacecolor": style.TEXT}
            rows.append(("marker", star, t("legend_event", self.lang, days=EVENT_DAYS)))
        self._legend_box(rows)

    def _legend_box(self, rows: list[tuple[str, dict, str]]) -> None:
        u, dpi, fonts = self.u, self.view.dpi, self.fonts
        px = dpi / 72  # pixels per point
        size, title_size = 6.0 * u, 7.0 * u
        row_h, pad, gap = size * 1.62 * px, size * 0.7 * px, size * 0.6 * px
        swatch_w, swatch_h = size * 2.2 * px, size * 0.95 * px
        columns = (
            [rows]
            if len(rows) <= 12
            else [rows[: (len(rows) + 1) // 2], rows[(len(rows) + 1) // 2 :]]
        )
        widths = [
            swatch_w
            + gap
            + max(_label_size(r[2], size, "normal", "normal", fonts, dpi)[0] for r in c)
            for c in columns
        ]
        title = t("legend", self.lang)
        title_w, title_h = _label_size(title, title_size, "bold", "normal", fonts, dpi)
        inner_w = max(sum(widths) + gap * 2.5 * (len(columns) - 1), title_w)
        width = inner_w + 2 * pad
        height = 2 * pad + title_h + size * 0.3 * px + len(columns[0]) * row_h
        frame, margin = self.s.boxes.frame, size * 0.6 * px
        corner = self.s.corner
        x0 = frame.x1 - margin - width if "right" in corner else frame.x0 + margin
        y0 = frame.y0 + margin if "lower" in corner else frame.y1 - margin - height
        inches = self.s.fig.dpi_scale_trans
        box_ = FancyBboxPatch(
            (x0 / dpi, y0 / dpi),
            width / dpi,
            height / dpi,
            boxstyle=f"round,pad=0,rounding_size={size * 0.35 / 72:.4f}",
            facecolor=_rgba(style.LAND, 0.93),
            edgecolor=style.COAST,
            lw=0.6 * u,
            transform=inches,
            zorder=20,
        )
        self.ax.add_artist(box_)
        labels = _Labels(self.s, halo=False)
        top = y0 + height - pad
        labels.add(
            title, (x0 + pad, top - title_h, x0 + pad + title_w, top), title_size, weight="bold"
        )
        top -= title_h + size * 0.3 * px
        left = x0 + pad
        for column, col_w in zip(columns, widths, strict=True):
            for i, (kind, spec, text) in enumerate(column):
                mid = top - (i + 0.5) * row_h
                self._swatch(kind, spec, left, mid, swatch_w, swatch_h)
                w, h = _label_size(text, size, "normal", "normal", fonts, dpi)
                tx = left + swatch_w + gap
                labels.add(text, (tx, mid - h / 2, tx + w, mid + h / 2), size)
            left += col_w + gap * 2.5
        labels.draw(zorder=22)
        self.boxes.take((x0, y0, x0 + width, y0 + height))

    def _swatch(self, kind: str, spec: dict, x: float, mid: float, w: float, h: float) -> None:
        """One legend symbol, ``x`` and ``mid`` (its vertical centre) in pixels."""
        dpi, u = self.view.dpi, self.u
        inches = self.s.fig.dpi_scale_trans
        if kind == "area":
            entry = spec["entry"]
            patch = Rectangle(
                (x / dpi, (mid - h / 2) / dpi),
                w / dpi,
                h / dpi,
                facecolor=_rgba(entry.fill, entry.fill_opacity),
                edgecolor=entry.stroke,
                lw=max(entry.weight, 1.2) * PX * u,
                linestyle=_dashes(entry.dash, u * 0.6),
                transform=inches,
                zorder=21,
            )
            if entry.hatch:
                patch.set_hatch(entry.hatch)
                patch.set_hatchcolor(_rgba(entry.stroke, 0.55))
                patch.set_hatch_linewidth(0.6 * u)
            self.ax.add_artist(patch)
            return
        xs, ys = [x / dpi, (x + w) / dpi], [mid / dpi, mid / dpi]
        if kind == "line":
            entry = spec["entry"]
            spec = {
                "color": entry.stroke,
                "lw": min(entry.weight, 5.0) * PX * u,
                "linestyle": _dashes(entry.dash, u * 0.6),
            }
        elif kind == "marker":
            xs, ys = [(x + w / 2) / dpi], [mid / dpi]
            spec = {**spec, "linestyle": "none", "markeredgecolor": style.TEXT}
            spec["markeredgewidth"] = 0.8 * u
        line = Line2D(xs, ys, transform=inches, zorder=21, dash_capstyle="round", **spec)
        self.ax.add_artist(line)

    # -- points and labels

    def cities(self, features) -> None:
        """City markers; labels (period name, native name) down to rank 2 at the default view."""
        west, south, east, north = self.view.lonlat_box()
        span = east - west
        max_rank = 1 if span > 130 else (2 if span > 45 else 3)
        for props, geom in _rows(features):
            if not (west <= geom.x <= east and south <= geom.y <= north):
                continue
            rank = _rank(props)
            x, y = (float(v) for v in project(geom.x, geom.y))
            capital = _text(props.get("capital_of")) is not None
            size = (4.2 if rank == 1 else 3.2) * self.u
            face = style.TEXT if capital else style.LAND
            self._marker(x, y, "s" if capital else "o", size, face, 0.8, zorder=8)
            if rank <= max_rank:
                fontsize = (7.0 if rank == 1 else 6.2) * self.u
                weight = "bold" if rank == 1 else "normal"
                label = (
                    self._city_label(props),
                    x,
                    y,
                    fontsize,
                    weight,
                    "normal",
                    size * 0.6 + 1.5,
                )
                self.pending.append(((rank, -geom.y), label))

    def _marker(
        self, x: float, y: float, marker: str, size: float, face: str, edge: float, zorder: float
    ) -> None:
        """A point symbol, drawn later with all those of the same look; its box is taken."""
        self.markers.setdefault((marker, size, face, edge, zorder), []).append((x, y))
        extent = size * (0.8 if marker == "*" else 1.0)
        self._take_point(x, y, extent)
        place = (round(x / 2000), round(y / 2000))  # symbols within about 2 km share labels' gap
        self.widest[place] = max(self.widest.get(place, 0.0), extent)

    def finish(self) -> None:
        """Draw the point symbols, then place the labels waiting for room, most important first."""
        for (marker, size, face, edge, zorder), points in self.markers.items():
            xs, ys = zip(*points, strict=True)
            line = Line2D(
                xs,
                ys,
                linestyle="none",
                marker=marker,
                markersize=size,
                markerfacecolor=face,
                markeredgecolor=style.TEXT,
                markeredgewidth=edge * self.u,
                zorder=zorder,
            )
            self.ax.add_artist(line)
        for _, (text, x, y, size, weight, style_, gap) in sorted(self.pending, key=lambda p: p[0]):
            widest = self.widest.get((round(x / 2000), round(y / 2000)), 0.0)
            gap = max(gap, widest * 0.6 + 1.0)
            self._beside(text, x, y, size, weight=weight, style_=style_, gap=gap)

    def _city_label(self, props: dict) -> str:
        name = (_text(props.get("name_fr")) if self.lang == "fr" else None) or _text(
            props.get("name_en")
        )
        native = _text(props.get("name_native"))
        if native and native != name and _can_draw(native, self.fonts):
            return f"{name} {native}" if name else native
        return name or ""

    def events(self, shown: list[tuple]) -> None:
        """Stars where events of the date (filled) and of the days before it (hollow) happened."""
        for (lon, lat), group, ongoing in shown:
            latest = max(group, key=lambda p: p["date"])
            importance = min(_int(p.get("importance"), 3) for p in group)
            size = {1: 12.0, 2: 10.0}.get(importance, 8.5) * self.u
            x, y = (float(v) for v in project(lon, lat))
            face = style.TEXT if ongoing else style.LAND
            self._marker(x, y, "*", size, face, 0.7, zorder=7.5)
            day_month = format_date(dt.date.fromisoformat(latest["date"]), self.lang)
            label = day_month.rsplit(" ", 1)[0]
            job = (label, x, y, 5.8 * self.u, "normal", "italic", size * 0.45 + 1)
            self.pending.append(((1.5, -lat), job))

    def territory_labels(self, features, layer_title: str) -> None:
        """Names inside their territories, only where they fit and meet nothing else.

        A long name gives way to the layer's title when it contains it ("Mongolian Autonomous
        Federation (Mengjiang)" → "Mengjiang"), never to another name.
        """
        for props, geom in _rows(features):
            name = (_text(props.get("name_fr")) if self.lang == "fr" else None) or _text(
                props.get("name_en")
            )
            if not name:
                continue
            names = [name]
            if layer_title and layer_title != name and layer_title in name:
                names.append(layer_title)
            native = _text(props.get("name_native"))
            options = []
            for label in names:
                for size, wrap in ((7.2, 18), (6.2, 16)):
                    text = "\n".join(textwrap.wrap(label, wrap))
                    if native and len(native) <= wrap and _can_draw(native, self.fonts):
                        options.append((size * self.u, f"{text}\n{native}"))
                    options.append((size * self.u, text))
            shape = _geometry(geom, self.view.tolerance, "shape")
            colour = style.territory_style(props).stroke
            for point in _anchors(shape, self.view):
                if self._inside(options, point, shape, colour):
                    break

    def _inside(self, options, point, shape, colour: str) -> bool:
        px, py = self.ax.transData.transform(point)
        for size, text in options:
            w, h = _label_size(text, size, "normal", "italic", self.fonts, self.view.dpi)
            box_ = _aligned(px, py, w, h, "center", "center")
            if self.boxes.free(box_) and _box_inside(box_, shape, self.ax):
                self.labels.add(text, box_, size, colour=colour, style_="italic")
                self.boxes.take(box_)
                return True
        return False

    def _beside(
        self,
        text: str,
        x: float,
        y: float,
        size: float,
        *,
        weight: str = "normal",
        style_: str = "normal",
        gap: float = 3.0,
    ) -> bool:
        """A label beside a point: right, left, above, below, then diagonals; or none."""
        if not text:
            return False
        g, d = gap, gap * 0.95
        candidates = (
            (g, 0, "left", "center"),
            (-g, 0, "right", "center"),
            (0, g, "center", "bottom"),
            (0, -g, "center", "top"),
            (d, d, "left", "bottom"),
            (-d, d, "right", "bottom"),
            (d, -d, "left", "top"),
            (-d, -d, "right", "top"),
        )
        w, h = _label_size(text, size, weight, style_, self.fonts, self.view.dpi)
        px, py = self.ax.transData.transform((x, y))
        per_pt = self.view.dpi / 72
        for dx, dy, ha, va in candidates:
            box_ = _aligned(px + dx * per_pt, py + dy * per_pt, w, h, ha, va)
            if self.boxes.free(box_):
                self.labels.add(text, box_, size, weight=weight, style_=style_)
                self.boxes.take(box_)
                return True
        return False

    def _take_point(self, x: float, y: float, size_pt: float) -> None:
        px, py = self.ax.transData.transform((x, y))
        r = size_pt / 72 * self.view.dpi / 2
        self.boxes.take((px - r, py - r, px + r, py + r))


# ---------------------------------------------------------------- helpers


def _text(value: object) -> str | None:
    """A string from a data frame cell (missing values are NaN or None), else None."""
    return value if isinstance(value, str) and value else None


def _int(value: object, default: int) -> int:
    return int(value) if isinstance(value, (int, float)) and math.isfinite(value) else default


def _rank(props: dict) -> int:
    return _int(props.get("rank"), 3)


def _rgba(colour: str, alpha: float) -> tuple[float, float, float, float]:
    return to_rgba(colour, alpha)


def _dashes(dash: str | None, unit: float):
    """A Leaflet dash array (pixels) as a matplotlib line style (points)."""
    if not dash:
        return "solid"
    return (0, tuple(float(v) * PX * unit for v in dash.replace(",", " ").split()))


def _vertex_of(xy: np.ndarray, waypoints: list, index: int) -> int:
    """The vertex nearest to waypoint ``index`` (when vertices and waypoints do not pair up)."""
    if len(waypoints) == len(xy):
        return index
    point = waypoints[index] if index < len(waypoints) else None
    if not isinstance(point, dict) or "lon" not in point or "lat" not in point:
        return 0
    x, y = project(point["lon"], point["lat"])
    return int(np.argmin(np.hypot(xy[:, 0] - x, xy[:, 1] - y)))


def _number(value: float) -> str:
    return f"{value:g}" if value < 1000 else f"{value:,.0f}".replace(",", " ")


def _latitude(lat: float) -> str:
    value = round(abs(lat))
    return f"{value}°N" if lat > 0 else (f"{value}°S" if lat < 0 else "0°")


def _longitude(lon: float) -> str:
    value = round(abs(lon))
    return f"{value}°E" if lon > 0 else (f"{value}°W" if lon < 0 else "0°")


def _corner_rect(view: _View, corner: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """The rectangle kept for the legend in a corner (projected metres)."""
    w, h = (view.x1 - view.x0) * 0.26, (view.y1 - view.y0) * 0.42
    x0 = view.x1 - w if "right" in corner else view.x0
    y0 = view.y0 if "lower" in corner else view.y1 - h
    return (x0, y0), (x0 + w, y0 + h)


def _legend_corner(view: _View, land: tuple) -> str:
    """The corner whose legend rectangle covers the least land: the sea is the best place."""
    scores = {}
    for order, corner in enumerate(("lower right", "lower left", "upper right", "upper left")):
        (x0, y0), (x1, y1) = _corner_rect(view, corner)
        covered = sum(shapely.clip_by_rect(s, x0, y0, x1, y1).area for s in land)
        scores[corner] = covered / ((x1 - x0) * (y1 - y0)) + order * 0.02
    return min(scores, key=scores.get)


def _anchors(shape, view: _View) -> list[tuple[float, float]]:
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


@functools.lru_cache(maxsize=8192)
def _label_path(
    text: str, size: float, weight: str, style_: str, families: tuple[str, ...]
) -> Path:
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
def _label_size(
    text: str, size: float, weight: str, style_: str, families: tuple[str, ...], dpi: float
) -> tuple[float, float]:
    """A label's box in pixels: outline width, and the line heights of its font size."""
    path = _label_path(text, size, weight, style_, families)
    lines = text.count("\n") + 1
    width = float(path.vertices[:, 0].max()) if len(path.vertices) > 1 else 0.0
    height = (DESCENT + ASCENT) * size + (lines - 1) * LINE_SPACING * size * 1.17
    return width * dpi / 72, height * dpi / 72


def _aligned(px: float, py: float, w: float, h: float, ha: str, va: str) -> tuple:
    """The box (x0, y0, x1, y1) of a ``w``×``h`` label aligned on a pixel as ha/va say."""
    x0 = {"left": px, "right": px - w}.get(ha, px - w / 2)
    y0 = {"bottom": py, "top": py - h}.get(va, py - h / 2)
    return x0, y0, x0 + w, y0 + h


def _box_inside(extent: tuple, shape, ax) -> bool:
    (x0, y0), (x1, y1) = ax.transData.inverted().transform(
        [(extent[0], extent[1]), (extent[2], extent[3])]
    )
    return bool(shape.contains(box(x0, y0, x1, y1)))
