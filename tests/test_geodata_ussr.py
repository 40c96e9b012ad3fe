"""The whole USSR and the audit fixes of issue #12 §3, checked on the shipped geodata."""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point

from layers.loading import load_atlas
from layers.model import territory_at
from layers.validate import GEODATA

D = dt.date.fromisoformat
NORILSK = (69.35, 88.20)
OVER_THE_SEA_71N = (71.2, 160.0)  # where the old repair invented land
BARENTS_SEA = (72.0, 40.0)
EAST_SIBERIAN_SEA = (73.0, 165.0)
KARA_SEA = (74.0, 70.0)
ARCTIC_SIBERIA = [(67.0, 150.0), (66.0, 120.0), (68.0, 100.0), (66.5, 170.0)]  # 65–69°N
BAIKONUR = (45.62, 63.31)
TBILISI, YEREVAN, BAKU = (41.72, 44.79), (40.18, 44.51), (40.41, 49.87)
KIEV, MINSK, ANKARA = (50.45, 30.52), (53.90, 27.57), (39.93, 32.86)
WARSAW, KALININGRAD = (52.23, 21.01), (54.71, 20.51)
KHALKHIN_STRIP = (47.72, 118.70)  # east of the river, west of the modern border
TAMSAG = (47.40, 117.50)  # Mongolia well west of the river
HEIJO, KEIJO, SEISHIN = (39.02, 125.75), (37.57, 126.98), (41.80, 129.78)


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


@pytest.fixture(scope="module")
def basemap():
    return gpd.read_file(GEODATA / "basemap.geojson")


def controllers(atlas, day: str, place: tuple[float, float]) -> set[str]:
    lat, lon = place
    return {t["controller"] for t in territory_at(atlas, D(day), lon, lat)}


def ids(atlas, day: str, place: tuple[float, float]) -> set[str]:
    lat, lon = place
    return {t["id"] for t in territory_at(atlas, D(day), lon, lat)}


def ussr_on(day: str):
    """The USSR on ``day`` as one row: the Soviet Union's own feature (its notes) with the
    geometry of everything Soviet that day, the lands annexed since 1939 included."""
    frame = gpd.read_file(GEODATA / "soviet_union.geojson")
    start, end = frame["valid_from"].astype(str), frame["valid_to"].astype(str)
    live = frame[(start <= day) & ((frame["valid_to"].isna()) | (end > day))]
    core = live[live["status"] == "sovereign_state"]
    assert len(core) == 1
    assert set(live["status"]) <= {"sovereign_state", "integral_territory"}
    whole = gpd.GeoSeries([live.union_all()], index=core.index, crs=live.crs)
    return core.set_geometry(whole)


def km2(frame) -> float:
    return float(frame.to_crs("EPSG:6933").area.sum()) / 1e6


def land(basemap, kind: str = "land"):
    return basemap.loc[basemap["kind"] == kind].geometry.iloc[0]


def test_the_ussr_covers_over_twenty_million_km2_in_1941():
    assert km2(ussr_on("1941-06-01")) >= 20e6


@pytest.mark.parametrize("place", [NORILSK, *ARCTIC_SIBERIA, BAIKONUR, TBILISI, YEREVAN, BAKU])
def test_arctic_siberia_baikonur_and_the_caucasus_are_soviet(atlas, place):
    assert controllers(atlas, "1941-06-01", place) == {"USSR"}


@pytest.mark.parametrize("place", [OVER_THE_SEA_71N, BARENTS_SEA, EAST_SIBERIAN_SEA, KARA_SEA])
def test_the_arctic_seas_stay_sea(atlas, basemap, place):
    lat, lon = place
    assert territory_at(atlas, D("1941-06-01"), lon, lat) == []
    assert not land(basemap).contains(Point(lon, lat))


