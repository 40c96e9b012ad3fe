"""The legend box: the rows of :func:`layers.style.legend_entries` for the features inside the
image's bounds, then the image's own symbols.

Drawn by hand rather than with ``Axes.legend``: the rows are outlines and patches laid out
once, which is several times faster to draw for every frame of an animation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shapely
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Rectangle

from layers import style
from layers.i18n import localised, t
from layers.static.cache import ByIdentity
from layers.static.features import event_label
from layers.static.labels import Labels, label_size
from layers.static.strokes import PX, dashes
from layers.validate import LINE_ROUTE, ROLE_CITIES

if TYPE_CHECKING:
    from layers.model import LayerSpec
    from layers.static.frame import Frame
    from layers.static.view import View

ELSEWHERE_CHARS = 44  # an event named beyond the map: its title cut to this length
_LEGENDS: dict[tuple, tuple] = {}  # ids of the layer slices shown, view, language → legend rows
_IN_VIEW = ByIdentity(512)  # layer slice, view → its features inside the view


def draw(
    frame: Frame,
    state: dict,
    specs: dict[str, LayerSpec],
    with_events: bool,
    elsewhere: list[dict] = (),
) -> None:
    """The legend of what ``state`` draws inside the image's bounds, in the panel right of the
    map (``specs``: the catalogue entries of its layers). ``with_events``: event markers are
    drawn; ``elsewhere``: the events of those days outside the bounds, named last."""
    u, lang = frame.u, frame.lang
    rows: list[tuple[str, dict, str]] = []
    line_styles = {layer_id: spec.line_style for layer_id, spec in specs.items()}
    for entry in entries(state, frame.view, lang, line_styles):
        rows.append((entry.kind, {"entry": entry}, entry.label))
    if frame.any_ahead:
        ahead = style.planned_style(style.route_style(LINE_ROUTE, {"front": "transbaikal"}))
        colour = to_rgba(ahead.colour, ahead.opacity)
        dots = {"color": colour, "lw": ahead.weight * PX * u, "linestyle": dashes(ahead.dash, u)}
        rows.append(("stroke", dots, t("legend_ahead", lang)))
    if frame.any_ended:
        faded = {"color": to_rgba(style.ROUTE_COLOURS["transfer"], 0.35), "lw": 3 * u}
        rows.append(("stroke", faded, t("legend_ended", lang)))
    if any(spec.role == ROLE_CITIES for spec in specs.values()):
        size = 2 * style.city_radius(2) * PX * u
        city = {"marker": "o", "markersize": size, "markerfacecolor": style.LAND}
        rows.append(("marker", city, t("legend_city", lang)))
    if with_events:
        star = {"marker": "*", "markersize": 9 * u, "markerfacecolor": style.TEXT}
        rows.append(("marker", star, t("legend_event", lang, days=style.IMAGE_EVENT_DAYS)))
    if elsewhere:
        rows.append(("heading", {}, t("legend_elsewhere", lang)))
        pointer = {"marker": ">", "markersize": 5 * u, "markerfacecolor": style.LAND}
        for props in elsewhere:
            rows.append(("marker", pointer, _elsewhere_text(props, frame)))
    _box(frame, rows)


def _elsewhere_text(props: dict, frame: Frame) -> str:
    """``11 February · Yalta agreement``: an event's date and its title, shortened."""
    title = localised(props, "title", frame.lang)
    if len(title) > ELSEWHERE_CHARS:
        title = title[: ELSEWHERE_CHARS - 1].rstrip() + "…"
    return f"{event_label([props], frame.day, frame.lang)} · {title}"


def entries(
    state: dict, view: View, lang: str, line_styles: dict[str, str | None]
) -> list[style.LegendEntry]:
    """:func:`layers.style.legend_entries` of the features inside ``view``, cached per set of
    layer slices shown and view."""
    slices = tuple(state.values())
    key = (tuple(id(f) for f in slices), view, lang, tuple(sorted(line_styles.items())))
    hit = _LEGENDS.get(key)
    if hit is None or any(a is not b for a, b in zip(hit[0], slices, strict=True)):
        if len(_LEGENDS) > 256:
            _LEGENDS.clear()
        seen = {layer_id: in_view(frame, view) for layer_id, frame in state.items()}
        hit = _LEGENDS[key] = (slices, style.legend_entries(seen, lang, line_styles))
    return hit[1]


def in_view(frame, view: View):
    """The features of a layer slice that reach into the view."""

    def build():
        if frame.empty:
            return frame
        area = shapely.box(*view.lonlat_box())
        return frame[frame.geometry.intersects(area)]

    return _IN_VIEW.get(frame, view, build)


