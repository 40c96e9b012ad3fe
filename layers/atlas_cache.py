"""A disk cache of the loaded atlas and of what is made from it alone, so a server restart
skips parsing and validating the geodata (0.5–0.75 s of every cold start on a 2-core machine;
the cached copy reads in 25 ms) and building the map's geometry store (0.6 s).

An entry is named by a digest of everything the loaded atlas depends on: the bytes of every
file in the geodata folder, the source of every module in ``layers/``, and the versions of
Python and of the libraries that hold the data. Any change gives a new name, so a stale entry
is never read; the first start after a change makes it again and writes the new entry.

The cache lives in ``$ATLAS_CACHE`` (``off`` turns it off), else in the user's cache folder.
Entries are pickles written by this module only: the folder must be writable by the server's
user alone, like the code itself. A cache that cannot be read or written is skipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import platform
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from layers.files import remove_unused, write_atomic
from layers.loading import geodata_folder, load_atlas
from layers.model import Atlas

LAYERS_SOURCE = Path(__file__).resolve().parent
LIBRARIES = ("numpy", "pandas", "shapely", "geopandas", "pyproj")
STALE_SECONDS = 7 * 86_400  # other entries unused this long are removed
T = TypeVar("T")


def cache_folder() -> Path | None:
    """Where entries are kept, or None when ``$ATLAS_CACHE`` is ``off``."""
    chosen = os.environ.get("ATLAS_CACHE")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "neutrality-pact-atlas"


def atlas_digest(folder: Path) -> str:
    """A digest of the geodata files, the ``layers/`` sources and the library versions."""
    digest = hashlib.sha256()
    for root, label in ((Path(folder), "data"), (LAYERS_SOURCE, "code")):
        pattern = "*.py" if label == "code" else "*"
        for path in sorted(p for p in root.rglob(pattern) if p.is_file()):
            if "__pycache__" in path.parts:
                continue
            digest.update(f"{label}:{path.relative_to(root).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    versions = [f"python={platform.python_version()}"]
    versions += [f"{name}={_version(name)}" for name in LIBRARIES]
    digest.update("\0".join(versions).encode())
    return digest.hexdigest()


def load_atlas_cached(folder: Path | None = None, cache: Path | None = None) -> Atlas:
    """``load_atlas(folder)``, read from the cache when an entry for this exact data, code
    and library set exists, else loaded and written there (``cache``: default
    :func:`cache_folder`)."""
    folder = geodata_folder() if folder is None else Path(folder)
    return cached("atlas", lambda: load_atlas(folder), folder, cache)


def cached(kind: str, make: Callable[[], T], folder: Path, cache: Path | None = None) -> T:
    """``make()``, which must depend only on the geodata of ``folder`` and the ``layers/``
    code: read from the entry ``{kind}-{digest}.pickle`` when it exists, else made and
    written there. ``cache``: default :func:`cache_folder`; with none, simply ``make()``."""
    cache = cache_folder() if cache is None else Path(cache)
    if cache is None:
        return make()
    entry = cache / f"{kind}-{atlas_digest(folder)}.pickle"
    try:
        with entry.open("rb") as file:
            value = pickle.load(file)
        with contextlib.suppress(OSError):
            os.utime(entry)  # in use: not pruned
        return value
    except Exception:  # no entry yet, or a damaged one: make it and write it anew
        pass
    value = make()
    _write(entry, value, f"{kind}-*.pickle")
    return value


def _write(entry: Path, value: object, pattern: str) -> None:
    """Write the entry whole or not at all, and remove entries of its kind long unused."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(entry, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        remove_unused(entry, pattern, max_age=STALE_SECONDS)
    except OSError:
        pass  # no cache this time: the value is made all the same


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"
