"""China proper by date: the Japanese-held zone, the collaborationist governments, base areas."""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from layers import build_china
from layers.loading import load_atlas
from layers.model import snapshot, territory_at
from layers.validate import GEODATA

D = dt.date.fromisoformat
CHINA_LAYERS = {"china", "occupied_china", "collaborationist_china", "ccp_base_areas"}


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def controllers(atlas, day: str, lat: float, lon: float) -> list[str]:
    return [t["controller"] for t in territory_at(atlas, D(day), lon, lat)]


@pytest.mark.parametrize(
    ("lat", "lon", "day", "controller"),
    [
        (39.90, 116.40, "1941-06-01", "Japan"),  # Peking
        (32.06, 118.78, "1941-06-01", "Japan"),  # Nanking
        (23.13, 113.26, "1941-06-01", "Japan"),  # Canton
        (20.04, 110.34, "1941-06-01", "Japan"),  # Haikou
        (31.23, 121.47, "1942-06-01", "Japan"),  # Shanghai
        (29.56, 106.55, "1941-06-01", "ROC"),  # Chungking
        (25.27, 110.29, "1944-06-01", "ROC"),  # Guilin before Ichi-Go reached it
        (25.27, 110.29, "1944-12-01", "Japan"),  # Guilin after 10 November 1944
        (25.27, 110.29, "1945-08-01", "ROC"),  # Guilin retaken 27/28 July 1945
        (22.82, 108.32, "1940-01-01", "Japan"),  # Nanning, held Nov 1939 - Oct 1940
        (22.82, 108.32, "1941-01-01", "ROC"),
        (22.82, 108.32, "1944-12-15", "Japan"),
        (30.70, 111.29, "1940-06-01", "ROC"),  # Ichang before 12 June 1940
        (30.70, 111.29, "1940-07-01", "Japan"),
        (26.07, 119.30, "1941-06-01", "Japan"),  # Foochow, April-September 1941
        (26.07, 119.30, "1942-06-01", "ROC"),
        (28.97, 118.87, "1942-07-01", "Japan"),  # Quzhou in the 1942 campaign
        (28.97, 118.87, "1942-09-15", "ROC"),  # given back
        (29.08, 119.65, "1942-09-15", "Japan"),  # Kinhwa kept
        (35.58, 111.97, "1941-05-26", "ROC"),  # between Yicheng and Qinshui, south Shanxi:
        (35.58, 111.97, "1941-06-01", "Japan"),  # no Chinese enclave after the Zhongtiao battle
        (36.59, 109.49, "1941-06-01", "CCP"),  # Yan'an
        (32.06, 118.78, "1945-09-20", "ROC"),  # Nanking after the surrender of 9 September
        (29.65, 91.10, "1941-04-13", "Tibet"),  # Lhasa: de facto independent, claimed by China
        (29.65, 91.10, "1946-04-13", "Tibet"),
        (31.14, 97.18, "1943-01-01", "Tibet"),  # Chamdo, west of the upper Yangtze
        (30.05, 101.96, "1943-01-01", "ROC"),  # Kangding, capital of Xikang province
    ],
)
def test_controller_of_places_by_date(atlas, lat, lon, day, controller):
    assert controllers(atlas, day, lat, lon) == [controller]


def test_collaborationist_governments_by_date(atlas):
    peking, nanking = (39.90, 116.40), (32.06, 118.78)
    assert territory_at(atlas, D("1939-06-01"), peking[1], peking[0])[0]["id"].startswith(
        "provisional_government"
    )
    assert territory_at(atlas, D("1939-06-01"), nanking[1], nanking[0])[0]["id"].startswith(
        "reformed_government"
    )
    north = territory_at(atlas, D("1943-01-01"), peking[1], peking[0])[0]
    south = territory_at(atlas, D("1943-01-01"), nanking[1], nanking[0])[0]
    assert north["id"].startswith("north_china_political_council")
    assert south["id"].startswith("reorganized_national_government")
    assert {north["status"], south["status"]} == {"puppet_state"}
    # after Wang's government ended on 16 August 1945 the zone is military occupation
    after = territory_at(atlas, D("1945-08-20"), nanking[1], nanking[0])[0]
    assert (after["layer"], after["status"]) == ("occupied_china", "military_occupation")


