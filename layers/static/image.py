"""Map images of a date: PNG, SVG or PDF bytes, RGB arrays for animations, pixels of places."""

from __future__ import annotations

import datetime as dt
import io
import threading

import matplotlib
import numpy as np

from layers.i18n import format_date, t
from layers.mercator import project
from layers.model import Atlas, state_key
from layers.static.checks import check_bounds, check_format, check_request
from layers.static.features import EVENTS, events_shown
from layers.static.frame import draw
from layers.static.scaffold import scaffold_for
from layers.static.view import View, view_of

_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "neutrality-pact-atlas",
    "pdf.fonttype": 42,
    "lines.scale_dashes": False,
    "path.simplify": True,
    "axes.unicode_minus": False,
}
_LOCK = threading.RLock()


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
        scaffold = scaffold_for(atlas, view_of(bounds, width, height, dpi), lang, day)
        title = draw(scaffold, atlas, day, ids, lang)
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
        view = view_of(bounds, width, height, dpi)
        scaffold = scaffold_for(atlas, view, lang, day)
        fig, canvas, title = scaffold.fig, scaffold.fig.canvas, scaffold.title
        key, pinned = _map_key(atlas, day, ids, view)
        if scaffold.drawn != key:
            draw(scaffold, atlas, day, ids, lang)
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
    view = view_of(check_bounds(bounds), width, height, dpi)
    x, y = project(lon, lat)
    col = (float(x) - view.x0) / view.per_px
    row = height - view.footer * dpi - (float(y) - view.y0) / view.per_px
    return int(col), int(row)


def _map_key(atlas: Atlas, day: dt.date, layer_ids: list[str], view: View) -> tuple:
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
            for place, group, ongoing in events_shown(atlas, day, view)
        )
    ids = (id(atlas), tuple(id(s) for s in slices))
    return (ids, tuple(layer_ids), state_key(atlas, day, drawn), events), (atlas, slices)
