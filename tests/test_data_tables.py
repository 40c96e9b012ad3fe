"""The Data page's downloads are valid JSON whatever the values in the data."""

from __future__ import annotations

import datetime as dt
import json
import math

import geopandas as gpd
import numpy as np
from shapely.geometry import Point

from atlas_app.data_tables import plain_value, snapshot_geojson
from layers.model import Atlas, Layer, LayerSpec
from layers.temporal import TemporalIndex


def test_non_finite_numbers_become_null_and_the_download_parses_strictly():
    frame = gpd.GeoDataFrame(
        {
            "id": ["a"],
            "valid_from": ["1939-05-11"],
            "valid_to": [None],
            "strength": [{"men": -math.inf, "tanks": np.float64("nan")}],
            "rank": [math.inf],
        },
        geometry=[Point(120, 40)],
        crs=4326,
    )
    spec = LayerSpec("points", "points.geojson", "point", "P", "P", True, 1)
    layer = Layer(spec, frame, TemporalIndex(["1939-05-11"], [None]))
    atlas = Atlas(layers={"points": layer}, events=frame.iloc[:0])
    data = snapshot_geojson(atlas, dt.date(1941, 1, 1), ["points"]).decode()

    def no_constants(name: str) -> None:
        raise AssertionError(f"{name} is not JSON")

    props = json.loads(data, parse_constant=no_constants)["features"][0]["properties"]
    assert props["rank"] is None and props["strength"] == {"men": None, "tanks": None}
    assert plain_value([np.float32(1.5), math.nan]) == [1.5, None]
