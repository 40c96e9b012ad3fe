"""The one reader of the atlas: shipped files, the validator and uploads all read through here.

It takes GeoJSON or a zipped shapefile and gives checked features (typed dates, parsed
geometries, a bounded set of properties) or :class:`~layers.validate.Problem` records that name
the file, the feature and the field. Malformed input of any kind (deep nesting, huge numbers,
lone surrogates, bad Unicode, a bad zip or projection, wrong types) becomes problems: no
exception leaves the public functions of this module.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from layers.validate import (
    CATALOGUE,
    KINDS,
    Problem,
    catalogue_flag_problems,
    check_and_read,
    feature_label,
    parse_date,
)

MAX_DEPTH = 32  # nesting of objects and lists in a feature (GeoJSON needs about 10)
MAX_DIGITS = 18  # integer literals longer than this are refused
MAX_EXTRA_PROPERTIES = 64  # distinct property names kept beyond the contract's, per layer
MAX_CELLS = 3_000_000  # features × property names of one layer, checked before any table
# Upload limits (shipped files are trusted for size, not for content).
MAX_BYTES = 25 * 1024 * 1024
MAX_FEATURES = 50_000
MAX_CONTAINERS = 1_200_000  # "[" and "{" in an uploaded JSON text: bounds its parsed size
MAX_VALUES = 3_000_000  # "," in an uploaded JSON text
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
MAX_MEMBERS = 64
# Central-directory signatures in a zip, counted before it is opened (each becomes an object);
# generous, as the signature's four bytes may also occur inside the data.
MAX_DIRECTORY_ENTRIES = 1024
CHUNK = 1024 * 1024
# Properties the contract knows (kept always); any other name counts against the cap above.
KNOWN_PROPERTIES = (
    "id",
    "name_en",
    "name_fr",
    "name_native",
    "valid_from",
    "valid_to",
    "sources",
    "notes",
    "notes_fr",
    "status",
    "controller",
    "strength",
    "waypoints",
    "rank",
    "capital_of",
    "modern_name",
    "kind",
    "date",
    "date_end",
    "time",
    "utc_offset",
    "time_zone",
    "importance",
    "uncertain",
    "layers",
    "title_en",
    "title_fr",
    "text_en",
    "text_fr",
)
# Names the tables use themselves: a property so named is left out.
RESERVED_NAMES = ("geometry",)
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
# Shapefile field names are cut to 10 characters.
SHAPEFILE_FIELDS = {"name_nativ": "name_native", "utc_offse": "utc_offset"}
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Record:
    """One feature that passed the checks: its kept properties, geometry and typed dates."""

    index: int
    props: dict
    geometry: object
    start: dt.date
    end: dt.date | None


@dataclass
class Features:
    """The checked features of one file, the property names kept, and what was wrong."""

    records: list[Record] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Oversized:
    """Stands in for a number the reader refuses (too many digits, not finite)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"<{self.describe()}>"

    def describe(self) -> str:
        if len(self.text) > MAX_DIGITS and self.text.lstrip("-").isdigit():
            return f"a number of {len(self.text.lstrip('-')):,} digits (the limit is {MAX_DIGITS})"
        return f"a number that is not finite ({self.text[:20]})"


def _parse_int(text: str) -> int | _Oversized:
    return _Oversized(text) if len(text.lstrip("-")) > MAX_DIGITS else int(text)


# ----------------------------------------------------------------------------- JSON text


