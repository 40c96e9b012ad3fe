"""The one reader: any input gives a layer or problems naming file, feature and field, never an
exception; hostile uploads stay within their limits."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib

import geopandas as gpd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from layers import reader
from layers.reader import MAX_EXTRA_PROPERTIES, MAX_UNZIPPED_BYTES, read_features
from layers.user_layers import read_upload

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[120, 40], [121, 40], [121, 41], [120, 41], [120, 40]]],
}


def props(fid: str = "a", **changes) -> dict:
    base = {
        "id": fid,
        "name_en": "Area",
        "name_fr": "Zone",
        "name_native": None,
        "valid_from": "1941-01-01",
        "valid_to": "1942-01-01",
        "sources": ["My archive"],
    }
    return base | changes


def feature(fid: str = "a", geometry: dict = SQUARE, **changes) -> dict:
    return {"type": "Feature", "properties": props(fid, **changes), "geometry": geometry}


def collection_text(*features: dict) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def upload_text(name: str, text: str):
    return read_upload(name, text.encode("utf-8", "surrogatepass"))


def only_problem(problems):
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


# ---------------------------------------------------------------------------- fuzzing

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)
contract_keys = st.sampled_from(
    ["id", "name_en", "name_fr", "name_native", "valid_from", "valid_to", "sources", "status",
     "controller", "rank", "waypoints", "strength", "notes", "importance", "x"]
)  # fmt: skip
fuzzed_features = st.builds(
    lambda changes, geometry, whole: whole
    if whole is not None
    else {"type": "Feature", "properties": props(**changes), "geometry": geometry},
    st.dictionaries(contract_keys, json_values, max_size=4),
    st.one_of(st.just(SQUARE), json_values, st.builds(lambda c: {"type": "Polygon", "coordinates": c}, json_values)),  # noqa: E501
    st.none() | json_values,
)  # fmt: skip
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def never_raises(name: str, data: bytes) -> None:
    layer, problems = read_upload(name, data)
    assert layer is not None or problems
    for problem in problems:
        assert problem.file and problem.field and problem.message
        str(problem).encode("utf-8")  # shown on a page: must be valid text


@FUZZ
@given(st.lists(fuzzed_features, max_size=4), json_values)
@example([{"": 10**18}], None)  # found by fuzzing: a refused number under an empty name
def test_fuzz_json_trees_give_a_layer_or_problems(features, anything):
    text = collection_text(*features)
    never_raises("fuzz.geojson", text.encode())
    never_raises("fuzz.json", json.dumps(anything).encode())
    for kind in ("territory", "event", "route", "point"):
        read = read_features(features, "fuzz.geojson", kind, {"manchukuo"})
        assert len(read.records) + len(read.problems) >= len(features) or not features


@FUZZ
@given(st.binary(max_size=300))
def test_fuzz_random_bytes(data):
    never_raises("fuzz.geojson", data)
    never_raises("fuzz.zip", data)
    never_raises("fuzz.zip", b"PK\x03\x04" + data)


member_names = st.sampled_from(
    ["a.shp", "a.shx", "a.dbf", "a.prj", "b.shp", "../a.shp", "/etc/a.shp", "..", "x/../a.dbf",
     "C:\\a.shp", "dir/", "__MACOSX/._a.shp", "a.cpg"]
)  # fmt: skip


@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
@FUZZ
@given(st.lists(st.tuples(member_names, st.binary(max_size=200)), max_size=5))
def test_fuzz_random_zips(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    never_raises("fuzz.zip", buffer.getvalue())


# ---------------------------------------------------------------------------- JSON cases


def test_deep_nesting_of_the_whole_file_is_a_file_problem():
    layer, problems = read_upload("deep.geojson", b"[" * 100_000 + b"]" * 100_000)
    assert layer is None
    assert (only_problem(problems).field, only_problem(problems).message) == (
        "file",
        "JSON nested too deeply",
    )


def test_deep_nesting_in_a_property_drops_that_feature_only():
    nested: object = 1
    for _ in range(200):
        nested = [nested]
    text = collection_text(feature("deep", notes_extra=nested), feature("fine"))
    layer, problems = upload_text("deep.geojson", text)
    assert list(layer.frame["id"]) == ["fine"]
    problem = only_problem(problems)
    assert (problem.file, problem.feature, problem.field) == (
        "deep.geojson",
        "'deep' (#0)",
        "notes_extra",
    )
    assert "nested more than" in problem.message


@pytest.mark.parametrize("where", ["property", "coordinates"])
def test_a_five_thousand_digit_integer_is_a_problem(where):
    huge = "9" * 5000
    if where == "property":
        text = collection_text(feature("big", population=0), feature("ok"))
        text = text.replace('"population": 0', f'"population": {huge}')
        field = "population"
    else:
        point = {"type": "Point", "coordinates": [120, 40]}
        text = collection_text(feature("big", geometry=point), feature("ok", geometry=point))
        text = text.replace("[120, 40]", f"[{huge}, 40]", 1)
        field = "geometry"
    layer, problems = upload_text("huge.geojson", text)
    assert list(layer.frame["id"]) == ["ok"]
    problem = only_problem(problems)
    assert (problem.feature, problem.field) == ("'big' (#0)", field)
    if where == "property":
        assert "5,000 digits" in problem.message


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_numbers_that_are_not_finite_are_problems(constant):
    text = collection_text(feature("x", men=0), feature("ok")).replace(
        '"men": 0', f'"men": {constant}'
    )
    layer, problems = upload_text("nan.geojson", text)
    assert list(layer.frame["id"]) == ["ok"]
    assert (only_problem(problems).field, only_problem(problems).feature) == ("men", "'x' (#0)")


def test_a_lone_surrogate_is_a_problem_with_its_field():
    text = collection_text(feature("s", name_en="Bad"), feature("ok"))
    text = text.replace('"name_en": "Bad"', '"name_en": "Bad \\ud800 name"')
    layer, problems = upload_text("surrogate.geojson", text)
    assert list(layer.frame["id"]) == ["ok"]
    problem = only_problem(problems)
    assert (problem.feature, problem.field) == ("'s' (#0)", "name_en")
    assert "lone surrogate" in problem.message
    key = collection_text(feature("k", odd=1), feature("ok")).replace('"odd"', '"\\udc00"')
    layer, problems = upload_text("surrogate.geojson", key)
    assert list(layer.frame["id"]) == ["ok"] and "lone surrogate" in only_problem(problems).message
    str(only_problem(problems)).encode("utf-8")


def test_a_surrogate_in_an_id_is_named_safely():
    text = collection_text(feature("x")).replace('"id": "x"', '"id": "\\ud83d"')
    layer, problems = upload_text("id.geojson", text)
    assert layer is None
    str(only_problem(problems)).encode("utf-8")
    assert only_problem(problems).field == "id"


def test_bad_utf8_is_a_file_problem():
    data = collection_text(feature("a")).encode().replace(b"Area", b"Ar\xff\xfea")
    layer, problems = read_upload("latin.geojson", data)
    assert layer is None and "not UTF-8 text (byte" in str(only_problem(problems))


def test_a_byte_order_mark_is_accepted():
    data = b"\xef\xbb\xbf" + collection_text(feature("a")).encode()
    layer, problems = read_upload("bom.geojson", data)
    assert problems == [] and list(layer.frame["id"]) == ["a"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", {"kind": "colony"}),
        ("controller", {"name": "Japan"}),
        ("status", 42),
        ("rank", [1]),
        ("rank", "high"),
        ("rank", True),
        ("importance", 7),
        ("waypoints", [1, 2]),
        ("waypoints", [{"lon": "east", "lat": 40}]),
        ("waypoints", [{"lon": 120, "lat": 40, "date": "9999-12-31"}]),
        ("strength", [1000]),
        ("strength", {"men": "many"}),
        ("notes", 42),
        ("uncertain", "yes"),
        ("stations", "Chita"),
        ("valid_to", "9999-12-31"),
        ("valid_from", "0001-01-01"),
    ],
)
def test_optional_fields_with_the_wrong_type_are_problems(field, value):
    text = collection_text(feature("bad", **{field: value}), feature("ok"))
    layer, problems = upload_text("types.geojson", text)
    assert list(layer.frame["id"]) == ["ok"]
    problem = only_problem(problems)
    assert (problem.feature, problem.field) == ("'bad' (#0)", field)


def test_optional_fields_with_the_right_type_pass():
    waypoints = [{"place": "a", "lon": 120.5, "lat": 40.5, "date": "1941-06-01"}]
    text = collection_text(
        feature("a", status="colony", controller="Japan", rank=2, waypoints=waypoints),
        feature("b", strength={"text_en": "Two divisions", "men": 20000, "tanks": None}),
    )
    layer, problems = upload_text("typed.geojson", text)
    assert problems == [] and len(layer.frame) == 2


def test_an_antimeridian_crossing_polygon_is_rejected():
    crossing = {
        "type": "Polygon",
        "coordinates": [[[179, 60], [-179, 60], [-179, 62], [179, 62], [179, 60]]],
    }
    layer, problems = upload_text("chukotka.geojson", collection_text(feature("c", crossing)))
    assert layer is None
    assert "antimeridian" in only_problem(problems).message
    split = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[179, 60], [180, 60], [180, 62], [179, 62], [179, 60]]],
            [[[-180, 60], [-179, 60], [-179, 62], [-180, 62], [-180, 60]]],
        ],
    }
    layer, problems = upload_text("chukotka.geojson", collection_text(feature("c", split)))
    assert problems == [] and len(layer.frame) == 1


def test_unique_property_names_are_capped_before_the_table():
    point = {"type": "Point", "coordinates": [120.5, 40.5]}
    features = [feature(f"f{i}", point, **{f"p{i}": i}) for i in range(10_000)]
    layer, problems = upload_text("unique.geojson", collection_text(*features))
    assert len(layer.frame) == 10_000
    extra = [c for c in layer.frame.columns if c not in (*reader.KNOWN_PROPERTIES, "geometry")]
    assert len(extra) <= MAX_EXTRA_PROPERTIES
    problem = only_problem(problems)
    assert (problem.field, problem.severity) == ("properties", "repaired")
    assert "property names left out" in problem.message


def test_a_property_named_geometry_is_left_out():
    layer, problems = upload_text(
        "g.geojson",
        collection_text(feature("a", geometry_x=1)).replace('"geometry_x"', '"geometry"'),
    )
    assert layer.frame.geometry.iloc[0].geom_type == "Polygon"
    assert only_problem(problems).field == "properties"


def test_a_few_extra_properties_are_kept():
    layer, problems = upload_text("extra.geojson", collection_text(feature("a", population=5)))
    assert problems == [] and layer.frame["population"].iloc[0] == 5


def test_a_json_text_with_too_many_values_is_refused_before_parsing():
    data = b'{"type":"FeatureCollection","features":[' + b"[]," * 1_300_000 + b"[]]}"
    layer, problems = read_upload("lists.geojson", data)
    assert layer is None and "too many JSON values" in only_problem(problems).message


# ---------------------------------------------------------------------------- zips


def zipped(files: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def shapefile_files(frame: gpd.GeoDataFrame, tmp_path, stem: str = "towns") -> dict[str, bytes]:
    frame.to_file(tmp_path / f"{stem}.shp")
    return {p.name: p.read_bytes() for p in tmp_path.glob(f"{stem}.*")}


def towns(**columns) -> gpd.GeoDataFrame:
    base = {
        "id": ["t1"],
        "name_en": ["Town"],
        "name_fr": ["Ville"],
        "valid_from": ["1941-01-01"],
        "sources": ["Archive A"],
    }
    return gpd.GeoDataFrame(base | columns, geometry=[Point(125.32, 43.88)], crs=4326)


def understate_sizes(data: bytes, size: int) -> bytes:
    """The zip with every member's uncompressed size rewritten to ``size`` (a lying header)."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (found := data.find(signature, start)) >= 0:
            struct.pack_into("<I", data, found + offset, size)
            start = found + 4
    return bytes(data)


