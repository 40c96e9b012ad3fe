"""The main page through Streamlit's AppTest: date, buttons, link, language, errors, exports."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.harness import live_map_args as map_args
from tests.harness import served_engine_data as engine_data

REPO = Path(__file__).resolve().parent.parent
D = dt.date.fromisoformat


def open_app(**params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def data_atlas():
    from layers.loading import load_atlas

    return load_atlas()


def records(data: dict) -> str:
    return json.dumps(data["records"], ensure_ascii=False)


def text(at: AppTest) -> str:
    """The page's text as read: markdown (data is shown with markdown escapes) and HTML."""
    markdown = "\n".join(m.value for m in at.markdown).replace("\\", "")
    return markdown + "\n".join(html.unescape(h.value) for h in at.get("html"))


def test_opens_on_the_day_of_the_pact():
    at = open_app()
    assert at.header[0].value.startswith("The Neutrality Pact atlas")
    assert at.date_input(key="w_date").value is None  # a date to go to: the map shows the date
    args = map_args(at)
    assert args["date"] == "1941-04-13" and "manchukuo" in args["layers"]
    assert args["mount"]["leaflet"] == "/app/static/vendor/leaflet"
    assert len(json.dumps(args)) < 20_000  # a rerun sends the date, not the map
    data = engine_data(at)
    assert "manchukuo_puppet" in records(data)
    assert any("puppet state" in row for row in data["legend"]["rows"])
    # every part of the map is on the app's path: each layer's records, the events, the legend
    assert {r["layer"] for r in data["records"]} == {
        s.id for s in data_atlas().specs() if s.kind != "base"
    }
    assert data["eventsVisible"] and "events" in args["layers"]
    assert "ev_1941_04_13_pact_signed" in {e["id"] for e in data["events"]}
    assert "Neutrality Pact signed in the Kremlin" in text(at)
    assert at.query_params["date"] == "1941-04-13" and at.query_params["lang"] == "en"


def test_moving_the_date_keeps_the_map_mounted():
    at = open_app()
    before = map_args(at)
    at.date_input(key="w_date").set_value(D("1945-08-25")).run()
    assert not at.exception
    after = map_args(at)
    assert after["date"] == "1945-08-25"
    assert after["mount"] == before["mount"]  # the browser keeps its map: only the date moves
    assert "Manchuria under Soviet military occupation" not in text(at)  # notes closed: none
    at.session_state["w_territory_notes"] = True  # what opening the expander does
    at.run()
    assert "Manchuria under Soviet military occupation" in text(at)  # the territory notes
    assert at.query_params["date"] == "1945-08-25"


def test_link_parameters_are_honoured():
    at = open_app(date="1945-08-20", lang="fr", layers="manchukuo,korea")
    assert at.header[0].value.startswith("L'atlas du pacte de neutralité")
    at.session_state["w_group_japan"] = True  # what opening the group does
    at.run()
    assert at.checkbox(key="w_layer_korea").value and at.checkbox(key="w_layer_manchukuo").value
    assert not at.checkbox(key="w_layer_japan").value
    args = map_args(at)
    assert args["date"] == "1945-08-20" and set(args["layers"]) == {"manchukuo", "korea"}
    data = engine_data(at)
    assert data["text"]["legend"] == "Légende" and "URSS" in " ".join(data["legend"]["rows"])
    assert "Ce qui s'est passé" in [s.value for s in at.subheader]
    assert not at.warning


def test_view_parameters_open_the_map_there():
    assert map_args(open_app(lat="44", lon="124.5", zoom="6"))["view"] == [44.0, 124.5, 6]


@pytest.mark.parametrize(
    ("start", "button", "expected"),
    [
        ("1941-01-31", "b_plus_month", "1941-02-28"),
        ("1944-01-31", "b_plus_month", "1944-02-29"),
        ("1941-03-31", "b_minus_month", "1941-02-28"),
        ("1946-04-20", "b_plus_month", "1946-05-03"),  # clamped to the end of the atlas
        ("1939-05-20", "b_minus_month", "1939-05-11"),  # and to its start
        ("1941-04-13", "b_plus_week", "1941-04-20"),
        ("1941-04-13", "b_minus_week", "1941-04-06"),
    ],
)
def test_buttons_move_the_date_as_labelled(start, button, expected):
    at = open_app(date=start)
    at.button(key=button).click().run()
    assert not at.exception
    assert at.session_state["atlas_date"] == D(expected)
    assert map_args(at)["date"] == expected  # the map follows the server's date
    assert at.query_params["date"] == expected


def test_typed_date_moves_the_atlas():
    at = open_app()
    at.date_input(key="w_date").set_value(D("1943-11-27")).run()
    assert at.session_state["atlas_date"] == D("1943-11-27")
    assert at.date_input(key="w_date").value is None  # ready for the next date
    assert map_args(at)["date"] == "1943-11-27" and at.query_params["date"] == "1943-11-27"