def parse_json(data: bytes, name: str, upload: bool = False) -> tuple[object, list[Problem]]:
    """Parsed JSON, or ``None`` and the reason; a UTF-8 byte order mark is accepted.

    Numbers the atlas cannot hold (too long, NaN, Infinity) are parsed as placeholders that
    :func:`read_features` reports with their feature and field. With ``upload``, the text's
    structure is counted first so that parsing it stays within bounded memory.
    """
    try:
        if upload:
            containers = data.count(b"[") + data.count(b"{")
            if containers > MAX_CONTAINERS or data.count(b",") > MAX_VALUES:
                message = f"has too many JSON values (more than {MAX_CONTAINERS:,} lists/objects)"
                return None, [Problem(name, "", "file", message)]
            if data.count(b'"Feature"') > MAX_FEATURES + 1:
                message = f"has more than {MAX_FEATURES:,} features; that is the limit"
                return None, [Problem(name, "", "features", message)]
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, [Problem(name, "", "file", f"not UTF-8 text (byte {exc.start:,})")]
        try:
            parsed = json.loads(text, parse_int=_parse_int, parse_constant=_Oversized)
        except json.JSONDecodeError as exc:
            message = f"malformed JSON at line {exc.lineno}: {exc.msg}"
            return None, [Problem(name, "", "file", message)]
        except RecursionError:
            return None, [Problem(name, "", "file", "JSON nested too deeply")]
        return parsed, []
    except Exception as exc:  # the last guard: whatever else goes wrong is a problem
        return None, [_unexpected(name, "file", exc)]


def read_json_file(path: Path, name: str | None = None) -> tuple[object, list[Problem]]:
    """A JSON file parsed (see :func:`parse_json`), or the reason it cannot be read."""
    name = name or path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(name, "", "file", "file not found")]
    except OSError as exc:
        return None, [Problem(name, "", "file", f"cannot be read ({exc.strerror})")]
    return parse_json(data, name)


