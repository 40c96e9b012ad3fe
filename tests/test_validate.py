"""Bad geodata is reported with file, feature and field; good data passes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import shapely

from layers.loading import load_atlas
from layers.validate import check_and_read, check_feature, read_geometry, validate_folder

ROOT = Path(__file__).resolve().parent.parent
SQUARE = [[[120, 40], [121, 40], [121, 41], [120, 41], [120, 40]]]


def territory(id_="t1", **changes) -> dict:
    props = {
        "id": id_,
        "name_en": "Somewhere",
        "name_fr": "Quelque part",
        "name_native": None,
        "valid_from": "1940-01-01",
        "valid_to": "1941-01-01",
        "sources": ["coox-1985"],  # an id of geodata/sources.json
        "status": "colony",
        "controller": "Japan",
    }
    geometry = {"type": "Polygon", "coordinates": SQUARE}
    for key, value in changes.items():
        if key == "geometry":
            geometry = value
        elif value is DELETE:
            props.pop(key)
        else:
            props[key] = value
    return {"type": "Feature", "properties": props, "geometry": geometry}


DELETE = object()


def make_folder(tmp_path: Path, layers: dict[str, object], catalogue=None) -> Path:
    entries = []
    for i, (layer_id, content) in enumerate(layers.items()):
        text = content if isinstance(content, str) else json.dumps(content)
        (tmp_path / f"{layer_id}.geojson").write_text(text, encoding="utf-8")
        entries.append(
            {
                "id": layer_id,
                "file": f"{layer_id}.geojson",
                "kind": "territory",
                "title_en": layer_id,
                "title_fr": layer_id,
                "visible": True,
                "order": i,
            }
        )
    catalogue = {"layers": entries} if catalogue is None else catalogue
    (tmp_path / "catalogue.json").write_text(json.dumps(catalogue), encoding="utf-8")
    return tmp_path


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "layers.validate", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_cli_passes_on_shipped_data():
    result = run_cli()
    assert result.returncode == 0, result.stdout
    assert "all checks passed" in result.stdout


def test_cli_reports_one_line_per_problem_and_exits_non_zero(tmp_path):
    bad = collection(territory("a", valid_from="1941-13-01"), territory("b", sources=[]))
    folder = make_folder(tmp_path, {"land": bad})
    result = run_cli(folder / "land.geojson")
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines == [
        "land.geojson: feature 'a' (#0): valid_from: not an ISO date (YYYY-MM-DD): '1941-13-01'",
        "land.geojson: feature 'b' (#1): sources: must be a non-empty list of strings",
    ]


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("{not json", "file", "malformed JSON at line 1"),
        (json.dumps({"type": "Feature"}), "type", "not a GeoJSON FeatureCollection"),
        (json.dumps(collection()), "features", "the layer is empty"),
    ],
)
def test_file_level_problems(tmp_path, text, field, message):
    folder = make_folder(tmp_path, {"land": text})
    problems = validate_folder(folder)
    assert [(p.file, p.field) for p in problems] == [("land.geojson", field)]
    assert message in problems[0].message


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id": DELETE}, "id"),
        ({"name_en": 42}, "name_en"),
        ({"name_native": DELETE}, "name_native"),
        ({"valid_from": "13/04/1941"}, "valid_from"),
        ({"valid_to": "1939-01-01"}, "valid_to"),
        ({"valid_to": "1940-01-01"}, "valid_to"),
        ({"sources": "one string"}, "sources"),
        ({"status": "empire"}, "status"),
        ({"controller": "Atlantis"}, "controller"),
        ({"geometry": {"type": "Point", "coordinates": [120, 40]}}, "geometry"),
        ({"geometry": None}, "geometry"),
    ],
)
def test_feature_problems_name_the_field(changes, field):
    problems = check_feature(territory("x", **changes), 3, "land.geojson", "territory")
    assert [p.field for p in problems] == [field]
    assert problems[0].file == "land.geojson"
    assert problems[0].feature in ("'x' (#3)", "#3")


def test_projected_coordinates_are_rejected():
    projected = {
        "type": "Polygon",
        "coordinates": [[[1.3e7, 5e6], [1.31e7, 5e6], [1.3e7, 5.1e6], [1.3e7, 5e6]]],
    }
    problems = check_feature(territory(geometry=projected), 0, "p.geojson", "territory")
    assert [p.field for p in problems] == ["geometry"]
    assert "projected" in problems[0].message


def test_self_intersecting_polygon_is_reported_as_repairable():
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[120, 40], [121, 41], [121, 40], [120, 41], [120, 40]]],
    }
    problems = check_feature(territory(geometry=bowtie), 0, "b.geojson", "territory")
    assert [(p.field, p.severity) for p in problems] == [("geometry", "repaired")]
    assert "Self-intersection" in problems[0].message


@pytest.mark.parametrize(
    ("coordinates", "message"),
    [
        ([[[120, 40], [121, 40], [121, 41], [120, 41]]], "not closed"),
        ([[[120, 40], [121, 40], [120, 40]]], "fewer than four"),
        ([[[120, 40], [121, "40"], [121, 41], [120, 40]]], "two or three numbers"),
        ([[[120, 40, 0, 0], [121, 40, 0, 0], [121, 41, 0, 0], [120, 40, 0, 0]]], "two or three"),
        ([[120, 40], [121, 40]], "two or three numbers"),
        (None, "no coordinates"),
    ],
)
def test_malformed_positions_are_errors(coordinates, message):
    geometry = {"type": "Polygon", "coordinates": coordinates}
    problems = check_feature(territory(geometry=geometry), 0, "m.geojson", "territory")
    assert [(p.field, p.severity) for p in problems] == [("geometry", "error")]
    assert message in problems[0].message


def test_repaired_geometry_is_returned_valid():
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[120, 40], [121, 41], [121, 40], [120, 41], [120, 40]]],
    }
    problems, geom = check_and_read(territory(geometry=bowtie), 0, "b.geojson", "territory")
    assert [p.severity for p in problems] == ["repaired"]
    assert geom.is_valid and geom.area > 0


def test_geometries_read_as_geos_reads_them():
    """Every shipped geometry, read from arrays, equals GEOS's own reading of its GeoJSON."""
    count = 0
    for path in sorted((ROOT / "geodata").glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            ours = read_geometry(feature["geometry"])
            theirs = shapely.from_geojson(json.dumps(feature["geometry"]))
            assert ours.geom_type == theirs.geom_type and ours.equals_exact(theirs, 0), path.name
            count += 1
    assert count > 150


def test_duplicate_ids_across_files(tmp_path):
    elsewhere = {"type": "Polygon", "coordinates": [[[130, 40], [131, 40], [131, 41], [130, 40]]]}
    folder = make_folder(
        tmp_path,
        {
            "one": collection(territory("same")),
            "two": collection(territory("same", geometry=elsewhere)),
        },
    )
    problems = validate_folder(folder)
    assert [(p.file, p.field) for p in problems] == [("two.geojson", "id")]
    assert "also in one.geojson" in problems[0].message


def test_catalogue_and_files_must_match(tmp_path):
    folder = make_folder(tmp_path, {"one": collection(territory("a"))})
    (folder / "stray.geojson").write_text(json.dumps(collection(territory("b"))), "utf-8")
    catalogue = json.loads((folder / "catalogue.json").read_text("utf-8"))
    catalogue["layers"].append({**catalogue["layers"][0], "id": "ghost", "file": "ghost.geojson"})
    (folder / "catalogue.json").write_text(json.dumps(catalogue), "utf-8")
    problems = {(p.file, p.field) for p in validate_folder(folder)}
    assert problems == {("catalogue.json", "file"), ("stray.geojson", "catalogue")}


def test_overlapping_territories_at_the_same_date(tmp_path):
    later = territory("later", valid_from="1941-01-01", valid_to=None)
    overlapping = territory("clash", valid_from="1940-06-01", valid_to="1940-07-01")
    folder = make_folder(
        tmp_path, {"a": collection(territory("a1"), later), "b": collection(overlapping)}
    )
    problems = validate_folder(folder)
    assert [(p.feature, p.field) for p in problems] == [("'a1'", "geometry")]
    assert "overlaps 'clash'" in problems[0].message


def test_event_fields_are_checked():
    event = territory("e", geometry={"type": "Point", "coordinates": [120, 40]})
    event["properties"].update(
        date="1945-08-08",
        time="5pm",
        utc_offset=None,
        title_en="T",
        title_fr="T",
        text_en="x",
        text_fr="x",
        layers=["nowhere"],
    )
    problems = check_feature(event, 0, "events.geojson", "event", {"manchukuo"})
    assert sorted(p.field for p in problems) == ["layers", "time", "utc_offset"]


@pytest.mark.parametrize(
    "text", ["1945-W33-1", "19450820", "1945-08-20 ", "1945-8-20", "20/08/1945"]
)
def test_parse_date_accepts_only_plain_iso_days(text):
    from layers.validate import parse_date

    assert parse_date(text) is None
    assert parse_date("1945-08-20").isoformat() == "1945-08-20"


def run_cli_env(*args, geodata: Path) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "ATLAS_GEODATA": str(geodata)}
    return subprocess.run(
        [sys.executable, "-m", "layers.validate", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=env,
    )


HOSTILE = {
    "nested": "[" * 50_000 + "]" * 50_000,
    "huge_integer": json.dumps(collection(territory("a", men=1))).replace(
        '"men": 1', '"men": ' + "9" * 5000
    ),
    "surrogate": json.dumps(collection(territory("a", name_en="x"))).replace(
        '"name_en": "x"', '"name_en": "\\udc00"'
    ),
    "open_end_as_9999": json.dumps(collection(territory("a", valid_to="9999-12-31"))),
    "status_object": json.dumps(collection(territory("a", status={"x": 1}))),
    "rank_list": json.dumps(collection(territory("a", rank=[1]))),
    "waypoints_numbers": json.dumps(collection(territory("a", waypoints=[1, 2]))),
    "antimeridian": json.dumps(
        collection(
            territory(
                "a",
                geometry={
                    "type": "Polygon",
                    "coordinates": [[[179, 60], [-179, 60], [-179, 61], [179, 60]]],
                },
            )
        )
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_cli_fails_on_every_hostile_copy_via_the_environment(tmp_path, case):
    folder = make_folder(tmp_path, {"land": HOSTILE[case]})
    result = run_cli_env(geodata=folder)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr and "all checks passed" not in result.stdout
    assert result.stdout.startswith("land.geojson"), result.stdout


def test_cli_takes_a_folder_or_files_and_reports_missing_paths(tmp_path):
    folder = make_folder(tmp_path, {"land": collection(territory("a", valid_to="9999-12-31"))})
    for args in ([folder], [folder / "land.geojson"]):
        result = run_cli_env(*args, geodata=ROOT / "geodata")
        assert result.returncode == 1
        assert "valid_to: 9999-12-31 is outside 1500–2100" in result.stdout
    result = run_cli_env(tmp_path / "nowhere.geojson", geodata=ROOT / "geodata")
    assert result.returncode == 1 and "file not found" in result.stdout


def test_a_catalogue_file_given_as_a_list_is_a_problem_not_a_crash(tmp_path):
    folder = make_folder(tmp_path, {"land": collection(territory("a"))})
    catalogue = json.loads((folder / "catalogue.json").read_text("utf-8"))
    catalogue["layers"][0]["file"] = ["land.geojson"]
    (folder / "catalogue.json").write_text(json.dumps(catalogue), "utf-8")
    problems = {(p.file, p.field) for p in validate_folder(folder)}
    assert problems == {("catalogue.json", "file"), ("land.geojson", "catalogue")}


def test_the_validator_and_the_loader_read_alike(tmp_path):
    """The loader reports exactly the validator's problems, less the validator's own checks."""
    from layers.loading import load_atlas

    good, bad = territory("a"), territory("b", status="empire", geometry=None)
    folder = make_folder(tmp_path, {"land": collection(good, bad)})
    atlas = load_atlas(folder)
    loaded = {str(p) for layer in atlas.layers.values() for p in layer.problems}
    assert loaded == {str(p) for p in validate_folder(folder)}
    assert list(atlas.layers["land"].frame["id"]) == ["a"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"role": "capital"}, "role", "not one of ('base', 'cities')"),
        ({"role": "base"}, "role", "role 'base' needs kind 'base', not 'territory'"),
        ({"kind": "base"}, "role", "a base layer needs role 'base'"),
        ({"kind": "route"}, "line_style", "a route layer needs one of ('railway', 'route')"),
        ({"kind": "line", "line_style": "tram"}, "line_style", "needs one of"),
        ({"line_style": "route"}, "line_style", "only for line and route layers"),
        ({"kind": "route", "line_style": "route", "moving_front": "yes"}, "moving_front", "true"),
        ({"moving_front": True}, "moving_front", "only for route layers, not 'territory'"),
    ],
)
def test_catalogue_flags_are_checked_with_file_layer_and_field(tmp_path, changes, field, message):
    folder = make_folder(tmp_path, {"one": collection(territory("a"))})
    catalogue = json.loads((folder / "catalogue.json").read_text("utf-8"))
    catalogue["layers"][0].update(changes)
    (folder / "catalogue.json").write_text(json.dumps(catalogue), "utf-8")
    problems = [p for p in validate_folder(folder) if p.file == "catalogue.json"]
    assert [(p.feature, p.field) for p in problems] == [("'one' (#0)", field)]
    assert message in problems[0].message
    assert str(problems[0]).startswith(f"catalogue.json: feature 'one' (#0): {field}: ")


