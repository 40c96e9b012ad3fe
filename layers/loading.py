"""Reading geodata/ into an :class:`~layers.model.Atlas`.

One bad file never takes the atlas down: a file that cannot be read becomes a broken layer
with its problems listed, a bad feature is dropped and reported, an invalid geometry is
repaired and reported, and every other layer loads as usual.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from layers.model import Atlas, Layer, LayerSpec, route_fade_days
from layers.temporal import TemporalIndex
from layers.validate import (
    GEODATA,
    Problem,
    catalogue_file_problems,
    check_and_read,
    feature_label,
    load_catalogue,
    read_collection,
)

EVENT_COLUMNS = ["id", "date", "date_end", "time", "utc_offset", "time_zone", "importance"]


def geodata_folder() -> Path:
    """The geodata folder: ``$ATLAS_GEODATA`` when set (tests, other data sets), else geodata/."""
    return Path(os.environ.get("ATLAS_GEODATA") or GEODATA)


def load_atlas(folder: Path | None = None) -> Atlas:
    """Load every catalogued layer and the events from ``folder`` (default: geodata_folder())."""
    folder = geodata_folder() if folder is None else Path(folder)
    entries, problems = load_catalogue(folder)
    problems += catalogue_file_problems(folder, entries)
    layer_ids = {e["id"] for e in entries}
    layers, seen_ids, events = {}, {}, None
    for entry in entries:
        spec = LayerSpec(**{k: entry[k] for k in LayerSpec.__dataclass_fields__})
        features, file_problems = read_collection(folder / spec.file)
        layer = build_layer(spec, features, file_problems, layer_ids, seen_ids)
        if spec.kind == "event":
            events = layer.frame
            problems += list(layer.problems)
            continue
        layers[spec.id] = layer
    if events is None:
        events = empty_frame()
    return Atlas(layers=layers, events=events, problems=tuple(problems))


def build_layer(
    spec: LayerSpec,
    features: list,
    problems: list[Problem],
    layer_ids: set[str],
    seen_ids: dict[str, str] | None = None,
) -> Layer:
    """Check raw GeoJSON features and turn the good ones into a layer."""
    problems = list(problems)
    seen_ids = {} if seen_ids is None else seen_ids
    rows, geometries = [], []
    for i, feature in enumerate(features):
        found, geom = check_and_read(feature, i, spec.file, spec.kind, layer_ids)
        problems += found
        if any(p.severity == "error" for p in found):
            continue
        props = dict(feature["properties"])
        if props["id"] in seen_ids:
            label = feature_label(feature, i)
            message = f"duplicate id (also in {seen_ids[props['id']]})"
            problems.append(Problem(spec.file, label, "id", message))
            continue
        seen_ids[props["id"]] = spec.file
        rows.append(props)
        geometries.append(geom)
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geometries, crs=4326)
    if spec.kind == "event" and len(frame):
        for column in EVENT_COLUMNS:
            if column not in frame:
                frame[column] = None
        frame = frame.sort_values(["date", "id"]).reset_index(drop=True)
    if len(frame) == 0:
        frame = empty_frame()
    grace = route_fade_days(frame) if spec.kind == "route" else 0
    index = TemporalIndex(
        frame["valid_from"].tolist(), frame["valid_to"].tolist(), grace_days=grace
    )
    return Layer(spec=spec, frame=frame, index=index, problems=tuple(problems))


def empty_frame() -> gpd.GeoDataFrame:
    """A layer with no features but the contract's columns."""
    columns = {c: pd.Series(dtype=object) for c in ("id", "valid_from", "valid_to", "date")}
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=4326), crs=4326)
