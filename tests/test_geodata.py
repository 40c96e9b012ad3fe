"""The shipped geodata tells the documented history: places, dates, areas, events."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import geopandas as gpd
import pytest

from layers.loading import load_atlas
from layers.model import territory_at
from layers.validate import GEODATA, validate_folder

D = dt.date.fromisoformat

HSINKING = (43.88, 125.32)
HARBIN = (45.76, 126.64)
MUKDEN = (41.80, 123.43)
HAILAR = (49.21, 119.74)
CHENGDE = (40.97, 117.94)
CHIFENG = (42.27, 118.96)
DAIREN = (38.91, 121.60)
KALGAN = (40.82, 114.88)
PEKING = (39.90, 116.40)
VLADIVOSTOK = (43.12, 131.89)
KWEISUI = (40.84, 111.75)
DATONG = (40.09, 113.29)
BAOTOU = (40.66, 109.84)
ULAANBAATAR = (47.92, 106.92)
KYZYL = (51.72, 94.45)
KEIJO = (37.57, 126.98)
HEIJO = (39.02, 125.75)
TOYOHARA = (46.96, 142.74)


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def holders(atlas, day: str, place: tuple[float, float]) -> list[dict]:
    lat, lon = place
    return territory_at(atlas, D(day), lon, lat)


def layers_at(atlas, day: str, place) -> set[str]:
    return {t["layer"] for t in holders(atlas, day, place)}


def test_shipped_geodata_passes_the_validator():
    assert [str(p) for p in validate_folder(GEODATA)] == []


@pytest.mark.parametrize("place", [HSINKING, HARBIN, MUKDEN, HAILAR, CHENGDE, CHIFENG])
def test_manchukuo_cities_in_1941(atlas, place):
    assert layers_at(atlas, "1941-06-01", place) == {"manchukuo"}


@pytest.mark.parametrize(
    ("place", "layer"),
    [
        (DAIREN, "kwantung"),
        (KALGAN, "mengjiang"),
        (PEKING, "collaborationist_china"),
        (VLADIVOSTOK, "soviet_union"),
    ],
)
def test_places_outside_manchukuo_in_1941(atlas, place, layer):
    assert layers_at(atlas, "1941-06-01", place) == {layer}


@pytest.mark.parametrize("place", [KALGAN, KWEISUI, DATONG, BAOTOU])
def test_mengjiang_cities(atlas, place):
    found = holders(atlas, "1941-06-01", place)
    assert [(t["layer"], t["status"]) for t in found] == [("mengjiang", "puppet_state")]


def held(atlas, day: str, place) -> list[tuple[str, str, str]]:
    return [(t["layer"], t["controller"], t["status"]) for t in holders(atlas, day, place)]


def test_former_mengjiang_after_august_1945_is_divided_as_it_was_held(atlas):
    # Kalgan, far from the columns until they reached its passes on 19 August (F14)
    assert held(atlas, "1945-08-15", KALGAN) == [("mengjiang", "Japan", "puppet_state")]
    assert held(atlas, "1945-08-15", DATONG) == [("mengjiang", "Japan", "puppet_state")]
    assert held(atlas, "1945-08-20", KALGAN) == [("mengjiang", "Japan", "contested")]
    assert held(atlas, "1945-08-22", KALGAN) == [("mengjiang", "USSR", "military_occupation")]
    for day in ("1945-08-25", "1945-12-01", "1946-05-10"):
        assert held(atlas, day, KALGAN) == [("ccp_base_areas", "CCP", "base_area")]
    assert held(atlas, "1946-10-11", KALGAN) == [("china", "ROC", "sovereign_state")]
    # the Japanese garrison held Tatung after the surrender, the Communists the countryside
    assert held(atlas, "1945-08-25", DATONG) == [("china", "ROC", "contested")]
    assert held(atlas, "1946-05-03", DATONG) == [("china", "ROC", "contested")]
    for place in (KWEISUI, BAOTOU):
        assert held(atlas, "1945-09-15", place) == [("mengjiang", "ROC", "contested")]


XILINHOT = (43.95, 116.07)
SUNID_RIGHT = (42.74, 112.63)  # Saihan Tal, on the Zamyn-Üüd–Kalgan column's road
DOLONNUR = (42.20, 116.47)
JINING = (41.03, 113.10)


def test_mengjiang_in_august_1945_contested_only_where_the_columns_crossed(atlas):
    """Review 2026-12-02-c, F14: the Soviet–Mongolian columns crossed the Chahar and Xilingol
    steppe; Suiyuan (Kweisui, Paotow), South Chahar and North Shanxi stayed Mengjiang's."""
    puppet = [("mengjiang", "Japan", "puppet_state")]
    fought = [("mengjiang", "Japan", "contested")]
    for place in (XILINHOT, SUNID_RIGHT, DOLONNUR):
        assert held(atlas, "1945-08-08", place) == puppet
        assert held(atlas, "1945-08-09", place) == fought
        assert held(atlas, "1945-08-12", place) == fought
    for place in (KWEISUI, BAOTOU, JINING, KALGAN, DATONG):
        assert held(atlas, "1945-08-12", place) == puppet
        assert held(atlas, "1945-08-18", place) == puppet
    for place in (KWEISUI, BAOTOU):
        assert held(atlas, "1945-08-19", place) == [("mengjiang", "ROC", "contested")]


