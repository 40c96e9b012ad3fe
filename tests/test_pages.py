"""Every page through AppTest: Timeline, Compare, Data (with uploads) and About."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box
from streamlit.testing.v1 import AppTest

from layers.loading import load_atlas
from layers.style import apparent_colour, territory_style
from tests.harness import served_engine_data

REPO = Path(__file__).resolve().parent.parent
PAGES = ["pages/1_Timeline.py", "pages/2_Compare.py", "pages/3_Data.py", "pages/4_About.py"]
D = dt.date.fromisoformat


def open_page(page: str, **params: str) -> AppTest:
    """A page reached from the atlas, the way the sidebar menu does it."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown).replace("\\", "")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("lang", "language_name"), [("en", "Language"), ("fr", "Langue")])
def test_every_page_runs_in_both_languages(page, lang, language_name):
    at = open_page(page, lang=lang, date="1945-08-20")
    assert at.header, "a page title"
    assert at.query_params["lang"] == lang and at.query_params["date"] == "1945-08-20"
    assert language_name in at.radio(key="w_lang").label


def test_timeline_lists_every_event_and_sets_the_atlas_date():
    at = open_page(PAGES[0])
    assert at.header[0].value == "Timeline"
    table = at.dataframe[0].value
    assert len(table) == len(load_atlas().events) >= 100 and list(table["date"]) == sorted(
        table["date"]
    )
    assert at.get("vega_lite_chart"), "the Gantt chart"
    at.selectbox(key="timeline_pick").set_value("ev_1945_08_18_manchukuo_dissolved")
    at.button(key="timeline_go").click().run()
    assert at.session_state["atlas_date"] == D("1945-08-18")
    assert at.query_params["date"] == "1945-08-18"


def test_timeline_gantt_uses_the_map_colours():
    at = open_page(PAGES[0], lang="fr")
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    text_spec = json.dumps(spec, ensure_ascii=False)
    puppet = territory_style({"controller": "Japan", "status": "puppet_state"})
    seen = apparent_colour(puppet.fill, puppet.fill_opacity)  # as on the map, over the land
    assert seen in text_spec and puppet.fill not in text_spec
    assert "Japon — État fantoche" in text_spec
    legend = spec["encoding"]["color"]["scale"]["domain"] if "encoding" in spec else None
    layers = [layer for layer in spec.get("layer", []) if "color" in layer.get("encoding", {})]
    legend = legend or layers[0]["encoding"]["color"]["scale"]["domain"]
    japanese = [label for label in legend if label.startswith("Japon")]
    assert legend[: len(japanese)] == japanese  # the legend's order: Japan first
    assert len(set(japanese)) == len(japanese) >= 4


def test_timeline_shows_the_event_picked_not_the_next_one():
    at = open_page(PAGES[0], date="1945-08-20")
    at.selectbox(key="timeline_pick").set_value("ev_1941_04_13_pact_signed").run()
    at.button(key="timeline_go").click().run()
    assert at.session_state["atlas_date"] == D("1941-04-13")


def test_compare_shows_two_maps_at_two_dates():
    at = open_page(PAGES[1], date2="1945-09-02")
    maps = at.get("component_instance")
    assert len(maps) == 2
    left, right = (json.loads(m.proto.json_args) for m in maps)
    assert "manchukuo_puppet" in left["feature_group"]
    assert "Manchuria under Soviet military occupation" in right["feature_group"]
    assert at.query_params["date2"] == "1945-09-02"
    at.slider(key="w_compare_right").set_value(D("1945-08-12")).run()
    right = json.loads(at.get("component_instance")[1].proto.json_args)
    assert "Manchukuo during the Soviet invasion" in right["feature_group"]
    assert at.session_state["atlas_date2"] == D("1945-08-12")


def test_data_tables_and_downloads_follow_the_date():
    at = open_page(PAGES[2], date="1945-08-25")
    tables = {len(df.value) for df in at.dataframe}
    assert tables and "geometry" not in at.dataframe[0].value.columns
    labels = {d.proto.label for d in at.get("download_button")}
    assert {"Download this date's features (GeoJSON)", "Download all events (CSV)"} <= labels


