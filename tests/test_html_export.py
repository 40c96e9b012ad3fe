"""The standalone HTML atlas: self-contained, escaped, and working in a real browser from disk."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from layers.html_export import script_json, standalone_html
from layers.loading import build_layer, load_atlas
from layers.model import ATLAS_START, LayerSpec

HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_NOTE = "<img src=x onerror=alert(1)>"
HOSTILE_SOURCE = "coox-1985:javascript:alert(1)"  # a registry id with a hostile locator
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


def test_page_holds_every_layer_and_the_slider(atlas, page_html):
    for layer_id in atlas.layers:
        assert f'"id":"{layer_id}"' in page_html, layer_id
    assert 'type="range"' in page_html and 'id="atlas-slider"' in page_html
    assert 'id="atlas-prev"' in page_html and 'id="atlas-next"' in page_html
    data = embedded_data(page_html)
    assert data["start"] == "1939-05-11" and data["end"] == "1946-05-03"
    assert len(data["events"]) == len(atlas.events)
    storm = next(layer for layer in data["layers"] if layer["id"] == "august_storm")
    assert all("axis" in f for f in storm["features"])


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
    hostile = next(layer for layer in data["layers"] if layer["id"] == "hostile")
    popup = hostile["features"][0]["pop"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in popup
    assert '<a href="https://www.naturalearthdata.com/' in popup and 'href="javascript' not in popup
    event = next(e for e in data["events"] if e["id"] == "ev_hostile")
    assert "&lt;img src=x" in event["html"] and "<img" not in event["html"]
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
    assert data["months"][7] == "août" and data["day1"] == "1er"
    assert '<html lang="fr">' in html


def embedded_data(html: str) -> dict:
    start = html.index('<script type="application/json" id="atlas-data">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


# ---------------------------------------------------------------- in a real browser


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        if Path(CHROMIUM).exists():
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        else:
            try:
                launched = playwright.chromium.launch(args=BROWSER_ARGS)
            except Exception as error:
                if os.environ.get("CI") == "true":
                    pytest.fail(f"no browser for the HTML test in CI: {error}")
                pytest.skip(f"no Chromium: {error}")
        yield launched
        launched.close()


def open_page(browser, path: Path):
    """The page opened from disk; every console error, dialog and non-file request recorded."""
    page = browser.new_page(viewport={"width": 1300, "height": 850})
    seen = {"errors": [], "dialogs": [], "requests": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))

    def dialog(d):
        seen["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", dialog)

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            seen["requests"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, seen


def fills(page) -> set[str]:
    return set(
        page.eval_on_selector_all(
            "path.leaflet-interactive", "els => els.map(e => e.getAttribute('fill'))"
        )
    )


def slide_to(page, day: dt.date) -> None:
    page.eval_on_selector(
        "#atlas-slider",
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
        str((day - ATLAS_START).days),
    )


def test_page_works_in_a_browser_from_disk(browser, page_html, tmp_path):
    path = tmp_path / "atlas.html"
    path.write_text(page_html, encoding="utf-8")
    page, seen = open_page(browser, path)
    assert page.locator("path.leaflet-interactive").count() > 0
    assert page.text_content("#atlas-date") == "13 April 1941"
    before = fills(page)
    assert "#F0C75E" in before  # Manchukuo, puppet state
    legend = page.text_content(".atlas-legend")
    slide_to(page, dt.date(1945, 8, 25))
    after = fills(page)
    assert after != before
    assert "#F0C75E" not in after  # Manchukuo is gone …
    assert page.text_content("#atlas-date") == "25 August 1945"
    assert "military occupation" in page.text_content(".atlas-legend") != legend
    # … and the axes of August 1945 are drawn.
    assert page.locator(".atlas-arrow").count() > 0
    page.click("#atlas-next")
    assert page.text_content("#atlas-date") != "25 August 1945"
    assert seen == {"errors": [], "dialogs": [], "requests": []}
    page.close()


def test_hostile_page_opens_no_dialog(browser, atlas, tmp_path):
    path = tmp_path / "hostile.html"
    path.write_text(standalone_html(hostile_atlas(atlas)), encoding="utf-8")
    page, seen = open_page(browser, path)
    slide_to(page, dt.date(1941, 4, 13))
    # Click every territory and read the popup each one opens.
    popups = page.eval_on_selector_all(
        ".leaflet-atlas-areas-pane path.leaflet-interactive",
        """els => els.map(e => {
            e.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: 400, clientY: 300}));
            const open = document.querySelectorAll('.leaflet-popup-content');
            return open.length ? open[open.length - 1].textContent : '';
        })""",
    )
    hostile = [text for text in popups if HOSTILE_NAME in text]
    assert hostile and HOSTILE_NOTE in hostile[0]  # shown as text, not run
    assert HOSTILE_NAME in page.text_content("#atlas-events")
    assert page.locator("#atlas-events img, #atlas-events script").count() == 0
    assert seen == {"errors": [], "dialogs": [], "requests": []}
    page.close()


def test_page_plays_announces_dates_and_separates_on_from_around(browser, page_html, tmp_path):
    path = tmp_path / "atlas.html"
    path.write_text(page_html, encoding="utf-8")
    page, seen = open_page(browser, path)
    slider = page.locator("#atlas-slider")
    assert slider.get_attribute("aria-valuetext") == "13 April 1941"
    names = page.locator(".atlas-area-label:not(.atlas-hidden)").all_inner_texts()
    assert "Manchukuo" in [n.strip() for n in names]  # territory names, as on the app's map
    headings = page.locator("#atlas-events h3").all_inner_texts()
    assert headings == ["On this date", "Around this date"]  # the pact signed that day
    today = page.locator("#atlas-events .atlas-today")
    assert today.count() >= 1
    assert page.locator("#atlas-events h3 ~ .atlas-today").count() == today.count()
    slide_to(page, dt.date(1945, 8, 25))  # occupied Manchuria is hatched, as on the app's map
    assert any(f and f.startswith("url(#atlas-hatch-") for f in fills(page))
    page.click("#atlas-play")
    assert page.get_attribute("#atlas-play", "aria-pressed") == "true"
    page.wait_for_function(
        "() => document.querySelector('#atlas-slider').getAttribute('aria-valuetext')"
        " !== '25 August 1945'",
        timeout=5_000,
    )
    page.click("#atlas-play")
    assert page.get_attribute("#atlas-play", "aria-pressed") == "false"
    assert seen == {"errors": [], "dialogs": [], "requests": []}
    page.close()
