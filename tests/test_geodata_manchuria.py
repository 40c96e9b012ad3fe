"""Manchuria from the Nationalist advance (November 1945) to the Soviet withdrawal (3 May 1946)."""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import pytest
import shapely

from layers import build_china
from layers.loading import load_atlas
from layers.map_features import map_name
from layers.model import snapshot, territory_at
from layers.validate import GEODATA
from tests.harness import overlaps_on

D = dt.date.fromisoformat
MUKDEN = (123.43, 41.80)
CHINCHOW = (121.13, 41.10)
SZEPINGKAI = (124.35, 43.17)
CHANGCHUN = (125.32, 43.88)
HARBIN = (126.64, 45.76)
TSITSIHAR = (123.92, 47.35)
PORT_ARTHUR = (121.25, 38.81)
# every layer that draws part of Manchuria in 1945-46
MANCHURIA_LAYERS = ["manchukuo", "china", "ccp_base_areas", "kwantung"]


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def held(atlas, day: str, place: tuple[float, float]) -> list[tuple[str, str, str]]:
    lon, lat = place
    return [
        (t["layer"], t["controller"], t["status"]) for t in territory_at(atlas, D(day), lon, lat)
    ]


SOVIET = [("manchukuo", "USSR", "military_occupation")]
NATIONALIST = [("china", "ROC", "sovereign_state")]
COMMUNIST = [("ccp_base_areas", "CCP", "base_area")]


@pytest.mark.parametrize(
    ("place", "day", "expected"),
    [
        (MUKDEN, "1945-10-01", SOVIET),
        (CHINCHOW, "1945-11-25", SOVIET),
        (CHINCHOW, "1945-11-26", NATIONALIST),  # entered 26 November 1945
        (MUKDEN, "1946-03-12", SOVIET),
        (MUKDEN, "1946-03-13", NATIONALIST),  # the Red Army gone, 13 March ⚠
        (MUKDEN, "1946-04-20", NATIONALIST),
        (SZEPINGKAI, "1946-03-16", SOVIET),
        (SZEPINGKAI, "1946-03-17", COMMUNIST),
        (CHANGCHUN, "1946-04-17", SOVIET),  # Soviets gone on 14 April, fighting to the 18th
        (CHANGCHUN, "1946-04-18", COMMUNIST),
        (HARBIN, "1946-04-20", SOVIET),
        (HARBIN, "1946-04-28", COMMUNIST),
        (TSITSIHAR, "1946-05-02", SOVIET),  # takeover date not checked: left in the remainder
        (MUKDEN, "1946-05-03", NATIONALIST),
        (HARBIN, "1946-05-03", COMMUNIST),
        (TSITSIHAR, "1946-05-03", [("manchukuo", "ROC", "contested")]),
        (PORT_ARTHUR, "1946-05-03", [("kwantung", "USSR", "military_occupation")]),
    ],
)
def test_who_holds_the_cities_by_date(atlas, place, day, expected):
    assert held(atlas, day, place) == expected


def test_the_remainder_is_labelled_by_date(atlas):
    def found(day):
        (feature,) = territory_at(atlas, D(day), *HARBIN)
        return feature

    assert map_name(found("1946-01-01"), "en") == "Manchuria"
    withdrawal = found("1946-04-20")
    assert map_name(withdrawal, "en") == "Manchuria: Soviet withdrawal under way"
    assert map_name(withdrawal, "fr") == "Mandchourie\xa0: retrait soviétique en cours"
    contested = territory_at(atlas, D("1946-05-03"), *TSITSIHAR)[0]
    assert map_name(contested, "fr") == "Mandchourie\xa0: guerre civile"


@pytest.mark.parametrize(
    "day", ["1945-09-01", "1945-11-26", "1945-12-10", "1946-03-13", "1946-04-20", "1946-05-03"]
)
def test_manchuria_is_one_partition_per_date(atlas, day):
    """The Manchurian pieces never overlap each other or anything else, and with the
    remainder they cover exactly what the Soviet occupation covered in September 1945."""
    assert overlaps_on(MANCHURIA_LAYERS, day)[1] == []

    occupied = snapshot(atlas, D("1945-09-01"), ["manchukuo"])["manchukuo"].union_all()

    def km2(shapes: list) -> float:
        return gpd.GeoSeries(shapes, crs=4326).to_crs("EPSG:6933").area.sum() / 1e6

    shown = snapshot(atlas, D(day), MANCHURIA_LAYERS)
    parts = [shapely.intersection(g, occupied) for f in shown.values() for g in f.geometry]
    assert km2(parts) == pytest.approx(km2([occupied]), rel=1e-3)


