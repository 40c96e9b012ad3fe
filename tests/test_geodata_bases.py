"""The Communist base areas behind the Japanese lines in North and Central China, 1939–1945."""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import pytest

from layers import build_china
from layers.loading import load_atlas
from layers.model import snapshot, territory_at
from layers.validate import GEODATA

D = dt.date.fromisoformat
BEHIND_THE_LINES = ("jin_cha_ji", "jin_sui", "jin_ji_lu_yu", "shandong_base", "central_china_bases")
WUTAI = (38.95, 113.60)  # Taihuai, in the Wutai mountains: the Jin-Cha-Ji core
CITIES = {
    "Peking": (39.90, 116.40),
    "Tientsin": (39.13, 117.20),
    "Taiyuan": (37.87, 112.55),
    "Tsinan": (36.67, 117.00),
    "Shijiazhuang": (38.04, 114.51),
    "Xuzhou": (34.26, 117.19),
    "Nanking": (32.06, 118.78),
    "Baoding": (38.87, 115.46),
    "Changzhi": (36.19, 113.11),
}
DATES = ["1940-10-01", "1942-10-01", "1945-06-01"]


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def holders(atlas, day: str, point: tuple[float, float]) -> list[tuple[str, str, str]]:
    lat, lon = point
    return [(t["layer"], t["controller"], t["id"]) for t in territory_at(atlas, D(day), lon, lat)]


def in_base(atlas, day: str, point: tuple[float, float], region: str | None = None) -> bool:
    found = holders(atlas, day, point)
    assert len(found) == 1, found  # one holder per place and date
    layer, controller, ident = found[0]
    hit = layer == "ccp_base_areas" and controller == "CCP"
    return hit and (region is None or ident.startswith(region))


def behind_lines_km2(atlas, day: str) -> float:
    frame = snapshot(atlas, D(day), ["ccp_base_areas"])["ccp_base_areas"]
    frame = frame[frame["id"].str.startswith(BEHIND_THE_LINES)]
    return gpd.GeoSeries(frame.geometry, crs=4326).to_crs("EPSG:6933").area.sum() / 1e6


@pytest.mark.parametrize("day", DATES)
def test_the_wutai_mountains_are_in_jin_cha_ji_on_every_state(atlas, day):
    assert in_base(atlas, day, WUTAI, "jin_cha_ji")


@pytest.mark.parametrize("day", DATES)
@pytest.mark.parametrize("city", sorted(CITIES))
def test_japanese_held_cities_stay_outside_the_base_areas(atlas, day, city):
    found = holders(atlas, day, CITIES[city])
    assert [controller for _, controller, _ in found] == ["Japan"], found


def test_the_base_areas_grow_to_1940_shrink_in_1942_and_recover_by_1945(atlas):
    early, peak = behind_lines_km2(atlas, "1939-06-01"), behind_lines_km2(atlas, "1940-10-01")
    low, late = behind_lines_km2(atlas, "1942-10-01"), behind_lines_km2(atlas, "1945-06-01")
    assert early < peak  # Jin-Sui, the Taiyue and the Central China bases came in 1940
    assert low < 0.75 * peak
    assert low < 0.75 * late
    assert late > peak


def test_central_hebei_is_lost_in_the_may_1942_sweep_and_retaken_from_1944(atlas):
    raoyang = (38.24, 115.73)
    assert in_base(atlas, "1941-06-01", raoyang, "jin_cha_ji")
    assert in_base(atlas, "1942-04-30", raoyang, "jin_cha_ji")
    assert not in_base(atlas, "1942-05-01", raoyang)
    assert holders(atlas, "1942-05-01", raoyang)[0][1] == "Japan"
    assert in_base(atlas, "1945-06-01", raoyang, "jin_cha_ji")


def test_huai_bei_west_of_the_railway_is_retaken_with_peng_xuefeng_s_expedition(atlas):
    """August–September 1944, not with the other recoveries of that year."""
    west_of_the_railway = (33.93, 116.45)  # near Yongcheng
    assert not in_base(atlas, "1944-06-01", west_of_the_railway)
    assert not in_base(atlas, "1944-08-31", west_of_the_railway)
    assert in_base(atlas, "1944-10-01", west_of_the_railway, "central_china_bases")


def test_railways_inside_the_bases_stay_japanese(atlas):
    dingxian = (38.52, 114.99)  # on the Peking–Hankow railway between the two Jin-Cha-Ji halves
    yangquan = (37.86, 113.58)  # on the Zhengtai railway
    for day in DATES:
        for point in (dingxian, yangquan):
            assert [c for _, c, _ in holders(atlas, day, point)] == ["Japan"], (day, point)
    # ... and just off the railway, in the Beiyue hills, the base
    assert in_base(atlas, "1940-10-01", (38.75, 114.60), "jin_cha_ji")


