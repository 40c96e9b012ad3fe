"""Tables and downloads for the Data page: a date's features, the events, uploads."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import shapely

from layers.map_features import feature_rows
from layers.model import Atlas, snapshot


def plain_value(value: object) -> object:
    """A value as JSON-compatible Python: numpy scalars unwrapped, containers kept, and
    NaN or infinite numbers (which JSON cannot hold) as null."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain_value(v) for v in value]
    return value


def attribute_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A layer's attributes for display: geometry left out, lists and objects as JSON text."""
    rows = []
    for props, _ in feature_rows(frame):
        rows.append(
            {
                key: json.dumps(plain_value(value), ensure_ascii=False)
                if isinstance(value, (dict, list, tuple, np.ndarray))
                else plain_value(value)
                for key, value in props.items()
            }
        )
    columns = [c for c in frame.columns if c != "geometry"]
    return pd.DataFrame(rows, columns=columns)


def snapshot_geojson(atlas: Atlas, day: dt.date, layer_ids: list[str]) -> bytes:
    """The features shown on ``day`` as one GeoJSON FeatureCollection (``layer`` added)."""
    features = []
    for layer_id, frame in snapshot(atlas, day, layer_ids).items():
        for props, geometry in feature_rows(frame):
            properties = {"layer": layer_id, **plain_value(props)}
            features.append(
                {
                    "type": "Feature",
                    "geometry": plain_value(json.loads(shapely.to_geojson(geometry))),
                    "properties": properties,
                }
            )
    collection = {"type": "FeatureCollection", "date": day.isoformat(), "features": features}
    return json.dumps(collection, ensure_ascii=False, allow_nan=False).encode("utf-8")


def events_csv(atlas: Atlas) -> bytes:
    """Every event as CSV: lists joined with " | ", the place as lon/lat columns; text that a
    spreadsheet would run as a formula is quoted."""
    rows = []
    for props, geometry in feature_rows(atlas.events):
        row = {
            k: _cell(" | ".join(map(str, v)) if isinstance(v, (list, tuple)) else plain_value(v))
            for k, v in props.items()
        }
        row["lon"], row["lat"] = (geometry.x, geometry.y) if geometry is not None else (None, None)
        rows.append(row)
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8")


def _cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "@", "\t", "\r"):
        return "'" + value
    return value