@pytest.mark.parametrize(
    "day", ["1939-05-11", "1940-06-15", "1942-09-15", "1944-12-10", "1945-08-20", "1945-09-20"]
)
def test_china_is_one_partition_per_date(atlas, day):
    """The China layers never overlap, and together cover what the ROC layer alone did."""
    shown = snapshot(atlas, D(day), sorted(CHINA_LAYERS))
    frames = [f for f in shown.values() if len(f)]
    geoms = gpd.GeoSeries([g for f in frames for g in f.geometry], crs=4326).to_crs("EPSG:6933")
    total = shapely.union_all(geoms.to_numpy())
    assert sum(geoms.area) == pytest.approx(total.area, rel=1e-3)
    occupied = (
        shown["occupied_china"].geometry.tolist()
        + shown["collaborationist_china"].geometry.tolist()
    )
    assert occupied, "Japan held part of China on every sampled date"


def test_occupied_zone_grows_with_ichigo_and_shrinks_in_1945(atlas):
    def area(day):
        shown = snapshot(atlas, D(day), ["occupied_china", "collaborationist_china"])
        geoms = [g for f in shown.values() for g in f.geometry]
        return gpd.GeoSeries(geoms, crs=4326).to_crs("EPSG:6933").area.sum() / 1e6

    assert area("1944-03-01") < area("1944-12-10")
    assert area("1945-08-01") < area("1944-12-10")
    assert area("1945-09-20") < 0.1 * area("1945-08-20")  # only garrisons after 9 September


def test_shaan_gan_ning_never_exceeds_the_sources_and_says_it_understates(atlas):
    frame = snapshot(atlas, D("1941-06-01"), ["ccp_base_areas"])["ccp_base_areas"]
    frame = frame[frame["id"].str.startswith("shaan_gan_ning")]  # not the bases behind the lines
    assert len(frame) == 1
    km2 = frame.to_crs("EPSG:6933").area.sum() / 1e6
    # sources: 100,000-135,000 km² of whole counties; the ring through the county seats
    # gives less, and the notes must give the drawn figure
    assert 40_000 < km2 < 135_000
    stated = round(km2 / 5000) * 5000
    assert f"{stated:,}" in frame.iloc[0]["notes"]


def test_peking_named_by_its_controller(atlas):
    def name(day):
        cities = snapshot(atlas, D(day), ["cities"])["cities"]
        row = cities[cities["id"].str.startswith("city_peiping")]
        assert len(row) == 1
        return row.iloc[0]["name_en"], row.iloc[0]["name_native"]

    assert name("1941-06-01") == ("Peking", "北京")
    assert name("1945-10-10") == ("Peiping", "北平")


def test_capitals_by_date(atlas):
    def capital(key, day):
        cities = snapshot(atlas, D(day), ["cities"])["cities"]
        return cities[cities["id"].str.startswith(f"city_{key}")].iloc[0]["capital_of"]

    assert capital("nanking", "1941-06-01") == "collaborationist_china"
    assert pd.isna(capital("nanking", "1945-09-01"))
    assert capital("chungking", "1941-06-01") == "china"
    assert capital("yanan", "1941-06-01") == "ccp_base_areas"


def test_every_piece_and_rule_cites_registered_sources():
    registry = json.loads((GEODATA / "sources.json").read_text("utf-8"))["sources"]
    data = build_china.load_plan()
    for item in [*data["pieces"], *data["rules"]]:
        assert item["sources"], item["id"]
        for source in item["sources"]:
            assert source.split(":")[0] in registry, (item["id"], source)
    for piece in data["pieces"]:
        assert piece["accuracy"] and piece["notes"] and piece["notes_fr"], piece["id"]


def test_assign_gives_each_atom_the_first_matching_rule():
    square = shapely.box(0, 0, 2, 2)
    piece = build_china.Piece("p", "occupied", "1940-01-01", "1941-01-01", True, square, {})
    plan = build_china.ChinaPlan(
        cells={},
        atoms=(
            build_china.Atom("a", frozenset({"p"}), "CN.HB"),
            build_china.Atom("b", frozenset({"p"}), "CN.GX"),
            build_china.Atom("c", frozenset(), "CN.HB"),
        ),
        pieces={"p": piece},
        rules=(
            {
                "id": "north",
                "group": "occupied",
                "provinces": ["CN.HB"],
                "valid_from": "1939-01-01",
                "valid_to": None,
                "governed_only": True,
            },
            {
                "id": "rest",
                "group": "occupied",
                "provinces": None,
                "valid_from": "1939-01-01",
                "valid_to": None,
            },
        ),
        roc_groups={"CN.HB": "n", "CN.GX": "s"},
    )
    owned = build_china.assign(plan, "1940-06-01")
    assert {k: [a.name for a in v] for k, v in owned.items()} == {
        "north": ["a"],
        "rest": ["b"],
        None: ["c"],
    }
    assert [a.name for a in build_china.assign(plan, "1941-01-01")[None]] == ["a", "b", "c"]
