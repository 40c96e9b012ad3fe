"""The atlas disk cache: the same atlas, read back only for the same data, code and libraries."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import shutil
import stat
from pathlib import Path

import pandas as pd
import pytest

from layers import atlas_cache
from layers.atlas_cache import atlas_digest, load_atlas_cached

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def geodata(tmp_path) -> Path:
    folder = tmp_path / "geodata"
    shutil.copytree(ROOT / "geodata", folder, ignore=shutil.ignore_patterns("authored"))
    return folder


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("atlas-*"))


def test_second_load_is_read_from_the_cache_and_equal(geodata, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = load_atlas_cached(geodata, cache)
    [entry] = entries(cache)
    assert entry.is_dir() and (entry / "manifest.json").is_file()
    assert not list(cache.rglob("*.pickle"))  # data formats only

    def must_not_load(folder):
        raise AssertionError("the geodata was parsed again")

    monkeypatch.setattr(atlas_cache, "load_atlas", must_not_load)
    second = load_atlas_cached(geodata, cache)
    assert list(second.layers) == list(first.layers)
    for layer_id, layer in first.layers.items():
        cached = second.layers[layer_id]
        assert cached.spec == layer.spec and cached.problems == layer.problems
        pd.testing.assert_frame_equal(
            cached.frame.drop(columns="geometry"), layer.frame.drop(columns="geometry")
        )
        assert cached.frame.geometry.geom_equals_exact(layer.frame.geometry, 0).all()
        assert cached.frame.crs == layer.frame.crs
        assert cached.index.epoch(dt.date(1945, 8, 20)) == layer.index.epoch(dt.date(1945, 8, 20))
    pd.testing.assert_frame_equal(
        second.events.drop(columns="geometry"), first.events.drop(columns="geometry")
    )


def test_a_cached_atlas_reads_a_layers_features_when_first_used(geodata, tmp_path, monkeypatch):
    """Read from the cache, only the events are decoded at once: each layer's features when
    first asked for, once; its temporal index is ready and equal to the loaded one's."""
    cache = tmp_path / "cache"
    loaded = load_atlas_cached(geodata, cache)
    read = []
    real = atlas_cache._read_frame
    monkeypatch.setattr(atlas_cache, "_read_frame", lambda *a: read.append(1) or real(*a))
    atlas = load_atlas_cached(geodata, cache)
    assert len(read) == 1  # the events
    for layer_id, layer in loaded.layers.items():
        index = atlas.layers[layer_id].index
        assert (index.starts == layer.index.starts).all()
        assert (index.ends == layer.index.ends).all()
        assert (index.shown_until == layer.index.shown_until).all()
    assert len(read) == 1
    china = atlas.layers["china"]
    assert len(china.on(dt.date(1941, 4, 13))) > 0 and len(read) == 2
    assert china.frame is china.frame and len(read) == 2


def test_a_changed_data_file_is_loaded_anew(geodata, tmp_path):
    cache = tmp_path / "cache"
    before = load_atlas_cached(geodata, cache)
    path = geodata / "korea.geojson"
    korea = json.loads(path.read_text(encoding="utf-8"))
    korea["features"][0]["properties"]["name_en"] = "Chosen (renamed in a test)"
    path.write_text(json.dumps(korea), encoding="utf-8")
    after = load_atlas_cached(geodata, cache)
    assert len(entries(cache)) == 2
    names = set(after.layers["korea"].frame["name_en"])
    assert "Chosen (renamed in a test)" in names
    assert "Chosen (renamed in a test)" not in set(before.layers["korea"].frame["name_en"])


def test_library_versions_and_code_are_part_of_the_name(geodata, monkeypatch):
    digest = atlas_digest(geodata)
    monkeypatch.setattr(atlas_cache, "_version", lambda name: "0.0-other")
    assert atlas_digest(geodata) != digest
    monkeypatch.undo()
    monkeypatch.setattr(atlas_cache, "LAYERS_SOURCE", ROOT / "atlas_app")
    assert atlas_digest(geodata) != digest


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: (entry / "layer-0.parquet").write_bytes(b"truncated"),
        lambda entry: (entry / "atlas.json").write_text("[]"),  # right digest needed too
        lambda entry: (entry / "manifest.json").write_text('{"files": {"../x": "0"}}'),
        lambda entry: (entry / "manifest.json").write_text("not json"),
        lambda entry: (entry / "manifest.json").unlink(),
        lambda entry: shutil.rmtree(entry) or entry.write_text("a file, not a folder"),
        lambda entry: os.chmod(entry / "atlas.json", 0o666),  # writable by others
    ],
)
def test_a_damaged_entry_is_made_again_and_rewritten(geodata, tmp_path, damage):
    cache = tmp_path / "cache"
    load_atlas_cached(geodata, cache)
    [entry] = entries(cache)
    damage(entry)
    atlas = load_atlas_cached(geodata, cache)
    assert "manchukuo" in atlas.layers and not atlas.problems
    assert atlas_cache.read_entry(entry) is not None  # sound again


