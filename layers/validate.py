"""The geodata contract, checked: ``python -m layers.validate [PATH ...]``.

Every check returns :class:`Problem` records naming the file, the feature (id or index) and
the field, so a historian who edits a file is told exactly what to fix. The loader, the app,
uploads and the tests all use these same checks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely

if TYPE_CHECKING:
    from layers.reader import Record

from layers.sources import citation_problem, registry_file_problems

GEODATA = Path(__file__).resolve().parent.parent / "geodata"
CATALOGUE = "catalogue.json"

STATUSES = (  # in the legend's order (layers/style.py)
    "sovereign_state",
    "integral_territory",
    "colony",
    "leased_territory",
    "puppet_state",
    "satellite_state",
    "de_facto_state",
    "military_occupation",
    "foreign_garrison",
    "base_area",
    "contested",
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
    "Australia",
    "Thailand",
    "Portugal",
    "CCP",
    "Tibet",
    "ETR",
    "DRV",
)
KINDS = ("base", "territory", "route", "line", "point", "event")
# Catalogue flags. Roles: the base map and the city layer (one layer each, of these kinds).
ROLE_BASE, ROLE_CITIES = "base", "cities"
ROLE_KINDS = {ROLE_BASE: "base", ROLE_CITIES: "point"}
# How a line or route layer is drawn (layers/style.py): grey dashed track, or a movement's
# arrowed line coloured by phase or front.
LINE_RAILWAY, LINE_ROUTE = "railway", "route"
LINE_STYLES = (LINE_RAILWAY, LINE_ROUTE)
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
# Dates outside this range are refused: they are typos (9999-12-31 for "open") and break the
# date arithmetic of the exports.
FIRST_DATE = dt.date(1500, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
RANKS = (1, 2, 3)  # city ranks, 1 = largest
MAX_ANTIMERIDIAN_SPAN = 180.0  # degrees of longitude one polygon or line may span
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


def catalogue_flag_problems(entry: dict, label: str) -> list[Problem]:
    """The flags of one catalogue entry (``label`` names it): ``role``, ``line_style`` and
    ``moving_front``, each checked against the entry's kind."""
    kind, problems = entry.get("kind"), []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(CATALOGUE, label, field, message))

    role = entry.get("role")
    if role is not None and role not in ROLE_KINDS:
        bad("role", f"not one of {tuple(ROLE_KINDS)}: {role!r:.40}")
    elif role is not None and ROLE_KINDS[role] != kind:
        bad("role", f"role {role!r} needs kind {ROLE_KINDS[role]!r}, not {kind!r}")
    elif kind == "base" and role != ROLE_BASE:
        bad("role", f"a base layer needs role {ROLE_BASE!r}")
    line_style = entry.get("line_style")
    if kind in ("line", "route") and line_style not in LINE_STYLES:
        bad("line_style", f"a {kind} layer needs one of {LINE_STYLES}: {line_style!r:.40}")
    elif kind not in ("line", "route") and line_style is not None:
        bad("line_style", f"only for line and route layers, not {kind!r}")
    moving = entry.get("moving_front", False)
    if not isinstance(moving, bool):
        bad("moving_front", f"must be true or false: {moving!r:.40}")
    elif moving and kind != "route":
        bad("moving_front", f"only for route layers, not {kind!r}")
    return problems


def parse_date(value: object) -> dt.date | None:
    """A ``YYYY-MM-DD`` date, or ``None`` when the value is not exactly one."""
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


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
        bad("valid_from", f"not an ISO date (YYYY-MM-DD): {props.get('valid_from')!r:.80}")
    elif not FIRST_DATE <= start <= LAST_DATE:
        bad("valid_from", _out_of_range(start))
        start = None
    if "valid_to" not in props:
        bad("valid_to", "missing (use null for open-ended)")
    elif props["valid_to"] is not None:
        end = parse_date(props["valid_to"])
        if end is None:
            bad("valid_to", f"not an ISO date (YYYY-MM-DD) or null: {props['valid_to']!r:.80}")
        elif not FIRST_DATE <= end <= LAST_DATE:
            bad("valid_to", _out_of_range(end) + " (use null for open-ended)")
        elif start is not None and not start < end:
            bad("valid_to", f"must be after valid_from ({props['valid_from']})")

    sources = props.get("sources")
    if not isinstance(sources, list) or not sources:
        bad("sources", "must be a non-empty list of strings")
    elif not all(isinstance(s, str) and s.strip() for s in sources):
        bad("sources", "every source must be a non-empty string")

    status, controller = props.get("status"), props.get("controller")
    if kind == "territory":
        if not _is_one_of(status, STATUSES):
            bad("status", f"{status!r:.80} is not one of {', '.join(STATUSES)}")
        if not _is_one_of(controller, CONTROLLERS):
            bad("controller", f"{controller!r:.80} is not one of {', '.join(CONTROLLERS)}")
    else:  # optional elsewhere (uploads may name their own), but text when present
        for name, value in (("status", status), ("controller", controller)):
            if value is not None and not isinstance(value, str):
                bad(name, "must be a string or null")
    if kind == "route" and "strength" not in props:
        bad("strength", "missing (text and numbers where known)")
    problems.extend(Problem(file, label, f, m) for f, m in optional_field_problems(props))
    if kind == "event":
        problems.extend(_check_event(props, file, label, layer_ids))

    geometry_problems, geom = check_geometry(feature.get("geometry"), file, label, kind)
    return problems + geometry_problems, geom


