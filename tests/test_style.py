"""One palette: controllers in related hue families, status as pattern, routes by strength."""

from __future__ import annotations

import datetime as dt
import itertools
import math

from layers.loading import load_atlas
from layers.model import snapshot
from layers.style import (
    CONTROLLER_COLOURS,
    JAPAN_STATUS_COLOURS,
    LAND,
    STATUS_ORDER,
    STATUS_PATTERNS,
    SVG_HATCHES,
    apparent_colour,
    legend_entries,
    legend_order,
    route_style,
    strength_weight,
    territory_style,
)


def hue(hex_colour: str) -> float:
    import colorsys

    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[0] * 360


def test_japan_family_warm_soviet_family_blue():
    japanese = [
        territory_style({"controller": "Japan", "status": s}).fill
        for s in ("colony", "puppet_state", "leased_territory", "sovereign_state")
    ]
    assert len(set(japanese)) == 4
    assert all(15 <= hue(c) <= 50 for c in japanese)
    soviet = [CONTROLLER_COLOURS[c] for c in ("USSR", "MPR", "TPR")]
    assert all(195 <= hue(c) <= 220 for c in soviet)


def test_status_is_marked_by_pattern_not_hue():
    occupied = territory_style({"controller": "USSR", "status": "military_occupation"})
    sovereign = territory_style({"controller": "USSR", "status": "sovereign_state"})
    contested = territory_style({"controller": "Japan", "status": "contested"})
    assert occupied.fill == sovereign.fill
    assert occupied.dash and occupied.hatch and not sovereign.dash and not sovereign.hatch
    assert contested.dash != occupied.dash and contested.hatch != occupied.hatch
    assert occupied.leaflet()["dashArray"] == occupied.dash


def test_route_width_grows_with_strength_and_fades_when_over():
    assert strength_weight({"men": 10_000}) < strength_weight({"men": 500_000}) <= 11
    assert strength_weight(None) == 3.0
    live = route_style("route", {"phase": "war_1941", "strength": {"men": 123000}})
    over = route_style("route", {"phase": "war_1941"}, ended=True)
    assert over.opacity < live.opacity
    reverse = route_style("route", {"phase": "reverse_1945"})
    assert reverse.colour != live.colour
    assert not route_style("railway", {}).arrows


def test_legend_lists_what_is_drawn_in_the_language():
    atlas = load_atlas()
    before = legend_entries(snapshot(atlas, dt.date(1941, 4, 13)), "en")
    after = legend_entries(snapshot(atlas, dt.date(1945, 8, 25)), "fr")
    labels_before = {e.label for e in before}
    labels_after = {e.label for e in after}
    assert "Japan — puppet state" in labels_before
    assert "URSS — occupation militaire" in labels_after
    assert "USSR — military occupation" not in labels_before


def test_every_status_of_a_controller_has_its_own_swatch():
    # Japan's statuses (satellite states are their own controllers: MPR, TPR) …
    statuses = [s for s in STATUS_ORDER if s != "satellite_state"]
    looks = [territory_style({"controller": "Japan", "status": s}) for s in statuses]
    assert len({(a.fill, a.fill_opacity, a.hatch) for a in looks}) == len(statuses)
    # … and any controller's hatched statuses, apart from each other and from plain fills.
    for controller in CONTROLLER_COLOURS:
        hatched = [s for s in STATUS_PATTERNS if s not in JAPAN_STATUS_COLOURS]
        looks = [territory_style({"controller": controller, "status": s}) for s in hatched]
        plain = territory_style({"controller": controller, "status": "sovereign_state"})
        assert len({a.hatch for a in looks} | {plain.hatch}) == len(hatched) + 1, controller
    japan = {
        s: territory_style({"controller": "Japan", "status": s})
        for s in ("sovereign_state", "integral_territory", "leased_territory", "colony")
    }
    assert japan["sovereign_state"].fill != japan["integral_territory"].fill
    assert japan["integral_territory"].hatch and not japan["sovereign_state"].hatch
    assert japan["leased_territory"].hatch and japan["leased_territory"].hatch != (
        japan["integral_territory"].hatch
    )
    hatches = [pattern[1] for pattern in STATUS_PATTERNS.values()]
    assert len(set(hatches)) == len(hatches) and set(hatches) <= set(SVG_HATCHES)
    occupied = territory_style({"controller": "USSR", "status": "military_occupation"})
    assert occupied.leaflet()["hatch"] == "diagonal"  # hatched on the web map too