def test_jumps_to_a_named_event_and_from_an_event_card():
    at = open_app()
    at.selectbox(key="w_jump").set_value("ev_1945_08_09_invasion_of_manchuria").run()
    assert at.session_state["atlas_date"] == D("1945-08-09")
    assert at.selectbox(key="w_jump").value is None  # ready for the next jump
    assert "00:01 Transbaikal (UTC+9)" in text(at)
    at.pills(key="w_go_event").set_value("ev_1945_08_15_hirohito_broadcast").run()
    assert at.session_state["atlas_date"] == D("1945-08-15")
    assert at.pills(key="w_go_event").value is None


def test_events_show_local_time_across_zones():
    at = open_app(date="1945-08-08")
    assert "17:00 Moscow (UTC+3) = 23:00 Tokyo = 14:00 UTC" in text(at)
    assert "On this date" in text(at) and "Around this date" in text(at)


def test_the_speed_sets_the_maps_play_step():
    at = open_app(date="1945-08-01")
    assert map_args(at)["playStep"] == 7
    at.select_slider(key="w_speed").set_value(14).run()
    assert map_args(at)["playStep"] == 14
    assert at.session_state["atlas_date"] == D("1945-08-01")  # playing is the map's


@pytest.mark.parametrize(
    "params",
    [
        {"date": "1945-13-45", "lang": "xx", "layers": "atlantis", "zoom": "99", "lat": "1"},
        {"date": "<script>alert(1)</script>", "basemap": "[x](javascript:alert(1))"},
        {"date": "2001-09-11"},
    ],
)
def test_bad_links_warn_and_fall_back(params):
    at = open_app(**params)
    assert at.warning, "a visible warning"
    for warning in at.warning:  # values from the link are shown as text, never as markup
        assert not re.search(r"(?<!\\)[<\[\]]", warning.value), warning.value
    assert map_args(at)["layers"]
    day = at.session_state["atlas_date"]
    assert D("1939-05-11") <= day <= D("1946-05-03")


def test_a_broken_layer_is_reported_and_the_rest_still_drawn(tmp_path, monkeypatch):
    folder = tmp_path / "geodata"
    shutil.copytree(REPO / "geodata", folder)
    (folder / "korea.geojson").write_text('{"type": "FeatureCollection", "features": [', "utf-8")
    japan = json.loads((folder / "japan.geojson").read_text("utf-8"))
    japan["features"][0]["properties"]["sources"] = []
    (folder / "japan.geojson").write_text(json.dumps(japan), "utf-8")
    monkeypatch.setenv("ATLAS_GEODATA", str(folder))
    at = open_app()
    warnings = " ".join(w.value for w in at.warning)
    assert "Korea" in warnings and "malformed JSON" in warnings
    assert "Japan and Taiwan" in warnings
    data = engine_data(at)
    assert "manchukuo_puppet" in records(data)
    assert not [r for r in data["records"] if r["layer"] == "korea"]


def test_exports_render_and_offer_a_download():
    at = open_app(date="1945-08-20")
    assert not at.get("download_button") and not at.number_input, "closed: nothing inside"
    at.session_state["export_open"] = True  # what opening the expander does
    at.run()
    at.number_input(key="image_width").set_value(400)
    at.number_input(key="image_height").set_value(300)
    at.button(key="export_image").click().run()
    assert not at.exception
    download = at.get("download_button")
    assert any("atlas_1945-08-20_en.png" in str(d.proto) for d in download)
    at.button(key="export_html").click().run()
    assert any("neutrality_pact_atlas_en.html" in str(d.proto) for d in at.get("download_button"))


def test_a_session_in_either_language_does_not_load_the_emoji_catalogue():
    """Streamlit compiles its emoji catalogue (0.25 s a process) for an emoji favicon or a
    button-group label that starts with a non-ASCII word; the atlas needs neither."""
    script = f"""
import sys
from streamlit.testing.v1 import AppTest

from tests.harness import live_map_args as map_args
from tests.harness import served_engine_data as engine_data
for lang in ("en", "fr"):
    at = AppTest.from_file({str(REPO / "app.py")!r}, default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
print("streamlit.emojis" in sys.modules)
"""
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "False"


def test_the_sidebar_lists_the_layers_by_group_and_a_group_holds_its_checkboxes_when_open():
    """Closed, the five groups draw no checkbox (the first screen's widgets); each layer is
    in one group; opened, a group's checkboxes switch its layers on the map and in the link."""
    at = open_app()
    assert len(at.checkbox) == 0
    groups = [e.label.replace("\\", "") for e in at.sidebar.expander]
    assert groups == [
        "China, its enclaves and Tibet",
        "The USSR and Mongolia",
        "Japan's empire and its puppet states",
        "South-East Asia and the Pacific",
        "Railways, troop movements, cities and events",
    ]
    listed = []
    for group in ("china", "ussr", "japan", "sea", "movements"):
        at.session_state[f"w_group_{group}"] = True
        at.run()
        listed += [c.key.removeprefix("w_layer_") for c in at.checkbox][len(listed) :]
    atlas = data_atlas()
    expected = [s.id for s in atlas.specs() if s.kind != "base"] + ["events"]
    assert sorted(listed) == sorted(expected) and len(listed) == len(set(listed))
    at.checkbox(key="w_layer_korea").uncheck().run()
    assert "korea" not in map_args(at)["layers"] and "korea" not in at.query_params["layers"]
    assert "manchukuo" in map_args(at)["layers"]
