"""The events layer covers the whole window evenly, names the required events, stays on the
map (or says it is off it), and writes every place and entity with one French name."""

from __future__ import annotations

import functools
import json
import re
from collections import Counter

import pytest

from layers.build import EXTENT
from layers.validate import GEODATA

EVENTS = GEODATA / "events.geojson"


@pytest.fixture(scope="module")
def events() -> list[dict]:
    return json.loads(EVENTS.read_text(encoding="utf-8"))["features"]


def by_id(events: list[dict]) -> dict[str, dict]:
    return {e["properties"]["id"]: e["properties"] for e in events}


def test_at_least_a_hundred_events(events):
    assert len(events) >= 100


def test_every_year_has_events_and_1943_1944_are_not_thin(events):
    years = Counter(e["properties"]["date"][:4] for e in events)
    assert all(years[str(y)] >= 1 for y in range(1939, 1947)), years
    assert years["1943"] >= 8 and years["1944"] >= 8, years


def test_event_ids_are_unique_and_carry_their_date(events):
    ids = [e["properties"]["id"] for e in events]
    assert len(ids) == len(set(ids))
    for props in (e["properties"] for e in events):
        assert props["id"].startswith("ev_" + props["date"].replace("-", "_")), props["id"]


def test_new_events_keep_the_schema_of_the_first(events):
    schema = set(events[0]["properties"]) - {"offmap"}
    for props in (e["properties"] for e in events):
        assert set(props) - {"offmap"} == schema, props["id"]
        assert props["importance"] in (1, 2, 3), props["id"]
        assert isinstance(props["uncertain"], bool), props["id"]


# (id, date, date_end or None): the events issue #13 asks for by name
REQUIRED = [
    ("ev_1939_08_23_nazi_soviet_pact", "1939-08-23", None),
    ("ev_1942_06_04_midway", "1942-06-04", "1942-06-07"),
    ("ev_1942_08_07_guadalcanal", "1942-08-07", "1943-02-09"),
    ("ev_1944_06_15_saipan", "1944-06-15", "1944-07-09"),
    ("ev_1945_03_10_tokyo_firebombing", "1945-03-10", None),
    ("ev_1940_03_30_wang_jingwei_government", "1940-03-30", None),
    ("ev_1941_12_25_fall_of_hong_kong", "1941-12-25", None),
    ("ev_1942_01_02_fall_of_manila", "1942-01-02", None),
    ("ev_1942_02_15_fall_of_singapore", "1942-02-15", None),
    ("ev_1942_03_08_fall_of_rangoon", "1942-03-08", None),
    ("ev_1943_11_22_cairo_conference", "1943-11-22", "1943-11-26"),
    ("ev_1943_12_01_cairo_communique", "1943-12-01", None),
    ("ev_1944_03_30_north_sakhalin_protocol", "1944-03-30", None),
    ("ev_1944_04_17_ichigo_henan", "1944-04-17", None),
    ("ev_1944_05_25_ichigo_luoyang", "1944-05-25", None),
    ("ev_1944_06_18_ichigo_changsha", "1944-06-18", None),
    ("ev_1944_08_08_ichigo_hengyang", "1944-08-08", None),
    ("ev_1944_11_10_ichigo_guilin_liuzhou", "1944-11-10", "1944-11-11"),
    ("ev_1944_11_24_ichigo_nanning", "1944-11-24", None),
    ("ev_1944_12_02_ichigo_dushan", "1944-12-02", None),
    ("ev_1945_07_26_potsdam_declaration", "1945-07-26", None),
    ("ev_1945_09_09_surrender_in_china", "1945-09-09", None),
    ("ev_1945_10_25_taiwan_handover", "1945-10-25", None),
    ("ev_1945_08_30_british_return_hong_kong", "1945-08-30", "1945-09-16"),
]


@pytest.mark.parametrize(("event_id", "date", "date_end"), REQUIRED)
def test_required_event_exists_with_its_dates(events, event_id, date, date_end):
    props = by_id(events).get(event_id)
    assert props is not None, event_id
    assert (props["date"], props["date_end"]) == (date, date_end)


def test_required_events_cite_sources_and_say_both_languages(events):
    table = by_id(events)
    for event_id, *_ in REQUIRED:
        props = table[event_id]
        assert props["sources"], event_id
        assert props["text_en"] != props["text_fr"], event_id


_REGISTRY_ID = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)+)(?::.+)?$")


