"""The folium map: feature groups for a date, styles, arrowheads, escaping, offline assets."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from dataclasses import replace

import pytest
from shapely.geometry import Point, box

from layers import render
from layers.arrows import arrows_along, bearing, mercator
from layers.eventtext import escape
from layers.loading import build_layer, load_atlas
from layers.map_elements import AtlasGeoJson, MapBox, script_json
from layers.map_features import (
    event_feature,
    feature_rows,
    label_point,
    map_name,
    name_feature,
    nearby_events,
)
from layers.model import ATLAS_END, ATLAS_START, Atlas, LayerSpec
from layers.render import (
    GeometryStore,
    base_map,
    date_groups,
    events_group,
    geometry_bundle,
    layer_group,
    legend_box_html,
)
from layers.style import PLANNED_DASH, TEXT, route_style, territory_style
from layers.user_layers import read_upload, with_user_layers

D = dt.date.fromisoformat
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
]


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def features(group) -> list[dict]:
    """The properties of every feature of a group's GeoJSON elements."""
    return [p for child in group._children.values() for p in getattr(child, "properties", [])]


def group_of(groups, name):
    return next(g for g in groups if g.layer_name == name)


def test_territories_of_a_date_and_their_styles(atlas):
    ids = atlas.default_layer_ids()
    before = group_of(date_groups(atlas, D("1941-04-13"), ids), "manchukuo")
    after = group_of(date_groups(atlas, D("1945-08-25"), ids), "manchukuo")
    tips_before = " ".join(p["t"] for p in features(before) if "t" in p)
    tips_after = " ".join(p["t"] for p in features(after) if "t" in p)
    assert "Manchukuo" in tips_before and "puppet state" in tips_before
    assert "Soviet military occupation" in tips_after and "puppet state" not in tips_after
    occupation = atlas.layers["manchukuo"].frame.set_index("id").loc["manchuria_soviet_occupation"]
    expected = territory_style(occupation.to_dict()).leaflet()
    assert features(after)[0]["s"] == expected
    assert expected["dashArray"]  # occupied: dashed outline


def test_legend_lists_only_what_is_drawn(atlas):
    early = legend_box_html(atlas, D("1941-04-13"), ["manchukuo", "korea", "events"], "en")
    assert "Japan — puppet state" in early and "Japan — colony" in early
    assert "USSR" not in early and "Railway" not in early
    late = legend_box_html(atlas, D("1945-08-25"), ["manchukuo"], "fr")
    assert "URSS — occupation militaire" in late and "Légende" in late
    assert "Événement" not in late  # events not drawn


def test_groups_follow_the_layer_toggles(atlas):
    groups = date_groups(atlas, D("1945-08-20"), ["korea", "august_storm"], "en")
    assert [g.layer_name for g in groups] == ["korea", "august_storm", "overlay"]
    with_events = date_groups(atlas, D("1945-08-20"), ["korea", "events"], "en")
    assert [g.layer_name for g in with_events] == ["korea", "events", "overlay"]


def test_routes_have_arrowheads_pointing_along_the_line(atlas):
    group = layer_group(atlas, "siberian_transfers", D("1941-11-01"))
    heads = [p for p in features(group) if "h" in p]
    lines = [p for p in features(group) if "h" not in p]
    assert lines and len(heads) >= 2 * len(lines)
    assert all("<svg" in p["h"] and "rotate(" in p["h"] for p in heads)
    # westward transfers: the arrows point west-ish (bearing between 180 and 360)
    angles = [float(re.search(r"rotate\((-?\d+)deg\)", p["h"]).group(1)) for p in heads]
    assert sum(180 < a < 360 for a in angles) > len(angles) / 2


def test_route_width_and_fading_come_from_the_style(atlas):
    active = features(layer_group(atlas, "siberian_transfers", D("1941-11-01")))
    faded = features(layer_group(atlas, "siberian_transfers", D("1941-12-20")))
    row = atlas.layers["siberian_transfers"].frame.iloc[1].to_dict()
    widths = {p["s"]["weight"] for p in active if "s" in p}
    assert route_style("route", row).weight in widths | {3.0}
    assert {p["s"]["opacity"] for p in active if "s" in p} == {0.95}
    assert {p["s"]["opacity"] for p in faded if "s" in p} == {0.35}


