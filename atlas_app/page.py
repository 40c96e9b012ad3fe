"""What every page does first: page config, the served Leaflet, the session's state, the
language toggle, link warnings and the title; the list of pages; text shown as is."""

from __future__ import annotations

import json
import re

import streamlit as st

from atlas_app.assets import ROOT, ensure_leaflet_assets
from atlas_app.session import LANG, MOUNT, WARNINGS, init_state, lang, session_atlas
from layers.i18n import LANGUAGES, t
from layers.model import Atlas

# A file: an emoji icon makes Streamlit load its emoji catalogue (0.25 s a process), a
# Material icon is fetched from Google.
FAVICON = str(ROOT / "static" / "favicon.svg")
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}

PAGE_CSS = (
    "<style>[data-testid='stMainBlockContainer'] { padding-top: 2.5rem; }"
    # The sidebar's script-only blocks (page language, upload texts) take no room.
    "[data-testid='stSidebar'] [data-testid='stElementContainer']:has(> .stHtml script)"
    " { display: none; }</style>"
)
PAGES = (  # (file, title key, icon): the atlas and its pages
    ("app.py", "nav_atlas", ":material/map:"),
    ("pages/1_Timeline.py", "timeline_title", ":material/timeline:"),
    ("pages/2_Compare.py", "nav_compare", ":material/compare:"),
    ("pages/3_Data.py", "nav_data", ":material/table:"),
    ("pages/4_About.py", "nav_about", ":material/info:"),
)


def setup_page(title_key: str, map_page: bool = False) -> Atlas:
    """What every page does first: page config, local Leaflet, the state (from the link on a
    session's first run), the language toggle, link warnings and the title.

    Leaving the main page unmounts its map; ``map_page=False`` notes it, so the map opens at
    the latest view when the user comes back.
    """
    st.set_page_config(page_title=t("app_short", "en"), page_icon=FAVICON, layout="wide")
    st.html(PAGE_CSS)  # less empty space above the title: the map comes into view sooner
    ensure_leaflet_assets()
    atlas = session_atlas()
    init_state(atlas)
    st.set_page_config(page_title=page_title(title_key, lang()))  # the tab, in the language
    if not map_page:
        st.session_state.pop(MOUNT, None)
    if not st.get_option("client.showSidebarNavigation"):
        for page, title, icon in PAGES:  # Streamlit's own menu is in English only
            st.sidebar.page_link(page, label=t(title, lang()), icon=icon)
    language_toggle()
    for warning in st.session_state.get(WARNINGS, []):
        st.warning(plain(warning), icon=":material/warning:")
    st.header(t(title_key, lang()))
    return atlas


def page_title(title_key: str, lang: str) -> str:
    """The browser tab's title: the page's name, then the atlas's (the atlas page: its name)."""
    short = t("app_short", lang)
    return short if title_key == "app_title" else f"{t(title_key, lang)} · {short}"


def link_to_atlas() -> None:
    """A link back to the atlas page."""
    st.page_link("app.py", label=t("open_atlas", lang()), icon=":material/map:")


def language_toggle() -> None:
    st.session_state["w_lang"] = lang()

    def changed() -> None:
        chosen = st.session_state["w_lang"]
        st.session_state[LANG] = chosen if chosen in LANGUAGES else "en"

    st.sidebar.radio(  # not a segmented control: its "Français" loads the emoji catalogue
        f"{t('language', 'en')} / {t('language', 'fr')}",
        LANGUAGES,
        format_func=LANGUAGE_NAMES.get,
        key="w_lang",
        on_change=changed,
        horizontal=True,
    )
    # The document's language, for screen readers and hyphenation (Streamlit says "en").
    st.sidebar.html(
        f"<script>document.documentElement.lang = {json.dumps(lang())};</script>",
        unsafe_allow_javascript=True,
    )


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """Text shown as is by Streamlit's markdown (no links, emphasis or HTML from data)."""
    return _MARKDOWN.sub(r"\\\1", str(text))
