"""The atlas in a real browser: headless Chromium against the atlas's server
(``python -m atlas_app``).

Each test opens its own session (a new browser context) and ends by checking that the page
needed nothing from outside localhost and logged no error. Screenshots: artifacts/.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import struct
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from layers.i18n import format_date
from layers.loading import load_atlas
from layers.render import geometry_bundle
from layers.style import CONTROLLER_COLOURS, JAPAN_STATUS_COLOURS, STATUS_PATTERNS
from tests import mapprobe

pytestmark = pytest.mark.browser

DEFAULT_DAY = dt.date(1941, 4, 13)
PUPPET_FILL = JAPAN_STATUS_COLOURS["puppet_state"]  # Manchukuo, Mengjiang
MPR_FILL = CONTROLLER_COLOURS["MPR"]  # Mongolia only
USSR_FILL = CONTROLLER_COLOURS["USSR"]
OCCUPATION_DASH = STATUS_PATTERNS["military_occupation"][0]


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


@pytest.fixture
def app(page, streamlit_server):
    """A guarded page, with the atlas server running."""
    return page


def open_atlas(page, base_url: str, query: str = "", timeout: float = 90) -> dict:
    page.goto(base_url + query)
    return mapprobe.wait_for_map(page, timeout=timeout, min_paths=10)


def wait_for_date(page, day: dt.date, lang: str = "en", timeout: float = 20) -> dict:
    text = format_date(day, lang)
    return mapprobe.wait_for_map(
        page, timeout=timeout, predicate=lambda s: (s["dateBox"] or "").startswith(text)
    )


def slider_date(page) -> dt.date:
    """The date of the map's time control."""
    return dt.date.fromisoformat(page.evaluate("() => window.atlasEngine.date()"))


def link_layers(url: str) -> list[str]:
    """The layers a link names (all of them when it names none)."""
    value = parse_qs(urlsplit(url).query).get("layers")
    return value[0].split(",") if value else ["<all>", "mongolia"]


def assert_clean(probe, page=None) -> None:
    if page is not None:
        errors = page.locator('[data-testid="stException"]')
        assert errors.count() == 0, f"the app shows an exception: {errors.first.inner_text()}"
    assert probe.external == [], "the page needed something from outside localhost"
    assert probe.page_errors == []
    assert probe.console_errors == []
    assert probe.dialogs == []


def test_default_date_draws_its_territories(app, streamlit_server, probe, atlas):
    fetched = []
    app.on("request", lambda r: fetched.append(r.url) if "/atlas/geometry-" in r.url else None)
    state = open_atlas(app, streamlit_server)
    state = wait_for_date(app, DEFAULT_DAY)
    territories = sum(
        len(atlas.layers[s.id].on(DEFAULT_DAY)) for s in atlas.specs() if s.kind == "territory"
    )
    assert state["paths"] > territories  # territories, plus railways, routes and markers
    assert PUPPET_FILL in state["fills"], "Manchukuo's puppet-state fill is missing"
    assert "Japan — puppet state" in state["legend"]
    assert "Manchukuo" not in (state["legend"] or "")  # the legend names statuses, not places
    assert slider_date(app) == DEFAULT_DAY
    assert len(fetched) == 1 and fetched[0].endswith(".json.gz"), fetched  # the gzipped store
    assert_clean(probe, app)


def zoom_in_and_pan(page) -> dict:
    """Zoom in with the control and drag the map somewhere else; the view it settles on."""
    page.locator(".atlas-live a.leaflet-control-zoom-in").click()
    mapprobe.wait_for_map(page, predicate=lambda s: s["view"]["zoom"] == 5)
    page.wait_for_timeout(800)  # the zoom animation ends and the view's rerun settles
    page.locator(".atlas-live").scroll_into_view_if_needed()
    box = mapprobe.map_box(page)
    bottom = min(box["y"] + box["height"], page.viewport_size["height"])
    x, y = box["x"] + box["width"] * 0.45, (max(box["y"], 0) + bottom) * 0.6
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 120, y - 60, steps=8)
    page.mouse.up()
    view = mapprobe.wait_for_map(page, predicate=lambda s: s["view"]["zoom"] == 5)["view"]
    assert (round(view["lat"], 1), round(view["lng"], 1)) != (41.0, 111.0), "the drag did nothing"
    page.wait_for_timeout(800)  # the map reports its view (debounced), a rerun follows
    return mapprobe.map_state(page)["view"]


