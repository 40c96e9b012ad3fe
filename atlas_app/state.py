"""Session state shared by the pages: the atlas (loaded once), the date, language, layers and
view, read from the link on a session's first run and written back to it as the user moves.

The widgets each have their own key; the values the pages share live under ``atlas_*`` keys
(widget keys are dropped when a page that has no such widget runs).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re
import shutil
from pathlib import Path

import streamlit as st

from layers.atlas_cache import cached, decode_store, encode_store, load_atlas_cached
from layers.files import remove_unused, write_atomic
from layers.i18n import LANGUAGES, t
from layers.loading import geodata_folder
from layers.lru import LRU
from layers.model import Atlas, Layer
from layers.render import LEAFLET_ASSETS, GeometryStore, geometry_bundle
from layers.urlstate import EVENTS_ID, AtlasState, clamp_date, parse_state, to_params

ROOT = Path(__file__).resolve().parent.parent
STATIC_VENDOR = ROOT / "static" / "vendor"
# A file: an emoji icon makes Streamlit load its emoji catalogue (0.25 s a process), a
# Material icon is fetched from Google.
FAVICON = str(ROOT / "static" / "favicon.svg")
STATIC_URL = LEAFLET_ASSETS.removesuffix("/leaflet")  # Streamlit serves static/ at /app/static
COMPARE_DEFAULT = dt.date(1945, 9, 2)
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}

DATE = "atlas_date"
DATE2 = "atlas_date2"  # the Compare page's second date
LANG = "atlas_lang"
LAYERS = "atlas_layers"
BASEMAP = "atlas_basemap"
VIEW = "atlas_view"  # (lat, lon, zoom) of the main map, or None before it reports one
BOUNDS = "atlas_bounds"  # (west, south, east, north) of the main map's view
WARNINGS = "atlas_warnings"  # what was wrong with the link, until the user moves on
USER = "atlas_user_layers"
MOUNT = "_atlas_map_mount"  # (lang, base map) the main map was mounted with


@st.cache_resource(show_spinner=f"{t('loading', 'en')} / {t('loading', 'fr')}")  # no lang yet
def shipped_atlas(folder: str) -> Atlas:
    """The atlas of ``folder``, loaded once per process (from the disk cache when the data
    and code are unchanged since it was written)."""
    return load_atlas_cached(Path(folder))


@st.cache_resource
def ensure_leaflet_assets() -> Path:
    """Copy Leaflet from the xstatic package into static/vendor/leaflet/ (served locally)."""
    import xstatic.pkg.leaflet as leaflet

    source, target = Path(leaflet.BASE_DIR), STATIC_VENDOR / "leaflet"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        if not (target / name).exists():
            write_atomic(target / name, (source / name).read_bytes())
    if not (target / "images").exists():
        shutil.copytree(source / "images", target / "images", dirs_exist_ok=True)
    return target


@st.cache_resource(show_spinner=False)
def geometry_store(folder: str) -> GeometryStore | None:
    """The shipped geometries written once under static/ for the browser to fetch once:
    gzipped, and beside it as plain JSON for browsers without ``DecompressionStream``.

    ``None`` (geometries sent inline) when static file serving is off or the folder cannot
    be written.
    """
    if not st.get_option("server.enableStaticServing"):
        return None
    atlas = shipped_atlas(folder)
    name, data, keys = cached(
        "geometry", lambda: geometry_bundle(atlas), Path(folder), encode_store, decode_store
    )
    try:
        write_store(STATIC_VENDOR / "atlas", name, data)
    except OSError:
        return None
    return GeometryStore(f"{STATIC_URL}/atlas/{name}", keys)


def write_store(folder: Path, name: str, data: bytes) -> None:
    """Write the gzipped store ``name`` and its plain copy (``name`` without ".gz") unless
    they hold exactly that already (a truncated or altered copy is written again), and
    remove the stores of other data sets left unused for a day."""
    packed = folder / name
    plain = packed.with_suffix("")  # geometry-….json
    folder.mkdir(parents=True, exist_ok=True)
    for path, content in ((plain, gzip.decompress(data)), (packed, data)):
        if not _holds(path, content):
            write_atomic(path, content)
    remove_unused(packed, "geometry-*.json.gz", max_age=86_400)
    remove_unused(plain, "geometry-*.json", max_age=86_400)


def _holds(path: Path, content: bytes) -> bool:
    """True when ``path`` is a regular file (not a link) with exactly ``content``."""
    try:
        return path.is_file() and not path.is_symlink() and path.read_bytes() == content
    except OSError:
        return False


def user_layers() -> list[Layer]:
    """This session's uploaded layers (never shared with another session)."""
    return [entry["layer"] for entry in st.session_state.get(USER, {}).values()]


