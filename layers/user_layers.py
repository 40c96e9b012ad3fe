"""Layers a user uploads for their own session: GeoJSON or a zipped shapefile.

The same contract and checks as the shipped data apply (status and controller are optional
here). Nothing is written to geodata/: the upload is read from memory or a private temporary
folder, and the resulting layer lives only in the caller's session.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

import geopandas as gpd

from layers.loading import build_layer
from layers.model import Atlas, Layer, LayerSpec
from layers.validate import Problem, collection_features

MAX_BYTES = 25 * 1024 * 1024
MAX_FEATURES = 50_000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
USER_ORDER = 90  # drawn above the shipped layers
# Shapefile field names are cut to 10 characters.
SHAPEFILE_FIELDS = {"name_nativ": "name_native", "utc_offse": "utc_offset"}
_FAMILIES = {
    "Polygon": "territory",
    "MultiPolygon": "territory",
    "LineString": "line",
    "MultiLineString": "line",
    "Point": "point",
}


def read_upload(filename: str, data: bytes) -> tuple[Layer | None, list[Problem]]:
    """Read and check an uploaded file; the layer is ``None`` when nothing usable remains.

    Features of another geometry family than most of the file are reported and left out.
    """
    name = PurePosixPath(filename).name or "upload"
    if len(data) > MAX_BYTES:
        size = len(data) / 1024 / 1024
        return None, [Problem(name, "", "file", f"is {size:.1f} MB; the limit is 25 MB")]
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in (".geojson", ".json"):
        features, problems = _geojson_features(name, data)
    elif suffix == ".zip":
        features, problems = _shapefile_features(name, data)
    else:
        message = "unsupported file type: upload .geojson, .json or a zipped shapefile (.zip)"
        return None, [Problem(name, "", "file", message)]
    if problems:
        return None, problems
    if len(features) > MAX_FEATURES:
        message = f"has {len(features):,} features; the limit is {MAX_FEATURES:,}"
        return None, [Problem(name, "", "features", message)]
    kind = _layer_kind(features)
    spec = LayerSpec(
        id=f"user_{_slug(name)}",
        file=name,
        kind=f"user_{kind}",
        title_en=f"Your layer: {name}",
        title_fr=f"Votre couche : {name}",
        visible=True,
        order=USER_ORDER,
    )
    layer = build_layer(spec, features, [], layer_ids=set())
    if len(layer.frame) == 0:
        return None, list(layer.problems)
    return replace(layer, spec=replace(spec, kind=kind)), list(layer.problems)


def with_user_layers(atlas: Atlas, layers: list[Layer]) -> Atlas:
    """The atlas with a session's uploaded layers added (the shipped atlas is not changed)."""
    if not layers:
        return atlas
    merged = dict(atlas.layers)
    for layer in layers:
        merged[layer.spec.id] = layer
    ids = frozenset(atlas.user_layer_ids | {layer.spec.id for layer in layers})
    return replace(atlas, layers=merged, user_layer_ids=ids)


def _geojson_features(name: str, data: bytes) -> tuple[list, list[Problem]]:
    try:
        parsed = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return [], [Problem(name, "", "file", "is not UTF-8 text")]
    except json.JSONDecodeError as exc:
        return [], [Problem(name, "", "file", f"malformed JSON at line {exc.lineno}: {exc.msg}")]
    return collection_features(parsed, name)


def _shapefile_features(name: str, data: bytes) -> tuple[list, list[Problem]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return [], [Problem(name, "", "file", "is not a valid zip archive")]
    members = archive.infolist()
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        return [], [Problem(name, "", "file", "unpacks to more than 200 MB")]
    shapefiles = [m.filename for m in members if m.filename.lower().endswith(".shp")]
    if len(shapefiles) != 1:
        message = f"must hold exactly one .shp file (found {len(shapefiles)})"
        return [], [Problem(name, "", "file", message)]
    with tempfile.TemporaryDirectory() as folder:
        for member in members:
            target = Path(folder, PurePosixPath(member.filename).name)
            if member.is_dir() or not target.name:
                continue
            target.write_bytes(archive.read(member))
        shp = Path(folder, PurePosixPath(shapefiles[0]).name)
        try:
            frame = gpd.read_file(shp)
        except Exception as exc:  # pyogrio raises several error types for bad shapefiles
            return [], [Problem(name, "", "file", f"cannot be read as a shapefile: {exc}")]
    if frame.crs is None:
        message = "has no .prj file: the coordinate system is unknown (expected WGS84)"
        return [], [Problem(name, "", "crs", message)]
    if not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs(4326)
    frame = frame.rename(columns=SHAPEFILE_FIELDS)
    features = json.loads(frame.to_json(na="null"))["features"]
    for feature in features:
        props = feature["properties"]
        if isinstance(props.get("sources"), str):  # shapefiles have no lists
            props["sources"] = [s.strip() for s in props["sources"].split(";") if s.strip()]
        props.setdefault("name_native", None)
        props.setdefault("valid_to", None)
    return features, []


def _layer_kind(features: list) -> str:
    """Territory, line or point layer, by the geometry most features have."""
    counted = []
    for feature in features:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        family = _FAMILIES.get(geometry.get("type") if isinstance(geometry, dict) else None)
        if family:
            counted.append(family)
    return max(set(counted), key=counted.count) if counted else "territory"


def _slug(name: str) -> str:
    stem = PurePosixPath(name).stem.lower()
    return re.sub(r"[^a-z0-9]+", "_", stem).strip("_")[:40] or "layer"
