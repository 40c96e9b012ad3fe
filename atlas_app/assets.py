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
from layers.engine_data import engine_data
from layers.engine_element import LIVE_DATA_ID, LiveMap, live_parts
from layers.files import remove_unused, write_atomic
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
    write_served(folder, plain.name, gzip.decompress(data))
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
    """The live map of a language and base, its data and script served as files: made once
    per process (or taken from the files served already)."""
    atlas = shipped_atlas(folder)
    store = geometry_store(folder)
    if store is None:  # no static serving: nothing can be fetched
        return inline_live_map(atlas, lang, basemap)
    data = json.dumps(engine_data(atlas, lang, store=store), separators=(",", ":")).encode()
    packed = gzip.compress(data, compresslevel=9, mtime=0)
    name = served_name(f"engine_{lang}", data, ".json")
    target = STATIC_VENDOR / "atlas"
    write_served(target, name, data)
    write_served(target, name + ".gz", packed)
    m = base_map(atlas, lang, basemap, store=store)
    parts = live_parts(m, {"url": f"{STATIC_URL}/atlas/{name}.gz"})
    script = parts.script.encode("utf-8")
    script_name = served_name(f"live_{lang}_{basemap}", script, ".js")
    write_served(target, script_name, script)
    return LiveMap(parts, f"{STATIC_URL}/atlas/{script_name}", None)


def inline_live_map(atlas: Atlas, lang: str, basemap: str) -> LiveMap:
    """The live map with its data and script sent with the page (static serving is off)."""
    m = base_map(atlas, lang, basemap)
    parts = live_parts(m, {"element": LIVE_DATA_ID})
    data = json.dumps(engine_data(atlas, lang), separators=(",", ":"))
    return LiveMap(parts, None, data)


def _holds(path: Path, content: bytes) -> bool:
    """True when ``path`` is a regular file (not a link) with exactly ``content``."""
    try:
        return path.is_file() and not path.is_symlink() and path.read_bytes() == content
    except OSError:
        return False
