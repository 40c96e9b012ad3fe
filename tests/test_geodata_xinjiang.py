"""Xinjiang 1939–1946: Sheng Shih-ts'ai's province, the Soviet regiment at Hami, and the East
Turkestan Republic from its proclamation at Kuldja (12 November 1944) to the Manas River."""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import pytest
import shapely

from layers.loading import load_atlas
from layers.model import snapshot, territory_at
from layers.style import CONTROLLER_COLOURS
from layers.validate import CONTROLLERS, GEODATA

D = dt.date.fromisoformat
KULDJA, TIHWA, HAMI = (43.91, 81.32), (43.80, 87.60), (42.83, 93.51)
CHUGUCHAK, SHARASUME, WUSU = (46.75, 82.98), (47.85, 88.13), (44.43, 84.71)
JINGHE, BOLE, MANAS_TOWN, KASHGAR = (44.61, 82.89), (44.90, 82.07), (44.30, 86.21), (39.47, 75.99)
ETR_STEPS = ["1944-11-12", "1945-02-01", "1945-04-29", "1945-07-31", "1945-09-12"]


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def held(atlas, day: str, place: tuple[float, float]) -> list[str]:
    lat, lon = place
    return [t["controller"] for t in territory_at(atlas, D(day), lon, lat)]


@pytest.mark.parametrize(
    ("place", "day", "controller"),
    [
        (KULDJA, "1944-10-01", "ROC"),  # before the rising of 7 November 1944
        (KULDJA, "1944-11-12", "ETR"),  # the proclamation
        (KULDJA, "1945-03-01", "ETR"),
        (KULDJA, "1946-05-01", "ETR"),  # the coalition came only in June–July 1946
        (BOLE, "1945-03-01", "ROC"),  # the Bortala valley is drawn from 29 April 1945
        (BOLE, "1945-05-15", "ETR"),
        (CHUGUCHAK, "1945-01-01", "ROC"),
        (CHUGUCHAK, "1945-07-30", "ROC"),
        (CHUGUCHAK, "1945-07-31", "ETR"),  # taken on 31 July 1945
        (CHUGUCHAK, "1945-10-01", "ETR"),
        (SHARASUME, "1945-01-01", "ROC"),
        (SHARASUME, "1945-08-28", "ROC"),  # still Nationalist on 28 August (Soviet report)
        (SHARASUME, "1945-09-06", "ROC"),  # surrounded, supplied by air (FRUS)
        (SHARASUME, "1945-10-01", "ETR"),
        (JINGHE, "1945-08-15", "ROC"),  # the one town of the Ili district held into September
        (WUSU, "1945-08-15", "ROC"),
        (WUSU, "1945-09-06", "ROC"),  # under attack
        (WUSU, "1945-10-01", "ETR"),
        (MANAS_TOWN, "1946-01-15", "ROC"),  # east of the Manas River: the front held
        (KASHGAR, "1945-10-01", "ROC"),
        (HAMI, "1941-06-01", "ROC"),  # Chinese administration, the Soviet regiment's garrison
        (HAMI, "1943-06-15", "ROC"),  # the last fifth of the Soviet troops waited at Hami
        (HAMI, "1943-10-29", "ROC"),  # the last detachment left on 29 October 1943 (FRUS)
        (HAMI, "1945-10-01", "ROC"),
    ],
)
def test_controller_of_places_by_date(atlas, place, day, controller):
    assert held(atlas, day, place) == [controller]


def test_tihwa_is_chinese_on_every_month_of_the_atlas(atlas):
    day = D("1939-05-11")
    while day <= D("1946-05-31"):
        assert held(atlas, day.isoformat(), TIHWA) == ["ROC"], day
        day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def test_sheng_shih_tsais_province_is_its_own_roc_feature_until_his_removal(atlas):
    def feature(day):
        (one,) = territory_at(atlas, D(day), TIHWA[1], TIHWA[0])
        return one

    soviet, chungking, after = feature("1941-06-01"), feature("1943-06-01"), feature("1944-09-15")
    assert soviet["id"].startswith("sinkiang_sheng_soviet") and "USSR" in soviet["name_en"]
    assert chungking["id"].startswith("sinkiang_sheng_chungking")
    assert "Chungking" in chungking["name_en"] and "Tchongking" in chungking["name_fr"]
    assert after["id"].startswith("china_roc") and after["name_en"] == "Republic of China"
    assert {soviet["status"], chungking["status"], after["status"]} == {"sovereign_state"}
    # the tin-mines agreement is flagged as uncertain in both languages
    assert "26 November 1940" in soviet["notes"] and "⚠" in soviet["notes"]
    assert "26 novembre 1940" in soviet["notes_fr"] and "⚠" in soviet["notes_fr"]
    # the hand-over dates: 5 October 1942 (turn) and 29 August 1944 (removal)
    assert feature("1942-10-04")["id"].startswith("sinkiang_sheng_soviet")
    assert feature("1942-10-05")["id"].startswith("sinkiang_sheng_chungking")
    assert feature("1944-08-28")["id"].startswith("sinkiang_sheng_chungking")
    assert feature("1944-08-29")["id"].startswith("china_roc")