def test_august_axes_are_solid_where_reached_and_dotted_beyond(atlas):
    def styles(day):
        group = layer_group(atlas, "august_storm", D(day))
        lines = [p["s"] for p in features(group) if "s" in p]
        dotted = sum(1 for s in lines if s.get("dashArray") == PLANNED_DASH)
        return dotted, len(lines) - dotted, {s["opacity"] for s in lines}

    start, middle, after = styles("1945-08-10"), styles("1945-08-26"), styles("1945-09-10")
    assert start[0] >= 10 and middle[0] < start[0]  # less still to go
    assert middle[1] > start[1]  # more reached
    assert after == (0, 0, set())  # the campaign is over: its axes are gone
    last = styles("1945-09-01")  # the eve of the surrender, the axes' last day
    assert last[1] > 0


def test_troop_transfers_fade_but_campaign_axes_go_when_over(atlas):
    storm, transfers = atlas.layers["august_storm"], atlas.layers["siberian_transfers"]
    assert storm.on(D("1945-09-03")).empty
    ended = transfers.on(D("1941-12-20"))
    assert len(ended) and ended["ended"].all()  # the autumn 1941 transfers, faded
    group = layer_group(atlas, "siberian_transfers", D("1941-12-20"))
    assert {p["s"]["opacity"] for p in features(group) if "s" in p} == {0.35}


def test_bearings_are_measured_on_the_mercator_map():
    assert bearing((100, 40), (110, 40)) == pytest.approx(90)
    assert bearing((100, 40), (100, 50)) == pytest.approx(0)
    assert bearing((110, 60), (100, 60)) == pytest.approx(270)
    x, y = mercator(180, 0)
    assert x == pytest.approx(20037508.34, rel=1e-6) and y == pytest.approx(0, abs=1e-6)
    heads = arrows_along([(37.6, 55.7), (113.5, 52.0)])
    assert heads[-1].end and (heads[-1].lon, heads[-1].lat) == (113.5, 52.0)
    assert all(60 < a.bearing < 120 for a in heads)


def test_events_near_a_date_nearest_first(atlas):
    found = nearby_events(atlas, D("1941-04-13"))
    assert found[0]["on_day"] and found[0]["date"] == "1941-04-13"
    offsets = [abs(e["offset"]) for e in found]
    assert offsets == sorted(offsets) and max(offsets) <= 30
    assert not nearby_events(atlas, D("1940-02-15"))  # a quiet month of the winter 1939–40


def test_geometry_store_keeps_geometry_out_of_the_groups(atlas):
    bundle = geometry_bundle(atlas)
    assert bundle.name.startswith("geometry-") and "manchukuo_puppet" in bundle.keys
    overview = json.loads(gzip.decompress(bundle.files[bundle.name]))
    detail = json.loads(gzip.decompress(bundle.files[overview["detail"]]))
    assert overview["coarse"]["manchukuo_puppet"]["t"] == "MultiPolygon"
    assert detail["geometries"]["manchukuo_puppet"]["t"] == "MultiPolygon"
    store = GeometryStore("/app/static/vendor/atlas/" + bundle.name, bundle.keys)
    group = layer_group(atlas, "manchukuo", D("1941-04-13"), store=store)
    element = next(iter(group._children.values()))
    assert element.properties[0]["g"] == "manchukuo_puppet"
    assert '"geometry":null' in element.data_json and len(element.data_json) < 10_000
    assert store.url in element.options_json


def test_base_map_loads_only_local_leaflet(atlas):
    m = base_map(atlas, "fr", "atlas")
    html = m.get_root().render()
    assert [src for _, src in m.default_js] == ["/app/static/vendor/leaflet/leaflet.js"]
    assert [href for _, href in m.default_css] == ["/app/static/vendor/leaflet/leaflet.css"]
    for cdn in ("cdn.jsdelivr", "jquery", "bootstrap", "cloudflare", "fontawesome"):
        assert cdn not in html
    assert "tile.openstreetmap" not in html  # the offline base has no tiles
    online = base_map(atlas, "en", "osm").get_root().render()
    assert "tile.openstreetmap.org" in online


def test_the_same_state_gives_the_same_script(atlas):
    one = date_groups(atlas, D("1942-03-01"), ["manchukuo", "korea"])
    two = date_groups(atlas, D("1942-03-02"), ["manchukuo", "korea"])
    assert features(one[0]) == features(two[0])


# ---------------------------------------------------------------- hostile data


