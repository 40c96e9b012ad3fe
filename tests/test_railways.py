"""The railway layer draws the trunk lines a reader of the war in China and Korea expects."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
import shapely

from layers.loading import load_atlas
from layers.model import snapshot
from layers.validate import GEODATA

# id → (lon, lat) places the line must pass through (within 2 km), first and last included
TRUNK_LINES = {
    "rail_peking_hankow": [(116.40, 39.90), (113.65, 34.75), (114.07, 32.13), (114.28, 30.59)],
    "rail_canton_hankow": [(114.28, 30.59), (112.97, 28.20), (112.57, 26.89), (113.26, 23.13)],
    "rail_tientsin_pukow": [(117.20, 39.13), (117.00, 36.67), (117.19, 34.26), (118.71, 32.12)],
    "rail_peking_mukden": [(116.40, 39.90), (117.20, 39.13), (119.75, 40.01), (123.43, 41.80)],
    "rail_keijo_fusan": [(126.98, 37.57), (128.60, 35.87), (129.04, 35.10)],
}


@pytest.fixture(scope="module")
def railways() -> dict[str, dict]:
    features = json.loads((GEODATA / "railways.geojson").read_text(encoding="utf-8"))["features"]
    return {f["properties"]["id"]: f for f in features}


@pytest.mark.parametrize(("line_id", "places"), TRUNK_LINES.items())
def test_trunk_line_runs_through_its_cities(railways, line_id, places):
    assert line_id in railways, f"{line_id} is not drawn"
    line = shapely.geometry.shape(railways[line_id]["geometry"])
    ends = [line.coords[0], line.coords[-1]]
    for lon, lat in places:
        assert line.distance(shapely.Point(lon, lat)) < 0.02, (line_id, lon, lat)
    assert shapely.Point(ends[0]).distance(shapely.Point(places[0])) < 0.1, line_id
    assert shapely.Point(ends[1]).distance(shapely.Point(places[-1])) < 0.1, line_id


def test_trunk_lines_say_both_languages_and_cite_registered_sources(railways):
    registry = json.loads((GEODATA / "sources.json").read_text(encoding="utf-8"))["sources"]
    for line_id in TRUNK_LINES:
        props = railways[line_id]["properties"]
        assert props["notes"] and props["notes_fr"] and props["notes"] != props["notes_fr"]
        assert props["name_fr"] != props["name_en"], line_id
        assert props["sources"] and all(s in registry for s in props["sources"]), line_id


def test_trunk_lines_are_on_the_map_of_the_default_date():
    atlas = load_atlas()
    shown = snapshot(atlas, dt.date(1941, 4, 13), ["railways"])["railways"]
    assert set(TRUNK_LINES) <= set(shown["id"])


# --------------------------------------------------------------------------- Soviet soil
# The Trans-Siberian's Amur and Ussuri lines run along the Manchukuo border on the Soviet
# bank. Drawn as chords between distant stations they cut through Manchukuo (review F2,
# 2 December 2026); every segment between two Soviet stations must now stay on Soviet soil.

FOREIGN_LAYERS = ("manchukuo", "korea", "mengjiang", "kwantung", "mongolia", "tuva", "china")
# Natural Earth 1:10m puts the Amur and Ussuri border within about a kilometre of the river:
# a segment that comes closer than this to a foreign territory may already be across it.
RIVER_BORDER_MARGIN_KM = 1.0
KM_PER_DEGREE = 111.0


def _features(layer: str) -> list[dict]:
    return json.loads((GEODATA / f"{layer}.geojson").read_text(encoding="utf-8"))["features"]


def _overlap(a: dict, b: dict) -> bool:
    """Whether two features' validity periods [valid_from, valid_to) share a day."""
    a_end, b_end = a["valid_to"] or "9999-12-31", b["valid_to"] or "9999-12-31"
    return a["valid_from"] < b_end and b["valid_from"] < a_end


@pytest.fixture(scope="module")
def foreign() -> list[tuple[dict, object]]:
    """Every territory on the map not held by the USSR, with its shape."""
    return [
        (f["properties"], shapely.geometry.shape(f["geometry"]))
        for layer in FOREIGN_LAYERS
        for f in _features(layer)
        if f["properties"]["controller"] != "USSR"
    ]


