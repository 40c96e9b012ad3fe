"""The layers of one date drawn on a scaffold: territories, lines, legend, cities, events and
labels, placed where they clash with nothing."""

from __future__ import annotations

import datetime as dt
import math
import textwrap

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D

from layers import style
from layers.i18n import format_date, t
from layers.mercator import project
from layers.model import Atlas, LayerSpec, snapshot
from layers.static import legend, routes
from layers.static.features import (
    EVENTS,
    event_label,
    events_elsewhere,
    events_shown,
    name,
    rows,
    text,
    whole,
)
from layers.static.fonts import can_draw
from layers.static.labels import Labels, aligned, anchors, box_inside, label_size
from layers.static.projection import geometry
from layers.static.scaffold import Scaffold
from layers.static.strokes import PX, dashes
from layers.validate import LINE_RAILWAY, ROLE_CITIES

FIRST_RANK = 1  # label priority of the largest cities, placed before territory names


def draw(scaffold: Scaffold, atlas: Atlas, day: dt.date, layer_ids: list[str], lang: str) -> str:
    """Draw the layers of ``day`` on the scaffold (emptied first); return the title."""
    scaffold.reset()
    frame = Frame(scaffold, day, lang)
    state = snapshot(atlas, day, [i for i in layer_ids if i in atlas.layers])
    specs = {layer_id: atlas.layers[layer_id].spec for layer_id in state}
    for layer_id, features in state.items():
        kind = specs[layer_id].kind
        if kind == "territory":
            frame.territories(features)
        elif kind in ("line", "route"):
            frame.lines(specs[layer_id], features)
    events = events_shown(atlas, day, scaffold.view) if EVENTS in layer_ids else []
    elsewhere = events_elsewhere(atlas, day, scaffold.view) if EVENTS in layer_ids else []
    legend.draw(frame, state, specs, bool(events), elsewhere)
    cities = [state[i] for i, spec in specs.items() if spec.role == ROLE_CITIES]
    for features in cities:
        frame.cities(features)
    if events:
        frame.events(events)
    frame.place_pending(up_to=FIRST_RANK)  # the largest cities keep their names first
    for layer_id, features in state.items():
        spec = atlas.layers[layer_id].spec
        if spec.kind == "territory":
            frame.territory_labels(features, spec.title(lang))
    frame.place_pending()  # then smaller cities and event dates, where room is left
    frame.draw_markers()  # a city whose name found no room has lost its dot
    frame.labels.draw(zorder=9)
    title = t("title_on", lang, date=format_date(day, lang))
    scaffold.title.set_text(title)
    return title


