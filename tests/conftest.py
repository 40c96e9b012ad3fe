"""Shared fixtures: the running app, a real headless browser, and a page that may not go online.

Browser tests (marked ``browser``; everything under tests/browser/ is marked automatically)
get a fresh browser context per test with:

* the map instrumentation of ``tests/mapprobe.py`` (key and DOM-change times, map state);
* a network guard: known CDN assets (Leaflet, jQuery) are served from the xstatic packages,
  every other request that leaves localhost is aborted and recorded in ``probe.external``;
* console errors, uncaught page errors and dialogs recorded in ``probe`` (dialogs dismissed);
* a screenshot saved to ``artifacts/<test>.png`` when the test ends, pass or fail.

Without a browser the tests skip, except under ``CI=true`` where they fail.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from tests.harness import (
    PageProbe,
    guarded_context,
    in_ci,
    launch_chromium,
    screenshot_path,
    served_atlas,
    watch_page,
)


def pytest_collection_modifyitems(config, items):
    browser_dir = Path(__file__).resolve().parent / "browser"
    for item in items:
        if browser_dir in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def unavailable(reason: str):
    """Skip a test for lack of something, or fail it on CI where everything must be there."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def streamlit_server():
    """The atlas (app.py in the repository root) served on a free port; yields its base URL."""
    with served_atlas() as url:
        yield url


# Module scope: a test module that starts its own sync Playwright (tests/test_html_export.py)
# must not find this one still running, which the sync API refuses.
@pytest.fixture(scope="module")
def playwright_instance():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed")
    playwright = sync_playwright().start()
    try:
        yield playwright
    finally:
        playwright.stop()


@pytest.fixture(scope="module")
def browser(playwright_instance):
    """Headless Chromium: Debian's /usr/bin/chromium, else Playwright's own build."""
    try:
        instance = launch_chromium(playwright_instance)
    except Exception as exc:  # the executable is missing or cannot start
        unavailable(f"no usable Chromium: {exc}")
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture
def probe():
    """What the current test's page did: external requests, console errors, dialogs."""
    return PageProbe()


@pytest.fixture
def context(browser, probe):
    ctx = guarded_context(browser, probe, locale="en-GB", accept_downloads=True)
    ctx.set_default_timeout(20_000)
    try:
        yield ctx
    finally:
        with contextlib.suppress(Exception):
            ctx.close()


@pytest.fixture
def page(context, probe, request):
    """A guarded, watched page; its screenshot goes to artifacts/ when the test ends."""
    pg = context.new_page()
    watch_page(pg, probe)

    def save_screenshot():
        with contextlib.suppress(Exception):
            pg.screenshot(path=str(screenshot_path(request.node.name)), full_page=True)

    request.addfinalizer(save_screenshot)
    return pg