def test_event_sources_in_registry_form_resolve(events):
    registry = json.loads((GEODATA / "sources.json").read_text(encoding="utf-8"))["sources"]
    cited = [s for e in events for s in e["properties"]["sources"]]
    ids = [m.group(1) for m in map(_REGISTRY_ID.match, cited) if m]
    assert len(ids) >= 100  # the new events cite the registry
    assert sorted({i for i in ids if i not in registry}) == []


def inside_extent(lon: float, lat: float) -> bool:
    west, south, east, north = EXTENT
    return west <= lon <= east and south <= lat <= north


def test_every_event_is_on_the_map_or_marked_offmap(events):
    for event in events:
        props = event["properties"]
        lon, lat = event["geometry"]["coordinates"]
        if props.get("offmap"):
            assert not inside_extent(lon, lat), f"{props['id']} is on the map but marked offmap"
        else:
            assert inside_extent(lon, lat), f"{props['id']} at {lon}, {lat} is off the map"


def test_offmap_events_keep_their_true_place(events):
    places = {e["properties"]["id"]: e["geometry"]["coordinates"] for e in events}
    potsdam_lon, potsdam_lat = places["ev_1945_07_26_potsdam_declaration"]
    assert (round(potsdam_lon), round(potsdam_lat)) == (13, 52)
    pearl_lon, pearl_lat = places["ev_1941_12_07_pearl_harbor"]
    assert (round(pearl_lon), round(pearl_lat)) == (-158, 21)


# One French name per place and entity: canonical form → variants that must not appear in
# French running text. A variant may follow its canonical form as a gloss in parentheses,
# e.g. "Heijō (Pyongyang)", so parenthesised text is not checked.
# Kwantung, not Guandong: French historiography of the period writes "armée du Kwantung"
# and "territoire à bail du Kwantung"; the French transcription "Kouang-toung" names the
# province of Canton (Guangdong, 廣東), a different place from Kwantung (關東).
FRENCH_NAMES = {
    "Kwantung": ["Guandong", "Kouan-Toung", "Kouantoung", "Kwan-tung"],
    "Mandchoukouo": ["Mandchoukuo", "Manchoukouo", "Mandchukuo", "Manchukuo", "Mandchouko"],
    "Moukden": ["Mukden", "Shenyang"],
    "Hsinking": ["Changchun", "Xinjing"],
    "Moutankiang": ["Mudanjiang", "Mutankiang"],
    "Port-Arthur": ["Port Arthur", "Lüshun"],
    "Dairen": ["Dalian", "Dalny"],
    "Kalgan": ["Zhangjiakou"],
    "Kweisui": ["Hohhot", "Huhehot"],
    "Paotéou": ["Baotou", "Paotow"],
    "Peiping": ["Beiping", "Beijing"],  # Pékin: the occupation regimes' Peking (北京)
    "Nankin": ["Nanjing", "Nanking"],
    "Tchongking": ["Chongqing", "Chungking", "Tchong-king", "Tchoungking"],
    "Tientsin": ["Tianjin"],
    "Keijō": ["Séoul", "Seoul"],
    "Heijō": ["Pyongyang", "Pyong-yang"],
    "Jinsen": ["Incheon", "Inchon"],
    "Seishin": ["Chongjin"],
    "Kankō": ["Hamhung", "Hamhŭng"],
    "Yūki": ["Unggi"],
    "Rashin": ["Rajin"],
    "Etorofu": ["Itouroup", "Iturup"],
    "Kunashiri": ["Kounachir", "Kunashir"],
    "Shikotan": ["Chikotan"],
    "Sakhaline": ["Sakhalin"],
    "Shumshu": ["Choumchou", "Shumushu"],
    "Ōdomari": ["Otomari", "Odomari"],
    "Manchouli": ["Manzhouli", "Mandchouli"],
    "Transbaïkalie": ["Transbaïkal", "Zabaïkalie"],
    "Primorié": ["Primorie", "Primorye"],
    "Kouriles": ["Kuriles", "Kurils"],
    "Kamtchatka": ["Kamchatka"],
    "Oulan-Bator": ["Ulaanbaatar", "Ulan Bator", "Oulan Bator"],
    "Touva": ["Tuva", "Tannou-Touva"],
    "Joukov": ["Zhukov", "Jukov"],
    "Staline": ["Stalin"],
    "Taïwan": ["Taiwan", "Formose"],
    "Tchang Kaï-chek": ["Chiang Kai-shek", "Tchang Kai-chek", "Jiang Jieshi"],
    "Wang Jingwei": ["Wang Ching-wei", "Wang Tsing-wei", "Wang Jing-wei"],
    "Hô Chi Minh": ["Ho Chi Minh", "Hồ Chí Minh"],
    "Bao Daï": ["Bao Dai", "Bảo Đại"],
    "Hanoï": ["Hanoi"],
    "Saïgon": ["Saigon"],
    "Kouang-Tchéou-Wan": ["Guangzhouwan", "Kwangchowan", "Kouang Tchéou Wan"],
    "Canton": ["Guangzhou"],
    "Hong Kong": ["Hongkong"],
    "Manille": ["Manila"],
    "Luçon": ["Luzon"],
    "Singapour": ["Singapore"],
    "Rangoun": ["Rangoon", "Yangon"],
    "Bornéo": ["Borneo"],
    "Indes néerlandaises": ["Indes orientales néerlandaises"],
    "Malaisie britannique": ["Malaya"],
    "Téhéran": ["Tehran", "Teheran"],
    "Tokyo": ["Tokio"],
    "Tchangcha": ["Changsha", "Tchang-cha"],
    "Koueilin": ["Guilin", "Kweilin", "Kouei-lin"],
    "Lieoutcheou": ["Liuzhou", "Liuchow", "Lieou-tcheou"],
    "Loyang": ["Luoyang", "Lo-yang"],
    "Itchang": ["Yichang", "Ichang"],
    "Foutcheou": ["Fuzhou", "Foochow", "Fou-tcheou"],
    "Toushan": ["Dushan", "Tushan"],
    "Tchengtcheou": ["Zhengzhou", "Chengchow"],
    "Hankéou": ["Hankou", "Hankow"],
}