def collection_features(data: object, name: str) -> tuple[list, list[Problem]]:
    """The features of parsed GeoJSON, checking the FeatureCollection envelope."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return [], [Problem(name, "", "type", "not a GeoJSON FeatureCollection")]
    features = data.get("features")
    if not isinstance(features, list):
        return [], [Problem(name, "", "features", "must be a list")]
    if not features:
        return [], [Problem(name, "", "features", "the layer is empty")]
    return features, []


def read_collection(path: Path) -> tuple[list, list[Problem]]:
    """The raw features of a GeoJSON FeatureCollection file, or why it cannot be read."""
    parsed, problems = read_json_file(path)
    if problems:
        return [], problems
    return collection_features(parsed, path.name)


# ----------------------------------------------------------------------------- features


def read_features(
    features: list,
    file: str,
    kind: str,
    layer_ids=(),
    seen_ids: dict[str, str] | None = None,
) -> Features:
    """Check raw features and keep the good ones as :class:`Record` s.

    A feature with an error is dropped and reported; ids already in ``seen_ids`` (from other
    files) are duplicates. At most :data:`MAX_EXTRA_PROPERTIES` property names beyond the
    contract's are kept, and the kept names times the features stay within
    :data:`MAX_CELLS`; what is left out is reported once.
    """
    result = Features()
    seen_ids = {} if seen_ids is None else seen_ids
    kept: dict[str, None] = {}  # property names in order of first appearance
    extra = 0
    left_out: set[str] = set()
    try:
        for i, feature in enumerate(features):
            try:
                record, problems = _read_feature(feature, i, file, kind, layer_ids)
            except Exception as exc:  # a feature that breaks a check is dropped, not fatal
                record, problems = None, [_unexpected(file, feature_label(feature, i), exc)]
            result.problems += problems
            if record is None:
                continue
            fid = record.props["id"]
            if fid in seen_ids:
                message = f"duplicate id (also in {seen_ids[fid]})"
                result.problems.append(Problem(file, feature_label(feature, i), "id", message))
                continue
            seen_ids[fid] = file
            for key in record.props:
                if key in kept:
                    continue
                if key in RESERVED_NAMES:
                    left_out.add(key)
                elif key in KNOWN_PROPERTIES:
                    kept[key] = None
                elif extra < MAX_EXTRA_PROPERTIES:
                    kept[key] = None
                    extra += 1
                else:
                    left_out.add(key)
            result.records.append(record)
        if len(kept) * len(result.records) > MAX_CELLS:
            left_out |= {k for k in kept if k not in KNOWN_PROPERTIES}
            kept = {k: None for k in kept if k in KNOWN_PROPERTIES}
        if left_out:
            message = (
                f"{len(left_out):,} property names left out (kept: the contract's and at most "
                f"{MAX_EXTRA_PROPERTIES} others, {MAX_CELLS:,} values in all; never "
                f"{', '.join(RESERVED_NAMES)})"
            )
            result.problems.append(Problem(file, "", "properties", message, "repaired"))
            result.records = [_keep(r, kept) for r in result.records]
        result.columns = list(kept)
    except Exception as exc:
        return Features(problems=[*result.problems, _unexpected(file, "file", exc)])
    return result


def _keep(record: Record, columns: dict[str, None]) -> Record:
    props = {k: v for k, v in record.props.items() if k in columns}
    return Record(record.index, props, record.geometry, record.start, record.end)


def _read_feature(
    feature: object, index: int, file: str, kind: str, layer_ids
) -> tuple[Record | None, list[Problem]]:
    label = feature_label(feature, index)
    unsafe = _unsafe_values(feature, file, label)
    if unsafe:
        return None, unsafe
    problems, geometry = check_and_read(feature, index, file, kind, layer_ids)
    if geometry is None or any(p.severity == "error" for p in problems):
        return None, problems
    props = feature["properties"]  # not copied: uploads are large; nothing changes it
    start = parse_date(props["valid_from"])
    end = parse_date(props["valid_to"]) if props.get("valid_to") is not None else None
    return Record(index, props, geometry, start, end), problems


def _unsafe_values(feature: object, file: str, label: str) -> list[Problem]:
    """Deep nesting, refused numbers and text that is not valid Unicode in a feature's members
    and properties, one problem per field (``properties.X`` is named ``X``). The geometry is
    left to the geometry checks, which read its coordinates as numbers only."""
    if not isinstance(feature, dict):
        return []
    found = []
    for key, value in feature.items():
        if key == "properties" and isinstance(value, dict):
            for name, item in value.items():
                message = _unsafe_key(name) or _unsafe(item, 2)
                if message:
                    found.append(Problem(file, label, _field_name(name), message))
        elif key != "geometry":
            message = _unsafe_key(key) or _unsafe(value, 1)
            if message:
                found.append(Problem(file, label, _field_name(key), message))
    return found


def _unsafe_key(name: str) -> str | None:
    if not name.isascii() and _SURROGATE.search(name):
        return "has a name that is not valid Unicode (a lone surrogate)"
    return None


def _field_name(name: str) -> str:
    """A field's name as a problem can show it (quoted when empty, escaped when it is not
    valid Unicode)."""
    if not name:
        return "''"
    return name if name.isascii() or not _SURROGATE.search(name) else repr(name)[1:-1]


def _unsafe(value: object, depth: int) -> str | None:
    """What makes a parsed JSON value unusable, or ``None``. Recursion stops at MAX_DEPTH."""
    kind = type(value)
    if kind is float:
        return None if math.isfinite(value) else "holds a number that is not finite"
    if kind is int or kind is bool or value is None:
        return None
    if kind is str:
        if value.isascii() or not _SURROGATE.search(value):
            return None
        return "holds text that is not valid Unicode (a lone surrogate)"
    if kind is _Oversized:
        return f"holds {value.describe()}"
    if depth >= MAX_DEPTH:
        return f"nested more than {MAX_DEPTH} levels deep"
    if kind is list:
        for item in value:
            if type(item) is not int:
                message = _unsafe(item, depth + 1)
                if message:
                    return message
        return None
    if kind is dict:
        for name, item in value.items():
            message = _unsafe_key(name) or _unsafe(item, depth + 1)
            if message:
                return message
        return None
    return f"holds a value of an unknown type ({kind.__name__})"


def _unexpected(file: str, where: str, exc: BaseException) -> Problem:
    feature, field_ = ("", "file") if where == "file" else (where, "feature")
    return Problem(file, feature, field_, f"cannot be read ({type(exc).__name__})")


# ----------------------------------------------------------------------------- catalogue


def read_catalogue(folder: Path) -> tuple[list[dict], list[Problem]]:
    """The layer catalogue's good entries in draw order, and the problems of the others."""
    try:
        data, problems = read_json_file(folder / CATALOGUE, CATALOGUE)
        if problems:
            return [], problems
        entries = data.get("layers") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            return [], [Problem(CATALOGUE, "", "layers", "must be a list")]
        groups, problems = _groups(data.get("groups", []))
        good, seen, roles = [], set(), {}
        for i, entry in enumerate(entries):
            found = _entry_problem(entry, i, seen, roles)
            if found:
                problems.append(found)
                continue
            seen.add(entry["id"])
            if entry.get("role") is not None:
                roles[entry["role"]] = entry["id"]
            good.append(_in_group(entry, f"{entry['id']!r} (#{i})", groups, problems))
        return sorted(good, key=lambda e: e["order"]), problems
    except Exception as exc:
        return [], [_unexpected(CATALOGUE, "file", exc)]