@pytest.mark.parametrize(
    ("point", "region", "before", "inside"),
    [
        ((38.46, 111.30), "jin_sui", "1939-12-01", "1940-06-01"),  # Xingxian, after Dec 1939
        ((33.55, 120.05), "central_china_bases", "1940-10-01", "1941-06-01"),  # Su-Bei
        ((36.60, 113.45), "jin_ji_lu_yu", None, "1939-06-01"),  # the Taihang, Licheng
        ((35.85, 118.35), "shandong_base", None, "1941-06-01"),  # the Yimeng hills
    ],
)
def test_bases_by_region_and_date(atlas, point, region, before, inside):
    if before:
        assert not in_base(atlas, before, point)
    assert in_base(atlas, inside, point, region)


def test_shaan_gan_ning_is_unchanged(atlas):
    yanan = (36.59, 109.49)
    for day in ("1939-06-01", "1942-10-01", "1945-06-01"):
        assert in_base(atlas, day, yanan, "shaan_gan_ning")


def test_every_base_feature_names_its_works_and_its_doubts(atlas):
    frame = snapshot(atlas, D("1945-06-01"), ["ccp_base_areas"])["ccp_base_areas"]
    rows = frame[frame["id"].str.startswith(BEHIND_THE_LINES)]
    assert len(rows) == len(BEHIND_THE_LINES)
    for _, row in rows.iterrows():
        cited = {s.split(":")[0] for s in row["sources"]}
        assert "van-slyke-1986" in cited
        assert "⚠" in row["notes"] and "⚠" in row["notes_fr"]
        assert "C ±50–100 km" in row["notes"]
        assert row["label_en"] and row["label_fr"]


def test_the_base_areas_draw_above_the_occupied_zone():
    catalogue = json.loads((GEODATA / "catalogue.json").read_text(encoding="utf-8"))
    layers = {e["id"]: e["order"] for e in catalogue["layers"]}
    assert layers["ccp_base_areas"] > layers["occupied_china"]
    assert layers["ccp_base_areas"] > layers["collaborationist_china"]


def test_a_rule_leaves_out_its_except_groups():
    """An atom under a base-area piece and a Japanese-held railway goes to the next rule."""
    shape = object()
    pieces = {
        "base": build_china.Piece("base", "ccp", "1940-01-01", None, False, shape, {}),
        "rail": build_china.Piece("rail", "lines", "1939-01-01", None, True, shape, {}),
        "zone": build_china.Piece("zone", "occupied", "1939-01-01", None, True, shape, {}),
    }
    rules = (
        {"id": "ccp", "group": "ccp", "except_groups": ["lines"], "valid_from": "1939-01-01"},
        {"id": "japan", "group": "occupied", "valid_from": "1939-01-01", "valid_to": None},
    )
    rules[0]["valid_to"] = None
    atoms = (
        build_china.Atom("hills", frozenset({"base", "zone"}), None),
        build_china.Atom("railway", frozenset({"base", "rail", "zone"}), None),
    )
    plan = build_china.ChinaPlan({}, atoms, pieces, rules, {})
    owned = build_china.assign(plan, "1941-01-01")
    assert [a.name for a in owned["ccp"]] == ["hills"]
    assert [a.name for a in owned["japan"]] == ["railway"]
    before = build_china.assign(plan, "1939-06-01")  # no base yet
    assert sorted(a.name for a in before["japan"]) == ["hills", "railway"]


def test_the_may_1942_sweep_is_an_event():
    events = json.loads((GEODATA / "events.geojson").read_text(encoding="utf-8"))["features"]
    dates = {e["properties"]["id"]: e["properties"]["date"] for e in events}
    assert dates["ev_1942_05_01_central_hebei_may_first_sweep"] == "1942-05-01"
    assert dates["ev_1940_08_20_hundred_regiments_offensive"] == "1940-08-20"
    assert dates["ev_1941_01_06_new_fourth_army_incident"] == "1941-01-06"


# After the surrender (August 1945 – May 1946): the gains whose dates the sources give.
SURRENDER_GAINS = [
    # (point, feature, last day not held, first day held)
    ((40.97, 117.93), "jehol_chengde_ccp", "1945-08-31", "1945-09-01"),  # Chengde ⚠ month
    ((37.53, 121.40), "shandong_base", "1945-08-23", "1945-08-24"),  # Chefoo (Yantai)
    ((37.49, 122.09), "shandong_base", "1945-08-23", "1945-08-24"),  # Weihaiwei
    ((35.07, 118.35), "shandong_base", "1945-09-10", "1945-09-11"),  # Linyi
    ((37.10, 117.60), "shandong_base", "1945-09-10", "1945-09-11"),  # north of Zhoucun
    ((33.60, 119.03), "central_china_bases", "1945-09-05", "1945-09-06"),  # Huaiyin
    ((33.51, 119.15), "central_china_bases", "1945-09-21", "1945-09-22"),  # Huai'an
    ((40.01, 119.76), "jin_cha_ji", "1945-08-29", "1945-08-30"),  # Shanhaikwan
    ((36.20, 113.12), "jin_ji_lu_yu", "1945-10-11", "1945-10-12"),  # Changzhi
    ((32.80, 119.45), "central_china_bases", "1945-12-25", "1945-12-26"),  # Gaoyou
    ((36.85, 114.50), "jin_ji_lu_yu", "1945-10-11", "1945-10-12"),  # Peking–Hankow railway
]