def assert_same_view(state: dict, view: dict, after: str) -> None:
    assert state["view"]["zoom"] == view["zoom"], f"zoom changed after {after}"
    assert state["view"]["lat"] == pytest.approx(view["lat"], abs=1e-6), after
    assert state["view"]["lng"] == pytest.approx(view["lng"], abs=1e-6), after


def test_keyboard_scrubbing_changes_the_map_but_not_the_view(app, streamlit_server, probe):
    open_atlas(app, streamlit_server)
    app.evaluate("() => { window.map_live.__sameMap = true; }")  # gone if the map is re-made
    view = zoom_in_and_pan(app)
    before = mapprobe.map_state(app)
    slider = app.locator(".atlas-time-slider")
    seen = {before["signature"]}
    for key in ("ArrowRight", "PageUp", "End"):
        previous = slider_date(app).isoformat()
        slider.focus()
        slider.press(key)
        app.wait_for_function("d => window.atlasEngine.date() !== d", arg=previous)
        day = slider_date(app)
        state = wait_for_date(app, day)
        seen.add(state["signature"])
        assert_same_view(state, view, key)
        assert app.evaluate("() => window.map_live.__sameMap === true"), "the map was re-made"
    assert slider_date(app) == dt.date(1946, 5, 3)  # End
    assert slider.get_attribute("aria-valuetext") == "3 May 1946"
    assert len(seen) >= 3, "moving the date did not change what is drawn"
    assert PUPPET_FILL not in state["fills"]  # no puppet state is left in May 1946
    app.wait_for_url("**date=1946-05-03**")  # the link follows once the rerun has finished
    assert_clean(probe, app)


def drawn_fills(page) -> list[str]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.atlas-live path.leaflet-interactive'))
            .map(p => p.getAttribute('fill') + '|' + (p.getAttribute('d') || '').length).sort()"""
    )


def test_dragging_the_time_control_redraws_before_release(app, streamlit_server, probe):
    """While the thumb is dragged the map follows, frame by frame, before the mouse is
    released; on release the server learns the date: the events panel and the link show the
    map's date; zoom and centre survive the whole sequence."""
    open_atlas(app, streamlit_server)
    view = zoom_in_and_pan(app)
    app.evaluate(
        """() => { window.__drawn = [];
        window.map_live.getContainer().addEventListener('atlas:date',
          e => window.__drawn.push(e.detail.date)); }"""
    )
    start_fills = drawn_fills(app)
    box = app.locator(".atlas-time-slider").bounding_box()
    x, y = box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2
    app.mouse.move(x, y)
    app.mouse.down()
    for step in range(1, 25):
        app.mouse.move(x + step * box["width"] * 0.02, y)
        app.wait_for_timeout(20)
    drawn = app.evaluate("() => window.__drawn.slice()")
    held = slider_date(app)
    assert len(set(drawn)) >= 10, f"the map did not follow the drag: {drawn}"
    assert drawn_fills(app) != start_fills, "the territories did not change while dragging"
    assert "date=" + held.isoformat() not in app.url  # the server has not been told yet
    assert_same_view(mapprobe.map_state(app), view, "dragging")
    app.mouse.up()
    app.wait_for_url(f"**date={held.isoformat()}**")
    mapprobe.wait_until_idle(app)
    assert slider_date(app) == held
    spoken = format_date(held, "en")
    panel = app.locator(".st-key-atlas_events_date")
    assert panel.inner_text() == f"On and around {spoken}"  # the events panel's date
    assert app.locator(".atlas-time-date").inner_text() == spoken  # the map's
    assert_same_view(mapprobe.map_state(app), view, "the release")
    # The server moves the date (a week step): the map follows, the view still stays.
    app.get_by_role("button", name="+1 week").click()
    later = held + dt.timedelta(days=7)
    wait_for_date(app, later)
    app.wait_for_url(f"**date={later.isoformat()}**")
    assert_same_view(mapprobe.map_state(app), view, "a week step")
    assert_clean(probe, app)


