"""In the browser: cold start, and scrubbing the date by keyboard against a naive app.

* Cold start: from ``streamlit run app.py`` being started to the first map drawn in a
  (warm) headless Chromium; once with an empty atlas cache, once with it written. The same
  for ``benchmarks/floor_app.py`` (the stack with one polygon): the target bounds the time
  the atlas takes beyond that floor, which depends on the machine far more than the atlas.
* Scrubbing: focus the date slider, press ArrowRight, and time from the key press to the
  map's date box showing the new date with its paths drawn (both times are ``Date.now()``
  in the page, the end polled on animation frames inside the page). Bytes per step: the
  websocket frames in both directions, and the postMessage traffic into the map iframe.
* The same steps against ``benchmarks/naive_app.py``, which rebuilds the whole Folium map
  on every rerun; the ratio is naive / atlas.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time

from benchmarks.stats import Row, RssSampler, summary
from layers.i18n import format_date
from tests import mapprobe
from tests.harness import (
    PageProbe,
    StreamlitServer,
    guarded_context,
    launch_chromium,
    start_streamlit,
    watch_page,
)

STEPS = 30
FLOOR_APP = "benchmarks/floor_app.py"
COLD_ROUNDS = 5

# True (with the time) once the newest map iframe shows ``expected`` in its date box.
DONE_JS = r"""
(expected) => {
  const frames = Array.from(document.querySelectorAll('iframe'))
    .filter(f => (f.src || '').includes('streamlit_folium'));
  const f = frames[frames.length - 1];
  if (!f || !f.contentDocument) return false;
  const box = f.contentDocument.querySelector('.atlas-date-box');
  if (!box || !(box.textContent || '').startsWith(expected)) return false;
  if (!f.contentDocument.querySelector('path.leaflet-interactive')) return false;
  return Date.now();
}
"""


class Traffic:
    """Websocket bytes seen by a page (both directions)."""

    def __init__(self, page) -> None:
        self.received = 0
        self.sent = 0
        self.frames = 0
        self.last_at = time.monotonic()
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        ws.on("framereceived", lambda payload: self._count(payload, True))
        ws.on("framesent", lambda payload: self._count(payload, False))

    def _count(self, payload, received: bool) -> None:
        size = len(payload) if payload is not None else 0
        if received:
            self.received += size
        else:
            self.sent += size
        self.frames += 1
        self.last_at = time.monotonic()

    def settle(self, quiet: float = 0.4, limit: float = 5.0) -> None:
        """Wait until no frame has arrived for ``quiet`` seconds (at most ``limit``)."""
        end = time.monotonic() + limit
        while time.monotonic() < end and time.monotonic() - self.last_at < quiet:
            time.sleep(0.05)


def new_page(browser, probe: PageProbe):
    context = guarded_context(browser, probe)
    page = context.new_page()
    watch_page(page, probe)
    return context, page


def scrub(browser, server: StreamlitServer, steps: int = STEPS) -> dict:
    """``steps`` ArrowRight presses on the date slider; latency and bytes of each."""
    probe = PageProbe()
    context, page = new_page(browser, probe)
    traffic = Traffic(page)
    try:
        page.goto(server.url + "/?date=1941-06-01")
        mapprobe.wait_for_map(page, timeout=120)
        traffic.settle(quiet=1.0)
        slider = page.get_by_role("slider").first
        latencies, received, sent, messages = [], [], [], []
        for _ in range(steps):
            current = slider.get_attribute("aria-valuetext")
            expected = format_date(dt.date.fromisoformat(current) + dt.timedelta(days=1), "en")
            before = (traffic.received, traffic.sent)
            msg_before = page.evaluate(mapprobe.STATS_JS).get("messageBytes", 0)
            slider.focus()
            slider.press("ArrowRight")
            done = page.wait_for_function(DONE_JS, arg=expected, polling="raf", timeout=60_000)
            done_at = done.json_value()
            key_at = page.evaluate(mapprobe.STATS_JS)["keyAt"]
            latencies.append(done_at - key_at)
            traffic.settle()
            received.append(traffic.received - before[0])
            sent.append(traffic.sent - before[1])
            messages.append(page.evaluate(mapprobe.STATS_JS).get("messageBytes", 0) - msg_before)
        return {
            "latency_ms": summary(latencies),
            "ws_received_bytes": summary(received),
            "ws_sent_bytes": summary(sent),
            "iframe_message_chars": summary(messages),
            "problems": probe.problems(),
        }
    finally:
        context.close()


def cold_start(
    browser,
    sampler: RssSampler | None = None,
    *,
    script: str = "app.py",
    env: dict[str, str] | None = None,
    min_paths: int = 10,
) -> tuple[float, float, StreamlitServer]:
    """Seconds from starting the server to the first map drawn (and to /_stcore/health)."""
    server = start_streamlit(script, timeout=120, env=env)
    healthy = time.perf_counter() - server.started
    if sampler is not None:
        sampler.watch(server.pid)
    probe = PageProbe()
    context, page = new_page(browser, probe)
    try:
        page.goto(server.url)
        mapprobe.wait_for_map(page, timeout=120, min_paths=min_paths)
        drawn = time.perf_counter() - server.started
    finally:
        context.close()
    return drawn, healthy, server


def cold_starts(
    browser, sampler: RssSampler, rounds: int = COLD_ROUNDS
) -> tuple[list[Row], dict, StreamlitServer]:
    """Medians over ``rounds`` of: the atlas with an empty atlas cache (the first start after
    a data or code change), the floor app, then the atlas again (the cache written: every
    other start). The time beyond the floor is taken within each round, so that the machine's
    drift from round to round cancels out. Returns the last server, still running."""
    times: dict[str, list[float]] = {"first": [], "floor": [], "drawn": [], "healthy": []}
    for round_ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="atlas-cache-") as cache:
            first, _, started = cold_start(browser, sampler, env={"ATLAS_CACHE": cache})
            started.stop()
            sampler.unwatch(started.pid)
            # Sampled too, so that the sampler's polling weighs on both apps alike.
            floor, _, started = cold_start(browser, sampler, script=FLOOR_APP, min_paths=1)
            started.stop()
            sampler.unwatch(started.pid)
            drawn, healthy, server = cold_start(browser, sampler, env={"ATLAS_CACHE": cache})
        for key, value in zip(times, (first, floor, drawn, healthy), strict=True):
            times[key].append(value)
        if round_ < rounds - 1:
            server.stop()
            sampler.unwatch(server.pid)
    first, floor, drawn, healthy = (statistics.median(times[key]) for key in times)
    beyond = statistics.median(d - f for d, f in zip(times["drawn"], times["floor"], strict=True))
    rows = [
        Row(
            "cold start: server start → first map drawn",
            drawn,
            "s",
            "cold_start_s",
            f"median of {rounds}; server healthy after {healthy:.1f} s; atlas cache written",
        ),
        Row(
            "cold start, first after a data or code change",
            first,
            "s",
            None,
            "the atlas cache empty: geodata parsed and validated",
        ),
        Row(
            "cold-start floor: the same stack, one polygon",
            floor,
            "s",
            None,
            "benchmarks/floor_app.py: Streamlit + GeoPandas + Folium, a slider, a map",
        ),
        Row(
            "cold start beyond the floor",
            beyond,
            "s",
            "cold_start_over_floor_s",
            "median of each round's difference: what the atlas adds to its stack's start",
        ),
    ]
    detail = {f"{key}_s": values for key, values in times.items()}
    return rows, detail, server


def run(sampler: RssSampler, steps: int = STEPS) -> tuple[list[Row], dict]:
    from playwright.sync_api import sync_playwright

    rows, detail = [], {}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            # Warm the browser itself so the cold start measures the app, not Chromium.
            context = browser.new_context()
            context.new_page().goto("about:blank")
            context.close()
            cold_rows, detail["cold_start"], server = cold_starts(browser, sampler)
            rows += cold_rows
            try:
                atlas_steps = scrub(browser, server, steps)
            finally:
                server.stop()
                sampler.sample()
                sampler.unwatch(server.pid)
            naive_server = start_streamlit("benchmarks/naive_app.py", timeout=120)
            try:
                naive_steps = scrub(browser, naive_server, steps)
            finally:
                naive_server.stop()
        finally:
            browser.close()
    app, naive = atlas_steps["latency_ms"], naive_steps["latency_ms"]
    rows += [
        Row(
            f"scrub: key press → map updated, p50 ({steps} steps)",
            app["p50"],
            "ms",
            "scrub_step_p50_ms",
            f"p95 {app['p95']:.0f} ms",
        ),
        Row(
            "scrub: bytes per step (websocket, received)",
            atlas_steps["ws_received_bytes"]["p50"],
            "B",
            None,
            f"sent {atlas_steps['ws_sent_bytes']['p50']:.0f} B; into the map iframe "
            f"{atlas_steps['iframe_message_chars']['p50']:.0f} chars",
        ),
        Row(
            "scrub naive (full Folium map each rerun), p50",
            naive["p50"],
            "ms",
            None,
            f"p95 {naive['p95']:.0f} ms; {naive_steps['ws_received_bytes']['p50']:.0f} B/step",
        ),
        Row("scrub: naive / atlas (p50)", naive["p50"] / app["p50"], "x", "scrub_speedup_vs_naive"),
    ]
    detail["scrub_atlas"] = atlas_steps
    detail["scrub_naive"] = naive_steps
    return rows, detail