def test_manchuria_after_manchukuo_is_labelled_as_the_region_under_soviet_occupation(atlas):
    from layers.map_features import map_name

    (found,) = holders(atlas, "1945-09-01", HARBIN)
    assert found["id"].startswith("manchuria_soviet_occupation")  # split at Chengde's date
    assert "Manchukuo dissolved 18 August 1945" in found["name_en"]
    assert map_name(found, "en") == "Manchuria"
    assert map_name(found, "fr") == "Mandchourie"


def test_ulaanbaatar_in_mongolia_throughout(atlas):
    for day in ("1939-05-11", "1941-04-13", "1945-08-20", "1946-05-03"):
        assert layers_at(atlas, day, ULAANBAATAR) == {"mongolia"}


def test_kyzyl_tuvan_until_october_1944_then_soviet(atlas):
    assert layers_at(atlas, "1944-10-10", KYZYL) == {"tuva"}
    assert layers_at(atlas, "1944-10-11", KYZYL) == {"soviet_union"}


@pytest.mark.parametrize("place", [KEIJO, HEIJO])
def test_korean_cities(atlas, place):
    assert layers_at(atlas, "1941-06-01", place) == {"korea"}


def test_toyohara_japanese_then_soviet(atlas):
    assert [t["controller"] for t in holders(atlas, "1945-08-01", TOYOHARA)] == ["Japan"]
    assert [t["controller"] for t in holders(atlas, "1945-09-01", TOYOHARA)] == ["USSR"]


def test_korea_divided_in_september_1945(atlas):
    north = holders(atlas, "1945-09-15", HEIJO)
    south = holders(atlas, "1945-09-15", KEIJO)
    assert [(t["controller"], t["status"]) for t in north] == [("USSR", "military_occupation")]
    assert [(t["controller"], t["status"]) for t in south] == [("USA", "military_occupation")]
    early = holders(atlas, "1945-09-01", KEIJO)
    assert [(t["controller"], t["status"]) for t in early] == [("Japan", "colony")]


def test_manchukuo_invaded_then_occupied(atlas):
    assert holders(atlas, "1945-08-12", HARBIN)[0]["status"] == "contested"
    occupied = holders(atlas, "1945-08-20", HARBIN)[0]
    assert (occupied["controller"], occupied["status"]) == ("USSR", "military_occupation")
    # Harbin passed to the Communists on 28 April 1946 (tests/test_geodata_manchuria.py)
    assert holders(atlas, "1946-05-03", HARBIN)[0]["controller"] == "CCP"


