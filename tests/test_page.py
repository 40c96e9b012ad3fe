"""Page setup: the page list, the tab titles and text shown as is."""

from __future__ import annotations

from atlas_app.assets import ROOT
from atlas_app.page import FAVICON, PAGES, page_title, plain
from layers.i18n import t


def test_every_listed_page_and_the_icon_exist():
    assert [(ROOT / file).is_file() for file, _, _ in PAGES] == [True] * len(PAGES)
    assert sorted(p.name for p in (ROOT / "pages").glob("*.py")) == sorted(
        file.removeprefix("pages/") for file, _, _ in PAGES if file.startswith("pages/")
    )
    assert (ROOT / FAVICON).is_file()


def test_tab_titles_name_the_page_then_the_atlas():
    assert page_title("app_title", "fr") == t("app_short", "fr")
    assert page_title("nav_about", "en") == f"{t('nav_about', 'en')} · {t('app_short', 'en')}"


def test_markdown_from_data_is_shown_as_is():
    assert plain("[a](http://x) *b* <i>") == r"\[a\]\(http\://x\) \*b\* \<i\>"