def _groups(listed: object) -> tuple[dict[str, dict], list[Problem]]:
    """The catalogue's layer groups (how the app lists the layers) by id, in their order,
    and the problems of the bad ones (left out: their layers are then listed alone)."""
    if not isinstance(listed, list):
        return {}, [Problem(CATALOGUE, "", "groups", "must be a list")]
    groups, problems = {}, []
    for index, group in enumerate(listed):
        keys = ("id", "title_en", "title_fr")
        if not isinstance(group, dict) or not all(
            isinstance(group.get(k), str) and group[k].strip() for k in keys
        ):
            message = "must be an object with a non-empty id, title_en and title_fr"
            problems.append(Problem(CATALOGUE, f"group #{index}", "groups", message))
        elif group["id"] in groups:
            problems.append(Problem(CATALOGUE, f"group #{index}", "id", "duplicate group id"))
        else:
            groups[group["id"]] = {k: group[k] for k in keys}
    return groups, problems


def _in_group(entry: dict, label: str, groups: dict[str, dict], problems: list[Problem]) -> dict:
    """``entry`` with its group's titles (``group_en``, ``group_fr``); without its group when
    the catalogue has no such group (a problem: the layer is then listed alone)."""
    entry = {k: v for k, v in entry.items() if k not in ("group_en", "group_fr")}
    group = entry.get("group")
    if group is None:
        return entry
    if not isinstance(group, str) or group not in groups:
        problems.append(
            Problem(CATALOGUE, label, "group", f"not a group of the catalogue: {group!r:.40}")
        )
        return {k: v for k, v in entry.items() if k != "group"}
    return {**entry, "group_en": groups[group]["title_en"], "group_fr": groups[group]["title_fr"]}