def _is_one_of(value: object, allowed: tuple[str, ...]) -> bool:
    return isinstance(value, str) and value in allowed


def _out_of_range(day: dt.date) -> str:
    return f"{day} is outside {FIRST_DATE.year}–{LAST_DATE.year}"


def _date_problem(value: object) -> str | None:
    """Why an optional date (``null`` allowed) is not one, or ``None``."""
    if value is None:
        return None
    day = parse_date(value)
    if day is None:
        return f"not an ISO date (YYYY-MM-DD) or null: {value!r:.80}"
    return None if FIRST_DATE <= day <= LAST_DATE else _out_of_range(day)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def optional_field_problems(props: dict) -> list[tuple[str, str]]:
    """(field, message) for the optional properties present with a wrong type or value.

    The app, the exports and the popups rely on these types whenever a field is present.
    """
    found = []
    for name in ("notes", "notes_fr", "modern_name", "capital_of", "time_zone", "kind"):
        if props.get(name) is not None and not isinstance(props[name], str):
            found.append((name, "must be a string or null"))
    for name in ("army", "army_fr", "front", "commander", "commander_fr", "phase"):
        if props.get(name) is not None and not isinstance(props[name], str):
            found.append((name, "must be a string or null"))
    for name in ("rank", "importance"):  # 1 = largest / most important
        value = props.get(name)
        if value is not None and (type(value) is not int or value not in RANKS):
            found.append((name, f"must be one of {RANKS} or null: {value!r:.40}"))
    if props.get("uncertain") is not None and not isinstance(props["uncertain"], bool):
        found.append(("uncertain", "must be true, false or null"))
    for name in ("stations", "formations"):
        value = props.get(name)
        if value is not None and (
            not isinstance(value, list) or not all(isinstance(x, str) for x in value)
        ):
            found.append((name, "must be a list of strings or null"))
    strength = props.get("strength")
    if strength is not None and not isinstance(strength, str):
        if not isinstance(strength, dict):
            found.append(("strength", "must be text, an object or null"))
        elif any(
            not (v is None or _is_number(v) or (isinstance(v, str) and k.startswith("text")))
            for k, v in strength.items()
        ):
            found.append(("strength", "its values must be numbers or null (texts in text_*)"))
    waypoints = props.get("waypoints")
    if waypoints is not None:
        message = _waypoints_problem(waypoints)
        if message:
            found.append(("waypoints", message))
    return found


def _waypoints_problem(waypoints: object) -> str | None:
    if not isinstance(waypoints, list) or not waypoints:
        return "must be a non-empty list of places or null"
    for i, point in enumerate(waypoints):
        if not isinstance(point, dict):
            return f"place #{i} is not an object"
        for key in ("lon", "lat"):
            if key in point and not (_is_number(point[key]) and math.isfinite(point[key])):
                return f"place #{i}: {key} must be a number"
        if (
            "lon" in point
            and "lat" in point
            and not (abs(point["lon"]) <= 180 and abs(point["lat"]) <= 90)
        ):
            return f"place #{i}: lon/lat out of range"
        for key in ("place", "name_en", "name_fr", "note", "note_fr"):
            if point.get(key) is not None and not isinstance(point[key], str):
                return f"place #{i}: {key} must be a string or null"
        problem = _date_problem(point.get("date"))
        if problem:
            return f"place #{i}: date {problem}"
    return None


def _check_event(props: dict, file: str, label: str, layer_ids) -> list[Problem]:
    problems = []
    day = parse_date(props.get("date"))
    if day is None:
        problems.append(Problem(file, label, "date", f"not an ISO date: {props.get('date')!r:.80}"))
    elif not FIRST_DATE <= day <= LAST_DATE:
        problems.append(Problem(file, label, "date", _out_of_range(day)))
    end_problem = _date_problem(props.get("date_end"))
    if end_problem:
        problems.append(Problem(file, label, "date_end", end_problem))
    elif day is not None and props.get("date_end") is not None and props["date_end"] < str(day):
        problems.append(Problem(file, label, "date_end", "must not be before date"))
    for field in ("title_en", "title_fr", "text_en", "text_fr"):
        if not isinstance(props.get(field), str) or not props[field].strip():
            problems.append(Problem(file, label, field, "missing or not a non-empty string"))
    time, offset = props.get("time"), props.get("utc_offset")
    if time is not None and (not isinstance(time, str) or not _TIME.match(time)):
        problems.append(Problem(file, label, "time", f"not HH:MM: {time!r:.40}"))
    if offset is not None and (not isinstance(offset, str) or not _OFFSET.match(offset)):
        problems.append(Problem(file, label, "utc_offset", f"not like +09:00: {offset!r:.40}"))
    if time is not None and offset is None:
        problems.append(Problem(file, label, "utc_offset", "a time needs its UTC offset"))
    layers = props.get("layers")
    if not isinstance(layers, list) or not layers:
        problems.append(Problem(file, label, "layers", "must be a non-empty list of layer ids"))
    elif not all(isinstance(x, str) for x in layers):
        problems.append(Problem(file, label, "layers", "every layer id must be a string"))
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
    span = _widest_part(geom, lon)
    if span > MAX_ANTIMERIDIAN_SPAN:
        message = (
            f"a part spans {span:.0f}° of longitude: it crosses the antimeridian (180°); "
            "split it there into parts on either side"
        )
        return [Problem(file, label, "geometry", message)], None
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        problem = Problem(file, label, "geometry", f"invalid: {reason}", severity="repaired")
        return [problem], repair(geom)
    return [], geom


