"""The standalone HTML atlas in a real browser, opened from disk: what it draws on a date, the
play button, the slider's spoken date, the legend and the events panel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from layers.html_export import standalone_html
from layers.loading import load_atlas
from layers.map_features import nearby_events
from layers.static import EVENTS
from tests.harness import PageProbe, guarded_context, screenshot_path, watch_page

REVIEW = Path("/work/review")
# Places the atlas is about: the legend must never cover them (lat, lon).
KEY_PLACES = {
    "Harbin": (45.75, 126.65),
    "Hsinking": (43.88, 125.32),
    "Mukden": (41.8, 123.43),
    "Keijo": (37.57, 126.98),
    "Peking": (39.9, 116.4),
    "Vladivostok": (43.12, 131.9),
}


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


@pytest.fixture(scope="module")
def pages(atlas, tmp_path_factory):
    """The English and French pages, written to disk once."""
    folder = tmp_path_factory.mktemp("html")
    paths = {}
    for lang in ("en", "fr"):
        paths[lang] = folder / f"atlas-{lang}.html"
        paths[lang].write_text(standalone_html(atlas, lang=lang), encoding="utf-8")
    return paths


@pytest.fixture
def opened(browser, pages, request):
    """Open a page (``lang``, viewport) from disk in a guarded context; check at the end that
    it made no request, logged no error and opened no dialog."""
    made = []

    def open_(lang: str = "en", width: int = 1440, height: int = 1000):
        probe = PageProbe()
        context = guarded_context(browser, probe, viewport={"width": width, "height": height})
        page = context.new_page()
        watch_page(page, probe)
        page.goto(pages[lang].as_uri())
        page.wait_for_function("() => window.atlasEngine && window.atlasEngine.date()")
        made.append((context, page, probe))
        return page

    yield open_
    for context, page, probe in made:
        page.screenshot(path=str(screenshot_path(request.node.name)))
        context.close()
        assert probe.problems() == []


def set_date(page, day: str) -> None:
    page.evaluate("day => window.atlasEngine.setDate(day)", day)
    page.wait_for_timeout(300)  # atlasLib adds layers in a microtask, declutters next frame


def expected_ids(atlas, day: dt.date) -> set[str]:
    """What the app shows on ``day`` with the default layers (the base map aside)."""
    ids = set()
    for spec in atlas.specs():
        if spec.visible and spec.kind != "base":
            ids.update(str(i) for i in atlas.layers[spec.id].on(day)["id"])
    return ids


def drawn(page) -> set[str]:
    ids = page.evaluate("() => window.atlasEngine.drawnIds()")
    return {i for i in ids if not i.endswith(":name")}


def test_draws_what_holds_on_each_date(opened, atlas):
    page = opened()
    base = {str(i) for i in atlas.layers["basemap"].frame["id"]}
    for day in (dt.date(1941, 4, 13), dt.date(1945, 8, 25)):
        set_date(page, day.isoformat())
        shown = drawn(page)
        events = {i for i in shown if i.startswith("event:")}
        assert shown - events - base == expected_ids(atlas, day), day
        near = nearby_events(atlas, day)  # the app's window of events, as the app's panel
        assert events == {f"event:{e['id']}" for e in near}, day
        panel = page.eval_on_selector_all(
            "#atlas-events [data-event]", "els => els.map(e => e.dataset.event)"
        )
        assert panel == [e["id"] for e in sorted(near, key=lambda e: not e["on_day"])], day
        assert page.get_attribute(".atlas-time-slider", "aria-valuetext") == (
            "13 April 1941" if day.year == 1941 else "25 August 1945"
        )
    assert "event:ev_1945_08_19_mengjiang_dissolved" in events
    set_date(page, "1941-04-13")
    assert "event:ev_1941_04_13_pact_signed" in drawn(page)
    manchukuo = {str(i) for i in atlas.layers["manchukuo"].on(dt.date(1941, 4, 13))["id"]}
    assert manchukuo <= drawn(page)
    set_date(page, "1945-08-25")
    assert not manchukuo & drawn(page)
    fills = page.eval_on_selector_all(
        "path.leaflet-interactive", "els => els.map(e => e.getAttribute('fill'))"
    )
    assert any(f and f.startswith("url(#atlas-hatch-") for f in fills)  # occupied, hatched
    assert page.locator(".atlas-arrow").count() > 0  # the axes of August 1945


def test_switching_a_layer_off_removes_its_features_and_legend_rows(opened, atlas):
    page = opened()
    set_date(page, "1941-04-13")
    legend = page.text_content(".atlas-legend")
    assert "Japan — puppet state" in legend
    page.uncheck('input[data-layer="manchukuo"]')
    page.uncheck('input[data-layer="mengjiang"]')
    page.uncheck('input[data-layer="collaborationist_china"]')
    page.wait_for_timeout(300)
    assert "Japan — puppet state" not in page.text_content(".atlas-legend")
    manchukuo = {str(i) for i in atlas.layers["manchukuo"].on(dt.date(1941, 4, 13))["id"]}
    assert not manchukuo & drawn(page)
    page.uncheck(f'input[data-layer="{EVENTS}"]')
    assert not [i for i in drawn(page) if i.startswith("event:")]
    assert "Event on this date" not in page.text_content(".atlas-legend")


def test_play_button_advances_the_date_and_is_keyboard_reachable(opened):
    page = opened()
    set_date(page, "1945-08-20")
    button = page.locator(".atlas-time-play")
    assert button.get_attribute("aria-pressed") == "false"
    assert button.inner_text().strip() == "Play"
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "true"
    assert button.inner_text().strip() == "Pause"
    page.wait_for_function(
        "() => window.atlasEngine.date() > '1945-08-20'"
        " && document.querySelector('.atlas-time-slider').getAttribute('aria-valuetext')"
        " !== '20 August 1945'",
        timeout=5_000,
    )
    page.keyboard.press("Space")
    assert button.get_attribute("aria-pressed") == "false"
    stopped = page.evaluate("() => window.atlasEngine.date()")
    page.wait_for_timeout(1_000)
    assert page.evaluate("() => window.atlasEngine.date()") == stopped
    visible = page.eval_on_selector_all(
        ".atlas-time-play svg",
        "els => els.filter(e => getComputedStyle(e).display !== 'none').length",
    )
    assert visible == 1  # one glyph, drawn in SVG: no font needed


def test_slider_speaks_the_date_in_french(opened):
    page = opened("fr")
    set_date(page, "1945-08-01")
    slider = page.locator(".atlas-time-slider")
    assert slider.get_attribute("aria-valuetext") == "1er août 1945"
    slider.focus()
    page.keyboard.press("ArrowRight")  # drawn on the next animation frame
    page.wait_for_function(
        "() => document.querySelector('.atlas-time-slider')"
        ".getAttribute('aria-valuetext') === '2 août 1945'",
        timeout=5_000,
    )
    assert page.text_content(".atlas-time-date") == "2 août 1945"
    assert page.inner_text(".atlas-time-play").strip() == "Lecture"
    assert page.text_content(".atlas-legend-title") == "Légende"


def test_events_on_and_around_the_date(opened):
    page = opened()
    set_date(page, "1941-04-13")
    headings = page.locator("#atlas-events h3").all_inner_texts()
    assert headings == ["On this date", "Around this date"]
    today = page.locator("#atlas-events .atlas-today")
    assert today.count() >= 1
    assert "Neutrality Pact" in today.first.inner_text()
    assert page.locator('#atlas-events [data-event="ev_1941_04_13_pact_signed"]').count() == 1
    ratified = page.locator('#atlas-events [data-event="ev_1941_04_25_pact_ratified"]')
    assert ratified.locator(".atlas-when").inner_text() == "12 days after"
    assert page.locator("#atlas-events .atlas-today .atlas-when").count() == 0


def test_legend_folds_from_the_keyboard_and_keeps_clear_of_the_region(opened):
    page = opened()
    set_date(page, "1945-08-20")
    title = page.locator(".atlas-legend-title")
    assert title.get_attribute("aria-expanded") == "true"
    box = page.locator(".atlas-legend-box").bounding_box()
    points = page.evaluate(
        "places => places.map(p => { const c = map_atlas.latLngToContainerPoint(p);"
        " const r = map_atlas.getContainer().getBoundingClientRect();"
        " return [c.x + r.left, c.y + r.top]; })",
        list(KEY_PLACES.values()),
    )
    for name, (x, y) in zip(KEY_PLACES, points, strict=True):
        inside = (
            box["x"] <= x <= box["x"] + box["width"] and box["y"] <= y <= box["y"] + box["height"]
        )
        assert not inside, f"the legend covers {name}"
    title.focus()
    page.keyboard.press("Enter")
    assert title.get_attribute("aria-expanded") == "false"
    assert not page.locator(".atlas-legend-row").first.is_visible()
    page.keyboard.press("Space")
    assert title.get_attribute("aria-expanded") == "true"
    assert page.locator(".atlas-legend-row").first.is_visible()


def test_legend_starts_folded_on_a_phone(opened):
    page = opened(width=390, height=844)
    assert page.get_attribute(".atlas-legend-title", "aria-expanded") == "false"


def test_screenshot_on_20_august_1945(opened):
    page = opened()
    set_date(page, "1945-08-20")
    assert page.text_content("#atlas-title") == "East Asia on 20 August 1945"
    if REVIEW.is_dir():
        page.screenshot(path=str(REVIEW / "html-1945-08-20.png"))


def test_hostile_data_shows_as_text(browser, atlas, tmp_path, request):
    """Names, notes and event texts that carry markup open no dialog and inject nothing."""
    from tests.test_html_export import HOSTILE_NAME, HOSTILE_NOTE, hostile_atlas

    path = tmp_path / "hostile.html"
    path.write_text(standalone_html(hostile_atlas(atlas)), encoding="utf-8")
    probe = PageProbe()
    context = guarded_context(browser, probe, viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    watch_page(page, probe)
    page.goto(path.as_uri() + "#1941-04-13")
    page.wait_for_function("() => window.atlasEngine && window.atlasEngine.date()")
    page.wait_for_timeout(300)
    assert "hostile_land" in drawn(page)
    popups = page.eval_on_selector_all(
        ".leaflet-atlas-territory-pane path.leaflet-interactive",
        """els => els.map(e => {
            e.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: 400, clientY: 300}));
            const open = document.querySelectorAll('.leaflet-popup-content');
            return open.length ? open[open.length - 1].textContent : '';
        })""",
    )
    hostile = [text for text in popups if HOSTILE_NAME in text]
    assert hostile and HOSTILE_NOTE in hostile[0]  # shown as text, not run
    assert HOSTILE_NAME in page.text_content("#atlas-events")
    assert page.locator("img, #atlas-events script, [onerror]").count() == 0
    page.screenshot(path=str(screenshot_path(request.node.name)))
    context.close()
    assert probe.problems() == []


def test_a_date_step_keeps_the_view_and_what_did_not_change(opened):
    page = opened()
    set_date(page, "1945-08-10")
    page.evaluate("() => map_atlas.setView([44, 126], 6, {animate: false})")
    page.wait_for_timeout(300)
    page.evaluate(  # mark every drawn path: those still there after the step were kept
        "() => document.querySelectorAll('path.leaflet-interactive')"
        ".forEach(p => p.setAttribute('data-kept', '1'))"
    )
    before = page.locator("path[data-kept]").count()
    page.click(".atlas-time-plus")
    page.wait_for_timeout(300)
    view = page.evaluate(
        "() => [map_atlas.getCenter().lat, map_atlas.getCenter().lng, map_atlas.getZoom()]"
    )
    assert [round(v, 3) for v in view] == [44.0, 126.0, 6]
    assert page.evaluate("() => window.atlasEngine.date()") == "1945-08-11"
    kept = page.locator("path[data-kept]").count()
    assert kept > 0.8 * before  # the territories and lines that hold on both days stay drawn
    fresh = page.locator("path.leaflet-interactive:not([data-kept])").count()
    assert fresh < before  # only what changed (axes advancing, events) is drawn anew


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_serious_accessibility_violation(opened, lang):
    from tests.browser.test_a11y_browser import blocking

    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        from tests.conftest import unavailable

        unavailable("axe-playwright-python is not installed")
    page = opened(lang)
    set_date(page, "1945-08-20")
    assert blocking(Axe().run(page)) == []
