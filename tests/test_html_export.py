"""The standalone HTML atlas: built from package files, self-contained, escaped, drawn with the
live map's look (the browser side: tests/browser/test_html_browser.py)."""

from __future__ import annotations

import dataclasses
import json
import re
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from layers import html_export, map_features, render, style, urlstate
from layers.eventtext import script_json
from layers.html_export import look, standalone_html
from layers.loading import build_layer, load_atlas
from layers.model import LayerSpec
from layers.user_layers import read_upload, with_user_layers

HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_NOTE = "<img src=x onerror=alert(1)>"
HOSTILE_SOURCE = "coox-1985:javascript:alert(1)"  # a registry id with a hostile locator


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


@pytest.fixture(scope="module")
def page_html(atlas):
    return standalone_html(atlas)


def hostile_atlas(atlas):
    """The real atlas with one more territory layer and one more event, both hostile."""
    props = {
        "id": "hostile_land",
        "name_en": HOSTILE_NAME,
        "name_fr": HOSTILE_NAME,
        "name_native": HOSTILE_NOTE,
        "valid_from": "1939-05-11",
        "valid_to": None,
        "status": "puppet_state",
        "controller": "Japan",
        "notes": HOSTILE_NOTE,
        "sources": [HOSTILE_SOURCE, "natural-earth"],
    }
    square = [[[150.0, 20.0], [156.0, 20.0], [156.0, 26.0], [150.0, 20.0]]]
    feature = {"type": "Feature", "properties": props, "geometry": {"type": "Polygon"}}
    feature["geometry"]["coordinates"] = square
    spec = LayerSpec(
        "hostile", "hostile.geojson", "territory", HOSTILE_NAME, HOSTILE_NAME, True, 99
    )
    layer = build_layer(spec, [feature], [], {*atlas.layers, "hostile"})
    assert len(layer.frame) == 1, layer.problems
    event = {
        "id": "ev_hostile",
        "date": "1941-04-13",
        "title_en": HOSTILE_NAME,
        "title_fr": HOSTILE_NAME,
        "text_en": HOSTILE_NOTE,
        "text_fr": HOSTILE_NOTE,
        "name_en": HOSTILE_NAME,
        "name_fr": HOSTILE_NAME,
        "name_native": HOSTILE_NOTE,
        "layers": ["hostile"],
        "importance": 1,
        "valid_from": "1941-04-13",
        "valid_to": "1941-04-14",
        "sources": [HOSTILE_SOURCE],
    }
    event_spec = LayerSpec("events", "events.geojson", "event", "Events", "Événements", True, 70)
    point = {"type": "Point", "coordinates": [37.62, 55.75]}
    events = build_layer(
        event_spec,
        [{"type": "Feature", "properties": event, "geometry": point}],
        [],
        {*atlas.layers, "hostile"},
    )
    assert len(events.frame) == 1, events.problems
    merged = pd.concat([atlas.events, events.frame], ignore_index=True)
    return dataclasses.replace(atlas, layers={**atlas.layers, "hostile": layer}, events=merged)


WEB = resources.files("layers") / "web"


