"""Reading the atlas's map from the outside: its paths, view, date and legend.

The main page's live map is in the page itself (a custom component, no iframe): its Leaflet
map is ``window.map_live`` and its engine ``window.atlasEngine``. The Compare page's maps are
streamlit-folium's, each in a same-origin iframe (``/component/streamlit_folium...``) whose
global ``window.map`` is the Leaflet map. Leaflet draws vector layers as
``path.leaflet-interactive`` with ``fill`` / ``stroke`` attributes. Used by the browser tests
and the benchmarks.
"""

from __future__ import annotations

import time

# Installed in every frame before any page script (context.add_init_script): timestamps of
# key presses (top page) and of DOM changes inside map frames, and the size of the messages
# the map frames receive (Streamlit passes the component's arguments by postMessage).
INSTRUMENT_JS = r"""
(() => {
  if (window.__atlasProbe) return;
  window.__atlasProbe = true;
  let top_;
  try { top_ = window.top; void top_.document; } catch (e) { return; }
  if (window === top_) {
    window.__atlas = {keyAt: 0, mutationAt: 0, mutations: 0, messageBytes: 0, messages: 0};
    window.addEventListener('keydown', () => { window.__atlas.keyAt = Date.now(); }, true);
    return;
  }
  const stats = () => top_.__atlas;
  window.addEventListener('message', (e) => {
    const s = stats(); if (!s) return;
    let n = 0;
    try { n = JSON.stringify(e.data).length; } catch (err) { n = 0; }
    s.messageBytes += n; s.messages += 1;
  });
  const observe = () => {
    new MutationObserver(() => {
      const s = stats(); if (!s) return;
      s.mutationAt = Date.now(); s.mutations += 1;
    }).observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                           characterData: true});
  };
  if (document.documentElement) observe();
  else document.addEventListener('DOMContentLoaded', observe);
})();
"""

# Evaluated in the top page: a summary of the live map, else of the newest streamlit-folium
# map on the page.
MAP_STATE_JS = r"""
() => {
  const frames = Array.from(document.querySelectorAll('iframe'))
    .filter(f => (f.src || '').includes('streamlit_folium'));
  let doc, leaflet, box;
  const live = document.querySelector('.atlas-live .leaflet-container');
  if (live) {
    doc = live;
    leaflet = window.map_live;
    box = live.querySelector('.atlas-time-date');
  } else {
    const f = frames[frames.length - 1];
    if (!f || !f.contentDocument || !f.contentWindow) return null;
    doc = f.contentDocument;
    leaflet = f.contentWindow.map;
    box = doc.querySelector('.atlas-date-box');
  }
  const paths = Array.from(doc.querySelectorAll('path.leaflet-interactive'));
  let view = null;
  if (leaflet && leaflet.getCenter) {
    const c = leaflet.getCenter();
    view = {lat: c.lat, lng: c.lng, zoom: leaflet.getZoom()};
  }
  return {
    frames: frames.length,
    live: Boolean(live),
    paths: paths.length,
    fills: Array.from(new Set(paths.map(p => (p.getAttribute('fill') || '').toUpperCase()))),
    strokes: Array.from(new Set(paths.map(p => (p.getAttribute('stroke') || '').toUpperCase()))),
    dashes: Array.from(new Set(paths.map(p => p.getAttribute('stroke-dasharray') || ''))),
    signature: paths.map(p => (p.getAttribute('fill') || '') + (p.getAttribute('d') || '').length)
      .join('|'),
    dateBox: box ? box.textContent : null,
    legend: (doc.querySelector('.atlas-legend') || {}).textContent || null,
    view: view,
    now: Date.now(),
  };
}
"""

STATS_JS = "() => Object.assign({}, window.__atlas || {})"

