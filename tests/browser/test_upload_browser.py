"""Uploads through the real Data page. Hostile files: a clear message, no traceback, bounded
memory. A good file: drawn on the atlas's live map with its own legend row.

One app server (its own process, so its memory can be read); each file is uploaded in a fresh
page. The server's peak resident memory is reset before each upload (``/proc/PID/clear_refs``)
and read after it, so each file's cost is measured on its own.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
from pathlib import Path

import pytest

from layers.i18n import t
from layers.model import ATLAS_START
from tests import mapprobe
from tests.harness import ServerError, start_streamlit

pytestmark = pytest.mark.browser

MAX_GROWTH_MB = 300


def a_feature(fid: str, **props) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [127.0, 37.5]},
        "properties": {
            "id": fid,
            "name_en": "Place",
            "name_fr": "Lieu",
            "name_native": None,
            "valid_from": "1945-08-15",
            "valid_to": None,
            "sources": ["Test"],
            **props,
        },
    }


def collection(features: list[dict]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def lying_zip() -> bytes:
    """70 MB of zeros in a .shp whose headers say 1,000 bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.shp", b"\0" * (70 * 1024 * 1024))
        archive.writestr("a.dbf", b"x")
        archive.writestr("a.shx", b"x")
    data = bytearray(buffer.getvalue())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (found := data.find(signature, start)) >= 0:
            struct.pack_into("<I", data, found + offset, 1000)
            start = found + 4
    return bytes(data)


def dotdot_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("..", b"x")
        archive.writestr("a.shp", b"x")
    return buffer.getvalue()


def largest_line() -> bytes:
    """One line of 1.19 million positions: the most geometry the size and value caps allow."""
    n = 1_190_000
    coords = [[round(120 + 5 * k / n, 4), round(40.1234 + (k % 2) * 1e-3, 4)] for k in range(n)]
    feature = a_feature("line")
    feature["geometry"] = {"type": "LineString", "coordinates": coords}
    return collection([feature])


CASES = {
    # the case at the largest allowed feature count: 50,000 unique property names
    "unique.geojson": lambda: collection(
        [a_feature(f"u{i}", **{f"p{i}": i}) for i in range(50_000)]
    ),
    "lying.zip": lying_zip,
    "dotdot.zip": dotdot_zip,
    "nested.geojson": lambda: b"[" * 100_000 + b"]" * 100_000,
    "largest.geojson": largest_line,
}
EXPECTED = {
    "unique.geojson": "Added",
    "lying.zip": "Nothing usable",
    "dotdot.zip": "Nothing usable",
    "nested.geojson": "Nothing usable",
    "largest.geojson": "Added",
}


def memory_mb(pid: int, field: str) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.M).group(1)) / 1024


@pytest.fixture(scope="module")
def upload_server(browser):
    try:
        server = start_streamlit("app.py", env={"ATLAS_CACHE": "off"}, timeout=90)
    except ServerError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_upload_through_the_data_page(page, probe, upload_server, tmp_path, name):
    data = CASES[name]()
    page.goto(upload_server.url + "/Data")
    uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    uploader.wait_for(state="attached", timeout=60_000)
    pid = upload_server.pid
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset the peak resident size
    before = memory_mb(pid, "VmRSS")
    path = tmp_path / name
    path.write_bytes(data)
    uploader.set_input_files(str(path))
    page.get_by_text(EXPECTED[name]).first.wait_for(timeout=180_000)
    grown = memory_mb(pid, "VmHWM") - before
    text = page.locator("body").inner_text()
    assert "Traceback" not in text and "/tmp/" not in text and "site-packages" not in text
    assert page.locator('[data-testid="stException"]').count() == 0
    assert name in text
    print(f"{name}: {len(data) / 1e6:.1f} MB uploaded, server peak grew {grown:.0f} MB")
    assert grown < MAX_GROWTH_MB, f"{name}: the server grew {grown:.0f} MB"
    assert upload_server.alive()


LEGEND_JS = r"""
() => {
  const body = document.querySelector('.atlas-live .atlas-legend-rows');
  if (!body) return null;
  return Array.from(body.querySelectorAll('.atlas-legend-row')).map(row => ({
    text: row.textContent,
    swatch: (row.querySelector('svg circle, svg line, svg rect') || {}).tagName || null,
    elements: Array.from(row.querySelectorAll('span *')).map(e => e.tagName),
  }));
}
"""


