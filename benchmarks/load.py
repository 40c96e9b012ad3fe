"""Load: 8 sessions stepping dates at once on the live map against one app server, for 60 s.

One headless Chromium, one browser context (= one Streamlit session) per simulated user,
all driven concurrently with Playwright's asyncio API. Each session opens its own deep link
(its own date and its own set of layers), waits for the map engine to show that date, then
steps its date with the keyboard on the map's time control (``.atlas-time-slider``). Each
step is timed twice (:data:`tests.mapprobe.ENGINE_RECORD_JS`):

* drawn: from the key press to the animation frame after the engine drew the new date (in
  the browser: what the user sees; it does not wait for the server);
* server: from the engine's "atlas:settle" for the date (the map tells the server, after its
  debounce) to the page's link carrying the date (the server's fragment rerun has ended,
  :data:`tests.mapprobe.LINK_DATE_JS`). A session steps again only then, so every step is a
  round trip through the server, concurrently with the others'.

The server's CPU time (process and children, psutil) is read when the stepping starts and
when it stops: its mean use of one core, and its CPU time per step. Counted as errors: a
step never drawn or never answered (30 s), an uncaught page error or console error, a
Streamlit exception on the page, a request that left localhost. At the end each session
must still show its own date (engine, time control and link) and its own layers (link),
whatever the others did. Localhost only, bounded in time and steps.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from urllib.parse import parse_qs, urlsplit

from benchmarks.stats import Row, RssSampler, cpu_seconds, summary
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
SLIDER = ".atlas-time-slider"
SETTLED_JS = "iso => window.__engineBench.settled[iso]"


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
    """All sessions start stepping together, once every one has its map (or 180 s passed);
    the server's CPU time is read at the start and at the stop."""

    def __init__(self, sessions: int, duration: float, server_pid: int | None = None) -> None:
        self.waiting = sessions
        self.duration = duration
        self.server_pid = server_pid
        self.go = asyncio.Event()
        self.stop_at = 0.0
        self.cpu: list[tuple[float, float]] = []  # (monotonic time, server CPU seconds)

    def ready(self) -> None:
        self.waiting -= 1
        if self.waiting <= 0:
            self.start()

    def start(self) -> None:
        if not self.go.is_set():
            self.stop_at = time.monotonic() + self.duration
            self._read_cpu()
            asyncio.get_running_loop().call_later(self.duration, self._read_cpu)
            self.go.set()

    def _read_cpu(self) -> None:
        if self.server_pid is not None:
            self.cpu.append((time.monotonic(), cpu_seconds(self.server_pid)))

    def server_cpu(self) -> tuple[float, float]:
        """(CPU seconds, wall seconds) of the server between the start and the stop."""
        if len(self.cpu) < 2:
            return float("nan"), float("nan")
        (t0, c0), (t1, c1) = self.cpu[0], self.cpu[-1]
        return c1 - c0, t1 - t0


