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

from layers import html_export, map_features, style
from layers.eventtext import script_json
from layers.html_export import standalone_html
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
    for name in (
        "engine.js",
        "engine.css",
        "standalone.css",
        "standalone.js",
        "standalone.html.j2",
    ):
        assert (WEB / name).is_file(), name
    for name in ("engine.js", "standalone.js"):
        script = (WEB / name).read_text(encoding="utf-8")
        assert script.strip() in page_html, name  # as shipped, not a copy in Python
    css = (WEB / "standalone.css").read_text(encoding="utf-8")
    first_rule = css.split("*/", 1)[1].strip().splitlines()[0]
    assert first_rule in page_html
    assert "{{" not in page_html and "{%" not in page_html  # the templates were rendered
    assert f"background: {style.LAND};" in page_html  # the CSS's colours from style.py
    # the live map's own library, look and time control come with it
    assert "window.atlasLib" in page_html and ".atlas-area-label span" in page_html
    assert ".atlas-time-slider" in page_html
    source = Path(html_export.__file__).read_text(encoding="utf-8")
    assert "_SCRIPT" not in source and "_TEMPLATE =" not in source and "_CSS =" not in source
    assert "importlib" in source


def test_the_map_is_the_live_maps_folium_map(page_html):
    """The page's map is folium's (base map, panes, controls), with the engine added: the base
    map's land, graticule and land outside the scope are drawn by folium's script, not
    shipped as engine records, in the live map's styles."""
    assert 'id="map_atlas"' in page_html and "var map_atlas = L.map(" in page_html
    assert "window.AtlasEngine.start(" in page_html and '"element":"atlas-data"' in page_html
    assert json.dumps(style.LAND_STYLE, separators=(",", ":"))[1:-1] in page_html.replace(
        ", ", ","
    ).replace(": ", ":")
    data = embedded_data(page_html)
    assert "basemap" not in {r["layer"] for r in data["records"]}


def test_page_holds_every_layer_and_the_time_control(atlas, page_html):
    data = embedded_data(page_html)
    shipped = {r["layer"] for r in data["records"]}
    assert shipped == {s.id for s in atlas.specs() if s.kind != "base"}
    assert data["start"] == "1939-05-11" and data["end"] == "1946-05-03"
    assert data["text"]["date"] == "Date" and data["text"]["play"] == "Play"
    assert data["look"]["icons"]["play"] == style.TIME_ICONS["play"]


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
    assert data["eventsVisible"] is True
    assert {r["layer"] for r in data["records"]} == {"china", "manchukuo"}
    assert data["text"]["months"][7] == "août" and data["text"]["day1"] == "1er"
    assert data["text"]["play"] == "Lecture"
    page_text = html.split('id="atlas-page-text">', 1)[1].split("</script>", 1)[0]
    assert json.loads(page_text)["onTitle"] == "À cette date"
    assert '<html lang="fr">' in html


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
    assert shown["s"] == map_features.USER_LINE.leaflet()  # the neutral colour of uploads
    assert "My &lt;b&gt;line&lt;/b&gt;" in shown["t"]
