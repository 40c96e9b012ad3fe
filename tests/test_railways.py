"""The railway layer draws the trunk lines a reader of the war in China and Korea expects."""

from __future__ import annotations

import datetime as dt
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