def hostile_atlas() -> Atlas:
    """A tiny atlas whose every text field tries to inject HTML or script."""
    sources = [  # registry ids with hostile locators
        "coox-1985:javascript:alert(1)",
        'natural-earth:<script>x</script> https://example.org/a?b=<c>&d="e" javascript:alert(2)',
    ]
    common = {
        "name_en": HOSTILE[0],
        "name_fr": HOSTILE[1],
        "name_native": HOSTILE[2],
        "valid_from": "1939-05-11",
        "valid_to": None,
        "sources": sources,
        "notes": HOSTILE[1],
    }
    area = {
        "type": "Feature",
        "geometry": box(120, 40, 125, 45).__geo_interface__,
        "properties": {**common, "id": "evil_area", "status": "colony", "controller": "Japan"},
    }
    route = {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [[117, 47], [125, 44], [121, 39]]},
        "properties": {
            **common,
            "id": "evil_axis",
            "front": "transbaikal",
            "army": HOSTILE[0],
            "commander": HOSTILE[2],
            "strength": {"text_en": HOSTILE[0], "men": 1000},
            "waypoints": [
                {"name_en": HOSTILE[0], "date": None, "note": HOSTILE[1], "lon": 117, "lat": 47},
                {"name_en": HOSTILE[1], "date": "1945-08-20", "lon": 125, "lat": 44},
                {"name_en": HOSTILE[2], "date": "1945-08-22", "lon": 121, "lat": 39},
            ],
        },
    }
    city = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [123, 42]},
        "properties": {**common, "id": "evil_city", "rank": 1, "modern_name": HOSTILE[0]},
    }
    event = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [123, 42]},
        "properties": {
            **common,
            "id": "evil_event",
            "date": "1945-08-20",
            "date_end": None,
            "time": "17:00",
            "utc_offset": "+03:00",
            "time_zone": HOSTILE[0],
            "title_en": HOSTILE[0],
            "title_fr": HOSTILE[1],
            "text_en": HOSTILE[2],
            "text_fr": HOSTILE[2],
            "layers": ["evil"],
            "importance": 1,
        },
    }
    specs = [
        (LayerSpec("evil", "evil.geojson", "territory", HOSTILE[0], HOSTILE[1], True, 10), area),
        (
            LayerSpec(
                "august_storm", "a.geojson", "route", "Axes", "Axes", True, 51, None, "route", True
            ),
            route,
        ),
        (LayerSpec("cities", "c.geojson", "point", "Cities", "Villes", True, 60, "cities"), city),
    ]
    layers = {spec.id: build_layer(spec, [f], [], set()) for spec, f in specs}
    assert all(len(layer.frame) == 1 for layer in layers.values()), [
        layer.problems for layer in layers.values()
    ]
    events_spec = LayerSpec("events", "e.geojson", "event", "E", "E", True, 70)
    events = build_layer(events_spec, [event], [], set()).frame
    assert len(events) == 1
    return Atlas(layers=layers, events=events)


def rendered_html(groups) -> list[str]:
    """Every HTML string the map would show: tooltips, popups, labels, arrows, boxes."""
    found = []
    for group in groups:
        for child in group._children.values():
            if isinstance(child, AtlasGeoJson):
                for props in child.properties:
                    found += [props[k] for k in ("t", "p", "l", "h") if props.get(k)]
            elif isinstance(child, MapBox):
                found.append(child.html)
    return found


def assert_safe(html: str) -> None:
    """No tag or event handler from data, and links only to http(s)."""
    lowered = html.lower()
    for attack in HOSTILE:
        assert attack not in html
    for tag in ("<script", "<img", "<svg onload"):
        assert tag not in lowered, html
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith(("http://", "https://")), href


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_hostile_text_is_escaped_everywhere(lang):
    atlas = hostile_atlas()
    ids = ["evil", "august_storm", "cities", "events"]
    groups = date_groups(atlas, D("1945-08-20"), ids, lang)
    shown = rendered_html(groups)
    assert len(shown) > 8
    for html in shown:
        assert_safe(html)
    everything = "".join(shown)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in everything
    assert 'href="https://www.naturalearthdata.com/' in everything  # the registry's URL
    assert 'href="https://example.org' not in everything  # a locator's URL stays text
    assert "javascript:alert(2)" in everything.replace("&quot;", '"')  # as text, not a link
    # the scripts themselves: no raw "<" from data can close the <script> block
    m = base_map(atlas, lang)
    for group in groups:
        group.add_to(m)
    page = m.get_root().render()
    for attack in HOSTILE:
        assert attack not in page