def _widest_part(geom, lon: np.ndarray) -> float:
    """The widest longitude span of one polygon or line of a geometry, in degrees."""
    if geom.geom_type == "Point":
        return 0.0
    if not geom.geom_type.startswith("Multi"):
        return float(lon.max() - lon.min())
    bounds = shapely.bounds(shapely.get_parts(geom))
    return float((bounds[:, 2] - bounds[:, 0]).max()) if len(bounds) else 0.0


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
        raise ValueError("positions must be lists of two or three numbers")
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


def overlap_problems(territories: list[tuple[str, Record]]) -> list[Problem]:
    """Territories that hold on the same date must not overlap by more than 0.5 %."""
    import geopandas as gpd

    if not territories:
        return []
    records = [(file, r.props["id"], r.start, r.end or dt.date.max) for file, r in territories]
    geometries = [r.geometry for _, r in territories]
    projected = gpd.GeoSeries(geometries, crs=4326).to_crs("EPSG:6933").make_valid()
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


def feature_problems(file: str, record: Record) -> list[Problem]:
    """Per-feature checks the validator adds to the reader's (the loader does not run them):
    the place for checks against other files, such as the source registry."""
    label = str(record.props.get("id") or f"#{record.index + 1}")
    return [
        Problem(file, label, f"sources[{i}]", message)
        for i, citation in enumerate(record.props.get("sources") or [])
        if (message := citation_problem(citation))
    ]


def validate_folder(folder: Path = GEODATA, only: list[Path] | None = None) -> list[Problem]:
    """Every check on a geodata folder (or on the named files of it): the reader's, which the
    loader runs too, then the validator's own (per feature, and overlaps between territories)."""
    from layers import reader

    entries, problems = reader.read_catalogue(folder)
    problems += reader.catalogue_file_problems(folder, entries)
    layer_ids = {e["id"] for e in entries}
    wanted = {p.name for p in only} if only else None
    if wanted is not None:
        listed = {e["file"] for e in entries}
        problems += [Problem(n, "", "catalogue", "not in the catalogue") for n in wanted - listed]
    seen_ids: dict[str, str] = {}
    territories = []
    for entry in entries:
        if wanted is not None and entry["file"] not in wanted:
            continue
        path = folder / entry["file"]
        if not path.is_file():
            continue
        features, file_problems = reader.read_collection(path)
        problems += file_problems
        read = reader.read_features(features, path.name, entry["kind"], layer_ids, seen_ids)
        problems += read.problems
        for record in read.records:
            problems += feature_problems(path.name, record)
            if entry["kind"] == "territory":
                territories.append((path.name, record))
    problems += overlap_problems(territories)
    registry = folder / "sources.json"
    if wanted is None and registry.exists():
        problems += [Problem(registry.name, *found) for found in registry_file_problems(registry)]
    return problems


def geodata_folder() -> Path:
    """The geodata folder: ``$ATLAS_GEODATA`` when set (tests, other data sets), else geodata/."""
    return Path(os.environ.get("ATLAS_GEODATA") or GEODATA)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check the atlas geodata against its contract.")
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="geodata folders or layer files to check (default: $ATLAS_GEODATA or geodata/)",
    )
    args = parser.parse_args(argv)
    problems, checked = [], []
    folders: dict[Path, list[Path] | None] = {}
    for path in args.paths or [geodata_folder()]:
        if path.is_dir():
            folders[path.resolve()] = None
        elif path.is_file():
            files = folders.setdefault(path.resolve().parent, [])
            if files is not None:
                files.append(path)
        else:
            problems.append(Problem(str(path), "", "file", "file not found"))
    for folder, files in folders.items():
        problems += validate_folder(folder, files)
        checked.append(str(folder))
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{', '.join(checked)}: all checks passed")
    return 1 if problems else 0


if __name__ == "__main__":
    from layers import validate  # the module proper, so that it shares classes with the reader

    sys.exit(validate.main())
