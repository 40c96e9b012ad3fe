"""Indochina from the Japanese coup to the French return (March 1945 – April 1946), by
country: Japan's client states, the August Revolution and the DRV, the Chinese zone north
of 16°N and the British one south of it, the French return to Cambodia, the south and Laos.
Dates from Marr 1995, Tønnesson 1991 and 2010, Chandler 2008, Stuart-Fox 1997, Dennis 1987."""

from __future__ import annotations

import datetime as dt

import pytest

from layers.loading import load_atlas
from layers.model import territory_at
from tests.harness import overlaps_on

D = dt.date.fromisoformat

HANOI = (21.03, 105.85)
HAIPHONG = (20.86, 106.68)
HUE = (16.46, 107.59)
DA_NANG = (16.07, 108.22)  # Tourane, just north of 16°N: in the Chinese zone
QUY_NHON = (13.78, 109.22)  # Annam south of 16°N, in the Viet Minh's Interzone V
NHA_TRANG = (12.24, 109.19)  # Annam south of 16°N, retaken by the French
SAIGON = (10.78, 106.70)
CAN_THO = (10.03, 105.78)
BIEN_HOA = (10.95, 106.82)  # Cochinchina's eastern province
DALAT = (11.94, 108.44)  # Annam (Lâm Đồng), not Cochinchina
PHAN_THIET = (10.93, 108.10)  # Annam (Bình Thuận)
PHNOM_PENH = (11.56, 104.92)
KAMPOT = (10.61, 104.18)
VIENTIANE = (17.97, 102.61)
LUANG_PRABANG = (19.89, 102.14)
THAKHEK = (17.41, 104.84)
PAKSE = (15.12, 105.80)
LAOS_CHINESE = "indochina_laos_chinese_occupation"
CAMBODIA_AFTER = "indochina_cambodia_after_surrender"
LAOS_AFTER = "indochina_laos_after_surrender"
LAOS_WAITING = "indochina_laos_north_before_chinese"
BATTAMBANG = (13.10, 103.20)  # ceded to Thailand in 1941: never in these features


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def holder(atlas, day: str, place: tuple[float, float]) -> dict:
    lat, lon = place
    found = territory_at(atlas, D(day), lon, lat)
    assert len(found) == 1, f"{place} on {day}: {[t['id'] for t in found]}"
    return found[0]


def who(atlas, day, place) -> tuple[str, str]:
    found = holder(atlas, day, place)
    return found["controller"], found["status"]


@pytest.mark.parametrize(
    ("place", "day", "controller", "status", "feature"),
    [
        # The coup of 9 March 1945 and Japan's client states.
        (HANOI, "1945-03-08", "France", "foreign_garrison", None),
        (HANOI, "1945-03-10", "Japan", "military_occupation", None),
        (HANOI, "1945-05-01", "Japan", "puppet_state", "indochina_empire_of_vietnam"),
        (HUE, "1945-05-01", "Japan", "puppet_state", "indochina_empire_of_vietnam"),
        (QUY_NHON, "1945-05-01", "Japan", "puppet_state", "indochina_empire_of_vietnam"),
        (SAIGON, "1945-05-01", "Japan", "military_occupation", "indochina_cochinchina_japanese"),
        (BIEN_HOA, "1945-05-01", "Japan", "military_occupation", "indochina_cochinchina_japanese"),
        (DALAT, "1945-05-01", "Japan", "puppet_state", "indochina_empire_of_vietnam"),
        (PHAN_THIET, "1945-05-01", "Japan", "puppet_state", "indochina_empire_of_vietnam"),
        (PHNOM_PENH, "1945-03-12", "Japan", "military_occupation", "indochina_cambodia_coup"),
        (PHNOM_PENH, "1945-05-01", "Japan", "puppet_state", "indochina_kampuchea_1945"),
        (KAMPOT, "1945-05-01", "Japan", "puppet_state", "indochina_kampuchea_1945"),
        (VIENTIANE, "1945-04-01", "Japan", "military_occupation", "indochina_laos_coup"),
        (LUANG_PRABANG, "1945-05-01", "Japan", "puppet_state", "indochina_laos_kingdom_1945"),
        (PAKSE, "1945-05-01", "Japan", "puppet_state", "indochina_laos_kingdom_1945"),
        # Cochinchina handed to the Empire, then the August Revolution.
        (SAIGON, "1945-08-20", "Japan", "military_occupation", "indochina_cochinchina_empire"),
        (PHNOM_PENH, "1945-09-01", "Japan", "military_occupation", CAMBODIA_AFTER),
        (VIENTIANE, "1945-09-01", "Japan", "military_occupation", LAOS_AFTER),
        (VIENTIANE, "1945-09-15", "Japan", "military_occupation", LAOS_WAITING),
        (PAKSE, "1945-09-15", "UK", "military_occupation", "indochina_british_occupation"),
        (HANOI, "1945-08-20", "DRV", "contested", "indochina_august_revolution"),
        (SAIGON, "1945-08-26", "DRV", "contested", "indochina_cochinchina_revolution"),
        (HANOI, "1945-09-05", "DRV", "contested", "indochina_drv_north_1945"),
        (CAN_THO, "1945-09-05", "DRV", "contested", "indochina_drv_south_1945"),
        # General Order No. 1: Chinese north of 16°N, British south of it.
        (HANOI, "1945-10-01", "ROC", "military_occupation", "indochina_chinese_occupation"),
        (DA_NANG, "1945-10-01", "ROC", "military_occupation", "indochina_chinese_occupation"),
        (VIENTIANE, "1945-11-01", "ROC", "military_occupation", LAOS_CHINESE),
        (SAIGON, "1945-11-01", "UK", "military_occupation", "indochina_british_occupation"),
        (QUY_NHON, "1945-11-01", "DRV", "contested", "indochina_interzone_v"),
        (QUY_NHON, "1946-03-20", "DRV", "contested", "indochina_interzone_v"),  # to 1954
        (NHA_TRANG, "1945-11-01", "UK", "military_occupation", "indochina_british_occupation"),
        (NHA_TRANG, "1946-03-20", "France", "colony", "indochina_south_french_1946"),
        (PAKSE, "1945-11-01", "UK", "military_occupation", "indochina_british_occupation"),
        (PHNOM_PENH, "1945-10-01", "UK", "military_occupation", "indochina_cambodia_seac_1945"),
        # The French return: Cambodia first, then the south, then Laos; the DRV in the north.
        (PHNOM_PENH, "1945-11-01", "France", "military_occupation", None),
        (PHNOM_PENH, "1946-02-01", "France", "colony", "indochina_cambodia_protectorate_1946"),
        (SAIGON, "1946-02-01", "UK", "military_occupation", "indochina_british_occupation"),
        (SAIGON, "1946-03-05", "France", "colony", "indochina_south_french_1946"),
        (HANOI, "1946-03-05", "ROC", "military_occupation", "indochina_chinese_occupation"),
        (HANOI, "1946-03-20", "DRV", "foreign_garrison", "indochina_drv_1946"),
        (HAIPHONG, "1946-04-15", "DRV", "foreign_garrison", "indochina_drv_1946"),
        (VIENTIANE, "1946-03-20", "ROC", "military_occupation", None),
        (THAKHEK, "1946-04-01", "France", "contested", "indochina_laos_reconquest_1946"),
        (VIENTIANE, "1946-05-01", "France", "military_occupation", "indochina_laos_french_1946"),
    ],
)
def test_indochina_by_country_and_date(atlas, place, day, controller, status, feature):
    found = holder(atlas, day, place)
    assert (found["controller"], found["status"]) == (controller, status)
    assert feature is None or found["id"] == feature