def test_a_layer_in_no_group_of_the_catalogue_is_a_problem_and_still_loads(tmp_path):
    folder = make_folder(tmp_path, {"one": collection(territory("a")), "two": collection()})
    catalogue = json.loads((folder / "catalogue.json").read_text("utf-8"))
    catalogue["groups"] = [
        {"id": "land", "title_en": "Land", "title_fr": "Terres"},
        {"id": "land", "title_en": "Again", "title_fr": "Encore"},
        {"id": "sea", "title_en": "Sea"},
    ]
    catalogue["layers"][0]["group"] = "land"
    catalogue["layers"][1]["group"] = "sea"
    (folder / "catalogue.json").write_text(json.dumps(catalogue), "utf-8")
    problems = [p for p in validate_folder(folder) if p.file == "catalogue.json"]
    assert [(p.feature, p.field) for p in problems] == [
        ("group #1", "id"),
        ("group #2", "groups"),
        ("'two' (#1)", "group"),
    ]
    assert "not a group of the catalogue: 'sea'" in problems[2].message
    atlas = load_atlas(folder)
    one, two = atlas.layers["one"].spec, atlas.layers["two"].spec
    assert (one.group, one.group_title("fr")) == ("land", "Terres")
    assert (two.group, two.group_title("en")) == (None, None)


