"""A disk cache of the loaded atlas and of what is made from it alone, so a server restart
skips parsing and validating the geodata (0.5–0.75 s of every cold start on a 2-core machine)
and building the map's geometry store (0.6 s).

An entry is named by a digest of everything the loaded atlas depends on: the bytes of every
file in the geodata folder, the source of every module in ``layers/``, and the versions of
Python and of the libraries that hold the data. Any change gives a new name, so a stale entry
is never read; the first start after a change makes it again and writes the new entry.

Entries hold data only, in formats that cannot run code when read: GeoParquet for the
frames, JSON for the rest (never pickle). An entry is a folder with a ``manifest.json`` that
gives the SHA-256 of each of its files. It is read only when the cache folder, the entry and
its files belong to the server's user and nobody else may write them, and when every file
matches its digest; otherwise it is made again and rewritten. The cache folder is created
with mode 0700.

The cache lives in ``$ATLAS_CACHE`` (``off`` turns it off), else in the user's cache folder.
A cache that cannot be used safely, read or written is skipped: the value is made as usual.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import platform
import shutil
import stat
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import shapely
from pyproj import CRS

from layers.files import write_atomic
from layers.geometry_codec import StoreFiles
from layers.loading import geodata_folder, load_atlas
from layers.model import Atlas, DeferredFrame, Layer, LayerSpec
from layers.temporal import OPEN_END, TemporalIndex
from layers.validate import Problem

LAYERS_SOURCE = Path(__file__).resolve().parent
LIBRARIES = ("numpy", "pandas", "shapely", "geopandas", "pyproj", "pyarrow")
STALE_SECONDS = 7 * 86_400  # other entries unused this long are removed
MANIFEST = "manifest.json"
WGS84 = CRS.from_epsg(4326)
T = TypeVar("T")
Files = dict[str, bytes]


def cache_folder() -> Path | None:
    """Where entries are kept, or None when ``$ATLAS_CACHE`` is ``off``."""
    chosen = os.environ.get("ATLAS_CACHE")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "neutrality-pact-atlas"


CODE = (".py", ".js", ".css", ".j2")  # the library's sources: Python and its web files


def atlas_digest(folder: Path) -> str:
    """A digest of the geodata files, the ``layers/`` sources (its web files included) and
    the library versions."""
    digest = hashlib.sha256()
    for root, label in ((Path(folder), "data"), (LAYERS_SOURCE, "code")):
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts or (label == "code" and path.suffix not in CODE):
                continue
            digest.update(f"{label}:{path.relative_to(root).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    versions = [f"python={platform.python_version()}"]
    versions += [f"{name}={_version(name)}" for name in LIBRARIES]
    digest.update("\0".join(versions).encode())
    return digest.hexdigest()


def load_atlas_cached(folder: Path | None = None, cache: Path | None = None) -> Atlas:
    """``load_atlas(folder)``, read from the cache when a sound entry for this exact data,
    code and library set exists, else loaded and written there (``cache``: default
    :func:`cache_folder`)."""
    folder = geodata_folder() if folder is None else Path(folder)
    atlas = cached("atlas", lambda: load_atlas(folder), folder, encode_atlas, decode_atlas, cache)
    return replace(atlas, source=str(folder))  # an entry may have been written for a copy


def cached(
    kind: str,
    make: Callable[[], T],
    folder: Path,
    encode: Callable[[T], Files],
    decode: Callable[[Files], T],
    cache: Path | None = None,
) -> T:
    """``make()``, which must depend only on the geodata of ``folder`` and the ``layers/``
    code: read from the entry ``{kind}-{digest}/`` when it is sound, else made and written
    there as the files ``encode`` gives (``decode`` reads them back). ``cache``: default
    :func:`cache_folder`; with none, or one that is not safe, simply ``make()``."""
    cache = cache_folder() if cache is None else Path(cache)
    if cache is None or not _private_folder(cache):
        return make()
    entry = cache / f"{kind}-{atlas_digest(folder)}"
    files = read_entry(entry)
    if files is not None:
        try:
            value = decode(files)
        except Exception:  # sound bytes that this code cannot read: make the entry again
            value = None
        else:
            with contextlib.suppress(OSError):
                os.utime(entry)  # in use: not pruned
            return value
    value = make()
    with contextlib.suppress(OSError):
        write_entry(entry, encode(value))
        _remove_unused(cache, entry, kind)
    return value


def read_entry(entry: Path) -> Files | None:
    """The files of an entry, or None unless the entry and each of its files belong to this
    user, cannot be written by anyone else, and match the digests of its manifest."""
    try:
        if not _owned_and_private(entry, directory=True):
            return None
        manifest = json.loads(_read_private(entry / MANIFEST))
        digests = manifest["files"]
        files = {}
        for name, digest in digests.items():
            if not isinstance(name, str) or "/" in name or name in ("", ".", "..", MANIFEST):
                return None
            data = _read_private(entry / name)
            if hashlib.sha256(data).hexdigest() != digest:
                return None
            files[name] = data
        return files
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_entry(entry: Path, files: Files) -> None:
    """Write the entry's files (mode 0600) and its manifest into a private temporary folder,
    then put that folder in place: readers see the old entry or the whole new one. An
    existing entry (a damaged one) is replaced. Raises ``OSError``."""
    temporary = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(mode=0o700)
    try:
        digests = {}
        for name, data in files.items():
            write_atomic(temporary / name, data, mode=0o600)
            digests[name] = hashlib.sha256(data).hexdigest()
        manifest = json.dumps({"files": digests}, indent=1).encode()
        write_atomic(temporary / MANIFEST, manifest, mode=0o600)
        if entry.exists() or entry.is_symlink():
            _remove(entry)
        os.rename(temporary, entry)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


# --------------------------------------------------------------------------- the atlas


def encode_atlas(atlas: Atlas) -> Files:
    """The atlas as GeoParquet frames and a JSON description of its layers and problems."""
    files: Files = {}
    layers = []
    for number, (layer_id, layer) in enumerate(atlas.layers.items()):
        name = f"layer-{number}.parquet"
        files[name], json_columns = _frame_bytes(layer.frame)
        layers.append(
            {
                "id": layer_id,
                "spec": asdict(layer.spec),
                "problems": [asdict(p) for p in layer.problems],
                "frame": name,
                "json_columns": json_columns,
                "index": _index_inputs(layer.index),
            }
        )
    files["events.parquet"], event_columns = _frame_bytes(atlas.events)
    description = {
        "layers": layers,
        "events": {
            "frame": "events.parquet",
            "json_columns": event_columns,
            "spec": asdict(atlas.events_spec) if atlas.events_spec else None,
        },
        "problems": [asdict(p) for p in atlas.problems],
        "user_layer_ids": sorted(atlas.user_layer_ids),
    }
    files["atlas.json"] = json.dumps(description, ensure_ascii=False).encode()
    return files


def decode_atlas(files: Files) -> Atlas:
    """The atlas written by :func:`encode_atlas`. Each layer's features are read when first
    used (its temporal index, from the description, is ready at once)."""
    description = json.loads(files["atlas.json"])
    layers = {}
    for item in description["layers"]:
        spec = LayerSpec(**item["spec"])
        index = TemporalIndex(**item["index"])
        frame = DeferredFrame(partial(_read_frame, files[item["frame"]], item["json_columns"]))
        problems = tuple(Problem(**p) for p in item["problems"])
        layers[item["id"]] = Layer(spec=spec, stored=frame, index=index, problems=problems)
    events = description["events"]
    return Atlas(
        layers=layers,
        events=_read_frame(files[events["frame"]], events["json_columns"]),
        problems=tuple(Problem(**p) for p in description["problems"]),
        user_layer_ids=frozenset(description["user_layer_ids"]),
        events_spec=LayerSpec(**events["spec"]) if events["spec"] else None,
    )


def _index_inputs(index: TemporalIndex) -> dict:
    """What a layer's temporal index is made of (:class:`TemporalIndex`'s arguments): its
    features' first and last days (ISO; None: open) and the days ended ones stay shown."""
    return {
        "starts": [str(day) for day in index.starts],
        "ends": [None if day == OPEN_END else str(day) for day in index.ends],
        "grace_days": index.grace_days,
    }


