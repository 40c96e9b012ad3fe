"""One bad file never takes the atlas down; problems are kept for the app to show."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from layers.loading import geodata_folder, load_atlas
from layers.validate import GEODATA

# the shipped Manchukuo layer's feature count (Manchuria is drawn in runs of dates to May 1946)
MANCHUKUO_FEATURES = len(
    json.loads((GEODATA / "manchukuo.geojson").read_text(encoding="utf-8"))["features"]
)


@pytest.fixture
def geodata_copy(tmp_path) -> Path:
    folder = tmp_path / "geodata"
    shutil.copytree(GEODATA, folder, ignore=shutil.ignore_patterns("authored"))
    return folder


def test_shipped_atlas_loads_every_layer_without_problems():
    atlas = load_atlas()
    assert atlas.problems == ()
    assert all(not layer.problems for layer in atlas.layers.values())
    assert {"manchukuo", "mongolia", "mengjiang", "korea", "siberian_transfers"} <= set(
        atlas.layers
    )
    assert len(atlas.events) >= 45


def test_a_malformed_file_breaks_only_its_layer(geodata_copy):
    (geodata_copy / "korea.geojson").write_text("{oops", encoding="utf-8")
    atlas = load_atlas(geodata_copy)
    korea = atlas.layers["korea"]
    assert korea.broken
    assert "malformed JSON" in str(korea.problems[0])
    assert len(atlas.layers["manchukuo"].frame) == MANCHUKUO_FEATURES
    assert len(atlas.events) >= 45


def test_a_bad_feature_is_dropped_and_the_rest_of_its_layer_kept(geodata_copy):
    path = geodata_copy / "manchukuo.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["valid_from"] = "sometime in 1932"
    path.write_text(json.dumps(data), encoding="utf-8")
    layer = load_atlas(geodata_copy).layers["manchukuo"]
    assert len(layer.frame) == MANCHUKUO_FEATURES - 1
    assert [p.field for p in layer.problems] == ["valid_from"]
    assert "'manchukuo_puppet' (#0)" in str(layer.problems[0])


def test_an_invalid_geometry_is_repaired_and_reported(geodata_copy):
    path = geodata_copy / "kwantung.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    bowtie = [[[121, 38.8], [121.6, 39.3], [121.6, 38.8], [121, 39.3], [121, 38.8]]]
    data["features"][0]["geometry"] = {"type": "Polygon", "coordinates": bowtie}
    path.write_text(json.dumps(data), encoding="utf-8")
    layer = load_atlas(geodata_copy).layers["kwantung"]
    assert len(layer.frame) == 3
    assert layer.frame.geometry.is_valid.all()
    assert [p.severity for p in layer.problems] == ["repaired"]


def test_missing_file_is_reported_not_raised(geodata_copy):
    (geodata_copy / "tuva.geojson").unlink()
    atlas = load_atlas(geodata_copy)
    assert atlas.layers["tuva"].broken
    assert any("tuva.geojson does not exist" in str(p) for p in atlas.problems)


def test_geodata_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_GEODATA", str(tmp_path))
    assert geodata_folder() == tmp_path
    monkeypatch.delenv("ATLAS_GEODATA")
    assert geodata_folder() == GEODATA


def break_file(folder: Path, name: str, how: str) -> None:
    """Damage a layer file the ways a hostile or careless edit would."""
    path = folder / name
    text = json.dumps(json.loads(path.read_text(encoding="utf-8")))  # one known layout
    if how == "nested":
        path.write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
    elif how == "huge_integer":
        path.write_text(
            text.replace('"valid_from"', f'"population": {"9" * 5000}, "valid_from"', 1)
        )
    elif how == "surrogate":
        path.write_text(text.replace('"name_en": "', '"name_en": "\\ud800', 1), encoding="utf-8")
    elif how == "bad_utf8":
        path.write_bytes(text.encode() + b"\xff")


@pytest.mark.parametrize("how", ["nested", "huge_integer", "surrogate", "bad_utf8"])
def test_a_hostile_shipped_file_is_a_per_layer_error(geodata_copy, how):
    break_file(geodata_copy, "korea.geojson", how)
    atlas = load_atlas(geodata_copy)
    korea = atlas.layers["korea"]
    assert korea.problems and all(p.file == "korea.geojson" for p in korea.problems)
    assert len(atlas.layers["manchukuo"].frame) == MANCHUKUO_FEATURES and len(atlas.events) >= 45
    assert all(not atlas.layers[k].problems for k in atlas.layers if k != "korea")


def test_a_catalogue_file_given_as_a_list_breaks_only_that_entry(geodata_copy):
    path = geodata_copy / "catalogue.json"
    catalogue = json.loads(path.read_text(encoding="utf-8"))
    entry = next(e for e in catalogue["layers"] if e["id"] == "tuva")
    entry["file"] = ["tuva.geojson"]
    path.write_text(json.dumps(catalogue), encoding="utf-8")
    atlas = load_atlas(geodata_copy)
    assert "tuva" not in atlas.layers and len(atlas.layers["manchukuo"].frame) == MANCHUKUO_FEATURES
    fields = {(p.file, p.field) for p in atlas.problems}
    assert ("catalogue.json", "file") in fields and ("tuva.geojson", "catalogue") in fields


def test_dates_are_typed_once_by_the_reader(geodata_copy):
    layer = load_atlas(geodata_copy).layers["manchukuo"]
    assert layer.index.starts.dtype.kind == "M" and len(layer.index) == len(layer.frame)
