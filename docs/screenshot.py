"""Take the README's screenshot: ``python docs/screenshot.py`` (needs chromium).

Starts the app on a free port, opens the deep link below in headless Chromium with no
network, and saves the visible page to docs/screenshot.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from tests import mapprobe
from tests.harness import PageProbe, guarded_context, launch_chromium, start_streamlit

LINK = "/?date=1945-08-20&lang=en"
OUT = Path(__file__).resolve().parent / "screenshot.png"


def main() -> int:
    server = start_streamlit("app.py", timeout=120)
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            probe = PageProbe()
            context = guarded_context(browser, probe, viewport={"width": 1440, "height": 1000})
            page = context.new_page()
            page.goto(server.url + LINK)
            mapprobe.wait_for_map(page, timeout=120, min_paths=10)
            page.locator("iframe[src*='streamlit_folium']").scroll_into_view_if_needed()
            page.wait_for_timeout(1500)
            page.screenshot(path=str(OUT))
            browser.close()
            if probe.external:
                print(f"warning: the page asked for {probe.external}", file=sys.stderr)
    finally:
        server.stop()
    print(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
