"""The map engine's data (layers/engine_data.py): records drawn as the live map draws them,
events, the legend by epoch, the look constants from layers/style.py, stored geometries."""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources

import pytest

from layers import map_features, render, style, urlstate
from layers.engine_data import engine_data, extra_data, layer_records, look, split_popups
from layers.eventtext import script_json
from layers.loading import load_atlas
from layers.map_features import feature_rows, largest_per_label, name_feature
from layers.user_layers import read_upload, with_user_layers
from tests.harness import with_popups

WEB = resources.files("layers") / "web"


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


@pytest.fixture(scope="module")
def data(atlas):
    return json.loads(script_json(engine_data(atlas, "en")))


def records_of(data: dict, layer_id: str) -> list[dict]:
    return [r for r in data["records"] if r["layer"] == layer_id]


def shown_on(record: dict, day: str) -> list | None:
    """The features a record draws on ``day`` (as engine.js: holds, then its last state)."""
    if (record["from"] and day < record["from"]) or (record["until"] and day >= record["until"]):
        return None
    states = [s for s in record["states"] if s[0] is None or s[0] <= day]
    return states[-1][1] if states else None


def test_engine_has_no_look_literal():
    """Every number the engine needs comes in ``data.look``: its code holds no number but
    0 and 1, no colour and no dash pattern."""
    engine = (WEB / "engine.js").read_text(encoding="utf-8")
    code = re.sub(r"//[^\n]*|/\*.*?\*/", "", engine, flags=re.S)
    code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', code)  # strings: checked below
    numbers = set(re.findall(r"(?<![\w.])\d+(?:\.\d+)?", code))
    assert numbers <= {"0", "1"}, numbers
    assert not re.search(r"#[0-9A-Fa-f]{3,6}\b", engine)
    strings = re.findall(r'"((?:[^"\\]|\\.)*)"', engine)
    patterns = [s for s in strings if re.fullmatch(r"(?=.*\d)[\d. ]+", s)]
    assert set(patterns) <= {"0", "1"}, "a dash pattern"


def test_look_carries_the_style_constants(data):
    shipped = data["look"]
    assert shipped == json.loads(script_json(look()))
    assert shipped["eventWindowDays"] == style.EVENT_WINDOW_DAYS
    assert shipped["panes"] == {k: list(v) for k, v in render.PANES.items()}
    assert shipped["zoom"] == {
        "min": urlstate.MIN_ZOOM,
        "max": urlstate.MAX_ZOOM,
        "snap": style.ZOOM_SNAP,
    }
    assert shipped["playStepDays"] == style.PLAY_STEP_DAYS
    assert shipped["playIntervalMs"] == style.PLAY_INTERVAL_MS
    assert shipped["legendPosition"] == style.LEGEND_POSITION
    assert shipped["timePosition"] == style.TIME_POSITION
    assert shipped["settleAfterMs"] == style.SETTLE_AFTER_MS
    assert shipped["icons"] == style.TIME_ICONS and shipped["iconBox"] == style.TIME_ICON_BOX


def test_features_are_drawn_as_on_the_live_map(atlas, data):
    assert not records_of(data, "basemap")  # the base map is folium's
    frame = atlas.layers["manchukuo"].frame
    props = frame.drop(columns="geometry").iloc[0].to_dict()
    props = {k: (None if v != v else v) for k, v in props.items()}
    expected, _ = map_features.area_feature(props, "en", "{}")
    record = next(r for r in records_of(data, "manchukuo") if r["id"] == props["id"])
    assert record["states"][0][1][0]["p"] == json.loads(script_json(expected))
    assert record["until"] == props["valid_to"]
    radii = {f["p"]["r"] for r in records_of(data, "cities") for f in r["states"][0][1]}
    allowed = set(style.CITY_RADIUS.values())
    assert radii <= allowed | {r + 1.0 for r in allowed}
    axis = records_of(data, "august_storm")[0]
    assert len(axis["states"]) > 2
    dashes = {f["p"]["s"].get("dashArray") for f in axis["states"][0][1] if "s" in f["p"]}
    assert style.PLANNED_DASH in dashes
    last = axis["states"][-1][1]
    assert style.PLANNED_DASH not in {f["p"].get("s", {}).get("dashArray") for f in last}
    transfers = [r for r in records_of(data, "siberian_transfers") if r["until"]]
    faded = transfers[0]["states"][-1]
    assert faded[0] < transfers[0]["until"]
    opacities = {f["p"]["s"]["opacity"] for f in faded[1] if "s" in f["p"]}
    assert opacities == {style.route_style("siberian_transfers", {}, ended=True).opacity}