def test_the_hami_regiment_is_a_soviet_garrison_not_a_soviet_province(atlas):
    (garrison,) = territory_at(atlas, D("1941-06-01"), HAMI[1], HAMI[0])
    assert (garrison["layer"], garrison["status"]) == ("xinjiang", "foreign_garrison")
    # the controller is who administers under the garrison, as for Thailand and Indochina:
    # the legend reads "Rep. of China — own administration under foreign garrison"
    assert garrison["controller"] == "ROC" and "Soviet" in garrison["name_en"]
    frame = snapshot(atlas, D("1941-06-01"), ["xinjiang"])["xinjiang"]
    km2 = frame.to_crs("EPSG:6933").area.sum() / 1e6
    assert 900 < km2 < 1500  # a 20 km marker around the town, nothing more


def etr_km2(atlas, day: str) -> float:
    frame = snapshot(atlas, D(day), ["xinjiang"])["xinjiang"]
    frame = frame[frame["controller"] == "ETR"]
    return frame.to_crs("EPSG:6933").area.sum() / 1e6


def test_the_republic_grows_step_by_step_and_stops_at_the_manas(atlas):
    assert etr_km2(atlas, "1944-11-11") == 0
    areas = [etr_km2(atlas, day) for day in ETR_STEPS]
    assert areas == sorted(areas) and len(set(areas)) == len(areas)
    assert areas[0] < 5_000  # Kuldja and Nilka only
    # Ili, Tarbagatai and Altai with the Wusu–Manas plain: about 300,000 km² in the sources'
    # districts (modern Ili, Bortala, Tacheng and Altay prefectures)
    assert 220_000 < areas[-1] < 380_000
    assert etr_km2(atlas, "1946-05-31") == areas[-1]


@pytest.mark.parametrize(
    "day", ["1941-06-01", "1944-12-01", "1945-05-15", "1945-08-01", "1946-02-01"]
)
def test_china_and_xinjiang_layers_never_overlap(atlas, day):
    layers = ["china", "xinjiang", "occupied_china", "collaborationist_china", "ccp_base_areas"]
    shown = snapshot(atlas, D(day), layers)
    geoms = [g for f in shown.values() if len(f) for g in f.geometry]
    series = gpd.GeoSeries(geoms, crs=4326).to_crs("EPSG:6933")
    total = shapely.union_all(series.to_numpy())
    assert sum(series.area) == pytest.approx(total.area, rel=1e-4)


def test_every_etr_feature_names_its_controller_and_cites_works():
    data = json.loads((GEODATA / "xinjiang.geojson").read_text(encoding="utf-8"))
    etr = [f["properties"] for f in data["features"] if f["properties"]["controller"] == "ETR"]
    assert [p["valid_from"] for p in etr] == ETR_STEPS
    for props in etr:
        assert props["status"] == "de_facto_state"
        assert {"benson-1990", "wang-1999", "forbes-1986"} <= set(props["sources"])
        assert "⚠" in props["notes"] and "⚠" in props["notes_fr"]
    assert "ETR" in CONTROLLERS and "ETR" in CONTROLLER_COLOURS


def test_the_events_of_the_ili_rising_and_of_sheng(atlas):
    data = json.loads((GEODATA / "events.geojson").read_text(encoding="utf-8"))
    by_id = {f["properties"]["id"]: f["properties"] for f in data["features"]}
    proclaimed = by_id["ev_1944_11_12_east_turkestan_republic"]
    assert proclaimed["date"] == "1944-11-12" and "xinjiang" in proclaimed["layers"]
    assert by_id["ev_1946_01_02_xinjiang_agreement"]["date"] == "1946-01-02"
    assert by_id["ev_1944_08_29_sheng_removed"]["date"] == "1944-08-29"
    assert by_id["ev_1942_10_05_sheng_asks_soviets_to_leave"]["uncertain"] is True