def test_client_states_begin_on_their_proclamation_days(atlas):
    assert holder(atlas, "1945-03-10", HUE)["status"] == "military_occupation"
    assert holder(atlas, "1945-03-11", HUE)["id"] == "indochina_empire_of_vietnam"
    assert holder(atlas, "1945-03-12", PHNOM_PENH)["status"] == "military_occupation"
    assert holder(atlas, "1945-03-13", PHNOM_PENH)["id"] == "indochina_kampuchea_1945"
    assert holder(atlas, "1945-04-07", LUANG_PRABANG)["status"] == "military_occupation"
    assert holder(atlas, "1945-04-08", LUANG_PRABANG)["id"] == "indochina_laos_kingdom_1945"


def test_no_japanese_client_state_outlives_the_surrender(atlas):
    """Kampuchea and Luang Prabang lose their patron on 15 August (the Japanese army stays
    responsible for order until the Allies come); the Empire of Vietnam falls to the August
    Revolution on the 19th."""
    for place in (SAIGON, PHNOM_PENH, VIENTIANE, LUANG_PRABANG, PAKSE):
        assert who(atlas, "1945-08-15", place) == ("Japan", "military_occupation"), place
    for day in ("1945-08-20", "1945-09-01"):
        for place in (HANOI, HUE, SAIGON, PHNOM_PENH, VIENTIANE, LUANG_PRABANG, PAKSE):
            assert who(atlas, day, place) != ("Japan", "puppet_state"), (day, place)
    assert who(atlas, "1945-08-14", PHNOM_PENH) == ("Japan", "puppet_state")
    assert who(atlas, "1945-08-18", HANOI) == ("Japan", "puppet_state")


def test_the_16th_parallel_divides_vietnam_and_laos_after_the_surrender(atlas):
    day = "1945-12-01"
    north = {holder(atlas, day, p)["controller"] for p in (HANOI, HUE, DA_NANG, VIENTIANE)}
    south = {holder(atlas, day, p)["controller"] for p in (SAIGON, NHA_TRANG, PAKSE)}
    assert north == {"ROC"} and south == {"UK"}
    # The coast between Tourane and Nha Trang: in the British zone, held by the Viet Minh.
    assert who(atlas, day, QUY_NHON) == ("DRV", "contested")


def test_the_1941_cessions_stay_thai_throughout(atlas):
    for day in ("1945-05-01", "1945-11-01", "1946-04-01"):
        assert who(atlas, day, BATTAMBANG)[0] == "Thailand"