def test_stored_geometries_are_named_not_shipped(atlas):
    first = str(atlas.layers["manchukuo"].frame["id"].iloc[0])
    store = render.GeometryStore("/store.json.gz", frozenset({first}))
    records = layer_records(atlas, "manchukuo", "en", store)
    stored = next(r for r in records if r["id"] == first)
    feature = stored["states"][0][1][0]
    assert "g" not in feature and feature["p"]["g"] == first
    others = [r for r in records if r["id"] not in store.keys and ":name" not in r["id"]]
    assert others and all("g" in r["states"][0][1][0] for r in others)
    assert engine_data(atlas, "en", ["manchukuo"], store)["storeUrl"] == "/store.json.gz"


@pytest.mark.parametrize("day", ["1941-04-13", "1944-12-01", "1945-08-25"])
def test_a_territory_in_pieces_is_named_once(atlas, data, day):
    """The Republic of China between the occupied zones is named once, on its largest piece,
    as on the live map (render.layer_group) on the same day."""
    names = []
    for record in records_of(data, "china"):
        if record["id"].endswith(":name"):
            names += [f["p"]["n"] for f in shown_on(record, day) or []]
    assert names.count("Republic of China") == 1, names
    on_day = atlas.layers["china"].on(dt.date.fromisoformat(day))
    pieces = [
        (name_feature(p, g, "en"), map_features.label_point(p["id"], g)[2])
        for p, g in feature_rows(on_day)
        if name_feature(p, g, "en")
    ]
    assert len(pieces) > 1  # the day has several named pieces
    live = [f[0]["n"] for f in largest_per_label(pieces)]
    assert sorted(live) == sorted(names)


def test_events_carry_the_live_map_markers(atlas, data):
    assert len(data["events"]) == len(atlas.events)
    event = next(e for e in data["events"] if e["id"] == "ev_1941_04_13_pact_signed")
    assert event["marker"]["on"]["s"]["fillColor"] == style.TEXT
    assert event["marker"]["near"]["s"]["fillColor"] == style.LAND
    assert event["marker"]["on"]["r"] in style.EVENT_RADIUS.values()


def test_legend_rows_by_layer_and_date(data):
    legend = data["legend"]
    assert legend["starts"][0] == "1939-05-11" and legend["starts"] == sorted(legend["starts"])
    assert len(legend["epochs"]) == len(legend["starts"])

    def rows_on(day: str) -> str:
        epoch = max(i for i, s in enumerate(legend["starts"]) if s <= day)
        rows = sorted({row for _, row in legend["sets"][legend["epochs"][epoch]]})
        return " ".join(legend["rows"][i] for i in rows)

    pact, storm = rows_on("1941-04-13"), rows_on("1945-08-20")
    assert "Japan — puppet state" in pact and "Japan — puppet state" not in storm
    assert "USSR — military occupation" in storm and "not yet reached, or date unknown" in storm
    assert "Event on this date" in pact


def test_visible_layers_and_events(atlas):
    chosen = engine_data(atlas, "en", ["china", "manchukuo", "events"], visible=["china"])
    assert chosen["layers"] == [
        {"id": "china", "visible": True},
        {"id": "manchukuo", "visible": False},
    ]
    assert chosen["eventsVisible"] is False and chosen["events"]
    assert engine_data(atlas, "en", ["china"])["events"] == []