def test_the_ussr_matches_natural_earth_within_one_percent():
    """The shipped USSR (with Tuva, Karafuto and the Kurils of 1946, all cut from Natural
    Earth's Russia) against the geodesic area of the source recorded at build time."""
    manifest = json.loads((GEODATA / "build_manifest.json").read_text("utf-8"))
    reference = manifest["reference_areas_km2"]["ussr_natural_earth_drawn"]
    assert reference > 20e6
    assert km2(ussr_on("1946-06-01")) == pytest.approx(reference, rel=0.01)
    # what is not drawn Soviet is small and accounted for: Chukotka east of 180°, Kaliningrad
    assert 0 < manifest["reference_areas_km2"]["ussr_natural_earth_east_of_180"] < 0.01 * reference
    assert 0 < manifest["reference_areas_km2"]["ussr_natural_earth_kaliningrad"] < 20_000


def test_no_land_in_the_ussr_has_a_hole_but_lakes():
    ussr = ussr_on("1941-06-01").geometry.iloc[0]
    holes = [Point(ring.coords[0]) for p in shapely.get_parts(ussr) for ring in p.interiors]
    # every hole of the USSR is a lake or the sea, never another territory's land
    everything = gpd.read_file(GEODATA / "basemap.geojson")
    other_land = land(everything).difference(ussr)
    assert not any(other_land.buffer(-0.05).contains(h) for h in holes)


@pytest.mark.parametrize("place", [WARSAW, KALININGRAD, ANKARA])
def test_land_west_of_the_ussr_is_marked_outside_the_scope(atlas, basemap, place):
    lat, lon = place
    assert territory_at(atlas, D("1941-06-01"), lon, lat) == []
    outside = basemap.loc[basemap["kind"] == "outside_scope"].iloc[0]
    assert outside.geometry.contains(Point(lon, lat))
    for key in ("notes", "notes_fr"):
        assert "1939" in outside[key] and "1941" in outside[key]
    assert not outside.geometry.intersects(ussr_on("1941-06-01").geometry.iloc[0].buffer(-0.01))


def test_khalkhin_gol_strip_is_contested_until_the_ceasefire(atlas):
    held = territory_at(atlas, D("1939-07-01"), KHALKHIN_STRIP[1], KHALKHIN_STRIP[0])
    assert [(t["id"], t["status"]) for t in held] == [("khalkhin_gol_contested", "contested")]
    assert ids(atlas, "1939-09-15", KHALKHIN_STRIP) == {"khalkhin_gol_contested"}
    assert ids(atlas, "1939-09-16", KHALKHIN_STRIP) == {"mongolia_mpr"}
    assert ids(atlas, "1939-07-01", TAMSAG) == {"mongolia_mpr_1939"}
    assert ids(atlas, "1939-05-10", KHALKHIN_STRIP) == set()  # before the atlas starts


def test_khalkhin_gol_strip_is_a_narrow_band_east_of_the_river():
    mongolia = gpd.read_file(GEODATA / "mongolia.geojson").set_index("id")
    strip = mongolia.loc[["khalkhin_gol_contested"]]
    assert 300 < km2(strip) < 3000  # about 20 km by 50–70 km
    assert not strip.geometry.iloc[0].intersects(
        mongolia.loc["mongolia_mpr_1939"].geometry.buffer(-0.001)
    )


def test_manchukuo_ends_on_18_august_1945(atlas):
    hsinking = (43.88, 125.32)
    assert ids(atlas, "1945-08-17", hsinking) == {"manchukuo_invasion"}
    assert ids(atlas, "1945-08-18", hsinking) == {"manchuria_soviet_occupation"}
    frame = atlas.layers["manchukuo"].frame.set_index("id")
    assert str(frame.loc["manchukuo_invasion", "valid_to"])[:10] == "1945-08-18"


