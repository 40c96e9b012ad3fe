"""Take the README's screenshots: ``python docs/screenshot.py`` (needs chromium).

Starts the app on a free port, opens the deep link below in headless Chromium with no
network, at a desktop size and a phone size, and saves what is on the screen (no scrolling:
the map is on the first screen) to docs/screenshot.png and docs/screenshot-phone.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from tests import mapprobe
from tests.harness import PageProbe, guarded_context, launch_chromium, start_streamlit

LINK = "/?date=1945-08-20&lang=en"
DOCS = Path(__file__).resolve().parent
SHOTS = (  # (file, viewport)
    (DOCS / "screenshot.png", {"width": 1440, "height": 1000}),
    (DOCS / "screenshot-phone.png", {"width": 390, "height": 844}),
)


def main() -> int:
    server = start_streamlit("app.py", timeout=120)
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            for path, viewport in SHOTS:
                probe = PageProbe()
                context = guarded_context(browser, probe, viewport=viewport)
                page = context.new_page()
                page.goto(server.url + LINK)
                mapprobe.wait_for_map(page, timeout=120, min_paths=10)
                mapprobe.wait_until_idle(page)
                page.wait_for_timeout(1500)
                page.screenshot(path=str(path))
                context.close()
                if probe.external:
                    print(f"warning: the page asked for {probe.external}", file=sys.stderr)
                print(path)
            browser.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
