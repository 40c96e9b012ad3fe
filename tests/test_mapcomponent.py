"""The map component fed with cached scripts sends what st_folium would send."""

from __future__ import annotations

import datetime as dt

import pytest
import streamlit_folium
from streamlit_folium import st_folium

from atlas_app import mapcomponent
from layers import render
from layers.loading import load_atlas

D = dt.date.fromisoformat
RETURNED = ["bounds", "zoom", "center"]


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


@pytest.fixture(scope="module")
def store(atlas):
    bundle = render.geometry_bundle(atlas)
    return render.GeometryStore(f"/app/static/vendor/atlas/{bundle.name}", bundle.keys)


@pytest.fixture
def sent(monkeypatch):
    """The arguments each call gives streamlit-folium's front end, in order."""
    calls: list[dict] = []

    def record(**kwargs):
        calls.append(kwargs)
        return kwargs["default"]

    monkeypatch.setattr(streamlit_folium, "_component_func", record)
    return calls


def without_callback(args: dict) -> dict:
    return {k: v for k, v in args.items() if k != "on_change"}


@pytest.mark.parametrize(
    ("day", "lang", "basemap", "stored"),
    [
        ("1941-04-13", "en", "atlas", True),
        ("1945-08-20", "fr", "atlas", True),
        ("1945-08-20", "en", "osm", True),
        ("1939-07-01", "en", "atlas", False),
    ],
)
def test_same_arguments_as_st_folium(atlas, store, sent, day, lang, basemap, stored):
    geometry = store if stored else None
    ids = [*atlas.default_layer_ids(), render.EVENTS_ID]
    groups = render.date_groups(atlas, D(day), ids, lang, geometry)
    view = {"center": (43.5, 125.3), "zoom": 6}
    st_folium(
        render.base_map(atlas, lang, basemap, store=geometry),
        key="atlas_map",
        height=640,
        use_container_width=True,
        returned_objects=RETURNED,
        feature_group_to_add=groups,
        render=False,
        **view,
    )
    mounted = mapcomponent.mount(render.base_map(atlas, lang, basemap, store=geometry))
    fresh_groups = render.date_groups(atlas, D(day), ids, lang, geometry)
    scripts = [mapcomponent.group_script(g, slot) for slot, g in enumerate(fresh_groups)]
    result = mapcomponent.map_component(
        mounted, scripts, key="atlas_map", height=640, returned_objects=RETURNED, **view
    )
    expected, got = without_callback(sent[0]), without_callback(sent[1])
    assert got == expected
    assert len(got["feature_group"]) > 10_000 and "map_div.addLayer" in got["feature_group"]
    assert result == expected["default"]  # what the map reports before the browser answers


def test_a_group_script_is_the_same_whatever_map_or_call(atlas, store):
    group = render.layer_group(atlas, "manchukuo", D("1945-08-20"), "en", store)
    first = mapcomponent.group_script(group, 3)
    mapcomponent.mount(render.base_map(atlas, "en", store=store))
    assert mapcomponent.group_script(group, 3) == first
    assert "feature_group_feature_group_3" in first
    assert "Manchuria under Soviet military occupation" in first
    assert mapcomponent.group_script(group, 4) != first  # the slot names the group
    assert group._parent is None  # left attached to no map


def test_a_mounted_map_is_reused_unchanged_across_dates(atlas, store, sent):
    mounted = mapcomponent.mount(render.base_map(atlas, "en", store=store))
    for day in ("1941-04-13", "1945-08-25"):
        groups = render.date_groups(atlas, D(day), ["manchukuo", "korea"], "en", store)
        scripts = [mapcomponent.group_script(g, slot) for slot, g in enumerate(groups)]
        mapcomponent.map_component(
            mounted, scripts, key="atlas_map", height=640, returned_objects=RETURNED
        )
    before, after = sent
    assert before["key"] == after["key"] and before["script"] == after["script"]
    assert before["feature_group"] != after["feature_group"]
    assert "manchukuo_puppet" in before["feature_group"]
    assert "manchukuo_puppet" not in after["feature_group"]
    assert before["js_links"] == ["/app/static/vendor/leaflet/leaflet.js"]
    assert before["center"] is None and before["zoom"] is None  # the map keeps its own view


def test_caches_key_an_atlas_by_its_data_and_a_store_by_its_url(atlas, store):
    """HASH_FUNCS: another atlas object of the same data hits the cache; another store, or
    the same upload name with other content, does not."""
    import json
    from dataclasses import replace

    from atlas_app import mapview
    from atlas_app.assets import HASH_FUNCS
    from layers.model import Atlas
    from layers.user_layers import read_upload, with_user_layers

    first = mapview.mounted_map(atlas, store, "en", "atlas")
    assert mapview.mounted_map(replace(atlas), store, "en", "atlas") is first
    moved = render.GeometryStore(store.url.replace("geometry-", "geometry-x"), store.keys)
    assert mapview.mounted_map(atlas, moved, "en", "atlas") is not first

    def upload(name: str) -> Atlas:
        feature = {
            "type": "Feature",
            "properties": {
                "id": "u1",
                "name_en": name,
                "name_fr": name,
                "name_native": None,
                "valid_from": "1941-01-01",
                "valid_to": None,
                "sources": ["My notes"],
            },
            "geometry": {"type": "Point", "coordinates": [120.0, 40.0]},
        }
        data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
        layer, problems = read_upload("mine.geojson", data)
        assert layer is not None, problems
        return with_user_layers(atlas, [layer])

    keys = {HASH_FUNCS[Atlas](a) for a in (atlas, upload("A"), upload("B"), upload("A"))}
    assert len(keys) == 3  # the shipped atlas, and one per upload content