async def session(browser, url: str, index: int, layers: list[str], start: Start) -> dict:
    """One user: open a deep link, wait for the map, then step the date until the stop."""
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
    drawn, answered, timeouts, steps = [], [], 0, 0
    try:
        try:
            await page.goto(f"{url}/?date={day.isoformat()}&layers={','.join(layers)}")
            await page.wait_for_function(
                mapprobe.ENGINE_DATE_JS, arg=day.isoformat(), polling=100, timeout=120_000
            )
            await page.evaluate(mapprobe.ENGINE_RECORD_JS)
        finally:
            start.ready()
        await start.go.wait()
        slider = page.locator(SLIDER)
        while time.monotonic() < start.stop_at and steps < MAX_STEPS:
            forward = rng.random() < 0.7
            if (forward and day >= ATLAS_END) or (not forward and day <= ATLAS_START):
                forward = not forward
            day = day + dt.timedelta(days=1 if forward else -1)
            iso = day.isoformat()
            await page.evaluate(mapprobe.ENGINE_FORGET_JS, iso)
            await slider.focus()
            await slider.press("ArrowRight" if forward else "ArrowLeft")
            steps += 1
            try:
                done = await page.wait_for_function(
                    mapprobe.ENGINE_DRAWN_JS, arg=iso, polling="raf", timeout=STEP_TIMEOUT_MS
                )
                drawn_at = await done.json_value()
                stats = await page.evaluate(mapprobe.STATS_JS)
                drawn.append(drawn_at - stats["keyAt"])
                done = await page.wait_for_function(
                    mapprobe.LINK_DATE_JS, arg=iso, polling="raf", timeout=STEP_TIMEOUT_MS
                )
                linked_at = await done.json_value()
                settled = await page.evaluate(SETTLED_JS, iso)
                answered.append(linked_at - settled)
            except Exception:
                timeouts += 1
                shown = await page.evaluate("() => window.atlasEngine.date()")
                day = dt.date.fromisoformat(shown)  # carry on from what the map shows
        await asyncio.sleep(1.5)  # let the last link update arrive
        shown = await page.evaluate("() => window.atlasEngine.date()")
        box = await page.evaluate(mapprobe.MAP_STATE_JS)
        query = parse_qs(urlsplit(page.url).query)
        exceptions = await page.locator('[data-testid="stException"]').count()
        own_date = (
            shown == day.isoformat()
            and ((box or {}).get("dateBox") or "") == format_date(day, "en")
            and query.get("date") == [day.isoformat()]
        )
        own_layers = query.get("layers") == [",".join(layers)]
    finally:
        await context.close()
    return {
        "session": index,
        "steps": steps,
        "drawn": drawn,
        "answered": answered,
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


async def _run_async(url: str, duration: float, sessions: int, server_pid: int) -> tuple:
    """The sessions' results, and the :class:`Start` that timed them."""
    from playwright.async_api import async_playwright

    atlas = load_atlas()
    ids = [*atlas.default_layer_ids(), "events"]
    drawn = [i for i in ids if i != "basemap"]
    async with async_playwright() as p:
        browser = await launch(p)
        try:
            start = Start(sessions, duration, server_pid)
            asyncio.get_running_loop().call_later(180, start.start)
            tasks = []
            for i in range(sessions):
                # Each session leaves out a different layer: its own layer set.
                layers = [x for x in drawn if x != drawn[i % len(drawn)]]
                tasks.append(session(browser, url, i, layers, start))
            return await asyncio.gather(*tasks, return_exceptions=True), start
        finally:
            await browser.close()


def run(
    sampler: RssSampler, duration: float = DURATION, sessions: int = SESSIONS
) -> tuple[list[Row], dict]:
    server = start_streamlit("app.py", timeout=120)
    sampler.watch(server.pid)
    try:
        results, start = asyncio.run(_run_async(server.url, duration, sessions, server.pid))
    finally:
        sampler.sample()
        sampler.unwatch(server.pid)
        server.stop()
    crashed = [r for r in results if isinstance(r, BaseException)]
    done = [r for r in results if isinstance(r, dict)]
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
    drawn = summary([x for r in done for x in r["drawn"]])
    answered = summary([x for r in done for x in r["answered"]])
    steps = sum(r["steps"] for r in done)
    cpu, wall = start.server_cpu()
    rows = [
        Row(
            f"load: {sessions} sessions × {duration:.0f} s, errors",
            errors,
            "errors",
            "load_errors",
            f"{steps} steps in all",
        ),
        Row(
            "load: step drawn (key press → frame), p95",
            drawn["p95"],
            "ms",
            None,
            f"p50 {drawn['p50']:.0f} ms; in the browser, the server not waited for",
        ),
        Row(
            "load: server's answer to a settled date, p95",
            answered["p95"],
            "ms",
            None,
            f"p50 {answered['p50']:.0f} ms; 'atlas:settle' → the link shows the date",
        ),
        Row(
            "load: every session kept its own date and layers",
            1.0 if isolated else 0.0,
            "bool",
            "load_sessions_isolated",
        ),
        Row(
            "load: server CPU while stepping, share of one core",
            100 * cpu / wall,
            "%",
            None,
            f"{1000 * cpu / max(answered['n'], 1):.0f} ms of CPU per answered step",
        ),
        Row("load: server peak RSS", sampler.peak_mb, "MB", None),
    ]
    detail = {
        "sessions": sessions,
        "duration_s": duration,
        "steps": steps,
        "drawn_ms": drawn,
        "server_answer_ms": answered,
        "server_cpu_s": cpu,
        "stepping_s": wall,
        "errors": errors,
        "crashed": [repr(c) for c in crashed],
        "per_session": [
            {k: v for k, v in r.items() if k not in ("drawn", "answered")}
            | {"drawn_ms": summary(r["drawn"]), "server_answer_ms": summary(r["answered"])}
            for r in done
        ],
        "server_peak_rss_mb": sampler.peak_mb,
    }
    return rows, detail