# Cities renamed within the atlas's years: from that day on, French text about them uses the
# new name (the old one may follow as a gloss), so the new name is no variant there.
RENAMED = {
    "Hsinking": "1945-08-18",
    "Seishin": "1945-08-17",
    "Heijō": "1945-08-24",
    "Kankō": "1945-08-24",
    "Jinsen": "1945-09-08",
    "Keijō": "1945-09-09",
}

FRENCH_FIELDS = (
    "name_fr",
    "label_fr",
    "title_fr",
    "text_fr",
    "notes_fr",
    "note_fr",
    "army_fr",
    "commander_fr",
)
_GLOSS = re.compile(r"\([^()]*\)")


@functools.cache
def french_texts() -> list[tuple[str, str, str, str]]:
    """(file, feature id, first day, text) for every French string in the shipped and
    authored geodata; the first day is the feature's or event's own (``valid_from``,
    ``date``), else ""."""
    found = []

    def visit(file: str, item: object, owner: str, day: str) -> None:
        if isinstance(item, dict):
            owner = str(item.get("id") or item.get("key") or owner)
            day = str(item.get("valid_from") or item.get("date") or day)
            for key, value in item.items():
                if key in FRENCH_FIELDS and isinstance(value, str):
                    found.append((file, owner, day, value))
                else:
                    visit(file, value, owner, day)
        elif isinstance(item, list):
            for value in item:
                visit(file, value, owner, day)

    paths = [*GEODATA.glob("*.geojson"), *GEODATA.glob("authored/*.json")]
    paths.append(GEODATA / "catalogue.json")
    for path in sorted(paths):
        visit(path.name, json.loads(path.read_text(encoding="utf-8")), "", "")
    return found


def test_french_text_is_found():
    files = {file for file, _, _, _ in french_texts()}
    assert {"events.geojson", "catalogue.json", "territories.json", "places.json"} <= files


@pytest.mark.parametrize(("canonical", "variants"), FRENCH_NAMES.items())
def test_one_french_name_per_place_and_entity(canonical, variants):
    patterns = [re.compile(rf"(?<!\w){re.escape(v)}(?!\w)") for v in variants]
    renamed = RENAMED.get(canonical)
    offending = []
    for file, owner, day, text in french_texts():
        if renamed and day >= renamed:
            continue  # the city's new name (tested by test_geodata's renamed-city test)
        running = _GLOSS.sub("", text)
        offending += [(file, owner, p.pattern) for p in patterns if p.search(running)]
    assert offending == [], f"write {canonical!r}: {offending}"


def test_the_french_name_check_catches_a_variant():
    pattern = re.compile(r"(?<!\w)Guandong(?!\w)")
    assert pattern.search(_GLOSS.sub("", "armée du Guandong"))
    assert not pattern.search(_GLOSS.sub("", "armée du Kwantung (Guandong)"))
    assert not re.search(r"(?<!\w)Stalin(?!\w)", "Stalingrad")
