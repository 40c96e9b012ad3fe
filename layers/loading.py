"""Reading geodata/ into an :class:`~layers.model.Atlas`, through :mod:`layers.reader`.

One bad file never takes the atlas down: a file that cannot be read becomes a broken layer
with its problems listed, a bad feature is dropped and reported, an invalid geometry is
repaired and reported, and every other layer loads as usual.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from layers import reader
from layers.model import Atlas, Layer, LayerSpec, route_fade_days
from layers.temporal import TemporalIndex
from layers.validate import Problem, geodata_folder

__all__ = ["broken_layer", "build_layer", "empty_frame", "geodata_folder", "load_atlas"]

EVENT_COLUMNS = ["id", "date", "date_end", "time", "utc_offset", "time_zone", "importance"]


def load_atlas(folder: Path | None = None) -> Atlas:
    """Load every catalogued layer and the events from ``folder`` (default: geodata_folder())."""
    folder = geodata_folder() if folder is None else Path(folder)
    entries, problems = reader.read_catalogue(folder)
    problems += reader.catalogue_file_problems(folder, entries)
    layer_ids = {e["id"] for e in entries}
    layers, seen_ids, events, events_spec = {}, {}, None, None
    for entry in entries:
        spec = LayerSpec(**{k: entry[k] for k in LayerSpec.__dataclass_fields__ if k in entry})
        features, file_problems = reader.read_collection(folder / spec.file)
        try:
            layer = build_layer(spec, features, file_problems, layer_ids, seen_ids)
        except Exception as exc:  # the reader reports bad input; this guards the table itself
            layer = broken_layer(
                spec, Problem(spec.file, "", "file", f"cannot be read ({type(exc).__name__})")
            )
        if spec.kind == "event":
            events, events_spec = layer.frame, spec
            problems += list(layer.problems)
            continue
        layers[spec.id] = layer
    if events is None:
        events = empty_frame()
    return Atlas(
        layers=layers,
        events=events,
        problems=tuple(problems),
        source=str(folder),
        events_spec=events_spec,
    )


def build_layer(
    spec: LayerSpec,
    features: list,
    problems: list[Problem],
    layer_ids: set[str],
    seen_ids: dict[str, str] | None = None,
) -> Layer:
    """Check raw GeoJSON features (:func:`layers.reader.read_features`) and turn the good ones
    into a layer; its table is built column by column over the kept property names only."""
    read = reader.read_features(features, spec.file, spec.kind, layer_ids, seen_ids)
    records = read.records
    if spec.kind == "event":
        records = sorted(records, key=lambda r: (r.props["date"], r.props["id"]))
    columns = read.columns + [c for c in EVENT_COLUMNS if spec.kind == "event"]
    table = {c: [r.props.get(c) for r in records] for c in dict.fromkeys(columns)}
    frame = gpd.GeoDataFrame(
        pd.DataFrame(table, index=pd.RangeIndex(len(records))),
        geometry=[r.geometry for r in records],
        crs=4326,
    )
    if len(frame) == 0:
        frame = empty_frame()
    grace = route_fade_days(frame) if spec.kind == "route" else 0
    index = TemporalIndex([r.start for r in records], [r.end for r in records], grace_days=grace)
    return Layer(spec=spec, stored=frame, index=index, problems=(*problems, *read.problems))


def broken_layer(spec: LayerSpec, problem: Problem) -> Layer:
    """A layer of which nothing could be loaded, with the reason."""
    return Layer(spec=spec, stored=empty_frame(), index=TemporalIndex([], []), problems=(problem,))


def empty_frame() -> gpd.GeoDataFrame:
    """A layer with no features but the contract's columns."""
    columns = {c: pd.Series(dtype=object) for c in ("id", "valid_from", "valid_to", "date")}
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=4326), crs=4326)
