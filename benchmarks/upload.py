"""Upload under load: one session uploads the worst file the Data page accepts while seven
others scrub, against a run of the same seven sessions with no upload.

The worst allowed file is as large as the uploader allows (:data:`MAX_FEATURES` features,
under :data:`MAX_BYTES`) and gives every feature a property name of its own: the shape that
once made a table of every feature by every name (9 GB, four minutes). Reported: the
scrubbing sessions' step p95 with and without the upload, their ratio, the upload's time to
an answer on its page, and the server's peak RSS. Localhost only, bounded in time.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path

from benchmarks import load
from benchmarks.stats import Row, RssSampler, summary
from layers.loading import load_atlas
from layers.reader import MAX_BYTES, MAX_FEATURES
from tests.harness import PageProbe, start_streamlit

SCRUBBERS = 7
DURATION = 45.0
ANSWER_TIMEOUT_MS = 240_000


def worst_upload(folder: Path) -> Path:
    """The largest GeoJSON the uploader accepts, every feature with a property name of its
    own (written once per run; about 12 MB)."""
    features = []
    for i in range(MAX_FEATURES):
        lon, lat = 100 + (i % 400) * 0.1, 20 + (i // 400) * 0.1
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 2), round(lat, 2)]},
                "properties": {
                    "id": f"p{i}",
                    "name_en": f"P{i}",
                    "name_fr": f"P{i}",
                    "valid_from": "1941-01-01",
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


async def uploader(browser, url: str, path: Path, start: load.Start) -> dict:
    """Open the Data page, wait for the scrubbing to start, upload, time the answer."""
    probe = PageProbe()
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    await load._guard(context, probe)
    page = await context.new_page()
    try:
        await page.goto(f"{url}/Data")
        upload = page.locator('input[type="file"]')
        await upload.wait_for(state="attached", timeout=120_000)
        await start.go.wait()
        await asyncio.sleep(5.0)  # the scrubbers are under way
        began = time.monotonic()
        await upload.set_input_files(str(path))
        answer = page.locator('[data-testid="stAlert"], [data-testid="stException"]')
        await answer.first.wait_for(timeout=ANSWER_TIMEOUT_MS)
        seconds = time.monotonic() - began
        text = await answer.first.inner_text()
        tracebacks = await page.locator('[data-testid="stException"]').count()
    finally:
        await context.close()
    return {"seconds": seconds, "answer": text[:300], "tracebacks": tracebacks}


async def _run_async(url: str, duration: float, upload: Path | None) -> tuple[list, dict | None]:
    from playwright.async_api import async_playwright

    atlas = load_atlas()
    drawn = [i for i in [*atlas.default_layer_ids(), "events"] if i != "basemap"]
    async with async_playwright() as p:
        browser = await load.launch(p)
        try:
            start = load.Start(SCRUBBERS, duration)
            asyncio.get_running_loop().call_later(180, start.start)
            tasks = [load.session(browser, url, i, drawn, start) for i in range(SCRUBBERS)]
            if upload is not None:
                tasks.append(uploader(browser, url, upload, start))
            results = await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            await browser.close()
    scrubbers = results[:SCRUBBERS]
    return scrubbers, (results[SCRUBBERS] if upload is not None else None)


def _one_run(duration: float, upload: Path | None) -> tuple[dict, dict | None, float]:
    sampler = RssSampler().start()
    server = start_streamlit("app.py", timeout=120)
    sampler.watch(server.pid)
    try:
        scrubbers, uploaded = asyncio.run(_run_async(server.url, duration, upload))
    finally:
        sampler.sample()
        sampler.unwatch(server.pid)
        server.stop()
        sampler.stop()
    done = [r for r in scrubbers if isinstance(r, dict)]
    latencies = [x for r in done for x in r["latencies"]]
    return summary(latencies), uploaded, sampler.peak_mb


def run(duration: float = DURATION) -> tuple[list[Row], dict]:
    with tempfile.TemporaryDirectory() as folder:
        path = worst_upload(Path(folder))
        size_mb = path.stat().st_size / 1e6
        quiet, _, quiet_rss = _one_run(duration, None)
        busy, uploaded, busy_rss = _one_run(duration, path)
    ratio = busy["p95"] / quiet["p95"] if quiet["p95"] else float("nan")
    if isinstance(uploaded, BaseException):
        uploaded = {"seconds": float("nan"), "answer": repr(uploaded), "tracebacks": -1}
    rows = [
        Row("upload under load: scrub step p95, no upload", quiet["p95"], "ms", None),
        Row(
            "upload under load: scrub step p95 during the upload",
            busy["p95"],
            "ms",
            None,
            f"{SCRUBBERS} sessions; {MAX_FEATURES:,} features, {size_mb:.1f} MB",
        ),
        Row("upload under load: p95 ratio", ratio, "x", "upload_load_p95_ratio"),
        Row(
            "upload under load: the upload's answer",
            uploaded["seconds"],
            "s",
            None,
            uploaded["answer"].splitlines()[0] if uploaded["answer"] else "",
        ),
        Row("upload under load: server peak RSS", busy_rss, "MB", "upload_load_peak_rss_mb"),
    ]
    detail = {
        "quiet_ms": quiet,
        "busy_ms": busy,
        "quiet_peak_rss_mb": quiet_rss,
        "busy_peak_rss_mb": busy_rss,
        "upload": uploaded,
        "file_mb": size_mb,
    }
    return rows, detail