@pytest.mark.parametrize("name", ["..", "../../evil.shp", "/tmp/evil.shp", "a/../../b.dbf"])
def test_unsafe_member_names_are_problems(name):
    layer, problems = read_upload("evil.zip", zipped({"ok.shp": b"x", name: b"x"}))
    assert layer is None
    problem = only_problem(problems)
    assert (problem.file, problem.field) == ("evil.zip", "file")
    assert "unsafe path" in problem.message


def test_a_zip_of_very_many_members_is_refused_before_it_is_opened(monkeypatch):
    data = zipped({f"{i}.txt": b"" for i in range(3000)}, method=zipfile.ZIP_STORED)

    def must_not_open(*args, **kwargs):
        raise AssertionError("the zip was opened")

    monkeypatch.setattr(zipfile, "ZipFile", must_not_open)
    layer, problems = read_upload("many.zip", data)
    assert layer is None and "more than 64 files" in only_problem(problems).message


def test_a_zip_that_unpacks_too_large_is_stopped_while_extracting():
    big = b"\0" * (MAX_UNZIPPED_BYTES + 1024 * 1024)
    layer, problems = read_upload("bomb.zip", zipped({"a.shp": big, "a.dbf": b"", "a.shx": b""}))
    assert layer is None and "unpacks to more than" in only_problem(problems).message