def test_korea_north_of_the_38th_parallel_soviet_from_the_pyongyang_landing(atlas):
    # until the air-landings of 24 August one feature spans both sides of the parallel
    assert ids(atlas, "1945-08-23", HEIJO) == ids(atlas, "1945-08-23", KEIJO)
    assert controllers(atlas, "1945-08-23", HEIJO) == {"Japan"}
    assert controllers(atlas, "1945-08-24", HEIJO) == {"USSR"}
    assert controllers(atlas, "1945-08-27", KEIJO) == {"Japan"}
    assert controllers(atlas, "1945-09-02", HEIJO) == {"USSR"}
    assert controllers(atlas, "1945-09-02", KEIJO) == {"Japan"}
    assert controllers(atlas, "1945-09-09", KEIJO) == {"USA"}
    # the north-east, where the Soviet landings fought, is drawn on its own province outline
    assert ids(atlas, "1945-08-10", SEISHIN) == {"korea_northeast_fighting"}
    assert controllers(atlas, "1945-08-20", SEISHIN) == {"USSR"}
    assert controllers(atlas, "1945-08-08", SEISHIN) == {"Japan"}


def test_august_1945_front_strengths_add_up_to_the_invasion_total(atlas):
    frame = atlas.layers["august_storm"].frame
    fronts = [s for s in frame["strength"] if isinstance(s, dict) and s.get("front_men")]
    assert len(fronts) == 3
    totals = {s["invasion_men"] for s in fronts}
    assert len(totals) == 1
    assert sum(s["front_men"] for s in fronts) == totals.pop()
    tanks = {s["invasion_tanks"] for s in fronts}
    assert sum(s["front_tanks"] for s in fronts) == tanks.pop()


def test_the_1941_prewar_transfer_ends_in_the_kiev_district(atlas):
    frame = atlas.layers["siberian_transfers"].frame.set_index("id")
    route = frame.loc["transfer_1941_prewar"]
    assert route["stations"][-1] == "Shepetovka" and "Kiev" in route["stations"]
    assert "Moscow" not in " ".join(route["stations"])
    end = shapely.get_coordinates(route.geometry)[-1]
    assert end == pytest.approx((27.06, 50.18))


# The Kurils in August-September 1945 (review 2026-12-02-c, F3): each group of islands is drawn
# as it was taken, the north from Kamchatka first, the south from Ōdomari ten days later.
PARAMUSHIR, SHUMSHU, MATSUWA = (50.40, 155.85), (50.75, 156.30), (48.08, 153.22)
URUP, ETOROFU = (45.91, 150.00), (45.00, 147.60)
KUNASHIRI, SHIKOTAN = (44.03, 145.86), (43.80, 146.75)
HOKKAIDO, KARAFUTO = (43.50, 142.50), (47.50, 142.50)


def held(atlas, day: str, place: tuple[float, float]) -> list[tuple[str, str]]:
    lat, lon = place
    return [(t["controller"], t["status"]) for t in territory_at(atlas, D(day), lon, lat)]


JAPANESE = [("Japan", "sovereign_state")]
FOUGHT_OVER = [("Japan", "contested")]
SOVIET = [("USSR", "military_occupation")]


@pytest.mark.parametrize(
    ("place", "day", "expected"),
    [
        (SHUMSHU, "1945-08-17", JAPANESE),
        (SHUMSHU, "1945-08-18", FOUGHT_OVER),
        (PARAMUSHIR, "1945-08-23", FOUGHT_OVER),  # the garrison surrenders that day
        (PARAMUSHIR, "1945-08-24", SOVIET),
        (PARAMUSHIR, "1945-08-26", SOVIET),
        (MATSUWA, "1945-08-20", JAPANESE),  # the central islands wait while Shumshu is fought
        (MATSUWA, "1945-08-22", FOUGHT_OVER),
        (URUP, "1945-08-21", JAPANESE),
        (URUP, "1945-08-28", FOUGHT_OVER),
        (URUP, "1945-08-29", SOVIET),
        (ETOROFU, "1945-08-20", JAPANESE),
        (ETOROFU, "1945-08-27", JAPANESE),
        (ETOROFU, "1945-08-28", FOUGHT_OVER),
        (ETOROFU, "1945-09-01", SOVIET),
        (KUNASHIRI, "1945-08-20", JAPANESE),
        (KUNASHIRI, "1945-08-27", JAPANESE),
        (KUNASHIRI, "1945-08-31", JAPANESE),
        (KUNASHIRI, "1945-09-01", SOVIET),
        (SHIKOTAN, "1945-08-31", JAPANESE),
        (SHIKOTAN, "1945-09-01", SOVIET),
    ],
)
def test_the_kurils_are_taken_group_by_group(atlas, place, day, expected):
    assert held(atlas, day, place) == expected


