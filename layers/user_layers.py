"""Layers a user uploads for their own session: GeoJSON or a zipped shapefile.

The upload is read by :mod:`layers.reader` (the same reader and checks as the shipped data;
status and controller are optional here) within its limits. Nothing is written to geodata/:
the upload is read from memory or a private temporary folder, and the resulting layer lives
only in the caller's session.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import PurePosixPath

from layers import reader
from layers.loading import build_layer
from layers.model import Atlas, Layer, LayerSpec
from layers.reader import MAX_FEATURES
from layers.validate import Problem

__all__ = ["MAX_FEATURES", "read_upload", "with_user_layers"]

USER_ORDER = 90  # drawn above the shipped layers
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
    Never raises: whatever is wrong with the file is in the problems.
    """
    name = _display_name(filename)
    features, problems = reader.read_upload_features(name, data)
    if not features:
        return None, problems
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
    try:
        layer = build_layer(spec, features, problems, layer_ids=set())
    except Exception as exc:  # the reader reports bad input; this guards the table itself
        message = f"cannot be read ({type(exc).__name__})"
        return None, [*problems, Problem(name, "", "file", message)]
    if len(layer.frame) == 0:
        return None, list(layer.problems)
    checksum = hashlib.sha256(data).hexdigest()
    return replace(layer, spec=replace(spec, kind=kind), checksum=checksum), list(layer.problems)


def with_user_layers(atlas: Atlas, layers: list[Layer]) -> Atlas:
    """The atlas with a session's uploaded layers added (the shipped atlas is not changed);
    its ``source`` names each upload by id and checksum."""
    if not layers:
        return atlas
    merged = dict(atlas.layers)
    for layer in layers:
        merged[layer.spec.id] = layer
    ids = frozenset(atlas.user_layer_ids | {layer.spec.id for layer in layers})
    uploads = sorted(f"{layer.spec.id}:{layer.checksum}" for layer in layers)
    source = "|".join([atlas.source, *uploads])
    return replace(atlas, layers=merged, user_layer_ids=ids, source=source)


def _layer_kind(features: list) -> str:
    """Territory, line or point layer, by the geometry most features have."""
    counted = []
    for feature in features:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        family = _FAMILIES.get(kind) if isinstance(kind, str) else None
        if family:
            counted.append(family)
    return max(set(counted), key=counted.count) if counted else "territory"


def _display_name(filename: object) -> str:
    """The file's own name (no folders), printable, at most 100 characters."""
    text = str(filename).encode("utf-8", "replace").decode("utf-8")
    name = PurePosixPath(text.replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable())
    if len(name) > 100:
        suffix = PurePosixPath(name).suffix[:10]
        name = name[: 100 - len(suffix)] + suffix
    return name or "upload"


def _slug(name: str) -> str:
    stem = PurePosixPath(name).stem.lower()
    return re.sub(r"[^a-z0-9]+", "_", stem).strip("_")[:40] or "layer"