def _entry_problem(entry: object, index: int, seen: set, roles: dict) -> Problem | None:
    if not isinstance(entry, dict):
        return Problem(CATALOGUE, f"#{index}", "entry", "not an object")
    label = f"{entry['id']!r} (#{index})" if isinstance(entry.get("id"), str) else f"#{index}"
    if _unsafe_values(entry, CATALOGUE, label):
        return _unsafe_values(entry, CATALOGUE, label)[0]
    for key in ("id", "file", "kind", "title_en", "title_fr", "visible", "order"):
        if key not in entry:
            return Problem(CATALOGUE, label, key, "missing")
    for key in ("id", "title_en", "title_fr"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            return Problem(CATALOGUE, label, key, "must be a non-empty string")
    file = entry["file"]
    if not isinstance(file, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+\.geojson", file):
        message = f"must be a file name like x.geojson: {file!r:.80}"
        return Problem(CATALOGUE, label, "file", message)
    if entry["kind"] not in KINDS:
        return Problem(CATALOGUE, label, "kind", f"not one of {KINDS}")
    if entry["id"] in seen:
        return Problem(CATALOGUE, label, "id", "duplicate layer id")
    if type(entry["order"]) is not int or not isinstance(entry["visible"], bool):
        return Problem(CATALOGUE, label, "order", "order must be int, visible bool")
    flags = catalogue_flag_problems(entry, label)
    if flags:
        return flags[0]
    if entry.get("role") in roles:
        message = f"layer {roles[entry['role']]!r} has this role already"
        return Problem(CATALOGUE, label, "role", message)
    return None


def catalogue_file_problems(folder: Path, entries: list[dict]) -> list[Problem]:
    """Catalogue entries without a file, and layer files without a catalogue entry."""
    listed = {e["file"] for e in entries}
    problems = [
        Problem(CATALOGUE, repr(e["id"]), "file", f"{e['file']} does not exist")
        for e in entries
        if not (folder / e["file"]).is_file()
    ]
    for path in sorted(folder.glob("*.geojson")):
        if path.name not in listed:
            problems.append(Problem(path.name, "", "catalogue", "file has no catalogue entry"))
    return problems


# ----------------------------------------------------------------------------- uploads


def read_upload_features(name: str, data: bytes) -> tuple[list, list[Problem]]:
    """Raw features of an uploaded GeoJSON or zipped shapefile, read within the upload limits
    (size, feature count, unpacked size), or the problems that stopped the reading."""
    try:
        if len(data) > MAX_BYTES:
            size = len(data) / 1024 / 1024
            limit = MAX_BYTES // 1024 // 1024
            return [], [Problem(name, "", "file", f"is {size:.1f} MB; the limit is {limit} MB")]
        suffix = PurePosixPath(name).suffix.lower()
        if suffix in (".geojson", ".json"):
            parsed, problems = parse_json(data, name, upload=True)
            features, more = collection_features(parsed, name) if not problems else ([], [])
            problems += more
        elif suffix == ".zip":
            features, problems = _shapefile_features(name, data)
        else:
            message = "unsupported file type: upload .geojson, .json or a zipped shapefile (.zip)"
            return [], [Problem(name, "", "file", message)]
        if not problems and len(features) > MAX_FEATURES:
            message = f"has {len(features):,} features; the limit is {MAX_FEATURES:,}"
            return [], [Problem(name, "", "features", message)]
        return features, problems
    except Exception as exc:
        return [], [_unexpected(name, "file", exc)]


def _shapefile_features(name: str, data: bytes) -> tuple[list, list[Problem]]:
    with tempfile.TemporaryDirectory(prefix="atlas-upload-") as folder:
        shp, problems = _unpack(name, data, Path(folder))
        if problems:
            return [], problems
        return _read_shapefile(name, shp)


def _unpack(name: str, data: bytes, folder: Path) -> tuple[Path | None, list[Problem]]:
    """Extract the shapefile's parts into ``folder``, measuring what is written (declared
    sizes are not trusted) and refusing unsafe member names."""

    def problem(message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(name, "", "file", message)]

    if data.count(b"PK\x01\x02") > MAX_DIRECTORY_ENTRIES:  # counted, not declared
        return problem(f"holds more than {MAX_MEMBERS} files")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        return problem("is not a valid zip archive")
    if len(members) > MAX_MEMBERS:
        return problem(f"holds {len(members):,} files; the limit is {MAX_MEMBERS}")
    wanted = []
    for member in members:
        member_name = member.filename
        parts = PurePosixPath(member_name.replace("\\", "/")).parts
        if (
            member_name.startswith(("/", "\\"))
            or ".." in parts
            or (parts and ":" in parts[0])
            or "\x00" in member_name
        ):
            return problem(f"holds a file with an unsafe path: {member_name!r:.80}")
        if member.is_dir() or not parts or parts[0] == "__MACOSX" or parts[-1].startswith("."):
            continue
        if PurePosixPath(parts[-1]).suffix.lower() in SHAPEFILE_PARTS:
            wanted.append((member, parts[-1]))
    shapefiles = [base for _, base in wanted if base.lower().endswith(".shp")]
    if len(shapefiles) != 1:
        return problem(f"must hold exactly one .shp file (found {len(shapefiles)})")
    stem = PurePosixPath(shapefiles[0]).stem
    written = 0
    for member, base in wanted:
        if PurePosixPath(base).stem != stem:
            continue
        target = folder / base
        if target.exists():
            return problem(f"holds {base!r} twice")
        try:
            with archive.open(member) as source, open(target, "wb") as sink:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    if written > MAX_UNZIPPED_BYTES:
                        limit = MAX_UNZIPPED_BYTES // 1024 // 1024
                        return problem(f"unpacks to more than {limit} MB")
                    sink.write(chunk)
        except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, RuntimeError) as e:
            return problem(f"cannot be unpacked: {base} ({type(e).__name__})")
        except OSError as exc:
            return problem(f"cannot be unpacked: {base} ({exc.strerror or 'error'})")
    return folder / shapefiles[0], []


def _read_shapefile(name: str, shp: Path) -> tuple[list, list[Problem]]:
    """Features of an unpacked shapefile, in WGS84 lon/lat, counted before they are read."""
    import pyogrio
    import pyproj

    def problem(field_: str, message: str) -> tuple[list, list[Problem]]:
        return [], [Problem(name, "", field_, message)]

    try:
        info = pyogrio.read_info(shp)
    except Exception as exc:  # GDAL raises several error types for bad shapefiles
        return problem("file", f"cannot be read as a shapefile ({_short(exc)})")
    if int(info.get("features") or 0) > MAX_FEATURES:
        return problem("features", f"has {info['features']:,} features; the limit is 50,000")
    if not info.get("crs"):
        return problem("crs", "has no .prj file: the coordinate system is unknown (expected WGS84)")
    try:
        crs = pyproj.CRS.from_user_input(info["crs"])
        if not (crs.is_geographic or crs.is_projected):
            raise ValueError("neither geographic nor projected")
        transformer = pyproj.Transformer.from_crs(crs, 4326, always_xy=True)
    except Exception as exc:
        return problem("crs", f"the coordinate system cannot be turned into WGS84 ({_short(exc)})")
    fields = [str(f) for f in info.get("fields", [])]
    others = [f for f in fields if SHAPEFILE_FIELDS.get(f, f) not in KNOWN_PROPERTIES]
    columns = [f for f in fields if f not in others] + others[:MAX_EXTRA_PROPERTIES]
    try:
        frame = pyogrio.read_dataframe(shp, columns=columns, max_features=MAX_FEATURES + 1)
    except Exception as exc:
        return problem("file", f"cannot be read as a shapefile ({_short(exc)})")
    if len(frame) > MAX_FEATURES:
        return problem("features", f"has more than {MAX_FEATURES:,} features; that is the limit")
    frame = frame.rename(columns=SHAPEFILE_FIELDS)
    problems = []
    if len(others) > MAX_EXTRA_PROPERTIES:
        message = f"{len(others) - MAX_EXTRA_PROPERTIES} fields left out (limit: the contract's"
        problems.append(Problem(name, "", "properties", f"{message} and 64 others)", "repaired"))
    features = []
    import shapely

    for i, (row, geometry) in enumerate(
        zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry, strict=True)
    ):
        props = {k: _plain(v) for k, v in row.items()}
        if isinstance(props.get("sources"), str):  # shapefiles have no lists
            props["sources"] = [s.strip() for s in props["sources"].split(";") if s.strip()]
        props.setdefault("name_native", None)
        props.setdefault("valid_to", None)
        shape = None
        if geometry is not None and not crs.equals(4326):
            try:
                geometry = shapely.transform(geometry, _projector(transformer), interleaved=False)
            except Exception as exc:
                label = feature_label({"properties": props}, i)
                problems.append(Problem(name, label, "geometry", f"cannot be projected: {exc}"))
                continue
        if geometry is not None:
            shape = shapely.geometry.mapping(geometry)
        features.append({"type": "Feature", "properties": props, "geometry": shape})
    return features, problems


def _projector(transformer):
    def project(x, y):
        return transformer.transform(x, y, errcheck=True)

    return project


def _plain(value: object) -> object:
    """A DBF value as JSON would hold it: dates as ISO strings, no NaN, no numpy types."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):  # date, datetime, pandas Timestamp (NaT fails the next)
        try:
            return value.isoformat()[:10]
        except ValueError:
            return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def _short(exc: BaseException) -> str:
    """An error message without server paths."""
    text = str(exc).replace(tempfile.gettempdir(), "").replace(os.sep + "atlas-upload-", "")
    return re.sub(r"/[^\s'\"]*/", "", text)[:160] or type(exc).__name__
