"""The map is the page: layout at a desktop and a phone size, clicks, territory names, legend.

Each test opens its own browser context at the size it checks, against the atlas's
server (``python -m atlas_app``); screenshots of every case go to artifacts/.
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pytest
from PIL import Image

from layers.loading import load_atlas
from layers.map_features import map_name
from tests import mapprobe
from tests.harness import PageProbe, guarded_context, screenshot_path

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1440, "height": 1000}
PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
NAMED_LAYERS = ("manchukuo", "mengjiang", "korea", "mongolia")

# The map's container and Leaflet map: the live map in the page, or the frame's own.
ROOT_JS = r"""
  const root = document.querySelector('.atlas-live .leaflet-container')
    || document.querySelector('.leaflet-container');
  const map = window.map_live || window.map;
  const frame = root.getBoundingClientRect();
"""

# In the map: the visible territory names and city labels, with their boxes (in pixels from
# the map's top-left corner).
LABELS_JS = (
    r"""
() => {"""
    + ROOT_JS
    + r"""
  const shown = el => el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden';
  const box = el => { const r = el.getBoundingClientRect();
                      return {l: r.left - frame.left, t: r.top - frame.top,
                              r: r.right - frame.left, b: r.bottom - frame.top}; };
  const names = Array.from(document.querySelectorAll('.atlas-area-label'))
    .filter(shown).map(el => ({text: el.textContent, box: box(el.firstChild)}));
  const cities = Array.from(document.querySelectorAll('.leaflet-tooltip.atlas-label'))
    .filter(shown).map(el => ({text: el.textContent, box: box(el)}));
  return {names, cities, frame: {l: 0, t: 0, r: frame.width, b: frame.height}};
}
"""
)

# In the map: city labels that a dot of another city sits on.
DOTS_ON_LABELS_JS = (
    r"""
() => {"""
    + ROOT_JS
    + r"""
  const shown = el => el && el.getClientRects().length > 0
    && getComputedStyle(el).display !== 'none';
  const cities = [];
  map.eachLayer(l => {
    const tip = l.getTooltip && l.getTooltip();
    if (tip && tip.options.permanent && l._path && shown(l._path) && shown(tip._container)) {
      cities.push({name: tip._container.textContent, dot: l._path.getBoundingClientRect(),
                   label: tip._container.getBoundingClientRect()});
    }
  });
  const clash = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom
    && b.top < a.bottom;
  const found = [];
  cities.forEach(a => cities.forEach(b => {
    if (a !== b && clash(a.label, b.dot)) { found.push(b.name + ' on ' + a.name); }
  }));
  return found;
}
"""
)

# In the map: the centre (pixels from the map's corner) of event markers inside the map,
# clear of its controls.
MARKERS_JS = (
    r"""
() => {"""
    + ROOT_JS
    + r"""
  const controls = Array.from(root.querySelectorAll('.leaflet-control'))
    .map(c => c.getBoundingClientRect());
  const under = r => controls.some(c => r.left < c.right + 8 && c.left - 8 < r.right
                                      && r.top < c.bottom + 8 && c.top - 8 < r.bottom);
  return Array.from(root.querySelectorAll('.leaflet-atlas-events-pane path'))
    .map(p => p.getBoundingClientRect())
    .filter(r => r.width > 0 && r.left > frame.left + 60 && r.right < frame.right - 60
                 && r.top > frame.top + 60 && r.bottom < frame.bottom - 60 && !under(r))
    .map(r => ({x: r.left - frame.left + r.width / 2, y: r.top - frame.top + r.height / 2,
                size: r.width}));
}
"""
)

# In the map: the legend's box (from the map's corner) and the map's size.
LEGEND_JS = (
    r"""