def test_an_entry_of_the_wrong_shape_with_right_digests_is_rewritten(geodata, tmp_path):
    cache = tmp_path / "cache"
    load_atlas_cached(geodata, cache)
    [entry] = entries(cache)
    atlas_cache.write_entry(entry, {"atlas.json": b'{"layers": 3}'})
    atlas = load_atlas_cached(geodata, cache)
    assert "manchukuo" in atlas.layers
    assert "layer-0.parquet" in atlas_cache.read_entry(entry)


def test_a_planted_entry_never_runs(geodata, tmp_path):
    """A pickle that would run code, planted under every name an entry could have: the
    cache reads no pickle, and refuses files of another user or writable by others."""
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    marker = tmp_path / "code-ran"
    payload = pickle.dumps(_RunsCode(str(marker)))
    digest = atlas_digest(geodata)
    (cache / f"atlas-{digest}.pickle").write_bytes(payload)  # the old name
    planted = cache / f"atlas-{digest}"
    planted.mkdir()
    for name in ("atlas.json", "layer-0.parquet"):
        (planted / name).write_bytes(payload)
    manifest = {"files": {n: hashlib.sha256(payload).hexdigest() for n in ("atlas.json",)}}
    (planted / "manifest.json").write_text(json.dumps(manifest))
    if os.getuid() == 0:  # as root (CI): the planted files belong to another user
        for path in [planted, *planted.iterdir()]:
            os.chown(path, 65534, 65534)
    else:
        for path in planted.iterdir():
            os.chmod(path, 0o666)
    atlas = load_atlas_cached(geodata, cache)
    assert "manchukuo" in atlas.layers
    assert not marker.exists()
    assert not (cache / f"atlas-{digest}.pickle").exists()  # old pickles are removed unread
    assert atlas_cache.read_entry(planted)["atlas.json"] != payload  # replaced by ours


class _RunsCode:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.touch, (Path(self.path),))


def test_the_cache_folder_is_private(geodata, tmp_path):
    cache = tmp_path / "new" / "cache"
    load_atlas_cached(geodata, cache)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    for path in cache.rglob("*"):
        assert not path.stat().st_mode & 0o077, path
    loose = tmp_path / "loose"
    loose.mkdir()
    os.chmod(loose, 0o777)
    load_atlas_cached(geodata, loose)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o700  # ours: tightened


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to make a folder of another user")
def test_a_cache_folder_of_another_user_is_not_used(geodata, tmp_path):
    cache = tmp_path / "theirs"
    cache.mkdir()
    os.chown(cache, 65534, 65534)
    atlas = load_atlas_cached(geodata, cache)
    assert "manchukuo" in atlas.layers and not list(cache.iterdir())


def test_an_unwritable_cache_still_loads(geodata, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    atlas = load_atlas_cached(geodata, blocker / "cache")
    assert "manchukuo" in atlas.layers and not atlas.problems


def test_off_turns_the_cache_off(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_CACHE", "off")
    assert atlas_cache.cache_folder() is None
    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path))
    assert atlas_cache.cache_folder() == tmp_path


def test_a_product_of_the_atlas_is_made_once_per_data_and_code(geodata, tmp_path):
    cache = tmp_path / "cache"
    made = []

    def make() -> dict:
        made.append(1)
        return {"made": len(made)}

    def cached() -> dict:
        return atlas_cache.cached("store", make, geodata, encode, decode, cache)

    def encode(value: dict) -> dict[str, bytes]:
        return {"value.json": json.dumps(value).encode()}

    def decode(files: dict[str, bytes]) -> dict:
        return json.loads(files["value.json"])

    assert cached() == {"made": 1}
    assert cached() == {"made": 1}  # read back
    assert len(made) == 1 and len(list(cache.glob("store-*"))) == 1
    (geodata / "korea.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    assert cached() == {"made": 2}  # data changed
    assert not entries(cache)  # kinds are apart: no atlas entry was made