# The map engine (window.atlasEngine: the live map and the standalone HTML). Installed once in
# a page running it: for each date drawn ("atlas:date"), the time of the event and of the
# next animation frame; for each date settled ("atlas:settle": what the app tells its
# server), its time; during a drag, every animation frame and every date drawn, with the
# pointer's down and up (performance.now()). Times are Date.now() unless said.
ENGINE_RECORD_JS = r"""
() => {
  if (window.__engineBench) return;
  const rec = window.__engineBench = {drawn: {}, settled: {}, frames: [], dates: [], down: 0,
                                      up: 0, looping: false};
  const box = window.atlasEngine.map.getContainer();
  box.addEventListener('atlas:date', (e) => {
    const iso = e.detail.date, at = Date.now();
    if (rec.looping) rec.dates.push([performance.now(), iso, e.detail.source]);
    if (rec.drawn[iso]) return;
    rec.drawn[iso] = {event: at, frame: 0};
    requestAnimationFrame(() => { rec.drawn[iso].frame = Date.now(); });
  });
  box.addEventListener('atlas:settle', (e) => { rec.settled[e.detail.date] = Date.now(); });
  window.addEventListener('pointerdown', () => { rec.down = performance.now(); }, true);
  window.addEventListener('pointerup', () => { rec.up = performance.now(); }, true);
}
"""
# Forget a date's records, so that the next time it is drawn or settled is timed.
ENGINE_FORGET_JS = (
    "iso => { delete window.__engineBench.drawn[iso]; delete window.__engineBench.settled[iso]; }"
)
# Truthy (the time) once the frame after the date ``iso`` was drawn has come.
ENGINE_DRAWN_JS = "iso => (window.__engineBench.drawn[iso] || {}).frame"
# True once the engine shows the date ``iso``.
ENGINE_DATE_JS = "d => Boolean(window.atlasEngine) && window.atlasEngine.date() === d"
# Truthy (the time) once the page's link carries the date ``iso``: the app's server has
# taken the date the map settled on (its fragment's rerun ends with the link).
LINK_DATE_JS = "iso => new URLSearchParams(location.search).get('date') === iso && Date.now()"


def install(context) -> None:
    """Instrument every page and frame of ``context`` (call before opening pages)."""
    context.add_init_script(INSTRUMENT_JS)


def map_state(page) -> dict | None:
    return page.evaluate(MAP_STATE_JS)


def map_frame(page):
    """The Playwright frame of the map: the page itself for the live map, else that of the
    newest streamlit-folium map, or None."""
    if page.locator(".atlas-live .leaflet-container").count():
        return page.main_frame
    frames = [f for f in page.frames if "streamlit_folium" in (f.url or "")]
    return frames[-1] if frames else None


def map_box(page):
    """The map's bounding box on the page."""
    live = page.locator(".atlas-live .leaflet-container")
    if live.count():
        return live.first.bounding_box()
    return page.locator("iframe[src*='streamlit_folium']").first.bounding_box()


def wait_for_map(page, timeout: float = 60.0, min_paths: int = 1, predicate=None) -> dict:
    """Poll until the map shows at least ``min_paths`` paths (and ``predicate(state)``)."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = map_state(page)
        if state and state["paths"] >= min_paths and (predicate is None or predicate(state)):
            return state
        time.sleep(0.05)
    raise TimeoutError(f"map not ready after {timeout:.0f} s; last state: {_short(state)}")


SCRIPT_STATE_JS = (
    "() => (document.querySelector('[data-test-script-state]') || {getAttribute: () => null})"
    ".getAttribute('data-test-script-state')"
)


def wait_until_idle(page, quiet: float = 1.2, timeout: float = 30.0) -> None:
    """Poll until Streamlit has run no script for ``quiet`` seconds: the map reports its
    view a moment after it draws, and the rerun that follows re-lays the page out, which can
    move a button from under a click."""
    deadline = time.monotonic() + timeout
    idle_since = None
    while time.monotonic() < deadline:
        if page.evaluate(SCRIPT_STATE_JS) == "notRunning":
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= quiet:
                return
        else:
            idle_since = None
        time.sleep(0.05)
    raise TimeoutError(f"the app kept running scripts for {timeout:.0f} s")


def _short(state: dict | None) -> dict | None:
    if not state:
        return state
    return {k: v for k, v in state.items() if k != "signature"}