def test_every_shipped_layer_is_in_a_group_with_titles_in_both_languages():
    atlas = load_atlas()
    specs = [s for s in atlas.specs() if s.kind != "base"] + [atlas.events_spec]
    assert all(s.group and s.group_en and s.group_fr for s in specs), [
        s.id for s in specs if not s.group
    ]
    assert len({s.group for s in specs}) == 5


def test_a_role_belongs_to_one_layer(tmp_path):
    city = {
        "type": "Feature",
        "properties": {**territory("c")["properties"], "rank": 1},
        "geometry": {"type": "Point", "coordinates": [120.5, 40.5]},
    }
    for key in ("status", "controller"):
        city["properties"].pop(key)
    folder = make_folder(tmp_path, {"towns": collection(city), "more": collection()})
    catalogue = json.loads((folder / "catalogue.json").read_text("utf-8"))
    for entry in catalogue["layers"]:
        entry.update(kind="point", role="cities")
    (folder / "catalogue.json").write_text(json.dumps(catalogue), "utf-8")
    problems = [p for p in validate_folder(folder) if p.file == "catalogue.json"]
    assert [(p.feature, p.field) for p in problems] == [("'more' (#1)", "role")]
    assert "layer 'towns' has this role already" in problems[0].message


def test_shipped_catalogue_flags_its_special_layers():
    atlas = load_atlas()
    assert atlas.base_layer() is atlas.layers["basemap"]
    assert atlas.role_layer("cities") is atlas.layers["cities"]
    assert atlas.role_layer("capital") is None
    flags = {s.id: (s.line_style, s.moving_front) for s in atlas.specs() if s.line_style}
    assert flags == {
        "railways": ("railway", False),
        "siberian_transfers": ("route", False),
        "august_storm": ("route", True),
    }
