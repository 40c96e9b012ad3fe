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

Modules: :mod:`~layers.static.image` (the entry points), :mod:`~layers.static.checks`
(requests), :mod:`~layers.static.fonts`, :mod:`~layers.static.projection`,
:mod:`~layers.static.view`, :mod:`~layers.static.scaffold` (what does not change by date),
:mod:`~layers.static.frame` (what does), :mod:`~layers.static.routes`,
:mod:`~layers.static.legend`, :mod:`~layers.static.labels`, :mod:`~layers.static.features`,
:mod:`~layers.static.strokes` and :mod:`~layers.static.cache`.
"""

import importlib

from layers.mercator import EARTH_RADIUS, MAX_LAT, project
from layers.static.checks import (
    DEFAULT_BOUNDS,
    FORMATS,
    MAX_DPI,
    MAX_PIXELS,
    MAX_SIDE,
    MIN_DPI,
    MIN_SIDE,
    ExportError,
    check_bounds,
    check_day,
    check_format,
    check_layers,
    check_request,
    check_size,
)
from layers.static.features import EVENTS

# The renderers import matplotlib (about half a second): loaded on first use, so that what
# only checks a request or names the events layer (the app's map, its first page) does not
# pay for it.
_RENDERERS = {
    "font_families": "layers.static.fonts",
    "pixel_of": "layers.static.image",
    "render_array": "layers.static.image",
    "render_image": "layers.static.image",
}


def __getattr__(name: str) -> object:
    """The renderers' entry points, imported when first asked for."""
    if name not in _RENDERERS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_RENDERERS[name]), name)


__all__ = [
    "DEFAULT_BOUNDS",
    "EARTH_RADIUS",
    "EVENTS",
    "FORMATS",
    "MAX_DPI",
    "MAX_LAT",
    "MAX_PIXELS",
    "MAX_SIDE",
    "MIN_DPI",
    "MIN_SIDE",
    "ExportError",
    "check_bounds",
    "check_day",
    "check_format",
    "check_layers",
    "check_request",
    "check_size",
    "font_families",
    "pixel_of",
    "project",
    "render_array",
    "render_image",
]
