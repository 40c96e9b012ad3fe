"""The geodata contract, checked: ``python -m layers.validate [PATH ...]``.

Every check returns :class:`Problem` records naming the file, the feature (id or index) and
the field, so a historian who edits a file is told exactly what to fix. The loader, the app,
uploads and the tests all use these same checks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from layers.sources import citation_problem, registry_file_problems

GEODATA = Path(__file__).resolve().parent.parent / "geodata"
CATALOGUE = "catalogue.json"

STATUSES = (
    "sovereign_state",
    "integral_territory",
    "colony",
    "leased_territory",
    "puppet_state",
    "satellite_state",
    "military_occupation",
    "contested",
    "foreign_garrison",
    "base_area",
)
CONTROLLERS = (
    "Japan",
    "ROC",
    "USSR",
    "MPR",
    "TPR",
    "USA",
    "UK",
    "France",
    "Netherlands",
    "Thailand",
    "Portugal",
    "CCP",
)
KINDS = ("base", "territory", "route", "line", "point", "event")
GEOMETRY_TYPES = {
    "territory": ("Polygon", "MultiPolygon"),
    "route": ("LineString", "MultiLineString"),
    "line": ("LineString", "MultiLineString"),
    "point": ("Point",),
    "event": ("Point",),
    "base": ("Polygon", "MultiPolygon", "LineString", "MultiLineString"),
    # Uploaded layers: one geometry family each; status and controller optional.
    "user_territory": ("Polygon", "MultiPolygon"),
    "user_line": ("LineString", "MultiLineString"),
    "user_point": ("Point",),
}
MAX_OVERLAP_SHARE = 0.005  # of the smaller territory's area
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_OFFSET = re.compile(r"^[+-](0\d|1[0-4]):(00|30|45)$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data. ``severity`` is ``error`` (dropped) or ``repaired``."""

    file: str
    feature: str
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}: feature {self.feature}" if self.feature else self.file
        tag = " (repaired)" if self.severity == "repaired" else ""
        return f"{where}: {self.field}: {self.message}{tag}"


def parse_date(value: object) -> dt.date | None:
    """A ``YYYY-MM-DD`` date, or ``None`` when the value is not exactly one."""
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def read_collection(path: Path) -> tuple[list[dict], list[Problem]]:
    """The features of a GeoJSON FeatureCollection file, or the reason it cannot be read."""
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [], [Problem(name, "", "file", "file not found")]
    except UnicodeDecodeError as exc:
        return [], [Problem(name, "", "file", f"not UTF-8 text ({exc.reason})")]
    except json.JSONDecodeError as exc:
        return [], [Problem(name, "", "file", f"malformed JSON at line {exc.lineno}: {exc.msg}")]
    return collection_features(data, name)