def session_atlas() -> Atlas:
    """The shipped atlas plus this session's uploaded layers."""
    atlas = shipped_atlas(str(geodata_folder()))
    layers = user_layers()
    if not layers:
        return atlas
    from layers.user_layers import with_user_layers

    return with_user_layers(atlas, layers)


SESSION_CACHE_LIMIT = 64  # entries per cache of one session (uploads' map groups, notes)


def session_cache(name: str, limit: int | None = None) -> LRU:
    """A cache that belongs to this session only: bounded (least recently used entries go
    first) and released with the session. For what depends on the session's uploads, which
    must neither fill nor leak into the caches that sessions share."""
    cache = st.session_state.get(name)
    if not isinstance(cache, LRU):
        cache = st.session_state[name] = LRU(limit or SESSION_CACHE_LIMIT)
    return cache


def atlas_token() -> str:
    """Identifies the session atlas in caches: the data folder and the uploads' checksums."""
    digests = sorted(f"{k}:{v['digest']}" for k, v in st.session_state.get(USER, {}).items())
    return "|".join([str(geodata_folder()), *digests])


def add_user_layer(layer: Layer, data: bytes) -> None:
    """Keep an uploaded layer in the session and show it."""
    uploads = st.session_state.setdefault(USER, {})
    uploads[layer.spec.id] = {"layer": layer, "digest": hashlib.sha256(data).hexdigest()}
    if layer.spec.id not in st.session_state[LAYERS]:
        st.session_state[LAYERS] = [*st.session_state[LAYERS], layer.spec.id]


def remove_user_layer(layer_id: str) -> None:
    st.session_state.get(USER, {}).pop(layer_id, None)
    st.session_state[LAYERS] = [i for i in st.session_state[LAYERS] if i != layer_id]


def known_layer_ids(atlas: Atlas) -> list[str]:
    """Ids a link may name: the catalogue's layers and the event markers."""
    return [*atlas.layers, EVENTS_ID]


def default_layer_ids(atlas: Atlas) -> list[str]:
    return [*atlas.default_layer_ids(), EVENTS_ID]


def init_state(atlas: Atlas) -> None:
    """On a session's first run, take the state from the link (warnings kept to show)."""
    if DATE in st.session_state:
        return
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    state, warnings = parse_state(params, known_layer_ids(atlas))
    st.session_state[DATE] = state.date
    st.session_state[LANG] = state.lang
    layers = default_layer_ids(atlas) if state.layers is None else list(state.layers)
    st.session_state[LAYERS] = layers
    st.session_state[BASEMAP] = state.basemap
    st.session_state[VIEW] = state.view
    st.session_state[DATE2] = state.date2 or COMPARE_DEFAULT
    st.session_state[WARNINGS] = warnings


def current_state(atlas: Atlas, with_date2: bool = False) -> AtlasState:
    """The shareable state of this session."""
    layers = [i for i in st.session_state[LAYERS] if i not in atlas.user_layer_ids]
    defaults = default_layer_ids(atlas)
    view = st.session_state.get(VIEW)
    return AtlasState(
        date=st.session_state[DATE],
        lang=st.session_state[LANG],
        layers=None if layers == defaults else tuple(layers),
        basemap=st.session_state[BASEMAP],
        lat=view[0] if view else None,
        lon=view[1] if view else None,
        zoom=view[2] if view else None,
        date2=st.session_state[DATE2] if with_date2 else None,
    )


def sync_url(atlas: Atlas, with_date2: bool = False) -> None:
    """Write the state into the link, when it changed."""
    params = to_params(current_state(atlas, with_date2))
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)


def lang() -> str:
    return st.session_state.get(LANG, "en")


def set_date(day: dt.date) -> None:
    """Move the shared date (kept in the atlas range); link warnings are done with."""
    st.session_state[DATE] = clamp_date(day)
    st.session_state[WARNINGS] = []


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
