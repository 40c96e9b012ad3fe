"""Hostile data in a real browser: no dialog opens and no injected element appears.

A copy of geodata/ gets a layer, a city and an event whose names, titles, notes and sources
carry script tags, ``onerror`` images, ``javascript:`` links and markdown links; a separate
app server reads it through ``ATLAS_GEODATA``. The test opens the tooltip, the popup, the
legend, the events panel (with its notes and sources) and the territory notes, then looks for
anything the data could have injected, in the page and in the map's frame.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from layers.style import CONTROLLER_COLOURS
from tests import mapprobe
from tests.harness import REPO, served_atlas

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
JS_LINK = "javascript:alert(1)"
MD_LINK = "[click me](javascript:alert(1))"
TRICKY_URL = "see https://example.org/a)[x](javascript:alert(1)) and <b>bold</b>"
HOSTILE_FILL = CONTROLLER_COLOURS["USA"]  # nothing else is American on 13 April 1941
SOURCES = [JS_LINK, SCRIPT, IMG, TRICKY_URL, MD_LINK]
# Anything any of the strings above could have turned into, in any frame.
INJECTED_JS = r"""
() => {
  const docs = [document];
  for (const f of document.querySelectorAll('iframe')) {
    try { if (f.contentDocument) docs.push(f.contentDocument); } catch (e) {}
  }
  const found = [];
  for (const doc of docs) {
    for (const el of doc.querySelectorAll(
        'img[src="x"], img[onerror], svg[onload], [onerror], [onload], [onmouseover]')) {
      found.push(el.outerHTML.slice(0, 120));
    }
    for (const s of doc.querySelectorAll('script')) {
      if ((s.textContent || '').trim() === 'alert(1)') found.push('<script>alert(1)</script>');
    }
    for (const a of doc.querySelectorAll('a[href], area[href], iframe[src], form[action]')) {
      const url = (a.getAttribute('href') || a.getAttribute('src') || '').trim().toLowerCase();
      if (url.startsWith('javascript:') || url.startsWith('data:text/html')) {
        found.push(a.outerHTML.slice(0, 120));
      }
    }
    if (doc.querySelector('b') && Array.from(doc.querySelectorAll('b'))
        .some(b => b.textContent === 'bold')) found.push('<b>bold</b> rendered as HTML');
  }
  return found;
}
"""


def hostile_geodata(folder) -> None:
    """Copy geodata/ into ``folder`` and add hostile records to it."""
    shutil.copytree(REPO / "geodata", folder, dirs_exist_ok=True)
    catalogue = json.loads((folder / "catalogue.json").read_text("utf-8"))
    catalogue["layers"].append(
        {
            "id": "hostile",
            "file": "hostile.geojson",
            "kind": "territory",
            "title_en": f"Hostile {IMG} {MD_LINK}",
            "title_fr": f"Hostile {SCRIPT}",
            "visible": True,
            "order": 30,
        }
    )
    (folder / "catalogue.json").write_text(json.dumps(catalogue), "utf-8")
    polygon = [[[150.0, 36.0], [156.0, 36.0], [156.0, 41.0], [150.0, 41.0], [150.0, 36.0]]]
    territory = {
        "type": "Feature",
        "properties": {
            "id": "hostile_area",
            "name_en": f"{SCRIPT} Hostile",
            "name_fr": f"{IMG} Hostile",
            "name_native": SVG,
            "valid_from": "1939-05-11",
            "valid_to": None,
            "status": "contested",
            "controller": "USA",
            "sources": SOURCES,
            "notes": f"Notes {IMG} {MD_LINK} {SVG}",
            "notes_fr": f"Notes {SCRIPT}",
        },
        "geometry": {"type": "Polygon", "coordinates": polygon},
    }
    (folder / "hostile.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [territory]}), "utf-8"
    )
    cities = json.loads((folder / "cities.geojson").read_text("utf-8"))
    city = json.loads(json.dumps(cities["features"][0]))
    city["properties"].update(
        id="city_hostile",
        name_en=f"{IMG} Town",
        name_fr=f"{SCRIPT} Ville",
        name_native=SVG,
        modern_name=f"{IMG}{MD_LINK}",
        capital_of=None,
        sources=SOURCES,
        notes=f"City {SCRIPT}",
    )
    city["geometry"] = {"type": "Point", "coordinates": [144.0, 33.0]}
    cities["features"].append(city)
    (folder / "cities.geojson").write_text(json.dumps(cities), "utf-8")
    events = json.loads((folder / "events.geojson").read_text("utf-8"))
    event = json.loads(json.dumps(events["features"][0]))
    event["properties"].update(
        id="ev_hostile",
        date="1941-04-13",
        date_end=None,
        time="12:00",
        utc_offset="+09:00",
        time_zone=f"{IMG}",
        title_en=f"{SCRIPT} Hostile event {MD_LINK}",
        title_fr=f"{IMG} Événement",
        text_en=f"Text {IMG} {SVG} {MD_LINK} **not bold**",
        text_fr=f"Texte {SCRIPT}",
        name_en=f"{IMG} place",
        name_fr=f"{IMG} lieu",
        name_native=SVG,
        valid_from="1941-04-13",
        valid_to="1941-04-14",
        layers=["hostile"],
        sources=SOURCES,
        notes=f"Event notes {IMG}",
        notes_fr=f"Notes {SCRIPT}",
        importance=1,
    )
    event["geometry"] = {"type": "Point", "coordinates": [144.0, 27.5]}
    events["features"].append(event)
    (folder / "events.geojson").write_text(json.dumps(events), "utf-8")


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, browser):
    folder = tmp_path_factory.mktemp("hostile_geodata")
    hostile_geodata(folder)
    with served_atlas(env={"ATLAS_GEODATA": str(folder)}) as url:
        yield url


def test_hostile_data_is_shown_as_text(page, probe, hostile_server):
    page.goto(hostile_server + "/?date=1941-04-13")
    mapprobe.wait_for_map(  # the fill, or the hatch drawn in it (contested areas are hatched)
        page, timeout=90, predicate=lambda s: any(HOSTILE_FILL[1:] in f for f in s["fills"])
    )
    frame = mapprobe.map_frame(page)
    issues = []

    def check(ok: bool, message: str) -> None:
        if not ok:
            issues.append(message)

    # The layer's title is plain text in the sidebar (not markdown, not HTML).
    sidebar = page.locator('[data-testid="stSidebar"]')
    title = sidebar.get_by_text(f"Hostile {IMG} {MD_LINK}", exact=True)
    check(title.count() == 1, "the layer title in the sidebar is not shown as plain text")

    # Point at the upper-left corner of the hostile area, away from its markers and above the
    # legend (bottom-right of the map), in open sea east of Japan.
    page.locator(".atlas-live").scroll_into_view_if_needed()
    box = mapprobe.map_box(page)
    point = frame.evaluate("() => window.map_live.latLngToContainerPoint([40.4, 150.6])")
    x, y = box["x"] + point["x"], box["y"] + point["y"]
    page.mouse.move(x, y)
    tooltip = frame.locator(".leaflet-tooltip", has_text="Hostile").first
    tooltip.wait_for()
    check(SCRIPT in tooltip.inner_text(), "tooltip does not show the name as text")

    page.mouse.click(x, y)
    popup = frame.locator(".leaflet-popup-content", has_text="Hostile").first
    popup.wait_for()  # the popups come apart from the map's data, when the page is idle
    text = popup.inner_text()
    for value in (SCRIPT, IMG, JS_LINK, SVG):
        check(value in text, f"popup does not show {value!r} as text")
    links = popup.locator("a[href]")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    check(all(h.startswith(("http://", "https://")) for h in hrefs), f"popup links: {hrefs}")

    label = frame.get_by_text(f"{IMG} Town", exact=True)
    check(label.count() >= 1, "the city label does not show the name as text")

    legend = frame.locator(".atlas-legend").first
    check("USA — contested" in legend.inner_text(), "legend row missing")

    main = page.locator('[data-testid="stMain"]')
    card = main.get_by_text(f"{SCRIPT} Hostile event {MD_LINK}", exact=True).filter(visible=True)
    check(card.count() >= 1, "the event title is not shown as plain text")
    for expander in main.get_by_text(re.compile(r"^Notes\b.*sources$", re.I)).all():
        if expander.is_visible():
            expander.click()
    text = main.get_by_text(f"Text {IMG} {SVG} {MD_LINK} **not bold**", exact=True)
    check(text.filter(visible=True).count() >= 1, "the event text is not shown as plain text")
    main.get_by_text(re.compile(r"^Notes on the territories")).first.click()
    notes = main.get_by_text(f"Notes {IMG} {MD_LINK} {SVG}", exact=True)
    with contextlib.suppress(PlaywrightTimeoutError):  # made when the expander opens
        notes.first.wait_for(timeout=30_000)
    check(notes.count() >= 1, "the territory notes are not shown as plain text")
    sources = main.get_by_text(JS_LINK, exact=True)
    check(sources.count() >= 1, "the javascript: source is not shown as text")
    page.wait_for_timeout(500)

    injected = page.evaluate(INJECTED_JS)
    assert injected == [], f"elements injected from data: {injected}"
    assert issues == [], "hostile text not shown as plain text:\n" + "\n".join(issues)
    assert probe.dialogs == [], "a dialog opened"
    assert probe.page_errors == []
    assert probe.external == [], "the page needed something from outside localhost"
    assert page.locator('[data-testid="stException"]').count() == 0