def collection_features(data: object, name: str) -> tuple[list[dict], list[Problem]]:
    """Check the FeatureCollection envelope of already-parsed GeoJSON."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return [], [Problem(name, "", "type", "not a GeoJSON FeatureCollection")]
    features = data.get("features")
    if not isinstance(features, list):
        return [], [Problem(name, "", "features", "must be a list")]
    if not features:
        return [], [Problem(name, "", "features", "the layer is empty")]
    return features, []


def feature_label(feature: object, index: int) -> str:
    """``'id' (#index)`` when the feature has a usable id, else ``#index``."""
    if isinstance(feature, dict):
        props = feature.get("properties")
        if isinstance(props, dict) and isinstance(props.get("id"), str) and props["id"]:
            return f"{props['id']!r} (#{index})"
    return f"#{index}"


def check_feature(feature: object, index: int, file: str, kind: str, layer_ids=()) -> list[Problem]:
    """All contract checks for one feature (geometry validity is reported, not repaired)."""
    return check_and_read(feature, index, file, kind, layer_ids)[0]


def check_and_read(feature: object, index: int, file: str, kind: str, layer_ids=()) -> tuple:
    """The feature's problems and its geometry, parsed once (``None`` when unreadable)."""
    label = feature_label(feature, index)
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return [Problem(file, label, "type", "not a GeoJSON Feature")], None
    props = feature.get("properties")
    if not isinstance(props, dict):
        return [Problem(file, label, "properties", "missing or not an object")], None

    problems = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(file, label, field, message))

    if not isinstance(props.get("id"), str) or not props["id"].strip():
        bad("id", "missing or not a non-empty string")
    for field in ("name_en", "name_fr"):
        if not isinstance(props.get(field), str) or not props[field].strip():
            bad(field, "missing or not a non-empty string")
    if "name_native" not in props:
        bad("name_native", "missing (use null when there is none)")
    elif props["name_native"] is not None and not isinstance(props["name_native"], str):
        bad("name_native", "must be a string or null")

    start = parse_date(props.get("valid_from"))
    if start is None:
        bad("valid_from", f"not an ISO date (YYYY-MM-DD): {props.get('valid_from')!r}")
    if "valid_to" not in props:
        bad("valid_to", "missing (use null for open-ended)")
    elif props["valid_to"] is not None:
        end = parse_date(props["valid_to"])
        if end is None:
            bad("valid_to", f"not an ISO date (YYYY-MM-DD) or null: {props['valid_to']!r}")
        elif start is not None and not start < end:
            bad("valid_to", f"must be after valid_from ({props['valid_from']})")

    sources = props.get("sources")
    if not isinstance(sources, list) or not sources:
        bad("sources", "must be a non-empty list of strings")
    elif not all(isinstance(s, str) and s.strip() for s in sources):
        bad("sources", "every source must be a non-empty string")
    elif not kind.startswith("user_"):  # uploads may cite in free text
        for i, citation in enumerate(sources):
            if message := citation_problem(citation):
                bad(f"sources[{i}]", message)
    if props.get("notes") is not None and not isinstance(props["notes"], str):
        bad("notes", "must be a string or null")

    if kind == "territory":
        if props.get("status") not in STATUSES:
            bad("status", f"{props.get('status')!r} is not one of {', '.join(STATUSES)}")
        if props.get("controller") not in CONTROLLERS:
            bad("controller", f"{props.get('controller')!r} is not one of {', '.join(CONTROLLERS)}")
    if kind == "route" and "strength" not in props:
        bad("strength", "missing (text and numbers where known)")
    if kind == "event":
        problems.extend(_check_event(props, file, label, layer_ids))

    geometry_problems, geom = check_geometry(feature.get("geometry"), file, label, kind)
    return problems + geometry_problems, geom


def _check_event(props: dict, file: str, label: str, layer_ids) -> list[Problem]:
    problems = []
    if parse_date(props.get("date")) is None:
        problems.append(Problem(file, label, "date", f"not an ISO date: {props.get('date')!r}"))
    for field in ("title_en", "title_fr", "text_en", "text_fr"):
        if not isinstance(props.get(field), str) or not props[field].strip():
            problems.append(Problem(file, label, field, "missing or not a non-empty string"))
    time, offset = props.get("time"), props.get("utc_offset")
    if time is not None and (not isinstance(time, str) or not _TIME.match(time)):
        problems.append(Problem(file, label, "time", f"not HH:MM: {time!r}"))
    if offset is not None and (not isinstance(offset, str) or not _OFFSET.match(offset)):
        problems.append(Problem(file, label, "utc_offset", f"not like +09:00: {offset!r}"))
    if time is not None and offset is None:
        problems.append(Problem(file, label, "utc_offset", "a time needs its UTC offset"))
    layers = props.get("layers")
    if not isinstance(layers, list) or not layers:
        problems.append(Problem(file, label, "layers", "must be a non-empty list of layer ids"))
    elif layer_ids:
        unknown = [x for x in layers if x not in layer_ids]
        if unknown:
            problems.append(Problem(file, label, "layers", f"unknown layer ids: {unknown}"))
    return problems