def test_a_zip_whose_header_understates_its_size_is_a_problem():
    big = b"\0" * (MAX_UNZIPPED_BYTES + 1024 * 1024)
    data = understate_sizes(zipped({"a.shp": big, "a.dbf": b"x", "a.shx": b"x"}), 1000)
    assert all(m.file_size == 1000 for m in zipfile.ZipFile(io.BytesIO(data)).infolist())
    layer, problems = read_upload("liar.zip", data)
    assert layer is None
    assert only_problem(problems).field == "file"
    assert "cannot be unpacked" in problems[0].message or "more than" in problems[0].message


def test_a_zip_whose_header_overstates_nothing_is_trusted(tmp_path):
    """Declared sizes are not used at all: a stored member that is really small is read."""
    files = shapefile_files(towns(), tmp_path)
    data = zipped(files)
    layer, problems = read_upload("towns.zip", data)
    assert problems == [] and len(layer.frame) == 1


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::UserWarning")
def test_a_local_coordinate_system_is_a_crs_problem(tmp_path):
    files = shapefile_files(towns(), tmp_path)
    files["towns.prj"] = b'LOCAL_CS["arbitrary",UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
    layer, problems = read_upload("local.zip", zipped(files))
    assert layer is None
    problem = only_problem(problems)
    assert problem.field == "crs" and "/tmp" not in problem.message