def embedded_data(html: str) -> dict:
    start = html.index('<script type="application/json" id="atlas-data">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def records_of(data: dict, layer_id: str) -> list[dict]:
    return [r for r in data["records"] if r["layer"] == layer_id]


def test_page_is_made_from_the_package_files(page_html):
    for name in ("engine.js", "standalone.css", "standalone.html.j2"):
        assert (WEB / name).is_file(), name
    engine = (WEB / "engine.js").read_text(encoding="utf-8")
    assert engine.strip() in page_html  # the engine as shipped, not a copy in Python
    css = (WEB / "standalone.css").read_text(encoding="utf-8")
    first_rule = css.split("*/", 1)[1].strip().splitlines()[0]
    assert first_rule in page_html
    assert "{{" not in page_html and "{%" not in page_html  # the template was rendered
    assert f"background: {style.LAND};" in page_html  # the CSS's colours from style.py
    # and the live map's own library and look come with it
    assert "window.atlasLib" in page_html and ".atlas-area-label span" in page_html
    source = Path(html_export.__file__).read_text(encoding="utf-8")
    assert "_SCRIPT" not in source and "_TEMPLATE =" not in source and "_CSS =" not in source
    assert "importlib" in source


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
    assert not [s for s in strings if re.fullmatch(r"(?=.*\d)[\d. ]+", s)], "a dash pattern"


def test_look_carries_the_style_constants(page_html):
    data = embedded_data(page_html)
    shipped = data["look"]
    assert shipped == json.loads(script_json(look()))
    assert shipped["land"] == style.LAND_STYLE == render.LAND_STYLE  # the live map's base map
    assert shipped["graticule"] == style.GRATICULE_STYLE == render.GRATICULE_STYLE
    assert shipped["graticule"]["dashArray"] == "3 4"
    assert shipped["outsideScope"] == style.OUTSIDE_SCOPE_STYLE.leaflet()
    assert shipped["eventWindowDays"] == style.EVENT_WINDOW_DAYS
    assert shipped["panes"] == {k: list(v) for k, v in render.PANES.items()}
    assert shipped["zoom"] == {"min": urlstate.MIN_ZOOM, "max": urlstate.MAX_ZOOM, "snap": 0.5}


def test_features_are_drawn_as_on_the_live_map(atlas, page_html):
    data = embedded_data(page_html)
    base = records_of(data, "basemap")
    styles = [f["p"]["s"] for r in base for f in r["states"][0][1]]
    assert set(styles) == {"land", "graticule", "outsideScope"}  # named, styled by ``look``
    # a territory: the live map's own style, tooltip and popup
    frame = atlas.layers["manchukuo"].frame
    props = frame.drop(columns="geometry").iloc[0].to_dict()
    props = {k: (None if v != v else v) for k, v in props.items()}
    expected, _ = map_features.area_feature(props, "en", "{}")
    record = next(r for r in records_of(data, "manchukuo") if r["id"] == props["id"])
    assert record["states"][0][1][0]["p"] == json.loads(script_json(expected))
    assert record["until"] == props["valid_to"]
    # cities: the live map's radii and label classes
    radii = {f["p"]["r"] for r in records_of(data, "cities") for f in r["states"][0][1]}
    allowed = set(style.CITY_RADIUS.values())
    assert radii <= allowed | {r + 1.0 for r in allowed}
    # an August 1945 axis: one state per waypoint reached, dotted beyond as on the live map
    axis = records_of(data, "august_storm")[0]
    assert len(axis["states"]) > 2
    dashes = {f["p"]["s"].get("dashArray") for f in axis["states"][0][1] if "s" in f["p"]}
    assert style.PLANNED_DASH in dashes
    last = axis["states"][-1][1]
    assert style.PLANNED_DASH not in {f["p"].get("s", {}).get("dashArray") for f in last}
    # ended troop movements: a faded state from their end, shown until the grace period ends
    transfers = [r for r in records_of(data, "siberian_transfers") if r["until"]]
    faded = transfers[0]["states"][-1]
    assert faded[0] < transfers[0]["until"]
    opacities = {f["p"]["s"]["opacity"] for f in faded[1] if "s" in f["p"]}
    assert opacities == {style.route_style("route", {}, ended=True).opacity}


def test_events_carry_the_live_map_markers(atlas, page_html):
    data = embedded_data(page_html)
    assert len(data["events"]) == len(atlas.events)
    event = next(e for e in data["events"] if e["id"] == "ev_1941_04_13_pact_signed")
    assert event["marker"]["on"]["s"]["fillColor"] == style.TEXT
    assert event["marker"]["near"]["s"]["fillColor"] == style.LAND
    assert event["marker"]["on"]["r"] in style.EVENT_RADIUS.values()


def test_legend_rows_by_layer_and_date(page_html):
    legend = embedded_data(page_html)["legend"]
    assert legend["starts"][0] == "1939-05-11" and legend["starts"] == sorted(legend["starts"])
    assert len(legend["epochs"]) == len(legend["starts"])

    def rows_on(day: str) -> str:
        epoch = max(i for i, s in enumerate(legend["starts"]) if s <= day)
        rows = sorted({row for _, row in legend["sets"][legend["epochs"][epoch]]})
        return " ".join(legend["rows"][i] for i in rows)

    pact, storm = rows_on("1941-04-13"), rows_on("1945-08-20")
    assert "Japan — puppet state" in pact and "Japan — puppet state" not in storm
    assert "USSR — military occupation" in storm and "not yet reached" in storm
    assert "Event on this date" in pact


def test_page_holds_every_layer_and_the_controls(atlas, page_html):
    data = embedded_data(page_html)
    shipped = {r["layer"] for r in data["records"]}
    assert shipped == set(atlas.layers)
    assert 'type="range"' in page_html and 'id="atlas-slider"' in page_html
    assert 'id="atlas-prev"' in page_html and 'id="atlas-next"' in page_html
    assert data["start"] == "1939-05-11" and data["end"] == "1946-05-03"


def test_play_button_and_slider_are_accessible(page_html):
    button = re.search(
        r'<button type="button" id="atlas-play"[^>]*>(.*?)</button>', page_html, re.S
    )
    assert button and 'aria-pressed="false"' in button.group(0)
    assert "<svg" in button.group(1) and 'aria-hidden="true"' in button.group(1)
    assert ">Play</span>" in button.group(1)
    assert "⏸" not in page_html and "⏯" not in page_html
    assert re.search(r'<input type="range" id="atlas-slider"[^>]*aria-label="Date"', page_html)


def test_page_needs_no_network(page_html):
    lowered = page_html.lower()
    for word in ("cdn", "unpkg", "jsdelivr", "googleapis"):
        assert word not in lowered, word
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?https?:""", page_html)
    assert "Leaflet 1.9.3, a JS library for interactive maps" in page_html  # inlined
    assert ".leaflet-container" in page_html


def test_embedded_json_cannot_close_its_script(page_html):
    start = page_html.index('<script type="application/json" id="atlas-data">')
    body = page_html[start:].split(">", 1)[1].split("</script>", 1)[0]
    assert "<" not in body and ">" not in body
    assert page_html.count("</script>") == page_html.count("<script")


def test_script_json_escapes_markup():
    text = script_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_hostile_data_is_escaped(atlas):
    html = standalone_html(hostile_atlas(atlas))
    assert HOSTILE_NAME not in html and HOSTILE_NOTE not in html
    assert "<img" not in html and 'href="javascript' not in html
    data = embedded_data(html)
    hostile = records_of(data, "hostile")[0]["states"][0][1][0]["p"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile["p"]
    assert '<a href="https://www.naturalearthdata.com/' in hostile["p"]
    assert 'href="javascript' not in hostile["p"]
    event = next(e for e in data["events"] if e["id"] == "ev_hostile")
    assert "&lt;img src=x" in event["html"] and "<img" not in event["html"]
    assert "&lt;script&gt;" in event["marker"]["on"]["t"]
    labels = re.findall(r'data-layer="hostile"(?: checked)?> ([^<]*)</label>', html)
    assert labels == ["&lt;script&gt;alert(1)&lt;/script&gt;"]


def test_unknown_layer_is_refused(atlas):
    from layers.static import ExportError

    with pytest.raises(ExportError, match="unknown layer id"):
        standalone_html(atlas, layer_ids=["china", "atlantis"])


def test_french_page_and_chosen_layers(atlas):
    html = standalone_html(atlas, lang="fr", layer_ids=["china", "manchukuo", "events"])
    data = embedded_data(html)
    assert [layer["id"] for layer in data["layers"]] == ["china", "manchukuo"]
    assert {r["layer"] for r in data["records"]} == {"china", "manchukuo"}
    assert data["text"]["months"][7] == "août" and data["text"]["day1"] == "1er"
    assert data["text"]["onTitle"] == "À cette date"
    assert '<html lang="fr">' in html and ">Lecture</span>" in html


def test_an_uploaded_layer_is_drawn_as_in_the_app(atlas):
    line = {"type": "LineString", "coordinates": [[120, 40], [125, 44]]}
    upload = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": line,
                "properties": {
                    "id": "u1",
                    "name_en": "My <b>line</b>",
                    "name_fr": "Ma ligne",
                    "name_native": None,
                    "valid_from": "1941-01-01",
                    "valid_to": "1942-01-01",
                    "sources": ["My archive"],
                },
            }
        ],
    }
    layer, problems = read_upload("mine.geojson", json.dumps(upload).encode())
    assert problems == [] and layer.spec.kind == "line"
    mine = with_user_layers(atlas, [layer])
    data = embedded_data(standalone_html(mine, layer_ids=[layer.spec.id, "china"]))
    record = records_of(data, layer.spec.id)[0]
    assert (record["from"], record["until"]) == ("1941-01-01", "1942-01-01")
    shown = record["states"][0][1][0]["p"]
    assert shown["s"] == style.USER_LINE.leaflet()  # the neutral colour of uploads
    assert "My &lt;b&gt;line&lt;/b&gt;" in shown["t"]