@pytest.mark.parametrize(("point", "region", "before", "first"), SURRENDER_GAINS)
def test_the_communist_gains_after_the_surrender_are_drawn_from_their_dates(
    atlas, point, region, before, first
):
    assert not in_base(atlas, before, point)
    assert in_base(atlas, first, point, region)
    assert in_base(atlas, max(first, "1945-10-15"), point, region)
    if region != "jin_cha_ji":  # Shanhaikwan was lost in November
        assert in_base(atlas, "1946-03-01", point, region)
        assert in_base(atlas, "1946-04-30", point, region)


def test_shanhaikwan_is_lost_to_the_nationalists_on_16_november_1945(atlas):
    shanhaikwan = (40.01, 119.76)
    assert in_base(atlas, "1945-11-15", shanhaikwan, "jin_cha_ji")
    assert [c for _, c, _ in holders(atlas, "1945-11-16", shanhaikwan)] == ["ROC"]
    chinwangtao = (39.92, 119.60)  # where the Marines and the Nationalist armies landed
    for day in ("1945-09-15", "1945-10-15", "1946-01-15"):
        assert [c for _, c, _ in holders(atlas, day, chinwangtao)] == ["ROC"], day


def test_the_north_bank_base_in_anhui_ends_with_the_chungking_summary(atlas):
    wuwei = (31.30, 117.90)
    assert in_base(atlas, "1945-10-09", wuwei, "central_china_bases")
    assert [c for _, c, _ in holders(atlas, "1945-10-10", wuwei)] == ["ROC"]
    assert not in_base(atlas, "1946-03-01", wuwei)


@pytest.mark.parametrize("day", ["1945-10-15", "1946-01-15", "1946-04-30"])
@pytest.mark.parametrize(
    "city",
    [
        ("Peiping", (39.90, 116.40)),
        ("Tientsin", (39.13, 117.20)),
        ("Tsinan", (36.67, 117.00)),
        ("Tsingtao", (36.07, 120.38)),
        ("Weihsien", (36.71, 119.10)),  # on the Tsinan–Tsingtao railway
        ("Nanking", (32.06, 118.78)),
        ("Shanghai", (31.23, 121.47)),
        ("Xuzhou", (34.26, 117.19)),
        ("Yangchow", (32.40, 119.43)),
        ("Shijiazhuang", (38.04, 114.51)),
        ("Anyang", (36.10, 114.38)),
    ],
    ids=lambda c: c[0] if isinstance(c, tuple) else c,
)
def test_the_nationalists_hold_the_big_cities_and_railways_after_the_surrender(atlas, day, city):
    found = holders(atlas, day, city[1])
    assert [controller for _, controller, _ in found] == ["ROC"], found


def test_the_notes_say_what_is_drawn_after_the_surrender(atlas):
    frame = snapshot(atlas, D("1945-10-15"), ["ccp_base_areas"])["ccp_base_areas"]
    rows = frame[frame["id"].str.startswith(BEHIND_THE_LINES)]
    assert len(rows) == len(BEHIND_THE_LINES)
    for _, row in rows.iterrows():
        assert "After the surrender" in row["notes"] and "Linyi" in row["notes"]
        assert "Après la reddition" in row["notes_fr"] and "Linyi" in row["notes_fr"]
        assert "not redrawn (⚠)" in row["notes"] and "ne sont pas retracés" in row["notes_fr"]
        assert "pepper-1986:ch. 13" in row["sources"]
    shandong = rows[rows["id"].str.startswith("shandong_base")].iloc[0]
    assert "11 September" in shandong["notes"] and "wikipedia-linyi-campaign" in shandong["sources"]


def test_the_pieces_after_the_surrender_are_documented_in_both_languages():
    registry = json.loads((GEODATA / "sources.json").read_text("utf-8"))["sources"]
    data = build_china.load_plan()
    pieces = data["pieces"]
    gains = [p for p in pieces if p["group"].startswith("ccp_") and p["valid_from"] >= "1945-08-15"]
    ended = [p for p in pieces if p["group"] == "lines" and p["valid_to"]]
    assert len(gains) >= 7 and len(ended) >= 6
    for piece in gains + ended:
        assert piece["name_fr"] and piece["notes_fr"] and piece["notes"], piece["id"]
        assert {s.split(":")[0] for s in piece["sources"]} <= set(registry), piece["id"]
        assert piece["accuracy"][0] in "ABC", piece["id"]
    sure = {"cc_huaiyin_1945", "cc_huaian_1945"}  # the days of a documented campaign
    for piece in gains:
        assert piece["accuracy_fr"], piece["id"]
        assert "⚠" in piece["notes"] or piece["id"] in sure, piece["id"]
        assert ("⚠" in piece["notes"]) == ("⚠" in piece["notes_fr"]), piece["id"]