def test_hostile_upload_is_escaped_in_the_legend_and_popups(atlas):
    feature = {
        "type": "Feature",
        "geometry": box(100, 30, 101, 31).__geo_interface__,
        "properties": {
            "id": "u1",
            "name_en": HOSTILE[0],
            "name_fr": HOSTILE[1],
            "name_native": None,
            "valid_from": "1939-05-11",
            "valid_to": None,
            "sources": ["javascript:alert(1)"],
            "status": HOSTILE[1],
            "controller": HOSTILE[0],
        },
    }
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    layer, problems = read_upload("evil <b>.geojson", data)
    assert layer is not None, problems
    merged = with_user_layers(atlas, [layer])
    groups = date_groups(merged, D("1941-04-13"), [layer.spec.id], "en")
    for html in rendered_html(groups):
        assert_safe(html)
    legend = legend_box_html(merged, D("1941-04-13"), [layer.spec.id], "en")
    assert "&lt;script&gt;" in legend and HOSTILE[0] not in legend
    store = GeometryStore("/x.json", frozenset({"u1"}))
    element = next(
        iter(layer_group(merged, layer.spec.id, D("1941-04-13"), store=store)._children.values())
    )
    assert '"geometry":null' not in element.data_json  # uploads never go to the shared store


def test_script_json_cannot_close_a_script_block():
    text = script_json({"a": "</script><script>alert(1)</script>", "b": "\u2028"})
    assert "</" not in text and "<" not in text and "\u2028" not in text
    assert json.loads(text)["a"].startswith("</script>")


def test_events_at_one_place_share_one_marker_that_lists_them_all(atlas):
    group = events_group(atlas, D("1945-08-19"))
    at_kalgan = [
        p for p in features(group) if "Kalgan" in p["p"] and "Mengjiang regime dissolved" in p["p"]
    ]
    assert len(at_kalgan) == 1, "one marker at Kalgan"
    popup = at_kalgan[0]["p"]
    assert "Soviet–Mongolian forces reach Kalgan" in popup and "atlas-event-list" in popup
    assert at_kalgan[0]["s"]["fillColor"] == TEXT  # on the day
    places = [
        (round(e["geometry"].x, 3), round(e["geometry"].y, 3))
        for e in nearby_events(atlas, D("1945-08-19"))
    ]
    assert len(features(group)) == len(set(places))


def test_territory_names_sit_inside_their_territory_and_follow_the_date(atlas):
    early = group_of(date_groups(atlas, D("1941-04-13"), ["manchukuo"]), "manchukuo")
    late = group_of(date_groups(atlas, D("1945-08-25"), ["manchukuo"]), "manchukuo")
    names = {p["n"]: p for p in features(early) if "n" in p}
    assert "Manchukuo" in names and names["Manchukuo"]["nc"] == "atlas-area-rank-1"
    assert "Manchukuo" not in {p.get("n") for p in features(late)}  # gone with Manchukuo
    assert "Manchuria" in {p.get("n") for p in features(late)}
    for spec_id in ("manchukuo", "korea", "mongolia", "mengjiang", "japan"):
        for props, geometry in feature_rows(atlas.layers[spec_id].on(D("1941-04-13"))):
            lon, lat, _ = label_point(props["id"], geometry)
            assert geometry.buffer(1e-9).contains(Point(lon, lat)), props["id"]


def test_map_names_are_short_and_escaped():
    assert map_name({"name_en": "Korea (Chōsen)"}, "en") == "Korea"
    assert map_name({"name_fr": "Corée au sud du 38e parallèle : occupation"}, "fr") == (
        "Corée au sud du 38e parallèle"
    )
    assert map_name({"name_en": "Long name", "label_en": "Short"}, "en") == "Short"
    shown, _ = name_feature({"id": "x", "name_en": HOSTILE[0]}, box(110, 40, 120, 45), "en")
    assert "<script>" not in shown["n"] and shown["nc"] == "atlas-area-rank-1"
    assert name_feature({"id": "far", "name_en": "Far"}, box(10, 40, 12, 45), "en") is None


def renamed(atlas: Atlas, names: dict[str, str]) -> Atlas:
    """The atlas with layers under other ids: the code must go by the catalogue's flags."""
    layers = {}
    for layer_id, layer in atlas.layers.items():
        new_id = names.get(layer_id, layer_id)
        layers[new_id] = replace(layer, spec=replace(layer.spec, id=new_id))
    return replace(atlas, layers=layers)


