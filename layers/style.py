"""One style definition for the interactive map and the exported images.

Colours follow the Okabe–Ito colour-blind-safe palette, grouped by controller: Japan and
its client states in warm hues (vermillion, orange, amber), the USSR and its satellites in
blues, the Republic of China in bluish green, the USA in reddish purple. Status changes the
pattern, not the hue: occupied, contested, garrisoned, leased and annexed areas are hatched
(SVG patterns on the web map, matplotlib hatches in images, both from :data:`STATUS_PATTERNS`)
and get a dashed outline, so they stay readable in greyscale print too.

One legend model (:func:`legend_entries`) serves the web map, the images, the standalone HTML
and the Timeline chart: rows in a stable order (controller, then status, then routes and
symbols), only what is drawn on the date.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from layers.i18n import controller_label, status_label, t
from layers.validate import LINE_RAILWAY, LINE_STYLES, STATUSES

CONTROLLER_COLOURS = {
    "Japan": "#D55E00",
    "USSR": "#0072B2",
    "MPR": "#56B4E9",
    "TPR": "#9CBCC9",
    "ROC": "#009E73",
    "USA": "#CC79A7",
    "UK": "#8E5BA8",
    "France": "#4B5FA6",
    "Netherlands": "#3E8E9E",
    "Australia": "#3B6E2E",  # dark green: ΔE ≥ 14 from Thailand, the Netherlands and the ROC
    "Thailand": "#8FA03A",
    "Portugal": "#7A6A4F",
    "CCP": "#A8232B",
    "Tibet": "#BC8F8F",
    # East Turkestan Republic: a violet apart from the Soviet blues, the ROC green and Tibet,
    # also for deuteranopes and protanopes (ΔE ≥ 16 from each neighbour, simulated).
    "ETR": "#6A35D8",
    "DRV": "#BB1177",  # raspberry: apart from France, ROC, CCP and Japan in all three CVD types
}
# Japan's dependencies in lighter, related hues (same family, distinct lightness).
JAPAN_STATUS_COLOURS = {
    "colony": "#E69F00",
    "integral_territory": "#E8875A",
    "leased_territory": "#9A4A12",
    "puppet_state": "#F0C75E",
}
UNKNOWN_COLOUR = "#999999"
LAND = "#F3EFE4"
SEA = "#DCE8EF"
COAST = "#9A9486"
GRATICULE = "#B9C6CF"
TEXT = "#2B2B2B"
# The offline base map's land and graticule, as Leaflet styles (the live map and the HTML atlas).
LAND_STYLE = {"fillColor": LAND, "fillOpacity": 1.0, "color": COAST, "weight": 0.8, "opacity": 1.0}
GRATICULE_STYLE = {
    "color": GRATICULE,
    "weight": 0.8,
    "opacity": 0.9,
    "dashArray": "3 4",
    "fill": False,
}

# Patterns by status: Leaflet dash array, matplotlib hatch (also drawn as an SVG pattern on
# the web map, see SVG_HATCHES), fill opacity. Each hatch belongs to one status.
STATUS_PATTERNS = {
    "military_occupation": ("8 5", "///", 0.35),
    "contested": ("3 5", "xx", 0.30),
    "foreign_garrison": ("2 4", "..", 0.45),
    "base_area": ("6 3", "\\\\", 0.45),
    "leased_territory": ("5 3", "||", 0.55),
    "integral_territory": (None, "--", 0.55),
    "de_facto_state": ("1 4", "++", 0.45),
}
DEFAULT_PATTERN = (None, None, 0.55)
# matplotlib hatch → the name of the web map's SVG pattern (layers/map_elements.py draws them).
SVG_HATCHES = {
    "///": "diagonal",
    "//": "diagonal",
    "\\\\": "antidiagonal",
    "\\\\\\": "antidiagonal",
    "xx": "cross",
    "++": "grid",
    "..": "dots",
    "||": "vertical",
    "--": "horizontal",
}
# Legend order: controllers as in CONTROLLER_COLOURS, then statuses in the contract's order
# (unknown ones last, by name).
STATUS_ORDER = STATUSES

ROUTE_COLOURS = {
    "transfer": "#332288",
    "reverse": "#882255",
    "transbaikal": "#6A1B9A",
    "1st_far_eastern": "#B71C1C",
    "2nd_far_eastern": "#0D2C6C",
    "pacific_fleet": "#00695C",
    "railway": "#555555",
}


@dataclass(frozen=True)
class AreaStyle:
    """How a territory is drawn."""

    fill: str
    stroke: str
    fill_opacity: float
    weight: float
    dash: str | None
    hatch: str | None

    def leaflet(self) -> dict:
        """The style dict of a Leaflet/folium GeoJSON layer (``hatch``: the name of the SVG
        pattern drawn over the fill, read by the atlas's map library)."""
        style = {
            "fillColor": self.fill,
            "color": self.stroke,
            "fillOpacity": self.fill_opacity,
            "weight": self.weight,
            "dashArray": self.dash,
            "opacity": 0.9,
        }
        if self.hatch in SVG_HATCHES:
            style["hatch"] = SVG_HATCHES[self.hatch]
        return style


# Land outside the atlas's scope (basemap kind "outside_scope"): neutral grey, hatched in images.
OUTSIDE_SCOPE_STYLE = AreaStyle(
    fill="#D6D4CF", stroke="#A9A59C", fill_opacity=1.0, weight=0.6, dash=None, hatch="...."
)


@dataclass(frozen=True)
class LineStyle:
    """How a route or railway is drawn."""

    colour: str
    weight: float
    opacity: float
    dash: str | None = None
    arrows: bool = True

    def leaflet(self) -> dict:
        return {
            "color": self.colour,
            "weight": self.weight,
            "opacity": self.opacity,
            "dashArray": self.dash,
        }


RAILWAY_STYLE = LineStyle(ROUTE_COLOURS["railway"], 1.6, 0.8, "6 3", arrows=False)
USER_LINE = LineStyle(UNKNOWN_COLOUR, 3.0, 0.9, arrows=False)  # uploaded lines, neutral
# The stretch of an August 1945 axis not reached yet: dotted, thinner, a little faded.
PLANNED_DASH = "1 7"
PLANNED_OPACITY = 0.85
PLANNED_MIN_WEIGHT = 1.5

# Symbols, in Leaflet pixels (the images scale them by layers.static.strokes.PX).
CITY_RADIUS = {1: 4.5, 2: 3.5, 3: 2.8}  # by rank, 1 = largest
CAPITAL_EXTRA_RADIUS = 1.0  # a capital's dot is this much larger
CITY_OUTLINE = 1.2
EVENT_RADIUS = {1: 9.0, 2: 6.5, 3: 5.0}  # by importance, 1 = most important
EVENT_OUTLINE = 1.6
EVENT_STAR_SIZE = {1: 12.0, 2: 10.0, 3: 8.5}  # the images' event stars, points, by importance
UNCERTAIN_DASH = "3 3"  # an event marker when every event at the place is uncertain
# Events shown: the live map and the HTML atlas, those within this many days of the date;
# the images, those of the date and of this many days before it.
EVENT_WINDOW_DAYS = 30
IMAGE_EVENT_DAYS = 14


def planned_style(line: LineStyle) -> LineStyle:
    """How the part of ``line`` still ahead (an axis not reached yet) is drawn."""
    weight = max(PLANNED_MIN_WEIGHT, line.weight / 3)
    return LineStyle(line.colour, weight, PLANNED_OPACITY, PLANNED_DASH, arrows=False)


def city_radius(rank: object, capital: bool = False) -> float:
    """A city dot's radius in pixels by rank (the smallest when unknown)."""
    base = CITY_RADIUS[rank] if rank in CITY_RADIUS else CITY_RADIUS[3]
    return base + (CAPITAL_EXTRA_RADIUS if capital else 0.0)


@dataclass(frozen=True)
class LegendEntry:
    """One legend row, shared by the HTML legend and the image legend."""

    key: str
    label: str
    kind: str  # "area", "line" or "point"
    fill: str
    stroke: str
    fill_opacity: float = 0.55
    dash: str | None = None
    hatch: str | None = None
    weight: float = 2.0


def territory_colour(controller: str, status: str) -> str:
    """The fill colour for a controller and status."""
    if controller == "Japan" and status in JAPAN_STATUS_COLOURS:
        return JAPAN_STATUS_COLOURS[status]
    return CONTROLLER_COLOURS.get(controller, UNKNOWN_COLOUR)


def territory_style(props: dict) -> AreaStyle:
    """The style of one territory feature, from its controller and status."""
    controller, status = props.get("controller"), props.get("status")
    colour = territory_colour(controller, status)
    dash, hatch, opacity = STATUS_PATTERNS.get(status, DEFAULT_PATTERN)
    weight = 2.2 if dash else 1.0
    return AreaStyle(colour, _darker(colour), opacity, weight, dash, hatch)


def route_style(line_style: str | None, props: dict, ended: bool = False) -> LineStyle:
    """The style of a line or route layer's feature by the catalogue's ``line_style``: a
    railway grey and dashed; a route coloured by its movement or front, its width by
    strength, faded once over."""
    if line_style == LINE_RAILWAY:
        return RAILWAY_STYLE
    colour = ROUTE_COLOURS.get(_route_colour_key(props), ROUTE_COLOURS["transbaikal"])
    return LineStyle(colour, strength_weight(props.get("strength")), 0.35 if ended else 0.95)


def _route_colour_key(props: dict) -> str:
    """A route's key in :data:`ROUTE_COLOURS`: the 1945 transfers back east, an August 1945
    front, else a transfer west."""
    if props.get("phase") == "reverse_1945":
        return "reverse"
    front = props.get("front")
    return front if isinstance(front, str) and front else "transfer"


def strength_weight(strength: object) -> float:
    """Line width in pixels from the number of men (3 px when unknown, up to 11 px)."""
    men = strength.get("men") if isinstance(strength, dict) else None
    if not isinstance(men, (int, float)) or men <= 0:
        return 3.0
    return round(min(11.0, max(3.0, 3.0 + 2.2 * math.log10(men / 10_000))), 1)


def legend_entries(
    snapshot: dict, lang: str, line_styles: Mapping[str, str | None] | None = None
) -> list[LegendEntry]:
    """Legend rows for what is drawn: one per (controller, status) shown, then route kinds
    of the line and route layers, whose catalogue ``line_style`` is in ``line_styles`` (by
    layer id; a layer not there has no line rows)."""
    line_styles = line_styles or {}
    entries: dict[str, LegendEntry] = {}
    for layer_id, frame in snapshot.items():
        if frame.empty:
            continue
        if "controller" in frame and "status" in frame:
            pairs = set(zip(frame["controller"], frame["status"], strict=True))
            for controller, status in pairs:
                if isinstance(controller, str) and f"{controller}:{status}" not in entries:
                    entries[f"{controller}:{status}"] = _area_entry(controller, status, lang)
        elif line_styles.get(layer_id) in LINE_STYLES:
            line_style = line_styles[layer_id]
            columns = [c for c in ("phase", "front", "strength") if c in frame]
            for props in frame[columns].to_dict("records"):
                key = _route_key(line_style, props)
                if key not in entries:
                    style = route_style(line_style, props)
                    entries[key] = LegendEntry(
                        key,
                        route_label(key, lang),
                        "line",
                        style.colour,
                        style.colour,
                        dash=style.dash,
                        weight=min(style.weight, 5.0),
                    )
    return sorted(entries.values(), key=legend_order)


def legend_order(entry: LegendEntry) -> tuple:
    """Sort key of a legend row: areas by controller then status, then lines, then points."""
    kinds = ("area", "line", "point")
    kind = kinds.index(entry.kind) if entry.kind in kinds else len(kinds)
    if entry.kind != "area":
        return (kind, 0, 0, entry.key)
    controller, _, status = entry.key.partition(":")
    controllers = list(CONTROLLER_COLOURS)
    first = controllers.index(controller) if controller in controllers else len(controllers)
    second = STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)
    return (kind, first, second, entry.key)