def test_an_uploaded_layer_has_its_legend_row_on_the_live_map(page, probe, upload_server):
    """Uploaded on the Data page, a layer is drawn on the atlas's live map with a legend row:
    a swatch and its name, shown as text (``<b>&`` included)."""
    name = "<b>&dots.geojson"
    start = ATLAS_START.isoformat()  # on the map whatever the date
    data = collection([a_feature("dot1", valid_from=start), a_feature("dot2", valid_from=start)])
    page.goto(upload_server.url)  # the atlas, then the Data page by its link (one session)
    mapprobe.wait_for_map(page, timeout=90, min_paths=10)
    page.get_by_test_id("stSidebar").get_by_role("link", name=t("nav_data", "en")).click()
    uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    uploader.wait_for(state="attached", timeout=60_000)
    uploader.set_input_files({"name": name, "mimeType": "application/json", "buffer": data})
    page.get_by_text("Added").first.wait_for(timeout=60_000)
    page.get_by_role("link", name=t("open_atlas", "en")).first.click()
    mapprobe.wait_for_map(page, timeout=90, min_paths=10)
    page.wait_for_function(
        "() => window.atlasEngine && window.atlasEngine.drawnIds().includes('dot1')",
        timeout=60_000,
    )
    rows = page.evaluate(LEGEND_JS)
    ours = [row for row in rows if name in row["text"]]
    assert len(ours) == 1, rows
    assert ours[0]["text"] == f"Your layer: {name}"  # the layer's title, as plain text
    assert ours[0]["swatch"] == "circle" and ours[0]["elements"] == []
    assert page.locator(".atlas-live .atlas-legend-rows b").count() == 0
    assert len(rows) > 1 and rows[-1] == ours[0]  # after the shipped layers' rows
    assert not probe.problems()


def test_an_upload_goes_to_the_map_once_not_with_every_date(page, probe, upload_server):
    """The uploads travel once per map: a date settled afterwards sends the page's answer
    without them, and a map mounted again (another base map) asks for them and draws them."""
    marker = "upload-marker-8c1f"
    start = ATLAS_START.isoformat()
    data = collection([a_feature(marker, valid_from=start)])
    received: list[bytes] = []

    def listen(socket) -> None:
        socket.on("framereceived", lambda frame: received.append(_bytes(frame)))

    page.on("websocket", listen)
    page.goto(upload_server.url)  # the atlas, then the Data page by its link (one session)
    mapprobe.wait_for_map(page, timeout=90, min_paths=10)
    page.get_by_test_id("stSidebar").get_by_role("link", name=t("nav_data", "en")).click()
    uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    uploader.wait_for(state="attached", timeout=60_000)
    uploader.set_input_files(
        {"name": "marked.geojson", "mimeType": "application/json", "buffer": data}
    )
    page.get_by_text("Added").first.wait_for(timeout=60_000)
    page.get_by_role("link", name=t("open_atlas", "en")).first.click()
    drawn = f"() => window.atlasEngine && window.atlasEngine.drawnIds().includes('{marker}')"
    page.wait_for_function(drawn, timeout=60_000)
    mapprobe.wait_until_idle(page)
    assert any(marker.encode() in frame for frame in received)

    received.clear()
    before = page.url
    page.locator(".atlas-time-slider").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(before) => location.href !== before", arg=before, timeout=30_000)
    mapprobe.wait_until_idle(page)
    assert received, "the settled date reached the server and came back"
    assert not any(marker.encode() in frame for frame in received)

    page.evaluate("() => { window.__engineBefore = window.atlasEngine; }")
    page.get_by_test_id("stSidebar").get_by_text(t("basemap_positron", "en")).click()
    page.wait_for_function(
        f"() => window.atlasEngine !== window.__engineBefore && ({drawn}())", timeout=60_000
    )
    # The online base map's tiles are refused by the test's network guard: nothing else.
    assert all("basemaps.cartocdn.com" in m for m in probe.console_errors), probe.console_errors
    assert not probe.page_errors


def _bytes(frame) -> bytes:
    return frame if isinstance(frame, bytes) else frame.encode()