() => {"""
    + ROOT_JS
    + r"""
  const r = root.querySelector('.atlas-legend-box').getBoundingClientRect();
  const s = map.getSize();
  return [{x: r.left - frame.left, y: r.top - frame.top, width: r.width, height: r.height},
          [s.x, s.y]];
}
"""
)


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


@pytest.fixture
def sized(browser, streamlit_server, request):
    """open(size, query) → a page of that size at the atlas with that query, map drawn."""
    contexts = []

    def open_page(size: dict, query: str = "/?date=1941-04-13&lang=en"):
        probe = PageProbe()
        context = guarded_context(browser, probe, viewport=size, locale="en-GB")
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(streamlit_server + query)
        mapprobe.wait_for_map(page, timeout=90, min_paths=10)
        mapprobe.wait_until_idle(page)
        page.wait_for_timeout(600)  # names are placed a frame after the layers come
        return page, probe

    yield open_page
    for number, context in enumerate(contexts):
        for page in context.pages:
            page.screenshot(path=str(screenshot_path(f"{request.node.name}-{number}")))
        context.close()


def map_box(page) -> dict:
    return mapprobe.map_box(page)


def dark_pixels(page, box: dict) -> int:
    """Pixels of text colour (dark) in a box of the map frame, from a screenshot."""
    frame = map_box(page)
    clip = {
        "x": frame["x"] + box["l"],
        "y": frame["y"] + box["t"],
        "width": box["r"] - box["l"],
        "height": box["b"] - box["t"],
    }
    image = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L")
    return int((np.asarray(image) < 80).sum())


def overlaps(a: dict, b: dict) -> bool:
    return a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_map_is_the_page(sized, size):
    page, probe = sized(SIZES[size])
    box, height = map_box(page), SIZES[size]["height"]
    assert page.evaluate("window.scrollY") == 0
    if size == "desktop":
        assert box["y"] <= height / 4, f"the map starts at {box['y']} px"
        assert box["height"] >= 0.7 * height, f"the map is {box['height']} px high"
    else:
        assert box["y"] <= 0.6 * height, f"the map starts at {box['y']} px"
        assert box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"]
    # The first view holds the whole region: Korea's and Japan's names are in it.
    labels = mapprobe.map_frame(page).evaluate(LABELS_JS)
    texts = " ".join(n["text"] for n in labels["names"])
    assert "Korea" in texts and "Japan" in texts, texts
    # Every step is in reach: in the row on a desktop, folded into "More" on a phone.
    week = page.get_by_role("button", name="+1 week")
    if size == "phone":
        assert week.filter(visible=True).count() == 0
        page.get_by_role("button", name="More").click()
    week.filter(visible=True).first.wait_for(timeout=5_000)
    assert probe.problems() == []


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_one_click_opens_an_event_popup_and_never_scrolls(sized, size):
    page, probe = sized(SIZES[size], "/?date=1945-08-20&lang=en")
    frame = mapprobe.map_frame(page)
    markers = frame.evaluate(MARKERS_JS)
    assert markers, "no event marker inside the map"
    marker = min(markers, key=lambda m: m["size"])  # the smallest: the easiest to lose
    box = map_box(page)
    x, y = box["x"] + marker["x"], box["y"] + marker["y"]
    assert 0 < y < SIZES[size]["height"], "the marker is not on the first screen"
    before = page.evaluate("window.scrollY")
    page.mouse.click(x, y)
    frame.locator(".leaflet-popup .atlas-event").first.wait_for(timeout=5_000)
    page.wait_for_timeout(800)  # a rerun after the click must not move the page either
    assert page.evaluate("window.scrollY") == before
    # Nor does a click on a territory, which shows no focus rectangle.
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.75)
    page.wait_for_timeout(800)
    assert page.evaluate("window.scrollY") == before
    outline = frame.evaluate(
        "() => { const e = document.activeElement; return e ? getComputedStyle(e).outlineStyle"
        " : 'none'; }"
    )
    assert outline in ("none", ""), outline
    assert probe.problems() == []


@pytest.mark.parametrize("day", ["1941-04-13", "1945-08-20"])
def test_territory_names_are_drawn_clear_of_city_labels(sized, atlas, day):
    page, probe = sized(DESKTOP, f"/?date={day}&lang=en")
    labels = mapprobe.map_frame(page).evaluate(LABELS_JS)
    names = {n["text"]: n["box"] for n in labels["names"]}
    date = dt.date.fromisoformat(day)
    for layer_id in NAMED_LAYERS:
        frame = atlas.layers[layer_id].on(date)
        if frame.empty:
            continue  # e.g. Mengjiang is gone by 20 August 1945
        wanted = [map_name(props, "en") for props in frame.to_dict("records")]
        shown = [w for w in wanted if w in names]
        assert shown, f"{layer_id}: none of {wanted} is on the map ({list(names)})"
        for name in shown:
            box = names[name]
            assert box["r"] - box["l"] > 20 and box["b"] - box["t"] > 8
            assert dark_pixels(page, box) > 30, f"{name}: no text drawn in its box"
            for city in labels["cities"]:
                assert not overlaps(box, city["box"]), f"{name} covers {city['text']}"
    assert "Manchukuo" in names if day == "1941-04-13" else "Manchuria" in names
    assert len(labels["cities"]) >= 8
    texts = {c["text"] for c in labels["cities"]}
    capital = "Hsinking" if day == "1941-04-13" else "Changchun"  # renamed on 18 August 1945
    assert {"Harbin", capital, "Mukden", "Kalgan", "Tientsin", "Dairen"} <= texts
    assert mapprobe.map_frame(page).evaluate(DOTS_ON_LABELS_JS) == []
    assert probe.problems() == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_desktop_controls_are_one_row_in_both_languages(sized, lang):
    page, probe = sized(DESKTOP, f"/?date=1941-04-13&lang={lang}")
    boxes = [
        page.locator(f".st-key-{key}").first.bounding_box()
        for key in ("w_date", "atlas_steps", "atlas_jump", "atlas_more")
    ]
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    assert max(middles) - min(middles) < 20, f"the controls wrap: {middles}"
    assert map_box(page)["y"] <= DESKTOP["height"] / 4 - 100  # well within the first quarter
    assert probe.problems() == []


def test_legend_is_ordered_hatched_and_folds_by_keyboard(sized):
    page, probe = sized(DESKTOP, "/?date=1945-08-20&lang=en")
    frame = mapprobe.map_frame(page)
    rows = frame.locator(".atlas-legend-row").all_inner_texts()
    japan = [r for r in rows if r.startswith("Japan")]
    assert japan == sorted(japan, key=rows.index) and rows.index(japan[-1]) < rows.index(
        next(r for r in rows if r.startswith("USSR"))
    )
    assert not any("Manchukuo" in r or "Mengjiang" in r for r in rows)  # gone by then
    fills = mapprobe.map_state(page)["fills"]
    assert any(p.lower().startswith("url(#atlas-hatch-") for p in fills)  # hatched
    # Open at first on a desktop, in the bottom-right corner (over the Pacific, away from
    # Manchuria and China), at most 30% of the map high, its rows scrolling: never cut off.
    legend, size = frame.evaluate(LEGEND_JS)
    assert legend["x"] > size[0] / 2 and legend["y"] > size[1] / 2
    assert legend["x"] + legend["width"] <= size[0] and legend["y"] + legend["height"] <= size[1]
    assert legend["height"] <= 0.31 * size[1]
    scrolls = "() => { const b = document.querySelector('.atlas-live .atlas-legend-box');"
    assert frame.evaluate(
        scrolls + " return b.scrollHeight > b.clientHeight"
        " && getComputedStyle(b).overflowY === 'auto'; }"
    )
    # The toggle is the next stop of the keyboard after the zoom buttons and the time
    # control, and Enter folds it.
    title = frame.locator("button.atlas-legend-title")
    assert title.get_attribute("aria-expanded") == "true"
    frame.locator("a.leaflet-control-zoom-out").focus()
    stops = []
    for _ in range(8):
        page.keyboard.press("Tab")
        stops.append(frame.evaluate("() => document.activeElement.className"))
        if stops[-1] == "atlas-legend-title":
            break
    assert stops[:6] == [
        "atlas-time-prev",
        "atlas-time-minus",
        "atlas-time-plus",
        "atlas-time-next",
        "atlas-time-play",
        "atlas-time-slider",
    ], stops
    assert frame.evaluate("() => document.activeElement.className") == "atlas-legend-title"
    page.keyboard.press("Enter")
    assert title.get_attribute("aria-expanded") == "false"
    assert frame.locator(".atlas-legend-row").first.is_hidden()
    page.keyboard.press("Space")
    assert title.get_attribute("aria-expanded") == "true"
    assert probe.problems() == []


def test_legend_is_folded_at_first_on_a_phone(sized):
    page, probe = sized(PHONE, "/?date=1945-08-20&lang=fr")
    frame = mapprobe.map_frame(page)
    title = frame.locator("button.atlas-legend-title")
    assert title.get_attribute("aria-expanded") == "false"
    assert frame.locator(".atlas-legend-row").first.is_hidden()
    title.click()
    assert frame.locator(".atlas-legend-row").first.is_visible()
    legend, size = frame.evaluate(LEGEND_JS)
    assert legend["height"] <= 0.31 * size[1] and legend["x"] + legend["width"] <= size[0]
    assert page.evaluate("window.scrollY") == 0
    assert probe.problems() == []


def test_compare_maps_open_on_the_region_and_move_together(sized):
    page, probe = sized(DESKTOP, "/Compare?date=1945-08-20&date2=1945-09-02&lang=en")
    mapprobe.wait_for_map(page, min_paths=10, timeout=60)
    frames = [f for f in page.frames if "streamlit_folium" in (f.url or "")]
    assert len(frames) == 2
    view = "() => { const c = map.getCenter(); return [c.lat, c.lng, map.getZoom()]; }"
    region = "() => map.getBounds().contains([[33, 124], [45, 141]])"  # Korea and Japan
    assert all(f.evaluate(region) for f in frames), "the first view cuts off Korea or Japan"
    left, right = (f.evaluate(view) for f in frames)
    assert left == pytest.approx(right, abs=0.05)  # within a pixel
    box = page.locator("iframe[src*='streamlit_folium']").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 100, y + 60, steps=8)
    page.mouse.up()
    frames[0].locator("a.leaflet-control-zoom-in").click()
    page.wait_for_timeout(800)
    moved_left, moved_right = (f.evaluate(view) for f in frames)
    assert moved_left != pytest.approx(left), "the drag did nothing"
    assert moved_right == pytest.approx(moved_left, abs=0.05)  # the other map followed
    assert probe.problems() == []