def _box(frame: Frame, rows: list[tuple[str, dict, str]]) -> None:
    """The rows in a box at the top of the panel right of the map, in one column; the type
    shrinks when a label is too wide for the panel or the rows too many for its height."""
    dpi, fonts = frame.view.dpi, frame.fonts
    px = dpi / 72  # pixels per point
    title = t("legend", frame.lang)
    bounds = frame.s.boxes.frame  # the map, in figure pixels
    margin = 4.0 * frame.u * px
    room_w = frame.view.width - bounds.x1 - 2 * margin
    room_h = bounds.y1 - bounds.y0 - 2 * margin

    def layout(size: float) -> tuple[float, float]:
        """Width and height of the box at this type size."""

        def width(kind: str, text: str) -> float:  # a heading starts where swatches do
            if kind == "heading":
                return label_size(text, size, "bold", "normal", fonts, dpi)[0] - size * 2.8 * px
            return label_size(text, size, "normal", "normal", fonts, dpi)[0]

        widest = max(width(kind, text) for kind, _, text in rows)
        title_w, title_h = label_size(title, size * 7 / 6, "bold", "normal", fonts, dpi)
        inner = max(size * 2.8 * px + widest, title_w)
        height = size * 1.4 * px + title_h + size * 0.3 * px + len(rows) * size * 1.62 * px
        return inner + size * 1.4 * px, height

    size = 6.0 * frame.u
    width, height = layout(size)
    if width > room_w or height > room_h:
        size *= min(room_w / width, room_h / height)
        width, height = layout(size)
    row_h, pad, gap = size * 1.62 * px, size * 0.7 * px, size * 0.6 * px
    swatch_w, swatch_h = size * 2.2 * px, size * 0.95 * px
    title_size = size * 7 / 6
    title_w, title_h = label_size(title, title_size, "bold", "normal", fonts, dpi)
    x0, y0 = bounds.x1 + margin, bounds.y1 - margin - height
    box_ = FancyBboxPatch(
        (x0 / dpi, y0 / dpi),
        width / dpi,
        height / dpi,
        boxstyle=f"round,pad=0,rounding_size={size * 0.35 / 72:.4f}",
        facecolor=to_rgba(style.LAND, 0.93),
        edgecolor=style.COAST,
        lw=0.6 * frame.u,
        transform=frame.s.fig.dpi_scale_trans,
        zorder=20,
        clip_on=False,
    )
    frame.ax.add_artist(box_)
    labels = Labels(frame.s, halo=False)
    top = y0 + height - pad
    labels.add(title, (x0 + pad, top - title_h, x0 + pad + title_w, top), title_size, weight="bold")
    top -= title_h + size * 0.3 * px
    for i, (kind, spec, text) in enumerate(rows):
        mid = top - (i + 0.5) * row_h
        if kind == "heading":  # a line of its own, from the swatches' edge
            w, h = label_size(text, size, "bold", "normal", fonts, dpi)
            tx = x0 + pad
            labels.add(text, (tx, mid - h / 2, tx + w, mid + h / 2), size, weight="bold")
            continue
        _swatch(frame, kind, spec, x0 + pad, mid, swatch_w, swatch_h)
        w, h = label_size(text, size, "normal", "normal", fonts, dpi)
        tx = x0 + pad + swatch_w + gap
        labels.add(text, (tx, mid - h / 2, tx + w, mid + h / 2), size)
    labels.draw(zorder=22, clip=False)


def _swatch(frame: Frame, kind: str, spec: dict, x: float, mid: float, w: float, h: float):
    """One legend symbol, ``x`` and ``mid`` (its vertical centre) in pixels."""
    dpi, u = frame.view.dpi, frame.u
    inches = frame.s.fig.dpi_scale_trans
    if kind == "area":
        entry = spec["entry"]
        patch = Rectangle(
            (x / dpi, (mid - h / 2) / dpi),
            w / dpi,
            h / dpi,
            facecolor=to_rgba(entry.fill, entry.fill_opacity),
            edgecolor=entry.stroke,
            lw=max(entry.weight, 1.2) * PX * u,
            linestyle=dashes(entry.dash, u * 0.6),
            transform=inches,
            zorder=21,
            clip_on=False,
        )
        if entry.hatch:
            patch.set_hatch(entry.hatch)
            patch.set_hatchcolor(to_rgba(entry.stroke, 0.55))
            patch.set_hatch_linewidth(0.6 * u)
        frame.ax.add_artist(patch)
        return
    xs, ys = [x / dpi, (x + w) / dpi], [mid / dpi, mid / dpi]
    if kind == "line":
        entry = spec["entry"]
        spec = {
            "color": entry.stroke,
            "lw": min(entry.weight, 5.0) * PX * u,
            "linestyle": dashes(entry.dash, u * 0.6),
        }
    elif kind == "marker":
        xs, ys = [(x + w / 2) / dpi], [mid / dpi]
        spec = {**spec, "linestyle": "none", "markeredgecolor": style.TEXT}
        spec["markeredgewidth"] = 0.8 * u
    line = Line2D(xs, ys, transform=inches, zorder=21, dash_capstyle="round", clip_on=False, **spec)
    frame.ax.add_artist(line)