def apparent_colour(hex_colour: str, opacity: float, ground: str = LAND) -> str:
    """The colour a fill of ``opacity`` shows over ``ground`` (for charts that match the map)."""
    top = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    under = [int(ground[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = (round(opacity * a + (1 - opacity) * b) for a, b in zip(top, under, strict=True))
    return "#{:02X}{:02X}{:02X}".format(*mixed)


def _area_entry(controller: str, status: str, lang: str) -> LegendEntry:
    style = territory_style({"controller": controller, "status": status})
    label = f"{controller_label(controller, lang)} — {status_label(status, lang)}"
    key = f"{controller}:{status}"
    return LegendEntry(
        key, label, "area", style.fill, style.stroke, style.fill_opacity, style.dash, style.hatch
    )


def _route_key(line_style: str, props: dict) -> str:
    if line_style == LINE_RAILWAY:
        return "route:railway"
    return f"route:{_route_colour_key(props)}"


def route_label(key: str, lang: str) -> str:
    """The legend label of a route kind."""
    return t(key.replace(":", "_"), lang)


def _darker(hex_colour: str, factor: float = 0.65) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02X}{:02X}{:02X}".format(*(int(c * factor) for c in (r, g, b)))


# The map engine's time control and legend (layers/web/engine.js: the app's live map and the
# standalone HTML alike).
PLAY_STEP_DAYS = 7  # one step of the play button
PLAY_INTERVAL_MS = 700
ZOOM_SNAP = 0.5
LEGEND_POSITION = "bottomright"  # over the sea, clear of the region the atlas is about
LEGEND_FOLD_BELOW = (640, 560)  # the legend starts folded on a map narrower or lower (px)
LEGEND_MAX_SHARE = 0.3  # the legend is at most this share of the map's height (rows scroll)
LEGEND_MIN_HEIGHT = "6.5em"  # and never lower than this
TIME_POSITION = "topright"  # the time control: over the sea north-east of Japan
SETTLE_AFTER_MS = {"release": 150, "step": 400}  # the page hears of the date once still
LABELS_QUIET_MS = 160  # while dragging or playing, labels are placed once the date rests
# Overview shapes: up to COARSE_MAX_ZOOM the map draws each stored shape simplified to within
# COARSE_TOLERANCE_DEG (Douglas-Peucker, topology kept, a small ring at four positions and up
# to twice that; layers/render.py geometry_bundle): under a pixel at zoom 5 south of 60° N,
# half that at zoom 4, and less than half the vertices to project each time a shape is
# drawn. Closer in, the shapes as built.
COARSE_MAX_ZOOM = 5
COARSE_TOLERANCE_DEG = 0.02
TIME_ICON_BOX = "0 0 12 12"  # the SVG view box of the time control's icons
TIME_ICONS = {  # SVG paths in that box
    "prevEvent": "M1 1 H3 V11 H1 Z M11 1 L4 6 L11 11 Z",
    "minusDay": "M9 1 L3 6 L9 11 Z",
    "plusDay": "M3 1 L9 6 L3 11 Z",
    "nextEvent": "M1 1 L8 6 L1 11 Z M9 1 H11 V11 H9 Z",
    "play": "M2 1 L11 6 L2 11 Z",
    "pause": "M2 1 H5 V11 H2 Z M7 1 H10 V11 H7 Z",
}