def test_special_layers_are_found_by_their_flags_not_their_ids(atlas):
    from layers.static import render_image

    names = {"basemap": "land", "cities": "towns", "august_storm": "axes", "railways": "rails"}
    other = renamed(atlas, names)
    day = D("1945-08-12")
    ids = atlas.default_layer_ids()
    other_ids = [names.get(i, i) for i in ids]
    assert [s.id for s in render.drawn_specs(other, other_ids)] == [
        names.get(s.id, s.id) for s in render.drawn_specs(atlas, ids)
    ]
    legend = legend_box_html(other, day, other_ids, "en")
    assert legend == legend_box_html(atlas, day, ids, "en")
    assert "not yet reached, or date unknown" in legend and "Railway" in legend
    dotted = features(layer_group(other, "axes", day))
    assert any(p.get("s", {}).get("dashArray") == PLANNED_DASH for p in dotted)
    rails = features(layer_group(other, "rails", day))
    assert {p["s"]["dashArray"] for p in rails} == {"6 3"}
    drawn = [c for c in base_map(other)._children.values() if isinstance(c, AtlasGeoJson)]
    assert len(drawn) == 3  # land, land outside the scope, graticule
    image = render_image(other, day, other_ids, width=480, height=300, dpi=72)
    assert image == render_image(atlas, day, ids, width=480, height=300, dpi=72)


def drawn(group) -> list[tuple]:
    """What a feature group draws: each element's features and options, or box."""
    found = []
    for child in group._children.values():
        if isinstance(child, AtlasGeoJson):
            found.append(("geojson", child.data_json, child.options_json))
        elif isinstance(child, MapBox):
            found.append(("box", child.html, child.position, child.css_class))
        else:
            found.append(("other", type(child).__name__))
    return found


def test_the_app_draws_every_group_of_map_groups_in_order(atlas):
    """The app's map path (mapview._group_scripts) sends one script per group: every drawn
    layer, the events of the date and the legend; none dropped, none added."""
    from atlas_app import mapcomponent, mapview

    day, ids = D("1945-08-09"), [*atlas.default_layer_ids(), render.EVENTS_ID]
    scripts = mapview._group_scripts(atlas, day, ids, "en", None)
    groups = render.map_groups(atlas, day, ids, "en", None)
    drawn_ids = [s.id for s in render.drawn_specs(atlas, ids)]
    assert [key[0] for key, _ in groups] == [*drawn_ids, render.EVENTS_ID, render.OVERLAY]
    assert scripts == [mapcomponent.group_script(build(), i) for i, (_, build) in enumerate(groups)]
    assert len(scripts) == len(drawn_ids) + 2
    events = nearby_events(atlas, day)
    assert events
    for event in events:  # the events group reaches the app
        assert script_json(escape(event["title_en"]))[1:-1] in scripts[len(drawn_ids)]
    assert "atlas-legend-box" in scripts[-1] and "atlas-date-box" in scripts[-1]
    for layer_id, script in zip(drawn_ids, scripts, strict=False):
        assert f"feature_group_{drawn_ids.index(layer_id)}" in script


def test_equal_cache_keys_draw_identical_groups_over_the_whole_period(atlas):
    """Every fifth day of the atlas: groups with the same key in map_groups draw the same."""
    ids = [*atlas.default_layer_ids(), render.EVENTS_ID]
    seen: dict[tuple, list] = {}
    shared = 0
    day = ATLAS_START
    while day <= ATLAS_END:
        for key, build in render.map_groups(atlas, day, ids, "en"):
            shown = drawn(build())
            if key in seen:
                assert shown == seen[key], (key, day)
                shared += 1
            else:
                seen[key] = shown
        day += dt.timedelta(days=5)
    assert shared > len(seen)  # most groups are shared between dates


def test_the_tooltip_of_a_long_event_gives_its_span():
    event = {
        "date": "1944-07-29",
        "date_end": "1944-11-21",
        "title_en": "B-29s",
        "on_day": False,
        "geometry": Point(131.9, 43.1),
    }
    shown, _ = event_feature([event], "en")
    assert "29 July 1944 – 21 November 1944" in shown["t"]
    shown, _ = event_feature([{**event, "date_end": None}], "en")
    assert "–" not in shown["t"]


def test_chinese_held_western_suiyuan_is_not_labelled_mengjiang(atlas):
    """The Hetao and the Ordos, claimed by Mengjiang but held by Fu Zuoyi's Nationalists, were
    labelled "Mengjiang" (the layer's title) on the default map, in Chinese green."""
    rows = dict(
        (props["id"], props)
        for props, _ in feature_rows(atlas.layers["mengjiang"].on(D("1941-04-13")))
    )
    west = rows["mengjiang_west_contested"]
    assert west["controller"] == "ROC"
    assert map_name(west, "en") == "Western Suiyuan"
    assert map_name(west, "fr") == "Suiyuan occidental"