def test_pieces_are_small_and_documented():
    data = build_china.load_plan(build_china.MANCHURIA)
    registry = json.loads((GEODATA / "sources.json").read_text("utf-8"))["sources"]
    assert data["cell"] == "manchukuo"
    for item in [*data["pieces"], *data["rules"]]:
        assert item["sources"] and set(item["sources"]) <= set(registry), item["id"]
        assert item["notes"] and item["notes_fr"] and item["name_fr"], item["id"]
    for piece in data["pieces"]:
        assert piece["accuracy"].startswith(("A", "B", "C")), piece["id"]
        geometry = piece["geometry"]
        assert geometry.get("radius_km", 0) <= 30 and geometry.get("half_width_km", 0) <= 20


def test_a_plan_with_one_unprovinced_group_keeps_the_spec_id_for_its_first_run():
    square = shapely.box(0, 0, 2, 2)
    texts = {"name_en": "P", "name_fr": "P", "accuracy": "B", "notes": "n", "notes_fr": "n"}
    texts["sources"] = ["y"]
    piece = build_china.Piece("p", "held", "1946-03-13", None, True, square, texts)
    rule = {"id": "r", "layer": "l", "group": "held", "valid_from": "1946-03-13", "valid_to": None}
    rule |= {"name_native": None, "status": "s", "controller": "c", "sources": ["x"]}
    rule |= {"name_en": "R", "name_fr": "R", "notes": "n", "notes_fr": "n"}
    plan = build_china.ChinaPlan(
        cells={},
        atoms=(
            build_china.Atom("a", frozenset({"p"}), None),
            build_china.Atom("b", frozenset(), None),
        ),
        pieces={"p": piece},
        rules=(rule,),
        roc_groups={None: "all"},
        cell="region",
    )
    spec = {"id": "occ", "cells": ["region"], "valid_from": "1945-08-18", "valid_to": None}
    other = {"id": "other", "cells": ["elsewhere"], "valid_from": "1945-08-18", "valid_to": None}
    out = build_china.territory_specs(plan, [spec, other])
    runs = {s["id"]: (s["valid_from"], s["valid_to"], s["cells"]) for s in out}
    assert runs == {
        "other": ("1945-08-18", None, ["elsewhere"]),
        "occ": ("1945-08-18", "1946-03-13", ["a", "b"]),
        "occ_1946-03-13": ("1946-03-13", None, ["b"]),
        "r_1946-03-13": ("1946-03-13", None, ["a"]),
    }


def test_the_6th_guards_tank_army_is_across_the_khingan_before_hsinking(atlas):
    """Review 2026-12-02-c, F4: the tank army's road over the Khingan carries the approximate
    days of Glantz, Leavenworth Papers 7 (Lubei 11-12, Tuquan 12, Taonan 13-14 August), so it
    shows progress from 11 August instead of nothing until Hsinking on the 20th."""
    from layers.temporal import axis_progress

    frame = atlas.layers["august_storm"].frame.set_index("id")
    waypoints = frame.loc["storm_6th_guards_tank", "waypoints"]
    dates = {wp["name_en"]: (wp["date"], wp["date_uncertain"]) for wp in waypoints}
    assert dates["Lubei"] == ("1945-08-11", True)
    assert dates["Tuquan"] == ("1945-08-12", True)
    assert dates["Taonan"] == ("1945-08-13", True)
    names = [wp["name_en"] for wp in waypoints]
    assert axis_progress(waypoints, "1945-08-10") == 0
    assert names[axis_progress(waypoints, "1945-08-11")] == "Lubei"
    assert names[axis_progress(waypoints, "1945-08-14")] == "Taonan"
    assert names[axis_progress(waypoints, "1945-08-19")] == "Taonan"