def test_two_kuril_axes_kamchatka_to_urup_and_odomari_to_the_south(atlas):
    frame = atlas.layers["august_storm"].frame.set_index("id")
    north, south = frame.loc["storm_kurils"], frame.loc["storm_kurils_south"]
    assert north["stations"][0].startswith("Petropavlovsk") and north["stations"][-1] == "Urup"
    assert not any(s.startswith(("Etorofu", "Kunashiri")) for s in north["stations"])
    assert south["stations"][0] == "Ōdomari"
    dates = {wp["name_en"].split(" ")[0]: wp["date"] for wp in south["waypoints"]}
    assert dates["Etorofu"] == "1945-08-28" and dates["Kunashiri"] == "1945-09-01"
    # the northern axis reaches Urup on the last day of the central landings, no earlier
    (urup,) = [wp for wp in north["waypoints"] if wp["name_en"] == "Urup"]
    assert urup["date"] == "1945-08-28" and urup["date_uncertain"]


def test_karafuto_is_drawn_as_japan_proper_from_1_april_1943(atlas):
    """Made naichi on 1 April 1943, Karafuto has the status of Hokkaido and the Kurils."""
    assert held(atlas, "1943-03-31", KARAFUTO) == [("Japan", "colony")]
    for day in ("1943-04-01", "1945-04-05"):
        assert held(atlas, day, KARAFUTO) == held(atlas, day, HOKKAIDO) == JAPANESE
        assert held(atlas, day, KARAFUTO) == held(atlas, day, KUNASHIRI)
    (naichi,) = [t for t in territory_at(atlas, D("1944-01-01"), KARAFUTO[1], KARAFUTO[0])]
    assert "naichi" in naichi["notes"] and "naichi" in naichi["notes_fr"]


# --------------------------------------------------------------------------- review F1
# The Ukrainian and Byelorussian SSRs (founding republics, 1922) and the annexations of
# 1939-45, each from the day it became Soviet.
LWOW, RIGA, VILNIUS, TALLINN = (49.84, 24.03), (56.95, 24.11), (54.69, 25.28), (59.44, 24.75)
KISHINEV, TIRASPOL, CZERNOWITZ = (47.01, 28.86), (46.84, 29.63), (48.29, 25.93)
UZHGOROD, BREST, SHEPETOVKA = (48.62, 22.30), (52.10, 23.70), (50.18, 27.07)
VYBORG, PETSAMO = (60.71, 28.75), (69.53, 31.17)


@pytest.mark.parametrize("place", [KIEV, MINSK, TIRASPOL, SHEPETOVKA])
def test_soviet_ukraine_and_belorussia_are_soviet_from_the_start(atlas, place):
    for day in ("1939-05-11", "1939-06-01", "1941-06-01", "1946-05-01"):
        assert controllers(atlas, day, place) == {"USSR"}, day


@pytest.mark.parametrize(
    ("place", "first_soviet_day"),
    [
        (LWOW, "1939-09-17"),
        (BREST, "1939-09-17"),
        (KISHINEV, "1940-06-28"),
        (CZERNOWITZ, "1940-06-28"),
        (VILNIUS, "1940-08-06"),
        (RIGA, "1940-08-06"),
        (TALLINN, "1940-08-06"),
        (UZHGOROD, "1945-06-29"),
    ],
)
def test_annexed_lands_are_soviet_from_the_day_they_became_so(atlas, place, first_soviet_day):
    day = D(first_soviet_day)
    before = (day - dt.timedelta(days=1)).isoformat()
    assert controllers(atlas, before, place) == set(), before
    assert controllers(atlas, first_soviet_day, place) == {"USSR"}
    assert controllers(atlas, "1946-05-01", place) == {"USSR"}