def test_the_drv_is_named_in_both_languages(atlas):
    found = holder(atlas, "1945-09-05", HANOI)
    assert "Democratic Republic of Vietnam" in found["name_en"]
    assert "République démocratique du Viêt Nam" in found["name_fr"]
    assert found["name_native"] == "Việt Nam Dân chủ Cộng hòa"


@pytest.mark.parametrize(
    "day",
    [
        "1945-03-10",
        "1945-03-12",
        "1945-04-01",
        "1945-05-01",
        "1945-08-15",
        "1945-08-20",
        "1945-08-27",
        "1945-09-05",
        "1945-09-10",
        "1945-10-01",
        "1945-11-01",
        "1946-02-01",
        "1946-03-05",
        "1946-03-25",
        "1946-05-01",
    ],
)
def test_indochina_covered_once_without_overlaps(atlas, day):
    count, overlaps = overlaps_on(["indochina", "thailand", "china", "burma"], day)
    assert count >= 4
    assert overlaps == []
    for place in (HANOI, HUE, DA_NANG, QUY_NHON, SAIGON, PHNOM_PENH, VIENTIANE, PAKSE):
        holder(atlas, day, place)  # exactly one territory


def test_the_drv_is_a_controller_with_its_own_colour_and_labels():
    from layers.i18n import controller_label
    from layers.style import CONTROLLER_COLOURS
    from layers.validate import CONTROLLERS

    assert "DRV" in CONTROLLERS
    colour = CONTROLLER_COLOURS["DRV"]
    others = {c: v for c, v in CONTROLLER_COLOURS.items() if c != "DRV"}
    assert colour not in others.values()
    assert "Vietnam" in controller_label("DRV", "en")
    assert "Viêt Nam" in controller_label("DRV", "fr")


# The Viet Minh's liberated zone of 4 June 1945 (Marr 1995): six provinces of the Việt Bắc.
CAO_BANG = (22.67, 106.26)
BAC_KAN = (22.15, 105.83)
LANG_SON = (21.85, 106.76)
HA_GIANG = (22.82, 104.98)
TUYEN_QUANG = (21.82, 105.21)
TAN_TRAO = (21.78, 105.43)  # the zone's seat, Sơn Dương district of Tuyên Quang
THAI_NGUYEN = (21.59, 105.85)
LAO_CAI = (22.48, 103.97)  # Tonkin outside the zone
VIET_BAC = (CAO_BANG, BAC_KAN, LANG_SON, HA_GIANG, TUYEN_QUANG, TAN_TRAO, THAI_NGUYEN)
ZONE = "indochina_viet_minh_liberated_zone"


@pytest.mark.parametrize("place", VIET_BAC)
def test_the_liberated_zone_begins_on_4_june_1945(atlas, place):
    for day in ("1945-06-01", "1945-06-03"):
        found = holder(atlas, day, place)
        assert (found["controller"], found["status"]) == ("Japan", "puppet_state"), day
        assert found["id"] == "indochina_empire_of_vietnam"
    for day in ("1945-06-04", "1945-06-10", "1945-08-18"):
        found = holder(atlas, day, place)
        assert (found["controller"], found["status"], found["id"]) == ("DRV", "base_area", ZONE)


@pytest.mark.parametrize("place", VIET_BAC)
def test_the_liberated_zone_merges_into_the_august_revolution(atlas, place):
    assert holder(atlas, "1945-08-19", place)["id"] == "indochina_august_revolution"
    assert holder(atlas, "1945-09-05", place)["id"] == "indochina_drv_north_1945"


def test_the_rest_of_tonkin_stays_with_the_empire_until_19_august(atlas):
    for place in (HANOI, HAIPHONG, LAO_CAI):
        found = holder(atlas, "1945-06-10", place)
        assert (found["controller"], found["status"]) == ("Japan", "puppet_state")
        assert found["id"] == "indochina_empire_of_vietnam_june"
        assert found["name_en"] == "Empire of Vietnam"


def test_the_liberated_zone_says_its_control_was_partial(atlas):
    zone = next(
        f
        for f in atlas.layers["indochina"].on(D("1945-07-01")).to_dict("records")
        if f["id"] == ZONE
    )
    assert "partial" in zone["notes"] and "partiel" in zone["notes_fr"]
    assert "Tân Trào" in zone["notes"] and "Tân Trào" in zone["notes_fr"]
    assert zone["name_native"] == "Khu giải phóng"


@pytest.mark.parametrize("day", ["1945-06-03", "1945-06-04", "1945-07-15", "1945-08-18"])
def test_indochina_covered_once_around_the_liberated_zone(atlas, day):
    count, overlaps = overlaps_on(["indochina", "china"], day)
    assert count >= 4 and overlaps == []
    for place in (*VIET_BAC, HANOI, LAO_CAI, HUE):
        holder(atlas, day, place)  # exactly one territory


def test_the_foreign_garrison_legend_names_the_administration_first():
    """'DRV — foreign garrison, own administration' read as if the DRV were the garrison."""
    from layers.i18n import status_label

    assert status_label("foreign_garrison", "en") == "own administration under foreign garrison"
    assert status_label("foreign_garrison", "fr") == "administration propre sous garnison étrangère"