def an_upload(name: str, geometry: dict, *rows: tuple[str, str | None, dict]) -> bytes:
    """A GeoJSON file: one feature per (valid_from, valid_to, extra properties)."""
    features = [
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "id": f"{name}{i}",
                "name_en": "Test",
                "name_fr": "Essai",
                "name_native": None,
                "valid_from": first,
                "valid_to": last,
                "sources": ["Classroom exercise"],
                **extra,
            },
        }
        for i, (first, last, extra) in enumerate(rows)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def legend_on(legend: dict, day: str) -> list[str]:
    """The rows a legend shows on ``day`` with every layer on (as engine.js)."""
    epoch = max(i for i, s in enumerate(legend["starts"]) if s <= day)
    return [
        legend["rows"][i] for i in sorted({r for _, r in legend["sets"][legend["epochs"][epoch]]})
    ]


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[150, 36], [151, 36], [151, 37], [150, 37], [150, 36]]],
}
DOT = {"type": "Point", "coordinates": [150.5, 36.5]}


def test_an_upload_s_extra_payload_carries_its_legend_row(atlas):
    """The engine's extra records of a session's uploads come with a legend row per upload:
    its name (escaped) and a swatch of its look, on the days it shows something."""
    points, _ = read_upload(
        "<b>&dots.geojson", an_upload("p", DOT, ("1941-01-01", "1941-06-01", {}))
    )
    areas, _ = read_upload(
        "zones.geojson",
        an_upload(
            "z",
            SQUARE,
            ("1942-01-01", "1942-03-01", {"controller": "Japan", "status": "military_occupation"}),
            ("1942-02-01", "1942-04-01", {"controller": "Japan", "status": "military_occupation"}),
        ),
    )
    with_uploads = with_user_layers(atlas, [points, areas])
    ids = sorted(with_uploads.user_layer_ids)
    extra = json.loads(script_json(extra_data(with_uploads, ids, "fr")))
    assert {r["layer"] for r in extra["records"]} == set(ids)
    legend = extra["legend"]
    assert {layer for pairs in legend["sets"] for layer, _ in pairs} <= set(ids)
    assert len(legend["rows"]) == 2
    dots, zones = legend_on(legend, "1941-02-01"), legend_on(legend, "1942-03-15")
    assert len(dots) == 1 and "Votre couche : &lt;b&gt;&amp;dots.geojson" in dots[0]
    assert "<b>" not in dots[0] and "<circle" in dots[0]
    assert style.UNKNOWN_COLOUR in dots[0]
    assert len(zones) == 1 and "zones.geojson" in zones[0]  # the two overlap: one row
    shared = style.territory_style({"controller": "Japan", "status": "military_occupation"})
    assert "<rect" in zones[0] and shared.fill in zones[0]  # the one style they share
    assert legend_on(legend, "1941-07-01") == [] and legend_on(legend, "1942-04-01") == []
    mixed, _ = read_upload(
        "mixed.geojson",
        an_upload(
            "m",
            SQUARE,
            ("1942-01-01", None, {"controller": "Japan", "status": "annexed"}),
            ("1942-01-01", None, {"controller": "USSR", "status": "sovereign"}),
        ),
    )
    with_mixed = with_user_layers(atlas, [mixed])
    (row,) = extra_data(with_mixed, with_mixed.user_layer_ids, "en")["legend"]["rows"]
    assert f'fill="{style.UNKNOWN_COLOUR}"' in row  # two looks: the neutral swatch
    # The standalone HTML's data, with the uploads among its layers, has the same rows.
    shipped = engine_data(with_uploads, "fr", ["china", *ids])["legend"]
    assert any("&lt;b&gt;&amp;dots.geojson" in row for row in legend_on(shipped, "1941-02-01"))
    assert not any("dots.geojson" in row for row in legend_on(shipped, "1941-07-01"))


def test_popups_are_kept_apart_each_text_once_and_put_back_whole(data):
    """The live map fetches the popups after the first map: the data it waits for holds none,
    each distinct text is once in the list, and putting the texts back gives the data as
    made."""
    lean, texts = split_popups(data)
    lean_json = json.dumps(lean)
    assert '"p":"' not in lean_json and '"pp":' in lean_json
    assert len(texts) == len(set(texts)) and len(texts) > 500
    first_event = lean["events"][0]["marker"]["on"]
    assert "atlas-event" in texts[first_event["pp"]] and "p" not in first_event
    assert with_popups(json.loads(lean_json), texts) == data
