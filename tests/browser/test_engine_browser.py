"""One engine, two hosts: the app's live map and the standalone HTML draw the same features,
the same legend and the same look on the same date (screenshots side by side: artifacts/)."""

from __future__ import annotations

import pytest

from layers.html_export import standalone_html
from layers.loading import load_atlas
from tests import mapprobe
from tests.harness import PageProbe, guarded_context, screenshot_path, watch_page

pytestmark = pytest.mark.browser

DAYS = ("1941-04-13", "1945-08-25")

# What the engine shows: its drawn ids, the map's paths (fill and stroke), its legend rows.
DRAWN_JS = r"""
() => {
  const root = window.atlasEngine.map.getContainer();
  const paths = Array.from(root.querySelectorAll('path.leaflet-interactive'))
    .map(p => [p.getAttribute('fill'), p.getAttribute('stroke'),
               p.getAttribute('stroke-dasharray')].join(' '));
  return {
    ids: window.atlasEngine.drawnIds().sort(),
    paths: paths.sort(),
    legend: Array.from(root.querySelectorAll('.atlas-legend-row')).map(r => r.textContent),
    date: root.querySelector('.atlas-time-date').textContent,
  };
}
"""


@pytest.fixture(scope="module")
def html_page(tmp_path_factory):
    path = tmp_path_factory.mktemp("engine") / "atlas-en.html"
    path.write_text(standalone_html(load_atlas(), lang="en"), encoding="utf-8")
    return path


def shown(page) -> dict:
    page.wait_for_timeout(600)  # layers come in a microtask, names are placed a frame later
    return page.evaluate(DRAWN_JS)


@pytest.mark.parametrize("day", DAYS)
def test_app_and_standalone_draw_the_same_features(browser, streamlit_server, html_page, day):
    probe = PageProbe()
    size = {"width": 1440, "height": 1000}
    context = guarded_context(browser, probe, viewport=size, locale="en-GB")
    context.set_default_timeout(30_000)
    app = context.new_page()
    watch_page(app, probe)
    app.goto(f"{streamlit_server}/?date={day}&lang=en")
    mapprobe.wait_for_map(app, timeout=90, min_paths=10)
    app.wait_for_function("d => window.atlasEngine && window.atlasEngine.date() === d", arg=day)
    mapprobe.wait_until_idle(app)
    in_app = shown(app)
    standalone = context.new_page()
    watch_page(standalone, probe)
    standalone.goto(f"{html_page.as_uri()}#{day}")
    standalone.wait_for_function(
        "d => window.atlasEngine && window.atlasEngine.date() === d", arg=day
    )
    in_html = shown(standalone)
    for page, name in ((app, "app"), (standalone, "html")):
        page.screenshot(path=str(screenshot_path(f"engine-{day}-{name}")))
    context.close()
    assert in_app["ids"] and in_app["ids"] == in_html["ids"]
    assert in_app["paths"] == in_html["paths"]  # the same look: fills, strokes, dashes
    assert in_app["legend"] == in_html["legend"]
    assert in_app["date"] == in_html["date"]
    assert probe.problems() == []