def test_step_buttons_events_and_play_in_the_map(app, streamlit_server, probe):
    open_atlas(app, streamlit_server)
    app.locator(".atlas-time-plus").click()
    wait_for_date(app, DEFAULT_DAY + dt.timedelta(days=1))
    app.locator(".atlas-time-next").click()
    assert slider_date(app) == dt.date(1941, 4, 21)  # the next event
    app.wait_for_url("**date=1941-04-21**")
    app.locator(".atlas-time-prev").click()
    assert slider_date(app) == DEFAULT_DAY
    play = app.locator(".atlas-time-play")
    assert play.get_attribute("aria-pressed") == "false" and play.inner_text() == "Play"
    play.click()
    assert play.get_attribute("aria-pressed") == "true" and play.inner_text() == "Pause"
    app.wait_for_function("() => window.atlasEngine.date() > '1941-05-10'", timeout=10_000)
    play.click()
    stopped = slider_date(app)
    assert play.get_attribute("aria-pressed") == "false"
    app.wait_for_url(f"**date={stopped.isoformat()}**")  # told once paused
    app.wait_for_timeout(1000)
    assert slider_date(app) == stopped
    assert_clean(probe, app)


def test_toggling_a_layer_removes_its_paths(app, streamlit_server, probe, atlas):
    state = open_atlas(app, streamlit_server)
    assert MPR_FILL in state["fills"]
    shown = len(atlas.layers["mongolia"].on(DEFAULT_DAY))
    sidebar = app.locator('[data-testid="stSidebar"]')
    spec = atlas.layers["mongolia"].spec
    title = spec.title("en")
    assert sidebar.get_by_text(title, exact=True).count() == 0  # in its group, closed
    sidebar.get_by_text(spec.group_title("en"), exact=True).click()
    sidebar.get_by_text(title, exact=True).click()
    off = mapprobe.wait_for_map(app, predicate=lambda s: MPR_FILL not in s["fills"])
    assert off["paths"] == state["paths"] - shown
    assert "Mongolian PR" not in off["legend"]
    app.wait_for_url(lambda url: "mongolia" not in link_layers(url))  # the link follows
    sidebar.get_by_text(title, exact=True).click()
    on = mapprobe.wait_for_map(app, predicate=lambda s: MPR_FILL in s["fills"])
    assert on["paths"] == state["paths"]
    assert_clean(probe, app)


def test_switching_language_translates_legend_and_panels(app, streamlit_server, probe):
    state = open_atlas(app, streamlit_server)
    assert "Legend" in state["legend"]
    assert app.get_by_text("What happened", exact=True).count() == 1
    app.locator('[data-testid="stSidebar"]').get_by_text("Français", exact=True).click()
    french = wait_for_date(app, DEFAULT_DAY, lang="fr")
    assert french["legend"].startswith("Légende")
    assert "RP mongole — État satellite" in french["legend"]
    assert "Mongolian PR" not in french["legend"]
    app.get_by_text("Ce qui s'est passé", exact=True).wait_for()
    assert app.get_by_text("What happened", exact=True).count() == 0
    assert app.locator('[data-testid="stSidebar"]').get_by_text("Couches", exact=True).count()
    app.wait_for_url("**lang=fr**")
    assert_clean(probe, app)


def test_deep_link_shows_manchukuo_under_soviet_occupation(app, streamlit_server, probe):
    open_atlas(app, streamlit_server, "/?date=1945-08-20")
    state = wait_for_date(app, dt.date(1945, 8, 20))
    assert slider_date(app) == dt.date(1945, 8, 20)
    # Occupied: hatched in the USSR's colour (an SVG pattern named after it), dashed outline.
    occupied = mapprobe.map_frame(app).evaluate(
        """([fill, dash]) => Array.from(document.querySelectorAll('path.leaflet-interactive'))
            .filter(p => (p.getAttribute('fill') || '').toUpperCase()
                           .startsWith('URL(#ATLAS-HATCH-DIAGONAL-' + fill.slice(1))
                      && p.getAttribute('stroke-dasharray') === dash).length""",
        [USSR_FILL, OCCUPATION_DASH],
    )
    assert occupied >= 1, "no Soviet-occupied area drawn on 20 August 1945"
    assert "USSR — military occupation" in state["legend"]
    assert PUPPET_FILL not in state["fills"] or "Japan — puppet state" in state["legend"]
    assert_clean(probe, app)