def test_legend_order_is_controller_then_status_then_lines_and_points():
    atlas = load_atlas()
    entries = legend_entries(snapshot(atlas, dt.date(1945, 8, 20)), "en")
    areas = [e.key for e in entries if e.kind == "area"]
    controllers = list(CONTROLLER_COLOURS)
    ranks = [
        (controllers.index(k.split(":")[0]), STATUS_ORDER.index(k.split(":")[1])) for k in areas
    ]
    assert ranks == sorted(ranks) and areas[0] == "Japan:sovereign_state"
    kinds = [e.kind for e in entries]
    assert kinds == sorted(kinds, key=["area", "line", "point"].index)
    assert sorted(entries, key=legend_order) == entries


def test_apparent_colour_mixes_the_fill_with_the_land():
    assert apparent_colour("#000000", 1.0) == "#000000"
    assert apparent_colour("#000000", 0.0) == LAND.upper()
    assert apparent_colour("#FFFFFF", 0.5, "#000000") == "#808080"


def lab(hex_colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92 for c in rgb)
    xyz = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
    )
    fx, fy, fz = (c ** (1 / 3) if c > 0.008856 else 7.787 * c + 16 / 116 for c in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def test_plain_fills_can_be_told_apart_as_the_map_shows_them():
    fills = {
        c: territory_style({"controller": c, "status": "sovereign_state"})
        for c in CONTROLLER_COLOURS
    }
    fills |= {
        f"Japan:{s}": territory_style({"controller": "Japan", "status": s})
        for s in JAPAN_STATUS_COLOURS
    }
    seen = {k: lab(apparent_colour(a.fill, a.fill_opacity)) for k, a in fills.items()}
    for (one, a), (other, b) in itertools.combinations(seen.items(), 2):
        distance = math.dist(a, b)
        assert distance >= 12, f"{one} and {other} look alike (ΔE {distance:.1f})"


def test_the_live_map_and_the_images_draw_cities_and_planned_axes_alike():
    """map_features (the Leaflet map) and layers.static (the images) read style's symbols."""
    from matplotlib.lines import Line2D

    from layers import map_features, style
    from layers.render import layer_group
    from layers.static import DEFAULT_BOUNDS
    from layers.static.frame import draw
    from layers.static.scaffold import scaffold_for
    from layers.static.strokes import PX, dashes
    from layers.static.view import view_of

    atlas = load_atlas()
    day = dt.date(1945, 8, 10)  # axes under way: a stretch still ahead

    cities = atlas.role_layer("cities").on(day)
    live = {}
    for props, geometry in map_features.feature_rows(cities):
        shown, _ = map_features.point_feature(props, geometry, "en")
        live[(props["rank"], bool(props.get("capital_of")))] = shown["r"]
    assert live[(1, False)] == style.CITY_RADIUS[1]
    assert live == {key: style.city_radius(*key) for key in live}
    storm = next(s for s in atlas.specs() if s.moving_front)
    group = layer_group(atlas, storm.id, day)
    live_dashes = {
        p["s"].get("dashArray")
        for child in group._children.values()
        for p in getattr(child, "properties", [])
        if "s" in p
    }
    assert style.PLANNED_DASH in live_dashes

    scaffold = scaffold_for(atlas, view_of(DEFAULT_BOUNDS, 800, 500, 100), "en", day)
    draw(scaffold, atlas, day, atlas.default_layer_ids(), "en")
    u = scaffold.u
    lines = [a for a in scaffold.ax.get_children() if isinstance(a, Line2D)]
    dots = {round(a.get_markersize(), 6) for a in lines if a.get_marker() in ("o", "s")}
    expected = {round(2 * r * PX * u, 6) for r in live.values()}
    assert dots and dots <= expected
    assert round(2 * style.CITY_RADIUS[1] * PX * u, 6) in dots
    planned = dashes(style.PLANNED_DASH, u)
    assert any(a._unscaled_dash_pattern == planned for a in lines)
