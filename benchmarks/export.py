"""Export: a warm 1600×1000 PNG and a 60-frame GIF drawn on the server (matplotlib), against
a headless-browser screenshot of the same Folium map (what folium's ``Map._to_png`` does with
Selenium, done here with Playwright, Leaflet loaded from disk and no fixed sleep).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from benchmarks.stats import Row, summary
from layers.loading import load_atlas
from layers.model import DEFAULT_DATE

PNG_SIZE = (1600, 1000)
GIF_START, GIF_END = dt.date(1941, 1, 13), dt.date(1945, 12, 13)  # 60 monthly frames
REPEATS = 5


def _png_times(atlas, day: dt.date) -> tuple[list[float], int]:
    from layers.static import render_image

    ids = atlas.default_layer_ids()
    render_image(atlas, day, ids, width=PNG_SIZE[0], height=PNG_SIZE[1])  # warm the caches
    times, size = [], 0
    for i in range(REPEATS):
        start = time.perf_counter()
        data = render_image(
            atlas, day + dt.timedelta(days=40 * i), ids, width=PNG_SIZE[0], height=PNG_SIZE[1]
        )
        times.append((time.perf_counter() - start) * 1000)
        size = len(data)
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise AssertionError("render_image did not return a PNG")
    return times, size


def _gif_time(atlas) -> tuple[float, int, int]:
    from layers.timelapse import frame_dates, render_timelapse

    frames = len(frame_dates(GIF_START, GIF_END, "month"))
    start = time.perf_counter()
    data = render_timelapse(atlas, GIF_START, GIF_END, "month", atlas.default_layer_ids())
    return time.perf_counter() - start, len(data), frames


def folium_html(atlas, day: dt.date, lang: str = "en") -> str:
    """The app's map (base map + the date's feature groups) as one standalone HTML page."""
    import xstatic.pkg.leaflet as leaflet

    from layers import render

    ids = [*atlas.default_layer_ids(), render.EVENTS_ID]
    m = render.base_map(atlas, lang, assets=Path(leaflet.BASE_DIR).as_uri())
    for group in render.date_groups(atlas, day, ids, lang):
        group.add_to(m)
    return m.get_root().render()


def _browser_times(atlas, day: dt.date) -> tuple[list[float], int]:
    from playwright.sync_api import sync_playwright

    from tests.harness import PageProbe, guarded_context, launch_chromium

    times, size = [], 0
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            for i in range(REPEATS + 1):  # the first one warms the browser up
                start = time.perf_counter()
                path = Path(tmp) / f"map{i}.html"
                path.write_text(folium_html(atlas, day + dt.timedelta(days=40 * i)), "utf-8")
                probe = PageProbe()
                viewport = {"width": PNG_SIZE[0], "height": PNG_SIZE[1]}
                context = guarded_context(browser, probe, viewport=viewport)
                page = context.new_page()
                page.goto(path.as_uri())
                page.wait_for_function(
                    "() => document.querySelectorAll('path.leaflet-interactive').length > 10"
                )
                data = page.screenshot(type="png")
                context.close()
                elapsed = (time.perf_counter() - start) * 1000
                if i:
                    times.append(elapsed)
                size = len(data)
                if probe.external:
                    raise AssertionError(f"the exported map went online: {probe.external}")
        finally:
            browser.close()
    return times, size


def run() -> tuple[list[Row], dict]:
    atlas = load_atlas()
    day = DEFAULT_DATE
    rows, detail = [], {}
    png_ms, png_bytes = _png_times(atlas, day)
    png = summary(png_ms)
    rows.append(
        Row(
            "export: PNG 1600×1000 warm, p50",
            png["p50"],
            "ms",
            "export_png_p50_ms",
            f"{png_bytes // 1024} KB",
        )
    )
    detail["png_ms"] = png
    try:
        gif_s, gif_bytes, frames = _gif_time(atlas)
        rows.append(
            Row(
                f"export: GIF {frames} frames 960×600",
                gif_s,
                "s",
                "export_gif60_s",
                f"{gif_s / frames * 1000:.0f} ms/frame, {gif_bytes // 1024} KB",
            )
        )
        detail["gif"] = {"seconds": gif_s, "bytes": gif_bytes, "frames": frames}
    except ImportError as exc:
        rows.append(Row("export: GIF", float("nan"), "s", None, f"skipped: {exc}"))
    try:
        browser_ms, shot_bytes = _browser_times(atlas, day)
        shot = summary(browser_ms)
        rows.append(
            Row(
                "export: browser screenshot of the Folium map, p50",
                shot["p50"],
                "ms",
                None,
                f"HTML build + Chromium load + screenshot, {shot_bytes // 1024} KB",
            )
        )
        rows.append(
            Row("export: browser screenshot / server PNG", shot["p50"] / png["p50"], "x", None)
        )
        detail["browser_screenshot_ms"] = shot
    except Exception as exc:  # no browser on this machine
        rows.append(Row("export: browser screenshot", float("nan"), "ms", None, f"skipped: {exc}"))
    return rows, detail