def test_export_panel_downloads_a_real_png(app, streamlit_server, probe):
    open_atlas(app, streamlit_server)
    mapprobe.wait_until_idle(app)
    app.get_by_text("Export", exact=True).click()
    mapprobe.wait_until_idle(app)
    app.locator("button:visible", has_text="Render").first.click()
    button = app.locator("button:visible", has_text="Download atlas_1941-04-13_en.png")
    failure = app.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    button.or_(failure).first.wait_for(timeout=90_000)
    assert failure.count() == 0, f"the export failed: {failure.first.inner_text()[:500]}"
    with app.expect_download(timeout=30_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "atlas_1941-04-13_en.png"
    data = Path(download.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1600, 1000)
    assert len(data) > 50_000, "a 1600×1000 map should not be nearly empty"
    assert_clean(probe, app)


def test_a_browser_without_decompression_streams_draws_from_the_plain_store(
    app, streamlit_server, probe
):
    """Older browsers (Safari before 16.4) cannot inflate the gzipped store: they fetch the
    plain JSON copy beside it and draw the same map."""
    fetched = []
    app.on("request", lambda r: fetched.append(r.url) if "/atlas/geometry-" in r.url else None)
    app.add_init_script("delete window.DecompressionStream;")
    state = open_atlas(app, streamlit_server)
    state = wait_for_date(app, DEFAULT_DAY)
    assert PUPPET_FILL in state["fills"] and state["paths"] > 10
    assert fetched and all(url.endswith(".json") for url in fetched), fetched
    assert_clean(probe, app)


def test_the_maps_files_are_asked_for_at_once_and_fetched_once(app, streamlit_server, probe):
    """A first visit waits for one round of fetches, not four: the map's script and the data
    it fetches are asked for while Leaflet loads (preloads), and none is fetched twice."""
    fetched = []
    app.on("request", lambda r: fetched.append(r.url) if "/app/static/vendor/" in r.url else None)
    open_atlas(app, streamlit_server)
    wait_for_date(app, DEFAULT_DAY)
    names = [url.rsplit("/", 1)[1] for url in fetched]
    assert len(names) == len(set(names)), names
    timings = app.evaluate(
        """() => Object.fromEntries(performance.getEntriesByType('resource')
             .filter(e => e.name.includes('/app/static/vendor/'))
             .map(e => [e.name.split('/').pop(), [e.startTime, e.responseEnd]]))"""
    )
    leaflet_arrived = timings["leaflet.js"][1]
    asked_early = [
        name
        for name, (start, _) in timings.items()
        if name.startswith(("engine_", "geometry-", "live_")) and start < leaflet_arrived
    ]
    assert {n.split("-")[0].split("_")[0] for n in asked_early} >= {"engine", "geometry", "live"}
    assert any(n.startswith("live_") and n.endswith(".js") and "host" not in n for n in asked_early)
    assert_clean(probe, app)


# Vertices each stored shape on the map has now (store id -> count; Leaflet drops each ring's
# closing position).
STORED_VERTICES_JS = """
() => {
  const counts = {};
  window.atlasEngine.map.eachLayer(l => {
    const id = l.feature && l.feature.properties && l.feature.properties.g;
    if (id && l.getLatLngs) { counts[id] = l.getLatLngs().flat(3).length; }
  });
  return counts;
}
"""


FETCHED_JS = """(names) => {
  const find = (name) => performance.getEntriesByType("resource")
    .find((entry) => entry.name.split("/").pop() === name);
  if (!Array.isArray(names)) { return Boolean(find(names)); }
  return names.map((name) => find(name).toJSON());
}"""


def test_the_overview_draws_each_shape_simplified_and_a_close_view_in_full(
    app, streamlit_server, probe, atlas
):
    """Up to the store's coarse zoom the map projects the overview copy of each shape (half
    the vertices or fewer); zoomed in past it, the shapes as built; and back. The store's
    detail file is asked for only once its overview has come."""
    store = geometry_bundle(atlas)
    bundle = json.loads(gzip.decompress(store.files[store.name]))
    detail = json.loads(gzip.decompress(store.files[bundle["detail"]]))
    open_atlas(app, streamlit_server)
    wait_for_date(app, DEFAULT_DAY)
    assert mapprobe.map_state(app)["view"]["zoom"] <= bundle["coarseZoom"]
    app.wait_for_function(FETCHED_JS, arg=bundle["detail"])  # when the page is idle
    first, then = app.evaluate(FETCHED_JS, [store.name, bundle["detail"]])
    assert then["startTime"] >= first["responseEnd"]

    overview = app.evaluate(STORED_VERTICES_JS)
    simplified = [g for g in overview if g in bundle["coarse"]]
    assert len(simplified) > 10
    for g in simplified:
        assert overview[g] == rings_dropped(bundle["coarse"][g]), g
    for _ in range(2):
        app.locator(".atlas-live a.leaflet-control-zoom-in").click()
        app.wait_for_timeout(500)
    mapprobe.wait_for_map(app, predicate=lambda s: s["view"]["zoom"] > bundle["coarseZoom"])
    app.wait_for_timeout(500)
    close = app.evaluate(STORED_VERTICES_JS)
    for g in simplified:
        assert close[g] == rings_dropped(detail["geometries"][g]) > overview[g], g
    assert sum(overview.values()) < 0.6 * sum(close[g] for g in overview)
    app.locator(".atlas-live a.leaflet-control-zoom-out").click()
    app.locator(".atlas-live a.leaflet-control-zoom-out").click()
    mapprobe.wait_for_map(app, predicate=lambda s: s["view"]["zoom"] <= bundle["coarseZoom"])
    app.wait_for_timeout(500)
    assert app.evaluate(STORED_VERTICES_JS) == overview
    assert_clean(probe, app)


def test_a_close_view_from_a_link_draws_the_full_shapes_once_the_detail_comes(
    app, streamlit_server, probe, atlas
):
    """Opened zoomed in (a shared link), the map first draws what the overview holds, then
    each simplified shape in full once the detail file has come, each shape once."""
    store = geometry_bundle(atlas)
    bundle = json.loads(gzip.decompress(store.files[store.name]))
    detail = json.loads(gzip.decompress(store.files[bundle["detail"]]))
    open_atlas(app, streamlit_server, "?date=1941-04-13&lat=44&lon=126&zoom=7")
    wait_for_date(app, DEFAULT_DAY)
    assert mapprobe.map_state(app)["view"]["zoom"] == 7
    app.wait_for_function(FETCHED_JS, arg=bundle["detail"])
    app.wait_for_timeout(500)
    drawn = app.evaluate(STORED_VERTICES_JS)
    shown = [g for g in drawn if g in detail["geometries"]]
    assert "manchukuo_puppet" in shown
    for g in shown:
        assert drawn[g] == rings_dropped(detail["geometries"][g]), g
    assert app.evaluate(LAYERS_PER_SHAPE_JS) == {}
    assert_clean(probe, app)


def test_popups_come_after_the_map_and_open_with_their_text(app, streamlit_server, probe):
    """The popups are fetched apart, after the map's data: a click on Manchukuo opens its
    popup with its status and sources."""
    open_atlas(app, streamlit_server)
    wait_for_date(app, DEFAULT_DAY)
    timings = app.wait_for_function(
        """() => {
          const found = {};
          performance.getEntriesByType("resource").forEach((e) => {
            const kind = e.name.split("/").pop().split("-")[0];
            if (kind === "engine_en" || kind === "popups_en") { found[kind] = e.toJSON(); }
          });
          return found.popups_en ? found : null;
        }"""
    ).json_value()
    assert timings["popups_en"]["startTime"] >= timings["engine_en"]["responseEnd"]
    app.locator(".atlas-live").scroll_into_view_if_needed()
    box = mapprobe.map_box(app)
    point = app.evaluate("() => window.atlasEngine.map.latLngToContainerPoint([47.2, 127.6])")
    app.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    popup = app.locator(".leaflet-popup-content", has_text="Manchukuo").first
    popup.wait_for(timeout=5_000)
    assert "Status: puppet state" in popup.inner_text() and popup.locator("a[href]").count() > 0
    assert_clean(probe, app)


# Stored shapes drawn more than once on the map (store id -> layers).
LAYERS_PER_SHAPE_JS = """
() => {
  const seen = {};
  window.atlasEngine.map.eachLayer(l => {
    const id = l.feature && l.feature.properties && l.feature.properties.g;
    if (id && l.getLatLngs) { seen[id] = (seen[id] || 0) + 1; }
  });
  return Object.fromEntries(Object.entries(seen).filter(([, n]) => n > 1));
}
"""


def rings_dropped(encoded: dict) -> int:
    """The positions Leaflet keeps of an encoded shape (layers/geometry_codec.py: flat lists
    of x, y steps): each polygon ring's last position, the first again, is dropped."""
    kind, parts = encoded["t"], encoded["c"]
    if kind == "Polygon":
        return sum(len(ring) // 2 - 1 for ring in parts)
    if kind == "MultiPolygon":
        return sum(len(ring) // 2 - 1 for polygon in parts for ring in polygon)
    if kind == "MultiLineString":
        return sum(len(line) // 2 for line in parts)
    return len(parts) // 2  # LineString