def dbf(fields: list[tuple[str, str, int]], row: list[str]) -> bytes:
    """A one-record dBase III table: fields are (name, type C or D, width)."""
    header = struct.pack(
        "<B3BIHH20x", 3, 126, 1, 1, 1, 32 + 32 * len(fields) + 1, 1 + sum(w for *_, w in fields)
    )
    for name, kind, width in fields:
        header += struct.pack("<11sc4xBB14x", name.encode(), kind.encode(), width, 0)
    record = b" " + b"".join(v.encode().ljust(w) for v, (*_, w) in zip(row, fields, strict=True))
    return header + b"\r" + record + b"\x1a"


def test_dbf_date_fields_become_iso_strings(tmp_path):
    files = shapefile_files(towns(), tmp_path)
    fields = [("id", "C", 4), ("name_en", "C", 8), ("name_fr", "C", 8), ("sources", "C", 12)]
    fields += [("valid_from", "D", 8), ("valid_to", "D", 8)]
    row = ["t1", "Town", "Ville", "Archive A", "19410101", "19420304"]
    files["towns.dbf"] = dbf(fields, row)
    layer, problems = read_upload("dates.zip", zipped(files))
    assert problems == []
    frame = layer.frame
    assert (frame["valid_from"].iloc[0], frame["valid_to"].iloc[0]) == ("1941-01-01", "1942-03-04")
    json.dumps(frame.drop(columns="geometry").to_dict("records"))  # plain JSON values


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::UserWarning")
def test_the_feature_count_is_checked_before_the_shapefile_is_read(tmp_path, monkeypatch):
    import pyogrio

    count = reader.MAX_FEATURES + 1
    frame = gpd.GeoDataFrame(
        {"id": [f"p{i}" for i in range(count)]},
        geometry=gpd.points_from_xy([120.0] * count, [40.0] * count),
        crs=4326,
    )
    files = shapefile_files(frame, tmp_path, "many")

    def must_not_read(*args, **kwargs):
        raise AssertionError("the whole file was read before its feature count was checked")

    monkeypatch.setattr(pyogrio, "read_dataframe", must_not_read)
    layer, problems = read_upload("many.zip", zipped(files))
    assert layer is None and "limit is 50,000" in only_problem(problems).message


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::UserWarning")
def test_shapefile_with_too_many_fields_keeps_the_contract_and_a_bounded_rest(tmp_path):
    extra = {f"f{i:03d}": [i] for i in range(MAX_EXTRA_PROPERTIES + 10)}
    layer, problems = read_upload("wide.zip", zipped(shapefile_files(towns(**extra), tmp_path)))
    assert len(layer.frame) == 1
    assert only_problem(problems).field == "properties"
    kept = [c for c in layer.frame.columns if c.startswith("f") and c[1:].isdigit()]
    assert len(kept) == MAX_EXTRA_PROPERTIES