@pytest.fixture(scope="module")
def soviet_segments() -> list[tuple[str, dict, int, object]]:
    """(route id, its properties, segment number, segment) for every railway or transfer
    segment whose two stations are both in the USSR on the first day the route is drawn."""
    ussr = _features("soviet_union")
    segments = []
    for layer in ("railways", "siberian_transfers"):
        for f in _features(layer):
            props = f["properties"]
            day = {"valid_from": props["valid_from"], "valid_to": props["valid_from"] + "~"}
            soviet = shapely.union_all(
                [
                    shapely.geometry.shape(u["geometry"])
                    for u in ussr
                    if _overlap(u["properties"], day)
                ]
            )
            assert not soviet.is_empty, props["id"]
            coords = list(shapely.geometry.shape(f["geometry"]).coords)
            for i, (a, b) in enumerate(itertools.pairwise(coords)):
                if soviet.covers(shapely.Point(a)) and soviet.covers(shapely.Point(b)):
                    segments.append((props["id"], props, i, shapely.LineString([a, b])))
    return segments


def test_soviet_lines_are_checked_segment_by_segment(soviet_segments):
    ids = {route for route, *_ in soviet_segments}
    assert {"rail_trans_siberian", "rail_blagoveshchensk_branch", "rail_chita_otpor"} <= ids
    assert {"rail_ussuri_grodekovo", "transfer_1941_war", "transfer_1941_moscow_batch"} <= ids
    assert {"transfer_1942_stalingrad", "transfer_1945_reverse"} <= ids
    trans_siberian = [s for route, _, _, s in soviet_segments if route == "rail_trans_siberian"]
    assert len(trans_siberian) >= 30  # Moscow to Vladivostok, all on Soviet soil


def test_no_soviet_railway_or_transfer_crosses_foreign_territory(soviet_segments, foreign):
    crossings = []
    for route, props, i, segment in soviet_segments:
        for territory, shape in foreign:
            if _overlap(props, territory) and segment.distance(shape) * KM_PER_DEGREE < (
                RIVER_BORDER_MARGIN_KM
            ):
                crossings.append((route, i, territory["id"]))
    assert crossings == []


def test_the_old_chords_would_have_been_caught(foreign):
    """The segments drawn before the review (Karymskaya–Skovorodino, Skovorodino–
    Kuibyshevka-Vostochnaya, Khabarovsk–Voroshilov) do cross Manchukuo: the check bites."""
    manchukuo = next(shape for props, shape in foreign if props["id"] == "manchukuo_puppet")
    old_chords = [
        [(114.35, 51.62), (123.94, 53.99)],
        [(123.94, 53.99), (128.47, 50.92)],
        [(135.07, 48.48), (131.95, 43.80)],
    ]
    for chord in old_chords:
        assert shapely.LineString(chord).intersects(manchukuo), chord


# stations of the Amur and Ussuri lines the Trans-Siberian must pass (GeoNames, ±2 km)
AMUR_USSURI_STATIONS = {
    "Mogocha": (119.77, 53.74),
    "Yerofei Pavlovich": (121.96, 53.96),
    "Skovorodino": (123.94, 53.99),
    "Magdagachi": (125.81, 53.45),
    "Svobodny": (128.14, 51.38),
    "Obluchye": (131.05, 49.02),
    "Khabarovsk": (135.07, 48.48),
    "Bikin": (134.25, 46.82),
    "Iman": (133.74, 45.93),
    "Voroshilov": (131.95, 43.80),
}


@pytest.mark.parametrize("line_id", ["rail_trans_siberian", "transfer_1941_moscow_batch"])
def test_the_railway_and_the_transfers_pass_the_amur_and_ussuri_stations(railways, line_id):
    features = (
        railways
        if line_id in railways
        else {f["properties"]["id"]: f for f in _features("siberian_transfers")}
    )
    line = shapely.geometry.shape(features[line_id]["geometry"])
    for name, (lon, lat) in AMUR_USSURI_STATIONS.items():
        assert line.distance(shapely.Point(lon, lat)) < 0.02, (line_id, name)
        assert name in " ".join(features[line_id]["properties"]["stations"]), (line_id, name)


def test_every_transfer_east_of_the_urals_follows_the_drawn_railway(railways):
    """A transfer line east of Sverdlovsk lies on the Trans-Siberian as drawn (same stations)."""
    railway = shapely.geometry.shape(railways["rail_trans_siberian"]["geometry"])
    for f in _features("siberian_transfers"):
        for lon, lat in shapely.geometry.shape(f["geometry"]).coords:
            if lon > 62.0:  # east of the Urals (Chelyabinsk, 61.4°E, is on another line)
                assert railway.distance(shapely.Point(lon, lat)) < 1e-6, (
                    f["properties"]["id"],
                    lon,
                )