def test_lwow_riga_and_kiev_on_the_briefs_dates(atlas):
    assert controllers(atlas, "1939-09-01", LWOW) == set()
    assert controllers(atlas, "1939-10-01", LWOW) == {"USSR"}
    assert controllers(atlas, "1940-08-05", RIGA) == set()
    assert controllers(atlas, "1940-08-06", RIGA) == {"USSR"}
    assert controllers(atlas, "1939-06-01", KIEV) == controllers(atlas, "1939-06-01", MINSK)


def test_the_riga_line_runs_between_the_border_towns():
    """The frontier of 1921-39 keeps each documented border town on its side."""
    frame = ussr_on("1939-06-01")
    ussr = frame.geometry.iloc[0]
    soviet = {"Drissa": (27.94, 55.78), "Polotsk": (28.79, 55.49), "Zaslavl": (27.27, 54.01),
              "Dzerzhinsk": (27.13, 53.69), "Kopyl": (27.09, 53.15), "Lenin": (27.49, 52.34),
              "Olevsk": (27.65, 51.21), "Novograd-Volynsky": (27.61, 50.59),
              "Slavuta": (26.87, 50.30), "Shepetovka": (27.07, 50.18)}  # fmt: skip
    polish = {"Dzisna": (28.21, 55.57), "Dokshitsy": (27.77, 54.89), "Rakow": (27.06, 53.97),
              "Stolbtsy": (26.74, 53.48), "Kletsk": (26.64, 53.06), "Mikashevichi": (27.48, 52.22),
              "Davyd-Gorodok": (27.22, 52.06), "Rokitno": (27.22, 51.28), "Sarny": (26.61, 51.34),
              "Ostrog": (26.52, 50.33), "Lanovtsy": (26.09, 49.86),
              "Lwow": (24.03, 49.84)}  # fmt: skip
    for name, (lon, lat) in soviet.items():
        assert ussr.contains(Point(lon, lat)), name
    for name, (lon, lat) in polish.items():
        assert not ussr.contains(Point(lon, lat)), name


def test_the_1941_prewar_transfer_ends_inside_the_ussr():
    ussr = ussr_on("1941-06-01").geometry.iloc[0]
    frame = gpd.read_file(GEODATA / "siberian_transfers.geojson").set_index("id")
    route = frame.loc["transfer_1941_prewar"].geometry
    assert ussr.buffer(0.01).contains(route)


@pytest.mark.parametrize("place", [VYBORG, PETSAMO])
def test_finnish_karelia_and_petsamo_are_still_drawn_soviet_a_known_error(atlas, place):
    """Not fixed yet (⚠ in the notes): Natural Earth's modern Russia includes the Karelian
    Isthmus and Petsamo. When the 1920 Tartu frontier is drawn, Vyborg must be Finnish on
    1940-01-01 and Petsamo until 1944-09-19; this test then fails and is to be inverted."""
    assert controllers(atlas, "1940-01-01", place) == {"USSR"}
    notes = ussr_on("1940-01-01").iloc[0]["notes"]
    assert "Vyborg" in notes and "Petsamo" in notes and "⚠" in notes


def test_the_ussr_notes_say_the_german_occupation_is_not_drawn():
    for day in ("1939-06-01", "1942-07-15", "1946-05-01"):
        row = ussr_on(day).iloc[0]
        assert "occupation" in row["notes"] and "⚠" in row["notes"]
        assert "occupation" in row["notes_fr"] and "⚠" in row["notes_fr"]
