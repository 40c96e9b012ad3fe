"""Accessibility in a real browser: axe-core on every page in both languages (no serious or
critical violation, the map's frame included), the map frame's title, the slider's spoken
value, the scale bar's units and the keyboard.

axe-core comes from the PyPI package ``axe-playwright-python`` (its bundled ``axe.min.js``,
injected into the page: nothing is fetched).
"""

from __future__ import annotations

import re

import pytest

from layers.i18n import t
from tests import mapprobe
from tests.browser.test_app_browser import assert_clean

pytestmark = pytest.mark.browser

PAGES = {"Atlas": "", **{name: name for name in ("Timeline", "Compare", "Data", "About")}}
NAV = {
    "Atlas": "nav_atlas",
    "Timeline": "timeline_title",
    "Compare": "nav_compare",
    "Data": "nav_data",
    "About": "nav_about",
}
MAP_PAGES = {"Atlas", "Compare"}
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        from tests.conftest import unavailable

        unavailable("axe-playwright-python is not installed")
    return Axe()


def open_page(page, base_url: str, name: str, lang: str) -> None:
    """The atlas, then the page by its link in the sidebar (as a reader goes there)."""
    page.goto(f"{base_url}/?date=1945-08-20&lang={lang}")
    mapprobe.wait_for_map(page, timeout=90, min_paths=10)
    if PAGES[name]:
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_role("link", name=t(NAV[name], lang), exact=True).click()
        page.wait_for_url(re.compile(f"/{PAGES[name]}"))
    if name in MAP_PAGES:
        mapprobe.wait_for_map(page, timeout=90, min_paths=10)
    else:
        page.get_by_test_id("stHeading").first.wait_for(timeout=90_000)
    mapprobe.wait_until_idle(page)


def blocking(results) -> list[str]:
    """Serious and critical violations, one line each with the elements concerned."""
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [str(node["target"]) for node in violation["nodes"][:5]]
            found.append(f"{violation['id']} ({violation['impact']}): {', '.join(targets)}")
    return found


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(page, streamlit_server, probe, axe, name, lang):
    open_page(page, streamlit_server, name, lang)
    assert page.evaluate("document.documentElement.lang") == lang, "read in the right language"
    problems = blocking(axe.run(page))
    if name in MAP_PAGES:
        frame = mapprobe.map_frame(page)
        assert frame is not None
        problems += [f"map frame: {p}" for p in blocking(axe.run(frame))]
    assert problems == []
    title = t("app_short", lang)
    assert page.title().endswith(title), "the tab's title is in the page's language"
    assert_clean(probe, page)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_map_title_slider_value_and_scale(page, streamlit_server, probe, lang):
    open_page(page, streamlit_server, "Atlas", lang)
    live = page.locator(".atlas-live .leaflet-container")
    assert live.get_attribute("aria-label") == t("map_frame_title", lang)
    assert page.locator("iframe[src*='streamlit_folium']").count() == 0  # in the page itself
    slider = page.get_by_role("slider", name=t("date", lang))
    spoken = "20 August 1945" if lang == "en" else "20 août 1945"
    assert slider.get_attribute("aria-valuetext") == spoken, "a date, not an index"
    scale = live.locator(".leaflet-control-scale-line")
    assert scale.count() == 1, "one scale bar: kilometres only, no miles"
    assert re.fullmatch(r"\d+ km", scale.first.inner_text().strip())
    assert_clean(probe, page)


def test_date_slider_and_play_button_work_from_the_keyboard(page, streamlit_server, probe):
    open_page(page, streamlit_server, "Atlas", "fr")
    slider = page.get_by_role("slider", name=t("date", "fr"))
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.atlas-time-slider')"
        ".getAttribute('aria-valuetext') === '21 août 1945'",
        timeout=20_000,
    )
    page.wait_for_url("**date=1945-08-21**")  # the server heard of it
    play = page.get_by_role("button", name=t("play", "fr"), exact=True)
    play.focus()
    page.keyboard.press("Enter")
    pause = page.get_by_role("button", name=t("pause", "fr"), exact=True)
    pause.wait_for(timeout=20_000)
    pause.press("Enter")
    page.get_by_role("button", name=t("play", "fr"), exact=True).wait_for(timeout=20_000)
    for name in ("prev_event", "minus_day", "plus_day", "next_event"):
        page.get_by_role("button", name=t(name, "fr"), exact=True).wait_for()
    assert_clean(probe, page)


def test_upload_widget_reads_in_french(page, streamlit_server, probe):
    open_page(page, streamlit_server, "Data", "fr")
    zone = page.get_by_test_id("stFileUploaderDropzone")
    page.get_by_role("button", name=t("upload_button", "fr"), exact=True).wait_for()
    assert zone.locator("input[type=file]").get_attribute("aria-label") == t("upload_label", "fr")
    shown = zone.evaluate(
        "z => [...z.querySelectorAll('*')].map(e => getComputedStyle(e, '::after').content)"
        ".filter(c => c && c !== 'none').join(' | ')"
    )
    assert "Téléverser" in shown and "30 Mo par fichier" in shown
    assert "Upload" not in zone.inner_text() and "per file" not in zone.inner_text()
    assert_clean(probe, page)