class Frame:
    """The layers of one date drawn on a scaffold, labels placed where they clash with nothing."""

    def __init__(self, scaffold: Scaffold, day: dt.date, lang: str) -> None:
        self.s, self.day, self.lang = scaffold, day, lang
        self.ax, self.view, self.u = scaffold.ax, scaffold.view, scaffold.u
        self.boxes = scaffold.boxes.copy()
        self.fonts = scaffold.fonts
        self.any_ended = False
        self.any_ahead = False
        self.labels = Labels(scaffold)
        self.markers: dict[tuple, list[tuple[float, float]]] = {}
        self.widest: dict[tuple[int, int], float] = {}  # largest symbol at a place, points
        # Labels beside points: (priority, label, the city's dot or None).
        self.pending: list[tuple[tuple, tuple, tuple | None]] = []

    # -- layers

    def territories(self, features) -> None:
        """Fills, hatching and outlines of a territory layer."""
        tol, u = self.view.tolerance, self.u
        for props, geom in rows(features):
            path = geometry(geom, tol, "polygon")
            if path is None:
                continue
            area = style.territory_style(props)
            fill = self.s.patch(
                path, facecolor=to_rgba(area.fill, area.fill_opacity), edgecolor="none", zorder=2
            )
            if area.hatch:
                fill.set_hatch(area.hatch)
                fill.set_hatchcolor(to_rgba(area.stroke, 0.55))
                fill.set_hatch_linewidth(0.6 * u)
            self.s.patch(
                path,
                facecolor="none",
                edgecolor=to_rgba(area.stroke, 0.9),
                lw=area.weight * PX * u,
                linestyle=dashes(area.dash, u),
                zorder=3,
            )

    def lines(self, spec: LayerSpec, features) -> None:
        """Lines and routes of a layer, with arrowheads where the style asks for them."""
        tol = self.view.tolerance
        for props, geom in rows(features):
            ended = bool(props.get("ended", False))
            line = style.route_style(spec.line_style, props, ended=ended)
            self.any_ended |= ended
            lw = line.weight * PX * self.u
            zorder = 4 if spec.line_style == LINE_RAILWAY else (5 if ended else 6)
            waypoints = props.get("waypoints")
            if spec.moving_front and isinstance(waypoints, list) and not ended:
                routes.axis(self, geom, waypoints, line, lw, zorder)
                continue
            path = geometry(geom, tol, "line")
            if path is None:
                continue
            self.s.patch(
                path,
                facecolor="none",
                edgecolor=to_rgba(line.colour, line.opacity),
                lw=lw,
                linestyle=dashes(line.dash, self.u),
                capstyle="round",
                joinstyle="round",
                zorder=zorder,
            )
            if line.arrows:
                routes.arrowhead(
                    self, np.asarray(path.vertices), line.colour, line.opacity, lw, zorder
                )

    # -- points and labels

    def cities(self, features) -> None:
        """City markers; labels (period name, native name) down to rank 2 at the default view."""
        west, south, east, north = self.view.lonlat_box()
        span = east - west
        max_rank = 1 if span > 130 else (2 if span > 45 else 3)
        for props, geom in rows(features):
            if not (west <= geom.x <= east and south <= geom.y <= north):
                continue
            rank = whole(props.get("rank"), 3)
            x, y = (float(v) for v in project(geom.x, geom.y))
            capital = text(props.get("capital_of")) is not None
            size = 2 * style.city_radius(rank, capital) * PX * self.u  # diameter
            face = style.TEXT if capital else style.LAND
            dot = self._marker(x, y, "s" if capital else "o", size, face, 0.8, zorder=8)
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
                self.pending.append(((rank, -geom.y), label, dot))

    def events(self, shown: list[tuple]) -> None:
        """Stars where events of the date (filled) and of the days before it (hollow) happened."""
        for (lon, lat), group, ongoing in shown:
            importance = min(whole(p.get("importance"), 3) for p in group)
            size = style.EVENT_STAR_SIZE.get(importance, style.EVENT_STAR_SIZE[3]) * self.u
            x, y = (float(v) for v in project(lon, lat))
            face = style.TEXT if ongoing else style.LAND
            self._marker(x, y, "*", size, face, 0.7, zorder=7.5)
            label = event_label(group, self.day, self.lang)
            job = (label, x, y, 5.8 * self.u, "normal", "italic", size * 0.45 + 1)
            self.pending.append(((1.5, -lat), job, None))  # a star stays without its dates

    def draw_markers(self) -> None:
        """Draw the point symbols (their boxes are already taken)."""
        for (marker, size, face, edge, zorder), points in self.markers.items():
            if not points:  # the dots of this look have all lost their names
                continue
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

    def place_pending(self, up_to: float = math.inf) -> None:
        """Place the labels waiting for room whose priority is at most ``up_to``, most
        important first; the others keep waiting."""
        now = sorted((p for p in self.pending if p[0][0] <= up_to), key=lambda p: p[0])
        self.pending = [p for p in self.pending if p[0][0] > up_to]
        for _, (label, x, y, size, weight, style_, gap), dot in now:
            widest = self.widest.get((round(x / 2000), round(y / 2000)), 0.0)
            gap = max(gap, widest * 0.6 + 1.0)
            placed = self._beside(label, x, y, size, weight=weight, style_=style_, gap=gap)
            if not placed and dot is not None:  # as on the web map: no name, no dot, so
                key, point = dot  # that a neighbour's name never seems to be its own
                self.markers[key].remove(point)

    def territory_labels(self, features, layer_title: str) -> None:
        """Names inside their territories, only where they fit and meet nothing else.

        A long name gives way to the map label the data gives ("Manchuria (Soviet
        occupation)"), or, where the data gives none, to the layer's title when it contains it
        ("Mongolian Autonomous Federation (Mengjiang)" → "Mengjiang"; not "Western Suiyuan …
        (claimed by Mengjiang)", which has its own label), never to another name.
        """
        for props, geom in rows(features):
            label = name(props, self.lang)
            if not label:
                continue
            names = [label]
            explicit = text(props.get("label_fr")) if self.lang == "fr" else None
            explicit = explicit or text(props.get("label_en"))
            if explicit and explicit != label:
                names.append(explicit)
            if layer_title and not explicit and layer_title != label and layer_title in label:
                names.append(layer_title)  # not where the data names the place itself
            short = label.split(" (")[0]  # "Korea (Chōsen)" → "Korea" where the whole fails
            if short and short not in names:
                names.append(short)
            native = text(props.get("name_native"))
            options = []
            for each in names:
                for size, wrap in ((7.2, 18), (6.2, 16)):
                    lines = "\n".join(textwrap.wrap(each, wrap))
                    if native and len(native) <= wrap and can_draw(native, self.fonts):
                        options.append((size * self.u, f"{lines}\n{native}"))
                    options.append((size * self.u, lines))
            shape = geometry(geom, self.view.tolerance, "shape")
            colour = style.territory_style(props).stroke
            for point in anchors(shape, self.view):
                if self._inside(options, point, shape, colour):
                    break

    def _marker(
        self, x: float, y: float, marker: str, size: float, face: str, edge: float, zorder: float
    ) -> tuple[tuple, tuple[float, float]]:
        """A point symbol, drawn later with all those of the same look; its box is taken.
        Returns where it is kept (its look and position), for :meth:`place_pending`."""
        key = (marker, size, face, edge, zorder)
        self.markers.setdefault(key, []).append((x, y))
        extent = size * (0.8 if marker == "*" else 1.0)
        px, py = self.ax.transData.transform((x, y))
        r = extent / 72 * self.view.dpi / 2
        self.boxes.take((px - r, py - r, px + r, py + r))
        place = (round(x / 2000), round(y / 2000))  # symbols within about 2 km share labels' gap
        self.widest[place] = max(self.widest.get(place, 0.0), extent)
        return key, (x, y)

    def _city_label(self, props: dict) -> str:
        label = name(props, self.lang)
        native = text(props.get("name_native"))
        if native and native != label and can_draw(native, self.fonts):
            return f"{label} {native}" if label else native
        return label or ""

    def _inside(self, options, point, shape, colour: str) -> bool:
        px, py = self.ax.transData.transform(point)
        for size, label in options:
            w, h = label_size(label, size, "normal", "italic", self.fonts, self.view.dpi)
            box_ = aligned(px, py, w, h, "center", "center")
            if self.boxes.free(box_) and box_inside(box_, shape, self.ax):
                self.labels.add(label, box_, size, colour=colour, style_="italic")
                self.boxes.take(box_)
                return True
        return False

    def _beside(
        self,
        label: str,
        x: float,
        y: float,
        size: float,
        *,
        weight: str = "normal",
        style_: str = "normal",
        gap: float = 3.0,
    ) -> bool:
        """A label beside a point: right, left, above, below, then diagonals; or none."""
        if not label:
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
        w, h = label_size(label, size, weight, style_, self.fonts, self.view.dpi)
        px, py = self.ax.transData.transform((x, y))
        per_pt = self.view.dpi / 72
        for dx, dy, ha, va in candidates:
            box_ = aligned(px + dx * per_pt, py + dy * per_pt, w, h, ha, va)
            if self.boxes.free(box_):
                self.labels.add(label, box_, size, weight=weight, style_=style_)
                self.boxes.take(box_)
                return True
        return False
