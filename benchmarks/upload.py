"""Upload under load: one session uploads the worst file the Data page accepts and opens the
atlas to see it on the live map, while seven others step dates (:mod:`benchmarks.load`);
against a run of the same seven sessions with no upload.

The worst allowed file is as large as the uploader allows (:data:`MAX_FEATURES` features,
under :data:`MAX_BYTES`) and gives every feature a property name of its own: the shape that
once made a table of every feature by every name (9 GB, four minutes). The uploading session
opens the atlas, goes to the Data page by its sidebar link (one session throughout), uploads,
waits for the page's answer, then follows the page's link back to the atlas and waits until
the map engine draws the upload's features (the uploads reach it as its ``extra`` records,
with their legend row). Reported: the stepping sessions' server answer p95 (and drawn p95)
with and without the upload, the answers' ratio, the upload's time to its answer and to the
map, and the server's peak RSS. Localhost only, bounded in time.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path

from benchmarks import load
from benchmarks.stats import Row, RssSampler, summary
from layers.i18n import t
from layers.loading import load_atlas
from layers.model import ATLAS_START
from layers.reader import MAX_BYTES, MAX_FEATURES
from tests import mapprobe
from tests.harness import PageProbe, start_streamlit

SCRUBBERS = 7
DURATION = 45.0
ANSWER_TIMEOUT_MS = 240_000
# True once the live map's engine draws every feature of ``ids`` (the upload's first and last).
UPLOAD_DRAWN_JS = r"""
(ids) => {
  if (!window.atlasEngine) return false;
  const drawn = new Set(window.atlasEngine.drawnIds());
  return ids.every(id => drawn.has(id));
}
"""


def worst_upload(folder: Path, count: int = MAX_FEATURES) -> Path:
    """The largest GeoJSON the uploader accepts (``count`` features), every feature with a
    property name of its own and shown on every date (written once per run; about 13 MB)."""
    features = []
    for i in range(count):
        lon, lat = 100 + (i % 400) * 0.1, 20 + (i // 400) * 0.1
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 2), round(lat, 2)]},
                "properties": {
                    "id": f"p{i}",
                    "name_en": f"P{i}",
                    "name_fr": f"P{i}",
                    "name_native": None,
                    "valid_from": ATLAS_START.isoformat(),
                    "valid_to": None,
                    "sources": ["bench"],
                    f"unique_{i}": i,
                },
            }
        )
    path = folder / "worst.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    if path.stat().st_size > MAX_BYTES:
        raise RuntimeError("the benchmark's file is over the upload limit")
    return path


async def uploader(browser, url: str, path: Path, count: int, start: load.Start) -> dict:
    """Open the atlas, then the Data page by its link; once the stepping is under way,
    upload, time the answer, then go back to the atlas and time the upload on the map."""
    probe = PageProbe()
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    await load._guard(context, probe)
    page = await context.new_page()
    result = {"answer": "", "seconds": float("nan"), "map_seconds": float("nan")}
    try:
        await page.goto(url)
        await page.wait_for_function("() => Boolean(window.atlasEngine)", timeout=120_000)
        sidebar = page.get_by_test_id("stSidebar")
        await sidebar.get_by_role("link", name=t("nav_data", "en"), exact=True).click()
        upload = page.locator('input[type="file"]')
        await upload.wait_for(state="attached", timeout=120_000)
        await start.go.wait()
        await asyncio.sleep(5.0)  # the stepping sessions are under way
        began = time.monotonic()
        await upload.set_input_files(str(path))
        answer = page.locator('[data-testid="stAlert"], [data-testid="stException"]')
        await answer.first.wait_for(timeout=ANSWER_TIMEOUT_MS)
        result["seconds"] = time.monotonic() - began
        result["answer"] = (await answer.first.inner_text())[:300]
        result["tracebacks"] = await page.locator('[data-testid="stException"]').count()
        await page.get_by_role("link", name=t("open_atlas", "en")).first.click()
        try:
            await page.wait_for_function(
                UPLOAD_DRAWN_JS, arg=["p0", f"p{count - 1}"], timeout=ANSWER_TIMEOUT_MS, polling=200
            )
        except Exception as exc:  # keep the answer's time: the map's failure is in the note
            result["map_error"] = repr(exc)[:300]
            return result
        result["map_seconds"] = time.monotonic() - began
        state = await page.evaluate(mapprobe.MAP_STATE_JS)
        result["legend_row"] = path.name in ((state or {}).get("legend") or "")
    finally:
        await context.close()
    return result


async def _run_async(
    url: str, duration: float, scrubbers: int, upload: tuple[Path, int] | None, server_pid: int
) -> tuple[list, dict | None]:
    from playwright.async_api import async_playwright

    atlas = load_atlas()
    drawn = [i for i in [*atlas.default_layer_ids(), "events"] if i != "basemap"]
    async with async_playwright() as p:
        browser = await load.launch(p)
        try:
            start = load.Start(scrubbers, duration, server_pid)
            asyncio.get_running_loop().call_later(180, start.start)
            tasks = [load.session(browser, url, i, drawn, start) for i in range(scrubbers)]
            if upload is not None:
                tasks.append(uploader(browser, url, *upload, start))
            results = await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            await browser.close()
    return results[:scrubbers], (results[scrubbers] if upload is not None else None)


def _one_run(
    duration: float, scrubbers: int, upload: tuple[Path, int] | None
) -> tuple[dict, dict, dict | None, float]:
    """The stepping sessions' drawn and answered steps, the upload's result, the peak RSS."""
    sampler = RssSampler().start()
    server = start_streamlit("app.py", timeout=120)
    sampler.watch(server.pid)
    try:
        stepped, uploaded = asyncio.run(
            _run_async(server.url, duration, scrubbers, upload, server.pid)
        )
    finally:
        sampler.sample()
        sampler.unwatch(server.pid)
        server.stop()
        sampler.stop()
    done = [r for r in stepped if isinstance(r, dict)]
    drawn = summary([x for r in done for x in r["drawn"]])
    answered = summary([x for r in done for x in r["answered"]])
    return drawn, answered, uploaded, sampler.peak_mb


def run(
    duration: float = DURATION, scrubbers: int = SCRUBBERS, features: int = MAX_FEATURES
) -> tuple[list[Row], dict]:
    """The two runs (no upload, then the upload) and their rows."""
    with tempfile.TemporaryDirectory() as folder:
        path = worst_upload(Path(folder), features)
        size_mb = path.stat().st_size / 1e6
        quiet_drawn, quiet, _, quiet_rss = _one_run(duration, scrubbers, None)
        busy_drawn, busy, uploaded, busy_rss = _one_run(duration, scrubbers, (path, features))
    ratio = busy["p95"] / quiet["p95"] if quiet["p95"] else float("nan")
    if isinstance(uploaded, BaseException):
        uploaded = {"seconds": float("nan"), "map_seconds": float("nan"), "answer": repr(uploaded)}
    answer = uploaded["answer"].splitlines()[0] if uploaded["answer"] else ""
    rows = [
        Row(
            "upload under load: server's answer to a step p95, no upload",
            quiet["p95"],
            "ms",
            None,
            f"p50 {quiet['p50']:.0f} ms; drawn p95 {quiet_drawn['p95']:.0f} ms",
        ),
        Row(
            "upload under load: server's answer to a step p95, uploading",
            busy["p95"],
            "ms",
            None,
            f"p50 {busy['p50']:.0f} ms; drawn p95 {busy_drawn['p95']:.0f} ms; {scrubbers} "
            f"sessions; {features:,} features, {size_mb:.1f} MB",
        ),
        Row("upload under load: p95 ratio", ratio, "x", "upload_load_p95_ratio"),
        Row("upload under load: the upload's answer", uploaded["seconds"], "s", None, answer),
        Row(
            "upload under load: the upload drawn on the live map",
            uploaded["map_seconds"],
            "s",
            None,
            "from the upload; legend row: " + ("yes" if uploaded.get("legend_row") else "no"),
        ),
        Row("upload under load: server peak RSS", busy_rss, "MB", "upload_load_peak_rss_mb"),
    ]
    detail = {
        "quiet_drawn_ms": quiet_drawn,
        "quiet_server_answer_ms": quiet,
        "busy_drawn_ms": busy_drawn,
        "busy_server_answer_ms": busy,
        "quiet_peak_rss_mb": quiet_rss,
        "busy_peak_rss_mb": busy_rss,
        "upload": uploaded,
        "features": features,
        "file_mb": size_mb,
        "scrubbers": scrubbers,
    }
    return rows, detail
