"""Period names and capital marks that follow the regime (findings 12, 18 and 19 of the
historian's review of 2 December 2026)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from layers.loading import load_atlas
from layers.map_features import map_name
from layers.model import snapshot, territory_at

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def city(atlas, key: str, day: str) -> pd.Series:
    cities = snapshot(atlas, D(day), ["cities"])["cities"]
    row = cities[(cities["id"] == f"city_{key}") | cities["id"].str.startswith(f"city_{key}_1")]
    assert len(row) == 1, (key, day, list(row["id"]))
    return row.iloc[0]


@pytest.mark.parametrize(
    ("key", "before", "day", "after", "native"),
    [
        # the port secured by the Soviet landing force (event of 11–17 August 1945)
        ("seishin", "Seishin", "1945-08-17", "Chongjin", "청진"),
        # the Soviet air-landing, the same day as Heijō → Pyongyang
        ("kanko", "Kankō", "1945-08-24", "Hamhung", "함흥"),
        ("heijo", "Heijō", "1945-08-24", "Pyongyang", "平壤 / 평양"),
        # US XXIV Corps lands on 8 September 1945
        ("jinsen", "Jinsen", "1945-09-08", "Inchon", "인천"),
        # Mengjiang's name Houhe lapses with Mengjiang (19 August 1945)
        ("kweisui", "Kweisui (Houhe)", "1945-08-19", "Kweisui", "歸綏"),
    ],
)
def test_cities_take_the_occupiers_names_on_the_day(atlas, key, before, day, after, native):
    eve = (D(day) - dt.timedelta(days=1)).isoformat()
    assert city(atlas, key, eve)["name_en"] == before
    now = city(atlas, key, day)
    assert (now["name_en"], now["name_fr"], now["name_native"]) == (after, after, native)
    assert city(atlas, key, "1946-04-13")["name_en"] == after


def test_batavia_is_glossed_with_the_period_spelling_after_the_british_landing(atlas):
    assert city(atlas, "batavia", "1943-06-01")["name_en"] == "Djakarta"
    back = city(atlas, "batavia", "1945-10-01")
    assert (back["name_en"], back["name_native"]) == ("Batavia", "Djakarta")


@pytest.mark.parametrize(
    ("key", "day", "capital"),
    [
        ("taihoku", "1939-05-11", "taiwan_japanese"),  # seat of the Government-General
        ("taihoku", "1945-10-24", "taiwan_japanese"),
        ("taihoku", "1945-10-25", None),  # handed over to the Republic of China
        ("dairen", "1945-08-21", "kwantung"),
        ("dairen", "1945-08-22", None),  # the leased territory ends with the air-landings
        ("keijo", "1941-06-01", "korea"),
        ("tokyo", "1945-10-25", "japan"),
    ],
)
def test_capital_marks_end_with_the_territory(atlas, key, day, capital):
    found = city(atlas, key, day)["capital_of"]
    assert (None if pd.isna(found) else found) == capital


def test_soviet_occupied_manchuria_is_named_for_the_region(atlas):
    harbin = (126.63, 45.75)
    (found,) = territory_at(atlas, D("1945-12-31"), *harbin)
    assert found["id"].startswith("manchuria_soviet_occupation")
    assert map_name(found, "en") == "Manchuria"
    assert map_name(found, "fr") == "Mandchourie"
    assert "Manchukuo" not in map_name(found, "en")


# ---- review 2026-12-02-c (findings 6, 11, 12, 15)


def test_mukden_takes_back_its_chinese_name_with_manchukuos_end(atlas):
    assert city(atlas, "mukden", "1945-08-17")["name_native"] == "奉天"
    after = city(atlas, "mukden", "1945-08-18")
    assert (after["name_en"], after["name_fr"], after["name_native"]) == (
        "Mukden",
        "Moukden",
        "瀋陽",
    )


@pytest.mark.parametrize("day", ["1939-06-01", "1941-07-02", "1945-08-14", "1946-03-01"])
def test_the_soviet_union_is_labelled_by_its_name_alone(atlas, day):
    (ussr,) = [
        t for t in territory_at(atlas, D(day), 135.07, 48.48) if t["layer"] == "soviet_union"
    ]
    assert (ussr["name_en"], ussr["name_fr"]) == ("Soviet Union", "Union soviétique")
    assert map_name(ussr, "en") == "Soviet Union"


@pytest.mark.parametrize(
    ("day", "lon", "lat", "label_en", "label_fr"),
    [
        ("1945-08-14", 94.45, 51.72, "Tuva", "Touva"),  # Kyzyl, annexed 11 October 1944
        (
            "1946-03-01",
            142.74,
            46.96,
            "South Sakhalin and the Kurils",
            "Sud de Sakhaline et Kouriles",
        ),
        ("1941-07-02", 24.11, 56.95, "Baltic states", "États baltes"),  # Riga
    ],
)
def test_lands_the_ussr_annexed_are_labelled_apart_by_a_short_name(
    atlas, day, lon, lat, label_en, label_fr
):
    (annexed,) = [t for t in territory_at(atlas, D(day), lon, lat) if t["layer"] == "soviet_union"]
    assert (annexed["controller"], annexed["status"]) == ("USSR", "integral_territory")
    assert (map_name(annexed, "en"), map_name(annexed, "fr")) == (label_en, label_fr)
    assert "annexed" in annexed["name_en"] and "annex" in annexed["name_fr"]


def test_perm_is_named_molotov_only_from_1940(atlas):
    railways = atlas.layers["railways"].frame.set_index("id")
    stations = list(railways.loc["rail_trans_siberian", "stations"])
    assert "Perm (Molotov from 8 March 1940)" in stations
    transfers = atlas.layers["siberian_transfers"].frame.set_index("id")
    wartime = list(transfers.loc["transfer_1941_war", "stations"])
    assert "Molotov" in wartime and not any("Perm" in s for s in wartime)


def test_french_wording_of_the_kwantung_lease_and_the_khalkh(atlas):
    (lease,) = [
        t
        for t in territory_at(atlas, D("1941-01-01"), 121.6, 38.9)
        if t["id"] == "kwantung_japanese"
    ]
    assert "pris à bail auprès du Mandchoukouo" in lease["notes_fr"]
    assert "loué de nouveau au" not in lease["notes_fr"]
    khalkhin = atlas.events.set_index("id").loc["ev_1939_05_11_khalkhin_gol"]
    assert "rivière Khalkh," in khalkhin["text_fr"] and "Khalkha" not in khalkhin["text_fr"]


@pytest.mark.parametrize(
    ("day", "lon", "lat", "layer"),
    [
        ("1942-01-01", 106.92, 47.92, "mongolia"),  # Ulan Bator
        ("1939-06-01", 106.92, 47.92, "mongolia"),
        ("1942-01-01", 94.45, 51.72, "tuva"),  # Kyzyl
    ],
)
def test_cyrillic_native_names_say_they_are_modern_spellings(atlas, day, lon, lat, layer):
    (found,) = [t for t in territory_at(atlas, D(day), lon, lat) if t["layer"] == layer]
    assert "modern Cyrillic spelling" in found["notes"]
    assert "orthographe cyrillique actuelle" in found["notes_fr"]
    assert "modern Cyrillic spelling" in city(atlas, "ulan_bator", day)["notes"]


def test_habomai_notes_say_only_the_largest_islets_are_drawn(atlas):
    kurils = atlas.layers["kurils"].frame
    habomai = kurils[kurils["id"].str.startswith("kurils_habomai")]
    assert len(habomai) == 3
    assert all("largest islets" in note for note in habomai["notes"])


def test_the_french_names_of_annexed_lands_say_who_lost_them_not_who_gained_them(atlas):
    """« annexer X à Y » joins X to Y: the lands the USSR took are « prises à » their state."""
    frame = atlas.layers["soviet_union"].frame
    names = dict(zip(frame["id"], frame["name_fr"], strict=True))
    assert "prises à la Pologne" in names["ussr_annexed_poland_east"]
    assert "prises à la Roumanie" in names["ussr_annexed_bessarabia"]
    assert not any("annexé" in name and " à " in name for name in names.values())