def test_the_downloads_hold_the_date_and_the_events():
    from atlas_app.data_tables import events_csv, snapshot_geojson
    from layers.loading import load_atlas

    atlas = load_atlas()
    shot = json.loads(snapshot_geojson(atlas, D("1945-08-25"), ["manchukuo", "august_storm"]))
    ids = {f["properties"]["id"] for f in shot["features"]}
    assert "manchuria_soviet_occupation" in ids and "manchukuo_puppet" not in ids
    assert shot["date"] == "1945-08-25"
    assert {f["properties"]["layer"] for f in shot["features"]} == {"manchukuo", "august_storm"}
    rows = events_csv(atlas).decode().splitlines()
    assert rows[0].startswith("id,date") and len(rows) > 70 and "lon" in rows[0]


def upload_page(name: str, data: bytes) -> AppTest:
    at = open_page(PAGES[2])
    at.get("file_uploader")[0].upload(name, data).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def geojson_bytes(features: list[dict]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def a_feature(fid: str, **props) -> dict:
    return {
        "type": "Feature",
        "geometry": box(126, 36, 128, 38).__geo_interface__,
        "properties": {
            "id": fid,
            "name_en": "Test area",
            "name_fr": "Zone d'essai",
            "name_native": None,
            "valid_from": "1945-08-15",
            "valid_to": "1945-09-15",
            "sources": ["Classroom exercise"],
            **props,
        },
    }


def test_an_uploaded_layer_is_drawn_on_the_map_for_this_session_only():
    good = a_feature("area_1")
    bad = a_feature("area_2", valid_from="yesterday")
    at = upload_page("my layer.geojson", geojson_bytes([good, bad]))
    assert any("my layer.geojson" in s.value.replace("\\", "") for s in at.success)
    assert any("1 problem" in w.value.replace("\\", "") for w in at.warning)
    problems = at.dataframe[-1].value
    assert list(problems["field"]) == ["valid_from"] and "#1" in problems["feature"].iloc[0]
    layer_id = "user_my_layer"
    assert layer_id in at.session_state["atlas_layers"]
    at.switch_page("app.py").run()
    assert not at.exception
    assert at.checkbox(key=f"w_layer_{layer_id}").value
    at.date_input(key="w_date").set_value(D("1945-08-20")).run()
    args = json.loads(at.get("bidi_component")[0].proto.json)
    assert layer_id in args["layers"]
    sent = args["extra"]["records"]  # the good feature (and its name), with this session's page
    (record,) = [r for r in sent if not r["id"].endswith(":name")]
    assert record["layer"] == layer_id and "Test area" in json.dumps(record)
    assert (record["from"], record["until"]) == ("1945-08-15", "1945-09-15")
    assert layer_id not in at.query_params.get("layers", "")  # never in a shared link
    other = open_page("pages/3_Data.py")  # another session
    assert layer_id not in other.session_state["atlas_layers"]
    assert not list((REPO / "geodata").glob("*my*layer*"))


def test_an_upload_s_map_data_stays_in_a_bounded_cache_of_its_session(monkeypatch):
    from atlas_app import session
    from layers.lru import LRU

    monkeypatch.setattr(session, "SESSION_CACHE_LIMIT", 1)
    at = upload_page("daily.geojson", geojson_bytes([a_feature("area_1")]))
    at.switch_page("app.py").run()
    sent = []
    for day in range(1, 4):  # dates move: the upload's records are made once
        at.date_input(key="w_date").set_value(D(f"1945-08-{day:02d}")).run()
        assert not at.exception
        sent.append(json.loads(at.get("bidi_component")[0].proto.json)["extra"])
    assert sent[0] == sent[1] == sent[2] and "/" not in sent[0]["key"]  # no server path
    cache = at.session_state["_user_live_data"]
    assert isinstance(cache, LRU) and len(cache) == 1
    at.radio(key="w_lang").set_value("fr").run()  # another language: the limit holds
    assert len(at.session_state["_user_live_data"]) == 1


def test_a_zipped_shapefile_upload_and_removal(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "id": ["p1"],
            "name_en": ["Test point"],
            "name_fr": ["Point d'essai"],
            "valid_from": ["1941-01-01"],
            "sources": ["Exercise; https://example.org"],
        },
        geometry=[Point(125, 43)],
        crs=4326,
    )
    frame.to_file(tmp_path / "points.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in tmp_path.glob("points.*"):
            archive.write(path, path.name)
    at = upload_page("points.zip", buffer.getvalue())
    assert "user_points" in at.session_state["atlas_layers"]
    at.button(key="remove_user_points").click().run()
    assert "user_points" not in at.session_state["atlas_layers"]


def test_a_rejected_upload_says_why():
    at = upload_page("broken.geojson", b'{"type": "FeatureCollection", "features": [')
    assert any("Nothing usable in broken.geojson" in e.value.replace("\\", "") for e in at.error)
    assert "malformed JSON" in at.dataframe[-1].value["problem"].iloc[0]


def test_about_renders_the_provenance():
    at = open_page(PAGES[3], lang="fr")
    assert "Méthode" in text(at)
    assert "Natural Earth" in text(at) and "Adding a layer" in text(at)


def hostile_uploads() -> dict[str, bytes]:
    """Files that once took the server or the page down, by name."""
    point = {"type": "Point", "coordinates": [127.0, 37.5]}
    unique = [{**a_feature(f"u{i}", **{f"p{i}": i}), "geometry": point} for i in range(3000)]
    nested = b'{"type": "FeatureCollection", "features": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    huge = geojson_bytes([a_feature("h", men=1)]).replace(b'"men": 1', b'"men": ' + b"9" * 5000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("..", b"x")
        archive.writestr("a.shp", b"x")
    return {
        "unique.geojson": geojson_bytes(unique),
        "nested.geojson": nested,
        "huge.geojson": huge,
        "dotdot.zip": buffer.getvalue(),
        "rank.geojson": geojson_bytes([a_feature("r", rank="high", status={"x": 1})]),
        "mixed.geojson": geojson_bytes(
            [
                a_feature(f"m{i}", x=value, big=[1.5] * 100_000 if i == 0 else None)
                for i, value in enumerate([1, "a", [1, 2], {"a": None}, True, 2.5, None])
            ]
        ),
    }


@pytest.mark.parametrize("name", sorted(hostile_uploads()))
def test_hostile_uploads_give_a_clear_message_and_no_exception(name):
    at = upload_page(name, hostile_uploads()[name])
    messages = [m.value.replace("\\", "") for m in (*at.error, *at.warning, *at.success)]
    assert any(name in m for m in messages), messages
    assert not at.exception
    if at.error:  # rejected: the table says where and what
        problems = at.dataframe[-1].value
        assert len(problems) >= 1 and problems["problem"].str.len().min() > 0


def test_every_page_runs_on_a_broken_copy_of_the_data(tmp_path, monkeypatch):
    import shutil

    folder = tmp_path / "geodata"
    shutil.copytree(REPO / "geodata", folder, ignore=shutil.ignore_patterns("authored"))
    (folder / "korea.geojson").write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
    text = (folder / "tuva.geojson").read_text(encoding="utf-8")
    (folder / "tuva.geojson").write_text(text.replace('"name_en":"', '"name_en":"\\ud800', 1))
    catalogue = json.loads((folder / "catalogue.json").read_text(encoding="utf-8"))
    next(e for e in catalogue["layers"] if e["id"] == "kurils")["file"] = ["kurils.geojson"]
    (folder / "catalogue.json").write_text(json.dumps(catalogue), encoding="utf-8")
    monkeypatch.setenv("ATLAS_GEODATA", str(folder))
    monkeypatch.setenv("ATLAS_CACHE", "off")
    for page in PAGES:
        at = open_page(page)
        assert at.header
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "manchukuo_puppet" in json.dumps(served_engine_data(at)["records"])


def test_visitors_are_shown_no_error_details():
    import tomllib

    from streamlit.config import ShowErrorDetailsConfigOptions

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    value = config["client"]["showErrorDetails"]
    assert value == ShowErrorDetailsConfigOptions.NONE.value == "none"