AREAS_KM2 = {
    "manchukuo": (1_150_000, 1_350_000),
    "mengjiang": (450_000, 620_000),
    "mongolia": (1_450_000, 1_600_000),
    "korea": (210_000, 230_000),
    "karafuto": (33_000, 39_000),
    "kwantung": (3_000, 4_500),
    "tuva": (150_000, 185_000),
}


@pytest.mark.parametrize(("layer_id", "bounds"), AREAS_KM2.items())
def test_areas_in_equal_area_projection(atlas, layer_id, bounds):
    frame = atlas.layers[layer_id].on(D("1941-06-01"))
    area = frame.to_crs("EPSG:6933").area.sum() / 1e6
    low, high = bounds
    assert low <= area <= high, f"{layer_id}: {area:,.0f} km²"


def test_mengjiang_models_claimed_and_controlled_extents(atlas):
    frame = atlas.layers["mengjiang"].on(D("1941-06-01"))
    statuses = sorted(frame["status"])
    assert statuses == ["contested", "puppet_state"]
    areas = frame.set_index("status").to_crs("EPSG:6933").area / 1e6
    assert areas["puppet_state"] > areas["contested"] > 50_000


def test_modern_borders_come_from_natural_earth(atlas):
    """The Amur/Ussuri and Yalu/Tumen borders are shared exactly by the neighbours."""
    day = D("1941-06-01")
    manchukuo = atlas.layers["manchukuo"].on(day).union_all()
    korea = atlas.layers["korea"].on(day).union_all()
    ussr = atlas.layers["soviet_union"].on(day).union_all()
    for neighbour in (korea, ussr):
        shared = manchukuo.boundary.intersection(neighbour.boundary).length
        assert shared > 5  # degrees of common border: the rivers, not a point
        gap = gpd.GeoSeries([manchukuo.intersection(neighbour)], crs=4326).to_crs(6933).area[0]
        assert gap / 1e6 < 50  # km² of overlap: none to speak of


# id → date, for every event the French source article names
ARTICLE_EVENTS = {
    "ev_1940_06_22_fall_of_france": "1940-06-22",
    "ev_1940_09_27_tripartite_pact": "1940-09-27",
    "ev_1941_04_13_pact_signed": "1941-04-13",
    "ev_1941_04_13_declaration_mpr_manchukuo": "1941-04-13",
    "ev_1941_04_13_stalin_sees_off_matsuoka": "1941-04-13",
    "ev_1941_06_22_barbarossa": "1941-06-22",
    "ev_1941_07_02_imperial_conference": "1941-07-02",
    "ev_1941_12_05_moscow_counteroffensive": "1941-12-05",
    "ev_1942_07_01_yamashita_to_manchuria": "1942-07-01",
    "ev_1942_08_23_stalingrad": "1942-08-23",
    "ev_1945_02_11_yalta": "1945-02-11",
    "ev_1945_04_05_pact_denounced": "1945-04-05",
    "ev_1945_05_08_german_surrender": "1945-05-08",
    "ev_1945_08_08_soviet_declaration_of_war": "1945-08-08",
    "ev_1945_08_09_invasion_of_manchuria": "1945-08-09",
    "ev_1946_04_25_pact_lapses": "1946-04-25",
}


def test_every_article_event_is_present_with_its_date(atlas):
    dates = dict(zip(atlas.events["id"], atlas.events["date"], strict=True))
    assert {k: dates.get(k) for k in ARTICLE_EVENTS} == ARTICLE_EVENTS


def test_events_span_the_atlas_and_are_bilingual(atlas):
    events = atlas.events
    assert len(events) >= 45
    assert events["date"].min() == "1939-05-11"
    assert events["date"].max() == "1946-05-03"
    for column in ("title_en", "title_fr", "text_en", "text_fr"):
        assert events[column].str.len().min() > 5
    assert (events["title_en"] != events["title_fr"]).mean() > 0.8