def encode_store(store: StoreFiles) -> Files:
    """The map's geometry store (its gzipped files, the overview's name, the feature ids) as
    files: each stored file under its own name, and an index."""
    index = {"name": store.name, "files": sorted(store.files), "keys": sorted(store.keys)}
    return {**store.files, "store.json": json.dumps(index).encode()}


def decode_store(files: Files) -> StoreFiles:
    """The geometry store written by :func:`encode_store`."""
    index = json.loads(files["store.json"])
    stored = {name: files[name] for name in index["files"]}
    return StoreFiles(str(index["name"]), stored, frozenset(index["keys"]))


def _frame_bytes(frame: gpd.GeoDataFrame) -> tuple[bytes, list[str]]:
    """GeoParquet bytes of a frame; object columns (lists, dicts, mixed values) as JSON text,
    with dates tagged so they come back as dates."""
    json_columns = [
        column
        for column in frame.columns
        if column != frame.geometry.name and frame[column].dtype == object
    ]
    plain = frame.assign(
        **{c: [json.dumps(v, default=_tag, allow_nan=True) for v in frame[c]] for c in json_columns}
    )
    buffer = io.BytesIO()
    plain.to_parquet(buffer, index=True)
    return buffer.getvalue(), json_columns


def _read_frame(data: bytes, json_columns: list[str]) -> gpd.GeoDataFrame:
    """The frame of :func:`_frame_bytes`. The GeoParquet is read as a plain table and its WKB
    geometry decoded here: the atlas is in WGS84 by contract, and parsing the file's CRS
    again for each layer would cost 30 ms a layer."""
    table = pq.read_table(io.BytesIO(data)).to_pandas()
    geometry = shapely.from_wkb(table.pop("geometry").to_numpy())
    frame = gpd.GeoDataFrame(table, geometry=geometry, crs=WGS84)
    for column in json_columns:
        values = [json.loads(v, object_hook=_untag) for v in frame[column]]
        frame[column] = pd.Series(values, index=frame.index, dtype=object)
    return frame


