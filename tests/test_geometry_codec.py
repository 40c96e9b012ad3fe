"""The geometry store's compact form: lossless on the shipped data, every geometry type; the
overview copies the map draws zoomed out."""

from __future__ import annotations

import gzip
import json

import pytest
import shapely

from layers.geometry_codec import encode, exact_scale
from layers.loading import load_atlas
from layers.render import geometry_bundle
from layers.style import COARSE_MAX_ZOOM, COARSE_TOLERANCE_DEG


def decode(encoded: dict, scale: int):
    """What the map's ``atlasLib.decode`` does, in Python: integer steps back to positions."""

    def line(steps: list[int]) -> list[list[float]]:
        x = y = 0
        positions = []
        for dx, dy in zip(steps[0::2], steps[1::2], strict=True):
            x, y = x + dx, y + dy
            positions.append([x / scale, y / scale])
        return positions

    kind, parts = encoded["t"], encoded["c"]
    if kind == "Point":
        coordinates = [parts[0] / scale, parts[1] / scale]
    elif kind == "LineString":
        coordinates = line(parts)
    elif kind == "MultiPolygon":
        coordinates = [[line(ring) for ring in polygon] for polygon in parts]
    else:
        coordinates = [line(ring) for ring in parts]
    return shapely.geometry.shape({"type": kind, "coordinates": coordinates})


def round_trip(geometry, scale: int):
    return decode(json.loads(json.dumps(encode(geometry, scale))), scale)


@pytest.mark.parametrize(
    "wkt",
    [
        "POINT (121.6 38.9)",
        "LINESTRING (104.3 52.3, 113.5 52.0, 127.5 50.3, 131.9 43.1)",
        "MULTILINESTRING ((0 0, 1 1), (2.5 2.5, 3.25 3, 4 4))",
        "POLYGON ((0 0, 3 0, 3 3, 0 3, 0 0), (1 1, 2 1, 2 2, 1 1))",
        "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((-170.5 -10, -169 -10, -169 -9, -170.5 -10)))",
    ],
)
def test_every_type_comes_back_exactly(wkt):
    geometry = shapely.from_wkt(wkt)
    scale = exact_scale([geometry])
    back = round_trip(geometry, scale)
    assert back.geom_type == geometry.geom_type and back.equals_exact(geometry, 0)


def test_the_scale_is_the_smallest_exact_one():
    assert exact_scale([shapely.Point(1, 2)]) == 1
    assert exact_scale([shapely.Point(1.25, 2)]) == 100
    assert exact_scale([shapely.LineString([(121.1234, 40), (122, 41.5)])]) == 10_000


def test_finer_than_the_finest_scale_moves_by_under_a_tenth_of_a_micro_degree():
    geometry = shapely.LineString([(121.123456789, 40.000000012), (122, 41)])
    assert exact_scale([geometry]) == 10**7
    back = round_trip(geometry, 10**7)
    assert shapely.hausdorff_distance(back, geometry) <= 5e-8 * 2**0.5


def store_parts(bundle) -> tuple[dict, dict]:
    """The overview and the detail file it names, as JSON."""
    overview = json.loads(gzip.decompress(bundle.files[bundle.name]))
    detail = json.loads(gzip.decompress(bundle.files[overview["detail"]]))
    return overview, detail


def test_the_shipped_store_is_lossless_and_smaller():
    atlas = load_atlas()
    bundle = geometry_bundle(atlas)
    assert bundle.name.endswith(".json.gz") and geometry_bundle(atlas) == bundle  # same bytes
    overview, detail = store_parts(bundle)
    assert overview["scale"] == 10_000  # the build writes four decimals
    assert set(bundle.files) == {bundle.name, overview["detail"]}
    originals = {}
    for layer in atlas.layers.values():
        originals.update(zip(layer.frame["id"], layer.frame.geometry, strict=True))
    full = overview["geometries"] | detail["geometries"]
    assert len(full) == len(overview["geometries"]) + len(detail["geometries"])  # disjoint
    assert set(full) == bundle.keys
    geojson_size = 0
    for key, encoded in full.items():
        back = decode(encoded, overview["scale"])
        assert back.equals_exact(originals[key], 0), key
        geojson_size += len(shapely.to_geojson(originals[key]))
    assert sum(len(data) for data in bundle.files.values()) < 0.6 * geojson_size


def test_the_overview_comes_first_and_holds_every_shape_the_first_map_draws():
    """Each shape is in the overview, simplified or (when simplifying would not shorten it)
    whole; the detail file holds only the full shapes of the simplified ones, and the
    overview is well under half of the store's bytes."""
    bundle = geometry_bundle(load_atlas())
    overview, detail = store_parts(bundle)
    assert set(overview["coarse"]) | set(overview["geometries"]) == bundle.keys
    assert not set(overview["coarse"]) & set(overview["geometries"])
    assert set(detail["geometries"]) == set(overview["coarse"])
    assert overview["detail"].startswith("geometry_detail-")
    first, rest = len(bundle.files[bundle.name]), len(bundle.files[overview["detail"]])
    assert first < 0.5 * (first + rest)


def test_the_store_carries_an_overview_copy_of_each_shape_within_its_tolerance():
    """The map draws up to ``coarseZoom`` a copy of each shape simplified to within
    COARSE_TOLERANCE_DEG: valid, of the same kind, never further than that from the shape (or
    twice that for a small ring, which keeps four positions), with well under its vertices."""
    overview, detail = store_parts(geometry_bundle(load_atlas()))
    assert overview["coarseZoom"] == COARSE_MAX_ZOOM
    fine_total = coarse_total = 0
    for key, encoded in overview["coarse"].items():
        full = decode(detail["geometries"][key], overview["scale"])
        copy = decode(encoded, overview["scale"])
        assert copy.is_valid and copy.geom_type == full.geom_type, key
        assert shapely.hausdorff_distance(copy, full) <= 2 * COARSE_TOLERANCE_DEG, key
        assert shapely.get_num_coordinates(copy) < shapely.get_num_coordinates(full), key
        fine_total += shapely.get_num_coordinates(full)
        coarse_total += shapely.get_num_coordinates(copy)
    assert coarse_total < 0.5 * fine_total
    assert {"ussr_1939", "manchukuo_puppet", "basemap_land"} <= set(overview["coarse"])