def test_a_shapefile_that_is_not_one_is_a_problem_without_server_paths():
    layer, problems = read_upload("junk.zip", zipped({"a.shp": b"junk", "a.dbf": b"junk"}))
    assert layer is None
    assert "/tmp" not in str(only_problem(problems)) and "atlas-upload" not in str(problems[0])


def test_an_encrypted_or_unknown_compression_member_is_a_problem():
    data = bytearray(zipped({"a.shp": b"x" * 100, "a.dbf": b"y"}))
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = 0
        while (found := data.find(signature, start)) >= 0:
            struct.pack_into("<H", data, found + offset, 99)  # an unknown method
            start = found + 4
    layer, problems = read_upload("odd.zip", bytes(data))
    assert layer is None and only_problem(problems).field == "file"


def test_a_truncated_deflate_stream_is_a_problem():
    data = zipped({"a.shp": zlib.compress(b"x") * 1000, "a.dbf": b"y"})
    layer, problems = read_upload("cut.zip", data[: len(data) // 2] + data[-200:])
    assert layer is None and problems


def test_box_shapefile_without_prj_is_a_crs_problem(tmp_path):
    frame = gpd.GeoDataFrame({"id": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    files = shapefile_files(frame, tmp_path)
    files.pop("towns.prj")
    layer, problems = read_upload("noprj.zip", zipped(files))
    assert layer is None and only_problem(problems).field == "crs"


@pytest.fixture(scope="module")
def town_files(tmp_path_factory) -> dict[str, bytes]:
    return shapefile_files(towns(rank=[2]), tmp_path_factory.mktemp("towns"))


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::UserWarning")
@FUZZ
@given(
    st.sampled_from(["towns.shp", "towns.shx", "towns.dbf", "towns.prj", "towns.cpg"]),
    st.lists(st.tuples(st.integers(0, 400), st.binary(min_size=1, max_size=8)), max_size=4),
    st.booleans(),
)
def test_fuzz_damaged_shapefiles(town_files, part, patches, cut):
    """A real shapefile with bytes overwritten (or cut short) in one of its parts."""
    files = dict(town_files)
    data = bytearray(files.get(part, b""))
    for offset, chunk in patches:
        data[offset : offset + len(chunk)] = chunk
    files[part] = bytes(data[: len(data) // 2]) if cut else bytes(data)
    never_raises("damaged.zip", zipped(files))