def _tag(value: object) -> object:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in the atlas cache")


def _untag(value: dict) -> object:
    if len(value) == 1:
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        if "$datetime" in value:
            return dt.datetime.fromisoformat(value["$datetime"])
    return value


# --------------------------------------------------------------------------- file safety


def _private_folder(folder: Path) -> bool:
    """Create ``folder`` with mode 0700 (or tighten one of ours); True when it belongs to this
    user and nobody else may write in it."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return False
        if stat.S_IMODE(info.st_mode) != 0o700:
            os.chmod(folder, 0o700)
        return True
    except OSError:
        return False


def _owned_and_private(path: Path, directory: bool = False) -> bool:
    info = path.lstat()  # a symbolic link is never followed
    kind_ok = stat.S_ISDIR(info.st_mode) if directory else stat.S_ISREG(info.st_mode)
    return kind_ok and info.st_uid == os.getuid() and not info.st_mode & 0o022


def _read_private(path: Path) -> bytes:
    if not _owned_and_private(path):
        raise ValueError(f"{path.name}: not a private file of this user")
    return path.read_bytes()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _remove_unused(cache: Path, keep: Path, kind: str) -> None:
    """Remove this kind's other entries left unused for :data:`STALE_SECONDS`, and the
    pickles older versions of this module wrote (never read: pickle can run code)."""
    for old in cache.glob(f"{kind}-*"):
        stale = time.time() - old.lstat().st_mtime > STALE_SECONDS
        if old != keep and (old.suffix == ".pickle" or stale):
            with contextlib.suppress(OSError):
                _remove(old)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"
