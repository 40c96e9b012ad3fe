"""Files the app serves: the local copy of Leaflet and the geometry store (the shipped
geometries, written once under static/ for the browser to fetch once), and the shipped atlas
they are made from (loaded once per process)."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import streamlit as st

from layers.atlas_cache import cached, decode_store, encode_store, load_atlas_cached
from layers.engine_data import engine_data, split_popups
from layers.engine_element import LIVE_DATA_ID, LiveMap, live_parts
from layers.files import remove_unused, write_atomic
from layers.geometry_codec import StoreFiles
from layers.i18n import t
from layers.model import Atlas
from layers.render import LEAFLET_ASSETS, GeometryStore, base_map, geometry_bundle

ROOT = Path(__file__).resolve().parent.parent
STATIC_VENDOR = ROOT / "static" / "vendor"
STATIC_URL = LEAFLET_ASSETS.removesuffix("/leaflet")  # Streamlit serves static/ at /app/static
# How Streamlit's caches key an atlas and a geometry store: by the data the atlas was read
# from (its folder and each upload's checksum) and by the store's URL (named by its content).
HASH_FUNCS = {Atlas: lambda atlas: atlas.source, GeometryStore: lambda store: store.url}


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
    """The shipped geometries written once under static/ for the browser to fetch once (the
    overview, and the detail it names): gzipped, and beside each its plain JSON for browsers
    without ``DecompressionStream``.

    ``None`` (geometries sent inline) when static file serving is off or the folder cannot
    be written.
    """
    if not st.get_option("server.enableStaticServing"):
        return None
    atlas = shipped_atlas(folder)
    store = cached(
        "geometry", lambda: geometry_bundle(atlas), Path(folder), encode_store, decode_store
    )
    try:
        write_store(STATIC_VENDOR / "atlas", store)
    except OSError:
        return None
    return GeometryStore(f"{STATIC_URL}/atlas/{store.name}", store.keys)


def write_store(folder: Path, store: StoreFiles) -> None:
    """Write each gzipped file of the store and its plain copy (the name without ".gz")
    unless they hold exactly that already (a truncated or altered copy is written again),
    the overview last, and remove the stores of other data sets left unused for a day."""
    for name in sorted(store.files, key=lambda name: name == store.name):
        data = store.files[name]
        write_served(folder, name.removesuffix(".gz"), gzip.decompress(data))
        write_served(folder, name, data)


def write_served(folder: Path, name: str, data: bytes) -> None:
    """Write the served file ``name`` (``<kind>-<content hash>.<ext>``) unless it holds
    exactly ``data`` already, and remove the files of its kind left unused for a day."""
    path = folder / name
    folder.mkdir(parents=True, exist_ok=True)
    if not _holds(path, data):
        write_atomic(path, data)
    kind, extensions = name.split("-", 1)[0], "".join(path.suffixes)
    remove_unused(path, f"{kind}-*{extensions}", max_age=86_400)


def served_name(kind: str, data: bytes, extension: str) -> str:
    """A served file's name that changes with its content: ``<kind>-<hash><extension>``."""
    return f"{kind}-{hashlib.sha256(data).hexdigest()[:16]}{extension}"


@st.cache_resource(show_spinner=False, max_entries=8)
def live_map(folder: str, lang: str, basemap: str) -> LiveMap:
    """The live map of a language and base, its CSS, script and engine data served as files:
    made once per change of data or code (kept in the atlas's disk cache), written under
    static/ once per process."""
    atlas = shipped_atlas(folder)
    store = geometry_store(folder)
    if store is None:  # no static serving: nothing can be fetched
        return inline_live_map(atlas, lang, basemap)
    files = cached(
        f"live-{lang}-{basemap}",
        lambda: _live_files(atlas, lang, basemap, store),
        Path(folder),
        dict,
        dict,
    )
    target = STATIC_VENDOR / "atlas"
    urls = {}
    for key, kind, extension in LIVE_FILES:
        name = served_name(kind.format(lang=lang, basemap=basemap), files[key], extension)
        write_served(target, name, files[key])
        urls[key] = f"{STATIC_URL}/atlas/{name}"
    for key in ("data", "popups"):  # fetched gzipped where the browser can inflate them
        write_served(target, urls[key].rsplit("/", 1)[1] + ".gz", files[f"{key}.gz"])
    return LiveMap(
        files["name"].decode(),
        css_url=urls["css"],
        script_url=urls["script"],
        fetches=(urls["data"] + ".gz", store.url),
    )


# The live map's served files: (key, kind, extension); the script names the data's URL,
# the data its popups' URL.
LIVE_FILES = (
    ("data", "engine_{lang}", ".json"),
    ("popups", "popups_{lang}", ".json"),
    ("css", "live_{lang}_{basemap}", ".css"),
    ("script", "live_{lang}_{basemap}", ".js"),
)


def _live_files(atlas: Atlas, lang: str, basemap: str, store: GeometryStore) -> dict[str, bytes]:
    """The live map's files: the engine's data (plain and gzipped), the map's CSS and script
    (which fetches the data at its served URL), and the Leaflet map's global name."""
    lean, texts = split_popups(engine_data(atlas, lang, store=store))
    popups = json.dumps(texts, separators=(",", ":")).encode()
    lean["popupsUrl"] = f"{STATIC_URL}/atlas/{served_name(f'popups_{lang}', popups, '.json')}.gz"
    data = json.dumps(lean, separators=(",", ":")).encode()
    url = f"{STATIC_URL}/atlas/{served_name(f'engine_{lang}', data, '.json')}.gz"
    parts = live_parts(base_map(atlas, lang, basemap, store=store), {"url": url})
    return {
        "data": data,
        "data.gz": gzip.compress(data, compresslevel=9, mtime=0),
        "popups": popups,
        "popups.gz": gzip.compress(popups, compresslevel=9, mtime=0),
        "css": parts.css.encode("utf-8"),
        "script": parts.script.encode("utf-8"),
        "name": parts.map_name.encode("utf-8"),
    }


def inline_live_map(atlas: Atlas, lang: str, basemap: str) -> LiveMap:
    """The live map with its CSS, script and data sent with the page (static serving is
    off)."""
    parts = live_parts(base_map(atlas, lang, basemap), {"element": LIVE_DATA_ID})
    data = json.dumps(engine_data(atlas, lang), separators=(",", ":"))
    return LiveMap(parts.map_name, css=parts.css, script=parts.script, data=data)


@st.cache_resource(show_spinner=False)
def served_module(text: str, kind: str) -> str | None:
    """Serve a JavaScript module (``<kind>-<hash>.js`` under static/); its URL, or None when
    static serving is off or the folder cannot be written."""
    if not st.get_option("server.enableStaticServing"):
        return None
    data = text.encode("utf-8")
    name = served_name(kind, data, ".js")
    try:
        write_served(STATIC_VENDOR / "atlas", name, data)
    except OSError:
        return None
    return f"{STATIC_URL}/atlas/{name}"


def _holds(path: Path, content: bytes) -> bool:
    """True when ``path`` is a regular file (not a link) with exactly ``content``."""
    try:
        return path.is_file() and not path.is_symlink() and path.read_bytes() == content
    except OSError:
        return False
