"""Uploaded layers: same checks as shipped data, clear limits, nothing written to geodata/."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from layers.loading import load_atlas
from layers.model import snapshot
from layers.user_layers import MAX_FEATURES, read_upload, with_user_layers
from layers.validate import GEODATA


def feature(id_: str, geometry: dict, **props) -> dict:
    base = {
        "id": id_,
        "name_en": f"Line {id_}",
        "name_fr": f"Ligne {id_}",
        "name_native": None,
        "valid_from": "1941-01-01",
        "valid_to": "1942-01-01",
        "sources": ["My archive"],
    }
    return {"type": "Feature", "properties": base | props, "geometry": geometry}


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[120, 40], [121, 40], [121, 41], [120, 41], [120, 40]]],
}


def geojson_bytes(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def test_geojson_upload_follows_the_date():
    layer, problems = read_upload("my data.geojson", geojson_bytes(feature("a", SQUARE)))
    assert problems == []
    assert layer.spec.id == "user_my_data" and layer.spec.kind == "territory"
    atlas = with_user_layers(load_atlas(), [layer])
    assert len(snapshot(atlas, dt.date(1941, 6, 1))["user_my_data"]) == 1
    assert len(snapshot(atlas, dt.date(1943, 6, 1))["user_my_data"]) == 0
    assert "user_my_data" not in load_atlas().layers


def test_bad_features_are_reported_and_the_rest_kept():
    point = {"type": "Point", "coordinates": [120.5, 40.5]}
    data = geojson_bytes(
        feature("a", SQUARE), feature("b", SQUARE, valid_to="1940-01-01"), feature("c", point)
    )
    layer, problems = read_upload("mixed.json", data)
    assert len(layer.frame) == 1
    assert [(p.file, p.feature, p.field) for p in problems] == [
        ("mixed.json", "'b' (#1)", "valid_to"),
        ("mixed.json", "'c' (#2)", "geometry"),
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("big.geojson", b" " * (25 * 1024 * 1024 + 1), "limit is 25 MB"),
        ("x.geojson", b"{oops", "malformed JSON"),
        ("x.kml", b"<kml/>", "unsupported file type"),
        ("x.zip", b"PK not really", "not a valid zip"),
    ],
)
def test_file_problems(name, data, message):
    layer, problems = read_upload(name, data)
    assert layer is None
    assert message in str(problems[0]) and problems[0].file == name


def test_feature_limit():
    point = {"type": "Point", "coordinates": [120.5, 40.5]}
    many = [feature(str(i), point) for i in range(MAX_FEATURES + 1)]
    layer, problems = read_upload("many.geojson", geojson_bytes(*many))
    assert layer is None
    assert "limit is 50,000" in str(problems[0])


def zipped_shapefile(frame: gpd.GeoDataFrame, tmp_path) -> bytes:
    frame.to_file(tmp_path / "towns.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in tmp_path.glob("towns.*"):
            archive.write(path, f"folder/{path.name}")
    return buffer.getvalue()


@pytest.mark.filterwarnings("ignore:Column names longer:UserWarning", "ignore::RuntimeWarning")
def test_zipped_shapefile_is_reprojected_and_fields_restored(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "id": ["t1"],
            "name_en": ["Town"],
            "name_fr": ["Ville"],
            "name_native": ["町"],
            "valid_from": ["1941-01-01"],
            "valid_to": [None],
            "sources": ["Archive A; Archive B"],
        },
        geometry=[Point(125.32, 43.88)],
        crs=4326,
    ).to_crs(3857)
    layer, problems = read_upload("towns.zip", zipped_shapefile(frame, tmp_path))
    assert problems == []
    row = layer.frame.iloc[0]
    assert row["name_native"] == "町" and row["sources"] == ["Archive A", "Archive B"]
    assert abs(row.geometry.x - 125.32) < 1e-6 and layer.spec.kind == "point"


@pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")
def test_shapefile_without_projection_is_refused(tmp_path):
    frame = gpd.GeoDataFrame({"id": ["a"]}, geometry=[box(0, 0, 1, 1)])
    data = zipped_shapefile(frame, tmp_path)
    layer, problems = read_upload("noprj.zip", data)
    assert layer is None and problems[0].field == "crs"


def test_zip_paths_cannot_escape_and_nothing_lands_in_geodata(tmp_path):
    before = sorted(p.name for p in GEODATA.iterdir())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../evil.shp", b"not a shapefile")
    layer, problems = read_upload("evil.zip", buffer.getvalue())
    assert layer is None and "unsafe path: '../../evil.shp'" in str(problems[0])
    assert sorted(p.name for p in GEODATA.iterdir()) == before
