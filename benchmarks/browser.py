"""In the browser: cold start, the map engine's date step and drag, against a naive app.

* Cold start: from the atlas's server being started by the README's command (``python -m
  atlas_app``) to the first map drawn in a (warm) headless Chromium; once with an empty atlas
  cache, once with it written. The same for ``benchmarks/floor_app.py`` (the stack with one
  polygon, ``streamlit run``): the target bounds the time the atlas takes beyond that floor,
  which depends on the machine far more than the atlas.
* Engine step (the app, then the standalone HTML opened from disk): focus the map's time
  control (``.atlas-time-slider``), press ArrowRight, and time from the key press (a
  ``keydown`` listener, :mod:`tests.mapprobe`) to the first animation frame after the
  engine's "atlas:date" event for the new date: the frame after the one that drew it. Both
  times are ``Date.now()`` in the page. In the app, the bytes of each released step: the
  websocket frames in both directions from the key press until the traffic settles (the
  release, the trigger value, the fragment's rerun).
* Drag: mouse down on the thumb, then moves of about a pixel at about 60 Hz across the
  pixels of one year of the slider, sent as a mouse sends them: without waiting for the page
  to take each one (a second Chromium, driven by Playwright's asyncio API). The page records
  its animation frames and the "atlas:date" events meanwhile: dates drawn per second of
  drag, and the interval between frames.
* The naive app (``benchmarks/naive_app.py``: the whole Folium map rebuilt on every rerun
  and re-created in streamlit-folium's iframe) scrubbed with its own slider; the ratio is
  naive p50 / the app's engine step p50.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import itertools
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.stats import Row, RssSampler, percentile, summary
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
DRAGS = 3  # one year right, back, right again
MOVE_HZ = 60
FLOOR_APP = "benchmarks/floor_app.py"
NAIVE_APP = "benchmarks/naive_app.py"
COLD_ROUNDS = 5
START = "1941-06-01"
SLIDER = ".atlas-time-slider"

# The naive app: true (with the time) once the newest map iframe shows ``expected`` in its
# date box with its paths drawn.
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

FRAMES_START_JS = r"""
() => {
  const rec = window.__engineBench;
  rec.frames = []; rec.dates = []; rec.down = 0; rec.up = 0; rec.looping = true;
  const loop = (t) => {
    if (!rec.looping) return;
    rec.frames.push(t);
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}
"""

FRAMES_STOP_JS = r"""
() => {
  const rec = window.__engineBench;
  rec.looping = false;
  return {frames: rec.frames, dates: rec.dates, down: rec.down, up: rec.up};
}
"""

SLIDER_JS = r"""
() => { const s = document.querySelector('.atlas-time-slider');
        return {value: Number(s.value), max: Number(s.max)}; }
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


def naive_scrub(browser, server: StreamlitServer, steps: int = STEPS) -> dict:
    """The naive app: ``steps`` ArrowRight presses on its Streamlit slider; from the key
    press to its map iframe drawn on the new date, and the websocket bytes of each step."""
    probe = PageProbe()
    context, page = new_page(browser, probe)
    traffic = Traffic(page)
    try:
        page.goto(f"{server.url}/?date={START}")
        mapprobe.wait_for_map(page, timeout=120)
        traffic.settle(quiet=1.0)
        slider = page.get_by_role("slider").first
        latencies, received, sent = [], [], []
        for _ in range(steps):
            current = slider.get_attribute("aria-valuetext")
            expected = format_date(dt.date.fromisoformat(current) + dt.timedelta(days=1), "en")
            before = (traffic.received, traffic.sent)
            slider.focus()
            slider.press("ArrowRight")
            done = page.wait_for_function(DONE_JS, arg=expected, polling="raf", timeout=60_000)
            latencies.append(done.json_value() - page.evaluate(mapprobe.STATS_JS)["keyAt"])
            traffic.settle()
            received.append(traffic.received - before[0])
            sent.append(traffic.sent - before[1])
        return {
            "latency_ms": summary(latencies),
            "ws_received_bytes": summary(received),
            "ws_sent_bytes": summary(sent),
            "problems": probe.problems(),
        }
    finally:
        context.close()


def engine_steps(page, steps: int, traffic: Traffic | None = None) -> dict:
    """``steps`` ArrowRight presses on the engine's time control of an open page: from the
    key press to the animation frame after the new date was drawn; with ``traffic`` (the
    app), the websocket bytes of each step once released (the link shows the date and the
    traffic has settled)."""
    page.evaluate(mapprobe.ENGINE_RECORD_JS)
    slider = page.locator(SLIDER)
    latencies, received, sent = [], [], []
    for _ in range(steps):
        current = dt.date.fromisoformat(page.evaluate("() => window.atlasEngine.date()"))
        expected = (current + dt.timedelta(days=1)).isoformat()
        page.evaluate(mapprobe.ENGINE_FORGET_JS, expected)
        before = (traffic.received, traffic.sent) if traffic else (0, 0)
        slider.focus()
        slider.press("ArrowRight")
        done = page.wait_for_function(
            mapprobe.ENGINE_DRAWN_JS, arg=expected, polling="raf", timeout=30_000
        )
        latencies.append(done.json_value() - page.evaluate(mapprobe.STATS_JS)["keyAt"])
        if traffic is not None:
            page.wait_for_url(f"**date={expected}**", timeout=30_000)
            traffic.settle()
            received.append(traffic.received - before[0])
            sent.append(traffic.sent - before[1])
    result = {"latency_ms": summary(latencies), "latencies_ms": latencies}
    if traffic is not None:
        both = [r + s for r, s in zip(received, sent, strict=True)]
        result |= {
            "ws_bytes": summary(both),
            "ws_received_bytes": summary(received),
            "ws_sent_bytes": summary(sent),
        }
    return result


def drag(url: str, settle: float, drags: int = DRAGS) -> dict:
    """Open ``url`` (a page running the engine at :data:`START`) in its own headless Chromium
    and drag its thumb across one year of the slider ``drags`` times, alternately right and
    left; ``settle`` seconds after each release (the app's server hears of the date).

    A mouse sends its moves whatever the page is doing, so the moves go out at
    :data:`MOVE_HZ` without waiting for the page to take each one: Playwright's asyncio API,
    in a thread of its own (the rest of the benchmark drives Chromium synchronously)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _drag(url, settle, drags)).result()


async def _drag(url: str, settle: float, drags: int) -> dict:
    from playwright.async_api import async_playwright

    from benchmarks import load

    probe = PageProbe()
    async with async_playwright() as p:
        browser = await load.launch(p)
        try:
            context = await browser.new_context(viewport={"width": 1400, "height": 950})
            await load._guard(context, probe)
            page = await context.new_page()
            page.on("pageerror", lambda e: probe.page_errors.append(str(e)))
            page.on(
                "console",
                lambda m: probe.console_errors.append(m.text) if m.type == "error" else None,
            )
            await page.goto(url)
            await page.wait_for_function(mapprobe.ENGINE_DATE_JS, arg=START, timeout=120_000)
            await asyncio.sleep(settle)  # the first draw and, in the app, the first reruns
            await page.evaluate(mapprobe.ENGINE_RECORD_JS)
            slider = page.locator(SLIDER)
            await slider.scroll_into_view_if_needed()
            box = await slider.bounding_box()
            runs = []
            for n in range(drags):
                runs.append(await _drag_once(page, box, 1 if n % 2 == 0 else -1))
                await asyncio.sleep(settle)
        finally:
            await browser.close()
    intervals = [i for run in runs for i in run["frame_intervals_ms"]]
    seconds = sum(run["drag_seconds"] for run in runs)
    moves = sum(run["moves"] for run in runs)
    return {
        "runs": runs,
        "dates_per_s": sum(run["dates_drawn"] for run in runs) / seconds,
        "moves_per_s": moves / sum(run["move_seconds"] for run in runs),
        "frame_interval_ms": summary(intervals),
        "frame_interval_p99_ms": percentile(intervals, 99),
        "problems": probe.problems(),
    }


async def _drag_once(page, box: dict, direction: int) -> dict:
    """One drag across one year's pixels from the thumb, a move of about a pixel every
    1/MOVE_HZ s; what the page drew between the pointer's down and up."""
    state = await page.evaluate(SLIDER_JS)
    thumb = 16  # Chromium's range thumb, in CSS pixels
    x = box["x"] + thumb / 2 + (box["width"] - thumb) * state["value"] / state["max"]
    y = box["y"] + box["height"] / 2
    pixels = (box["width"] - thumb) * 365 / (state["max"] + 1)
    moves = max(1, round(pixels))
    await page.evaluate(FRAMES_START_JS)
    await page.mouse.move(x, y)
    await page.mouse.down()
    started = time.perf_counter()
    sent = []
    for i in range(1, moves + 1):
        sent.append(asyncio.ensure_future(page.mouse.move(x + direction * pixels * i / moves, y)))
        delay = started + i / MOVE_HZ - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
    await asyncio.gather(*sent)
    moved = time.perf_counter() - started
    await page.mouse.up()
    await asyncio.sleep(0.1)
    rec = await page.evaluate(FRAMES_STOP_JS)
    down, up = rec["down"], rec["up"]
    frames = [t for t in rec["frames"] if down <= t <= up]
    dates = [d for t, d, _ in rec["dates"] if down <= t <= up]
    return {
        "pixels": pixels,
        "moves": moves,
        "move_seconds": moved,
        "drag_seconds": (up - down) / 1000,
        "dates_drawn": len(dates),
        "distinct_dates": len(set(dates)),
        "days_moved": abs((await page.evaluate(SLIDER_JS))["value"] - state["value"]),
        "frame_intervals_ms": [b - a for a, b in itertools.pairwise(frames)],
    }


def app_engine(browser, server: StreamlitServer, steps: int = STEPS) -> dict:
    """The app's live map: ``steps`` key steps (with their bytes), then the drags."""
    probe = PageProbe()
    context, page = new_page(browser, probe)
    traffic = Traffic(page)
    try:
        page.goto(f"{server.url}/?date={START}")
        mapprobe.wait_for_map(page, timeout=120, min_paths=10)
        page.wait_for_function(mapprobe.ENGINE_DATE_JS, arg=START)
        mapprobe.wait_until_idle(page)
        traffic.settle(quiet=1.0)
        result = {"step": engine_steps(page, steps, traffic), "problems": probe.problems()}
    finally:
        context.close()
    result["drag"] = drag(f"{server.url}/?date={START}", settle=2.0)
    return result


def standalone_engine(browser, steps: int = STEPS) -> dict:
    """The standalone HTML (English, opened from disk): the same steps and drags."""
    from layers.html_export import standalone_html
    from layers.loading import load_atlas

    probe = PageProbe()
    with tempfile.TemporaryDirectory(prefix="atlas-html-") as folder:
        path = Path(folder) / "atlas-en.html"
        path.write_text(standalone_html(load_atlas(), lang="en"), encoding="utf-8")
        context, page = new_page(browser, probe)
        try:
            page.goto(f"{path.as_uri()}#{START}")
            page.wait_for_function(mapprobe.ENGINE_DATE_JS, arg=START, timeout=60_000)
            page.wait_for_timeout(500)
            result = {"step": engine_steps(page, steps), "problems": probe.problems()}
        finally:
            context.close()
        result["drag"] = drag(f"{path.as_uri()}#{START}", settle=0.5)
        result["html_bytes"] = path.stat().st_size
        return result


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
    """Cold starts, then the app's engine (steps, bytes, drags) on the last server started,
    the standalone HTML's, and the naive app's scrub: the rows and their details."""
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
                app = app_engine(browser, server, steps)
            finally:
                server.stop()
                sampler.sample()
                sampler.unwatch(server.pid)
            html = standalone_engine(browser, steps)
            naive_server = start_streamlit(NAIVE_APP, timeout=120)
            try:
                naive = naive_scrub(browser, naive_server, steps)
            finally:
                naive_server.stop()
        finally:
            browser.close()
    step, html_step = app["step"]["latency_ms"], html["step"]["latency_ms"]
    naive_step = naive["latency_ms"]
    ws = app["step"]["ws_bytes"]
    drags, html_drags = app["drag"], html["drag"]
    frames = drags["frame_interval_ms"]
    seconds = sum(run["drag_seconds"] for run in drags["runs"])
    years = len(drags["runs"])
    rows += [
        Row(
            f"engine step in the app: key press → map drawn, p50 ({steps} steps)",
            step["p50"],
            "ms",
            "engine_step_p50_ms",
            f"to the frame after 'atlas:date'; max {step['max']:.0f} ms",
        ),
        Row("engine step in the app, p95", step["p95"], "ms", "engine_step_p95_ms"),
        Row(
            "engine step in the standalone HTML (file://), p50",
            html_step["p50"],
            "ms",
            None,
            f"p95 {html_step['p95']:.0f} ms, max {html_step['max']:.0f} ms; same method",
        ),
        Row(
            "bytes per released step (websocket, both directions), p50",
            ws["p50"],
            "B",
            "released_step_bytes",
            f"max {ws['max'] / 1024:.1f} KB; received "
            f"{app['step']['ws_received_bytes']['p50']:.0f} B, "
            f"sent {app['step']['ws_sent_bytes']['p50']:.0f} B",
        ),
        Row(
            "drag across one year in the app: dates drawn per second",
            drags["dates_per_s"],
            "/s",
            "drag_frames_per_s",
            f"{years} drags, {seconds:.1f} s; mouse moves at {drags['moves_per_s']:.0f} Hz",
        ),
        Row(
            "drag in the app: animation-frame interval, p95",
            frames["p95"],
            "ms",
            "drag_frame_p95_ms",
            f"p50 {frames['p50']:.1f} ms, p99 {drags['frame_interval_p99_ms']:.0f} ms, "
            f"max {frames['max']:.0f} ms",
        ),
        Row(
            "drag in the standalone HTML: dates drawn per second",
            html_drags["dates_per_s"],
            "/s",
            None,
            f"frame interval p95 {html_drags['frame_interval_ms']['p95']:.1f} ms; "
            f"mouse moves at {html_drags['moves_per_s']:.0f} Hz",
        ),
        Row(
            "naive scrub (full Folium map each rerun), p50",
            naive_step["p50"],
            "ms",
            None,
            f"p95 {naive_step['p95']:.0f} ms; "
            f"{naive['ws_received_bytes']['p50'] / 1024:.0f} KB received a step",
        ),
        Row(
            "naive full re-render / engine step in the app (p50)",
            naive_step["p50"] / step["p50"],
            "x",
            "engine_speedup_vs_naive",
        ),
    ]
    detail |= {"engine_app": app, "engine_standalone": html, "scrub_naive": naive}
    return rows, detail