def test_declaration_of_war_encodes_the_documented_hour_and_the_disagreement(atlas):
    event = atlas.events.set_index("id").loc["ev_1945_08_08_soviet_declaration_of_war"]
    assert (event["time"], event["utc_offset"]) == ("17:00", "+03:00")
    assert "23:00" in event["notes"] and "17:00" in event["notes"]
    assert "23 h" in event["notes_fr"]
    lapse = atlas.events.set_index("id").loc["ev_1946_04_25_pact_lapses"]
    assert "13" in lapse["notes"]


def test_siberian_transfers_phases_carry_strength_and_caveats(atlas):
    frame = atlas.layers["siberian_transfers"].frame.set_index("id")
    war = frame.loc["transfer_1941_war"]
    assert war["strength"]["men"] == 123_000
    assert war["strength"]["divisions"] == 18
    moscow = frame.loc["transfer_1941_moscow_batch"]["notes"]
    assert "Glantz" in moscow and "reserve armies" in moscow and "29 June" in moscow
    reverse = frame.loc["transfer_1945_reverse"]
    assert reverse["valid_from"] == "1945-04-13"
    # The unchecked Soviet totals (quoted only by Suvorov) are no longer given as figures.
    assert reverse["strength"]["divisions"] is None and reverse["strength"]["railcars"] == 136_000


def test_august_storm_axes_reach_their_places_on_documented_dates(atlas):
    frame = atlas.layers["august_storm"].frame
    reached = {(wp["name_en"], wp["date"]) for wps in frame["waypoints"] for wp in wps}
    for place, day in [
        ("Harbin", "1945-08-18"),
        ("Mutankiang", "1945-08-16"),
        ("Kalgan", "1945-08-19"),
        ("Heijō", "1945-08-26"),
    ]:
        assert (place, day) in reached


def test_every_feature_names_its_sources():
    for path in GEODATA.glob("*.geojson"):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            sources = feature["properties"]["sources"]
            assert sources and all(isinstance(s, str) and s for s in sources), path.name


def test_shipped_layers_stay_small():
    total = sum(p.stat().st_size for p in GEODATA.glob("*.geojson"))
    # China proper by date (occupied zone and its ROC complement per epoch) adds ~2.5 MB,
    # South-East Asia ~1.3 MB and Indochina by country in 1945–46 ~0.4 MB, the Communist
    # base areas behind the lines ~0.5 MB and their gains of autumn 1945 ~0.6 MB, Xinjiang
    # ~0.2 MB: 9.4 MB in all in December 2026. The USSR is one feature for the whole period
    # with its annexations drawn apart, not a copy of the whole country per border change
    # (seven copies made 11.9 MB). The bound catches a build that stops simplifying or
    # repeats geometry, not the growth of the record itself.
    assert total < 10_500_000


def test_a_renamed_city_is_not_called_by_its_old_name_in_either_language():
    """Hsinking became Changchun on 18 August 1945, Keijō Seoul, Heijō Pyongyang: after a
    renaming the city's name in each language drops the old one (the French names kept it)."""
    cities = json.loads((GEODATA / "cities.geojson").read_text(encoding="utf-8"))["features"]
    places: dict[str, list[dict]] = {}
    for feature in cities:
        props = feature["properties"]
        places.setdefault(props["id"].rsplit("_", 1)[0], []).append(props)
    renamed = 0
    for periods in places.values():
        periods.sort(key=lambda p: p["valid_from"])
        for before, after in itertools.pairwise(periods):
            if before["name_en"] in after["name_en"] or after["name_en"] in before["name_en"]:
                continue  # the same name (Peking under two regimes, say)
            renamed += 1
            for lang in ("en", "fr"):
                old, new = before[f"name_{lang}"], after[f"name_{lang}"]
                assert old not in new, (after["id"], lang, new)
    assert renamed >= 5