def check_geometry(geometry: object, file: str, label: str, kind: str) -> tuple:
    """Problems with the geometry (type, lon/lat ranges, validity) and the geometry itself,
    repaired when it is invalid."""
    if not isinstance(geometry, dict):
        return [Problem(file, label, "geometry", "missing or not an object")], None
    allowed = GEOMETRY_TYPES.get(kind, ())
    if geometry.get("type") not in allowed:
        return [
            Problem(file, label, "geometry", f"type {geometry.get('type')!r} not in {allowed}")
        ], None
    try:
        geom = read_geometry(geometry)
    except (TypeError, ValueError, shapely.errors.ShapelyError) as exc:
        return [Problem(file, label, "geometry", f"cannot be read: {exc}")], None
    if geom.is_empty:
        return [Problem(file, label, "geometry", "is empty")], None
    coords = shapely.get_coordinates(geom)
    if not np.isfinite(coords).all():
        return [Problem(file, label, "geometry", "has non-finite coordinates")], None
    lon, lat = coords[:, 0], coords[:, 1]
    if (abs(lon) > 180).any() or (abs(lat) > 90).any():
        message = "coordinates outside lon ±180 / lat ±90 (projected data? use WGS84 lon/lat)"
        return [Problem(file, label, "geometry", message)], None
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        problem = Problem(file, label, "geometry", f"invalid: {reason}", severity="repaired")
        return [problem], repair(geom)
    return [], geom


def read_geometry(geometry: dict):
    """A GeoJSON geometry object as a shapely geometry, its coordinates read as arrays.

    Stricter than ``shapely.geometry.shape``: positions must be two or three numbers and
    rings closed (RFC 7946); raises ``ValueError`` or a shapely error otherwise.
    """
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if coordinates is None:
        raise ValueError("no coordinates")
    if kind == "Point":
        return shapely.points(_positions(coordinates, 1))
    if kind == "LineString":
        return shapely.linestrings(_positions(coordinates, 2))
    if kind == "MultiLineString":
        lines = [shapely.linestrings(_positions(c, 2)) for c in coordinates]
        return shapely.multilinestrings(lines) if lines else shapely.MultiLineString()
    if kind == "Polygon":
        return _polygon(coordinates)
    if kind == "MultiPolygon":
        polygons = [_polygon(c) for c in coordinates]
        return shapely.multipolygons(polygons) if polygons else shapely.MultiPolygon()
    raise ValueError(f"unknown geometry type {kind!r}")


def _positions(coordinates: object, ndim: int) -> np.ndarray:
    """Coordinates as a float array of ``ndim`` dimensions, each position of 2 or 3 numbers."""
    array = np.asarray(coordinates)
    if array.dtype.kind not in "iuf" or array.ndim != ndim or array.shape[-1] not in (2, 3):
        raise ValueError(
            f"positions must be lists of two or three numbers, not {coordinates!r:.60}"
        )
    return array.astype(float, copy=False)


def _polygon(rings: list):
    if not rings:
        return shapely.Polygon()
    arrays = [_positions(ring, 2) for ring in rings]
    if any(len(a) < 4 for a in arrays):
        raise ValueError("a ring has fewer than four positions")
    if any(not (a[0] == a[-1]).all() for a in arrays):
        raise ValueError("a ring is not closed (its first and last positions differ)")
    shell, *holes = [shapely.linearrings(a) for a in arrays]
    return shapely.polygons(shell, holes=holes or None)


def repair(geometry):
    """Make a geometry valid without dropping area, keeping only its polygons or lines."""
    fixed = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
    if fixed.geom_type == "GeometryCollection":
        parts = [g for g in shapely.get_parts(fixed) if g.geom_type != "Point"]
        fixed = shapely.union_all(parts)
    return fixed


def load_catalogue(folder: Path) -> tuple[list[dict], list[Problem]]:
    """The layer catalogue entries, with problems in the catalogue itself."""
    path = folder / CATALOGUE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [], [Problem(CATALOGUE, "", "file", "file not found")]
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return [], [Problem(CATALOGUE, "", "file", f"malformed JSON: {exc}")]
    entries = data.get("layers") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return [], [Problem(CATALOGUE, "", "layers", "must be a list")]
    problems, good, seen = [], [], set()
    for i, entry in enumerate(entries):
        label = f"{entry.get('id')!r} (#{i})" if isinstance(entry, dict) else f"#{i}"
        if not isinstance(entry, dict):
            problems.append(Problem(CATALOGUE, label, "entry", "not an object"))
            continue
        missing = [
            f
            for f in ("id", "file", "kind", "title_en", "title_fr", "visible", "order")
            if f not in entry
        ]
        if missing:
            problems.append(Problem(CATALOGUE, label, missing[0], "missing"))
            continue
        if entry["kind"] not in KINDS:
            problems.append(Problem(CATALOGUE, label, "kind", f"not one of {KINDS}"))
            continue
        if entry["id"] in seen:
            problems.append(Problem(CATALOGUE, label, "id", "duplicate layer id"))
            continue
        if not isinstance(entry["order"], int) or not isinstance(entry["visible"], bool):
            problems.append(Problem(CATALOGUE, label, "order", "order must be int, visible bool"))
            continue
        seen.add(entry["id"])
        good.append(entry)
    return sorted(good, key=lambda e: e["order"]), problems


