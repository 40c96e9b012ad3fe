"""Load: 8 sessions scrubbing dates at once against one app server, for 60 seconds.

One headless Chromium, one browser context (= one Streamlit session) per simulated user,
all driven concurrently with Playwright's asyncio API. Each session opens its own deep link
(its own date and its own set of layers), then steps its date with the keyboard, waiting
for its map to show each new date. Counted as errors: a step whose map never showed the
date (30 s), an uncaught page error or console error, a Streamlit exception on the page, a
request that left localhost. At the end each session must still show its own date (slider,
map and link) and its own layers (link), whatever the others did. Localhost only, bounded
in time and steps.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from urllib.parse import parse_qs, urlsplit

from benchmarks.browser import DONE_JS
from benchmarks.stats import Row, RssSampler, summary
from layers.i18n import format_date
from layers.loading import load_atlas
from layers.model import ATLAS_END, ATLAS_START
from tests import mapprobe
from tests.harness import (
    CHROMIUM_ARGS,
    PageProbe,
    is_local,
    local_asset_for,
    start_streamlit,
    system_chromium,
)

SESSIONS = 8
DURATION = 60.0
MAX_STEPS = 2000  # per session: a hard bound besides the duration
STEP_TIMEOUT_MS = 30_000


async def _guard(context, probe: PageProbe) -> None:
    async def handle(route) -> None:
        url = route.request.url
        if is_local(url):
            await route.continue_()
            return
        local = local_asset_for(url)
        if local is not None and local.exists():
            await route.fulfill(status=200, body=local.read_bytes())
            return
        probe.external.append(url)
        await route.abort("blockedbyclient")

    await context.route("**/*", handle)


class Start:
    """All sessions start scrubbing together, once every one has its map (or 180 s passed)."""

    def __init__(self, sessions: int, duration: float) -> None:
        self.waiting = sessions
        self.duration = duration
        self.go = asyncio.Event()
        self.stop_at = 0.0

    def ready(self) -> None:
        self.waiting -= 1
        if self.waiting <= 0:
            self.start()

    def start(self) -> None:
        if not self.go.is_set():
            self.stop_at = time.monotonic() + self.duration
            self.go.set()


async def session(browser, url: str, index: int, layers: list[str], start: Start) -> dict:
    rng = random.Random(index)
    day = dt.date(1939, 9, 1) + dt.timedelta(days=97 * index)
    probe = PageProbe()
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    await _guard(context, probe)
    await context.add_init_script(mapprobe.INSTRUMENT_JS)
    page = await context.new_page()
    page.on("pageerror", lambda e: probe.page_errors.append(str(e)))
    page.on("console", lambda m: probe.console_errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: probe.dialogs.append(d.message))
    latencies, timeouts, steps = [], 0, 0
    try:
        try:
            await page.goto(f"{url}/?date={day.isoformat()}&layers={','.join(layers)}")
            await page.wait_for_function(
                DONE_JS, arg=format_date(day, "en"), polling=100, timeout=120_000
            )
        finally:
            start.ready()
        await start.go.wait()
        slider = page.get_by_role("slider").first
        while time.monotonic() < start.stop_at and steps < MAX_STEPS:
            forward = rng.random() < 0.7
            if (forward and day >= ATLAS_END) or (not forward and day <= ATLAS_START):
                forward = not forward
            day = day + dt.timedelta(days=1 if forward else -1)
            await slider.focus()
            await slider.press("ArrowRight" if forward else "ArrowLeft")
            steps += 1
            try:
                done = await page.wait_for_function(
                    DONE_JS, arg=format_date(day, "en"), polling="raf", timeout=STEP_TIMEOUT_MS
                )
                done_at = await done.json_value()
                stats = await page.evaluate(mapprobe.STATS_JS)
                latencies.append(done_at - stats["keyAt"])
            except Exception:
                timeouts += 1
                shown = await page.get_by_role("slider").first.get_attribute("aria-valuetext")
                day = dt.date.fromisoformat(shown)  # carry on from what the page shows
        await asyncio.sleep(1.5)  # let the last link update arrive
        shown = await page.get_by_role("slider").first.get_attribute("aria-valuetext")
        box = await page.evaluate(mapprobe.MAP_STATE_JS)
        query = parse_qs(urlsplit(page.url).query)
        exceptions = await page.locator('[data-testid="stException"]').count()
        own_date = (
            shown == day.isoformat()
            and (box or {}).get("dateBox", "").startswith(format_date(day, "en"))
            and query.get("date") == [day.isoformat()]
        )
        own_layers = query.get("layers") == [",".join(layers)]
    finally:
        await context.close()
    return {
        "session": index,
        "steps": steps,
        "latencies": latencies,
        "timeouts": timeouts,
        "exceptions": exceptions,
        "own_date": own_date,
        "own_layers": own_layers,
        "problems": probe.problems(),
        "final_date": day.isoformat(),
    }


async def launch(playwright):
    """Debian's chromium when there is one, else Playwright's own."""
    kwargs = {"args": CHROMIUM_ARGS}
    executable = system_chromium()
    if executable is not None:
        kwargs["executable_path"] = str(executable)
    return await playwright.chromium.launch(**kwargs)


async def _run_async(url: str, duration: float, sessions: int) -> list[dict]:
    from playwright.async_api import async_playwright

    atlas = load_atlas()
    ids = [*atlas.default_layer_ids(), "events"]
    drawn = [i for i in ids if i != "basemap"]
    async with async_playwright() as p:
        browser = await launch(p)
        try:
            start = Start(sessions, duration)
            asyncio.get_running_loop().call_later(180, start.start)
            tasks = []
            for i in range(sessions):
                # Each session leaves out a different layer: its own layer set.
                layers = [x for x in drawn if x != drawn[i % len(drawn)]]
                tasks.append(session(browser, url, i, layers, start))
            return await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            await browser.close()


def run(
    sampler: RssSampler, duration: float = DURATION, sessions: int = SESSIONS
) -> tuple[list[Row], dict]:
    server = start_streamlit("app.py", timeout=120)
    sampler.watch(server.pid)
    try:
        results = asyncio.run(_run_async(server.url, duration, sessions))
    finally:
        sampler.sample()
        sampler.unwatch(server.pid)
        server.stop()
    crashed = [r for r in results if isinstance(r, BaseException)]
    done = [r for r in results if isinstance(r, dict)]
    latencies = [x for r in done for x in r["latencies"]]
    errors = (
        len(crashed)
        + sum(r["timeouts"] + r["exceptions"] + len(r["problems"]) for r in done)
        + (sessions - len(results))
    )
    isolated = (
        len(done) == sessions
        and all(r["own_date"] and r["own_layers"] and r["steps"] > 0 for r in done)
        and not crashed
    )
    lat = summary(latencies)
    steps = sum(r["steps"] for r in done)
    rows = [
        Row(
            f"load: {sessions} sessions × {duration:.0f} s, errors",
            errors,
            "errors",
            "load_errors",
            f"{steps} steps in all",
        ),
        Row(
            "load: step latency p95",
            lat["p95"],
            "ms",
            None,
            f"p50 {lat['p50']:.0f} ms",
        ),
        Row(
            "load: every session kept its own date and layers",
            1.0 if isolated else 0.0,
            "bool",
            "load_sessions_isolated",
        ),
        Row("load: server peak RSS", sampler.peak_mb, "MB", None),
    ]
    detail = {
        "sessions": sessions,
        "duration_s": duration,
        "steps": steps,
        "latency_ms": lat,
        "errors": errors,
        "crashed": [repr(c) for c in crashed],
        "per_session": [
            {k: v for k, v in r.items() if k != "latencies"}
            | {"latency_ms": summary(r["latencies"])}
            for r in done
        ],
        "server_peak_rss_mb": sampler.peak_mb,
    }
    return rows, detail
