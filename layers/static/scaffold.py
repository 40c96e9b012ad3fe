"""The scaffold: a figure holding what does not depend on the date, reused for every date.

Sea, land, coasts and graticule, the scale bar and north arrow, degree labels, the title band
and the sources line. The legend goes in the panel right of the map (layers/static/legend.py).
"""

from __future__ import annotations

import datetime as dt
import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib.transforms import Bbox

from layers import style
from layers.i18n import t
from layers.mercator import project
from layers.model import Atlas
from layers.static import fonts
from layers.static.cache import ByIdentity
from layers.static.labels import Boxes, Labels, aligned, label_size
from layers.static.projection import geometry
from layers.static.strokes import PX, dashes
from layers.static.view import View

_SCAFFOLDS = ByIdentity(6)  # base map slice → figure with what does not change by date


def scaffold_for(atlas: Atlas, view: View, lang: str, day: dt.date) -> Scaffold:
    """The cached scaffold of this view, language and base map."""
    basemap = atlas.base_layer()
    base = basemap.on(day) if basemap is not None else None
    key = (view, lang, fonts.chain())
    return _SCAFFOLDS.get(base, key, lambda: Scaffold(view, lang, base))


class Scaffold:
    """A figure holding what does not depend on the date, reused for every date of one view:
    sea, land, coasts and graticule, scale bar and north arrow, degree labels, the subtitle and
    the sources line. Reusing the figure also reuses its renderer and so its text metrics.
    """

    def __init__(self, view: View, lang: str, base) -> None:
        self.view, self.lang = view, lang
        self.u = u = view.unit
        self.families = list(fonts.chain())
        self.fonts = tuple(self.families)
        self.halo = 2.4 * u  # points: the light outline that keeps labels legible on fills
        fig = Figure(figsize=(view.width / view.dpi, view.height / view.dpi), dpi=view.dpi)
        fig.set_facecolor(style.LAND)
        FigureCanvasAgg(fig)
        bottom = view.footer * view.dpi / view.height
        top = 1 - view.header * view.dpi / view.height
        ax = fig.add_axes((0, bottom, 1 - view.panel * view.dpi / view.width, top - bottom))
        ax.set_axis_off()
        ax.set_xlim(view.x0, view.x1)
        ax.set_ylim(view.y0, view.y1)
        ax.set_autoscale_on(False)
        self.fig, self.ax = fig, ax
        self.renderer = fig.canvas.get_renderer()
        self.boxes = Boxes(ax.get_window_extent(self.renderer), 1.5 * u)
        ax.add_patch(
            Rectangle((0, 0), 1, 1, transform=ax.transAxes, facecolor=style.SEA, lw=0, zorder=0)
        )
        if base is not None:
            self._basemap(base)
        self.labels = Labels(self)
        self._scale_bar()
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
        """A path in projected metres added to the map."""
        patch = PathPatch(path, **kw)
        self.ax.add_artist(patch)  # add_patch would recompute data limits from every vertex
        return patch

    def label_at(self, text: str, x: float, y: float, size: float, ha: str, va: str, **kw):
        """A label aligned on a point given in projected metres; its box is taken."""
        weight = kw.get("weight", "normal")
        w, h = label_size(text, size, weight, "normal", self.fonts, self.view.dpi)
        px, py = self.ax.transData.transform((x, y))
        box_ = aligned(px, py, w, h, ha, va)
        self.labels.add(text, box_, size, weight=weight)
        self.boxes.take(box_)

    def _basemap(self, base) -> None:
        tol, u = self.view.tolerance, self.u
        kinds = base["kind"] if "kind" in base else [None] * len(base)
        for geom, kind in zip(base.geometry, kinds, strict=True):
            if geom is None or geom.is_empty:
                continue
            if kind == "outside_scope":
                self._outside_scope(geom)
            elif geom.geom_type in ("Polygon", "MultiPolygon"):
                path = geometry(geom, tol, "polygon")
                if path is None:
                    continue
                self.patch(path, facecolor=style.LAND, edgecolor="none", zorder=1)
                coast = style.LAND_STYLE["weight"] * PX * u
                self.patch(path, facecolor="none", edgecolor=style.COAST, lw=coast, zorder=2.5)
            elif kind == "graticule" or geom.geom_type in ("LineString", "MultiLineString"):
                path = geometry(geom, tol, "line")
                if path is not None:
                    self.patch(
                        path,
                        facecolor="none",
                        edgecolor=style.GRATICULE,
                        lw=style.GRATICULE_STYLE["weight"] * PX * u,
                        linestyle=dashes(style.GRATICULE_STYLE["dashArray"], u),
                        zorder=1.5,
                    )

    def _outside_scope(self, geom) -> None:
        """Land outside the atlas's scope: a neutral grey, hatched, over the land."""
        path = geometry(geom, self.view.tolerance, "polygon")
        if path is None:
            return
        look = style.OUTSIDE_SCOPE_STYLE
        patch = self.patch(path, facecolor=look.fill, edgecolor="none", zorder=1.2)
        patch.set_hatch(look.hatch)
        patch.set_hatchcolor(look.stroke)
        patch.set_hatch_linewidth(0.5 * self.u)

    def _scale_bar(self) -> None:
        """A bar true at the map's centre latitude, in the lower left corner, with a north
        arrow above it."""
        view, ax, u = self.view, self.ax, self.u
        lat = view.centre_lat
        k = math.cos(math.radians(lat))  # ground metres per projected metre there
        target = (view.x1 - view.x0) * k * 0.16
        magnitude = 10 ** math.floor(math.log10(target))
        nice = max(m * magnitude for m in (1, 2, 2.5, 5) if m * magnitude <= target)
        length = nice / k
        pad_x, pad_y, bar_h = 14 * u * view.per_pt, 16 * u * view.per_pt, 4 * u * view.per_pt
        x0 = view.x0 + pad_x
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
            text = _number(value, self.lang)
            self.label_at(text, x, y0 + bar_h * 1.6, 6.0 * u, "center", "bottom")
        caption = f"{t('scale', self.lang)} · {t('scale_at', self.lang, lat=_latitude(lat))}"
        self.label_at(caption, x0, y0 - bar_h * 0.8, 6.0 * u, "left", "top")
        nx = x0 + length * 0.06
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
            w, h = label_size(text, size, "normal", "normal", self.fonts, self.view.dpi)
            px, py = self.ax.transData.transform((x, y))
            box_ = aligned(px, py, w, h, ha, va)
            if self.boxes.free(box_):
                self.labels.add(text, box_, size, alpha=0.75)
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


def _number(value: float, lang: str = "en") -> str:
    """``2.5`` / ``2,5`` (a decimal comma in French); thousands apart: ``1 000``."""
    text = f"{value:g}" if value < 1000 else f"{value:,.0f}".replace(",", " ")
    return text.replace(".", ",") if lang == "fr" else text


def _latitude(lat: float) -> str:
    value = round(abs(lat))
    return f"{value}°N" if lat > 0 else (f"{value}°S" if lat < 0 else "0°")


def _longitude(lon: float) -> str:
    value = round(abs(lon))
    return f"{value}°E" if lon > 0 else (f"{value}°W" if lon < 0 else "0°")
