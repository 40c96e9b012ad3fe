"""The atlas disk cache: the same atlas, read back only for the same data, code and libraries."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

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
    return sorted(cache.glob("atlas-*.pickle"))


def test_second_load_is_read_from_the_cache_and_equal(geodata, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = load_atlas_cached(geodata, cache)
    assert len(entries(cache)) == 1

    def must_not_load(folder):
        raise AssertionError("the geodata was parsed again")

    monkeypatch.setattr(atlas_cache, "load_atlas", must_not_load)
    second = load_atlas_cached(geodata, cache)
    assert list(second.layers) == list(first.layers)
    for layer_id, layer in first.layers.items():
        cached = second.layers[layer_id]
        assert cached.spec == layer.spec and cached.problems == layer.problems
        assert cached.frame.drop(columns="geometry").equals(layer.frame.drop(columns="geometry"))
        assert cached.frame.geometry.geom_equals_exact(layer.frame.geometry, 0).all()
    assert second.events["id"].tolist() == first.events["id"].tolist()


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


def test_a_damaged_entry_is_replaced(geodata, tmp_path):
    cache = tmp_path / "cache"
    load_atlas_cached(geodata, cache)
    [entry] = entries(cache)
    entry.write_bytes(b"not a pickle")
    atlas = load_atlas_cached(geodata, cache)
    assert "manchukuo" in atlas.layers and not atlas.problems
    assert entry.read_bytes()[:1] == b"\x80"  # a pickle again


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

    assert atlas_cache.cached("store", make, geodata, cache) == {"made": 1}
    assert atlas_cache.cached("store", make, geodata, cache) == {"made": 1}  # read back
    assert len(made) == 1 and len(list(cache.glob("store-*.pickle"))) == 1
    (geodata / "korea.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    assert atlas_cache.cached("store", make, geodata, cache) == {"made": 2}  # data changed
    assert not entries(cache)  # kinds are apart: no atlas entry was made