def catalogue_file_problems(folder: Path, entries: list[dict]) -> list[Problem]:
    """Catalogue entries without a file, and layer files without a catalogue entry."""
    listed = {e["file"] for e in entries}
    problems = [
        Problem(CATALOGUE, repr(e["id"]), "file", f"{e['file']} does not exist")
        for e in entries
        if not (folder / e["file"]).exists()
    ]
    for path in sorted(folder.glob("*.geojson")):
        if path.name not in listed:
            problems.append(Problem(path.name, "", "catalogue", "file has no catalogue entry"))
    return problems


def overlap_problems(territories: list[tuple[str, dict]]) -> list[Problem]:
    """Territories that hold on the same date must not overlap by more than 0.5 %."""
    import geopandas as gpd

    records = []
    for file, feature in territories:
        props = feature["properties"]
        start = parse_date(props["valid_from"])
        end = parse_date(props["valid_to"]) if props["valid_to"] else dt.date.max
        records.append((file, props["id"], start, end, shape(feature["geometry"])))
    if not records:
        return []
    projected = gpd.GeoSeries([r[4] for r in records], crs=4326).to_crs("EPSG:6933")
    projected = projected.make_valid()
    areas = projected.area.to_numpy()
    tree = shapely.STRtree(projected.to_numpy())
    problems = []
    for i, j in zip(*tree.query(projected.to_numpy(), predicate="intersects"), strict=True):
        if i >= j:
            continue
        a, b = records[i], records[j]
        if not (a[2] < b[3] and b[2] < a[3]):
            continue
        shared = shapely.intersection(projected.iloc[i], projected.iloc[j]).area
        smaller = min(areas[i], areas[j])
        if smaller > 0 and shared / smaller > MAX_OVERLAP_SHARE:
            problems.append(
                Problem(
                    a[0],
                    repr(a[1]),
                    "geometry",
                    f"overlaps {b[1]!r} ({b[0]}) by {shared / smaller:.1%} while both hold",
                )
            )
    return problems


def validate_folder(folder: Path = GEODATA, only: list[Path] | None = None) -> list[Problem]:
    """Every check on a geodata folder (or on the named files of it)."""
    entries, problems = load_catalogue(folder)
    problems += catalogue_file_problems(folder, entries)
    layer_ids = {e["id"] for e in entries}
    wanted = {p.name for p in only} if only else None
    seen_ids: dict[str, str] = {}
    territories = []
    for entry in entries:
        if wanted is not None and entry["file"] not in wanted:
            continue
        path = folder / entry["file"]
        if not path.exists():
            continue
        features, file_problems = read_collection(path)
        problems += file_problems
        for i, feature in enumerate(features):
            found = check_feature(feature, i, path.name, entry["kind"], layer_ids)
            problems += found
            fid = feature.get("properties", {}).get("id") if isinstance(feature, dict) else None
            if isinstance(fid, str):
                if fid in seen_ids:
                    label = feature_label(feature, i)
                    message = f"duplicate id (also in {seen_ids[fid]})"
                    problems.append(Problem(path.name, label, "id", message))
                seen_ids.setdefault(fid, path.name)
            if entry["kind"] == "territory" and not any(p.severity == "error" for p in found):
                territories.append((path.name, feature))
    problems += overlap_problems(territories)
    registry = folder / "sources.json"
    if wanted is None and registry.exists():
        problems += [Problem(registry.name, *found) for found in registry_file_problems(registry)]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check the atlas geodata against its contract.")
    parser.add_argument("paths", nargs="*", type=Path, help="files to check (default: all)")
    args = parser.parse_args(argv)
    folder = args.paths[0].resolve().parent if args.paths else GEODATA
    problems = validate_folder(folder, args.paths or None)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{folder}: all checks passed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
