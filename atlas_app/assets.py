"""Files the app serves: the local copy of Leaflet and the geometry store (the shipped
geometries, written once under static/ for the browser to fetch once), and the shipped atlas
they are made from (loaded once per process)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import streamlit as st

from layers.atlas_cache import cached, decode_store, encode_store, load_atlas_cached
from layers.files import remove_unused, write_atomic
from layers.i18n import t
from layers.model import Atlas
from layers.render import LEAFLET_ASSETS, GeometryStore, geometry_bundle

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
