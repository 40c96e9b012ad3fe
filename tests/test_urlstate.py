"""The link state: parsing what a URL says, writing it back, and never failing on garbage."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from layers.model import ATLAS_END, ATLAS_START, DEFAULT_DATE
from layers.urlstate import BASEMAPS, MAX_LAYER_IDS, AtlasState, parse_state, to_params

LAYERS = ("basemap", "manchukuo", "korea", "august_storm", "events")
D = dt.date.fromisoformat


def test_a_full_link_is_restored():
    params = {
        "date": "1945-08-20",
        "lang": "fr",
        "layers": "manchukuo,korea",
        "basemap": "relief",
        "lat": "43.5",
        "lon": "125.25",
        "zoom": "6",
        "date2": "1941-04-13",
    }
    state, warnings = parse_state(params, LAYERS)
    assert warnings == []
    assert state == AtlasState(
        date=D("1945-08-20"),
        lang="fr",
        layers=("manchukuo", "korea"),
        basemap="relief",
        lat=43.5,
        lon=125.25,
        zoom=6,
        date2=D("1941-04-13"),
    )
    assert state.view == (43.5, 125.25, 6)


def test_no_parameters_mean_the_defaults():
    state, warnings = parse_state({}, LAYERS)
    assert (state, warnings) == (AtlasState(), [])
    assert state.date == DEFAULT_DATE and state.layers is None and state.view is None


def test_round_trip_through_to_params():
    state = AtlasState(D("1942-11-19"), "fr", ("korea",), "osm", 40.0, 120.0, 5, D("1945-09-02"))
    assert parse_state(to_params(state), LAYERS) == (state, [])
    assert to_params(AtlasState()) == {"date": "1941-04-13", "lang": "en"}


def test_bad_date_falls_back_with_a_warning_in_the_link_language():
    state, warnings = parse_state({"date": "1945-02-30", "lang": "fr"}, LAYERS)
    assert state.date == DEFAULT_DATE and state.lang == "fr"
    assert len(warnings) == 1 and "date" in warnings[0] and "ignoré" in warnings[0]


def test_out_of_range_dates_are_clamped_with_a_warning():
    early, warnings = parse_state({"date": "1900-01-01"}, LAYERS)
    assert early.date == ATLAS_START and "outside the atlas period" in warnings[0]
    late, warnings = parse_state({"date": "1999-12-31"}, LAYERS)
    assert late.date == ATLAS_END and warnings


def test_unknown_layers_are_dropped_and_named():
    state, warnings = parse_state({"layers": "korea,atlantis,,korea"}, LAYERS)
    assert state.layers == ("korea",)
    assert len(warnings) == 1 and "atlantis" in warnings[0]
    state, warnings = parse_state({"layers": "atlantis"}, LAYERS)
    assert state.layers is None and warnings  # nothing usable: the default layers


def test_an_empty_layer_list_means_no_layers():
    assert parse_state({"layers": ""}, LAYERS)[0].layers == ()


def test_repeated_keys_take_the_last_value_and_merge_layers():
    params = {"date": ["1941-04-13", "1945-08-20"], "layers": ["korea", "manchukuo,korea"]}
    state, warnings = parse_state(params, LAYERS)
    assert warnings == []
    assert state.date == D("1945-08-20") and state.layers == ("korea", "manchukuo")


def test_a_view_needs_all_three_valid_numbers():
    assert parse_state({"lat": "40", "lon": "120"}, LAYERS)[0].view is None
    for bad in ({"lat": "91", "lon": "1", "zoom": "4"}, {"lat": "nan", "lon": "1", "zoom": "4"}):
        state, warnings = parse_state(bad, LAYERS)
        assert state.view is None and len(warnings) == 1


def test_bad_language_and_basemap():
    state, warnings = parse_state({"lang": "de", "basemap": "google"}, LAYERS)
    assert state.lang == "en" and state.basemap == "atlas" and len(warnings) == 2


def test_long_values_are_cut_in_warnings():
    state, warnings = parse_state({"date": "9" * 100_000}, LAYERS)
    assert state.date == DEFAULT_DATE and len(warnings[0]) < 300


values = st.one_of(st.text(max_size=300), st.lists(st.text(max_size=50), max_size=5))
keys = st.one_of(
    st.sampled_from(["date", "lang", "layers", "basemap", "lat", "lon", "zoom", "date2"]),
    st.text(max_size=20),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(keys, values, max_size=10))
def test_any_query_gives_a_valid_state(params):
    state, warnings = parse_state(params, LAYERS)
    assert ATLAS_START <= state.date <= ATLAS_END
    assert state.lang in ("en", "fr") and state.basemap in BASEMAPS
    assert state.layers is None or set(state.layers) <= set(LAYERS)
    assert state.date2 is None or ATLAS_START <= state.date2 <= ATLAS_END
    if state.view is not None:
        lat, lon, zoom = state.view
        assert -85 <= lat <= 85 and -180 <= lon <= 180 and 2 <= zoom <= 12
    assert all(isinstance(w, str) and w for w in warnings)
    again, _ = parse_state(to_params(state), LAYERS)
    assert again.date == state.date and again.layers == state.layers


@settings(max_examples=100, deadline=None)
@given(
    st.dates(min_value=dt.date(1, 1, 1)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
)
def test_dates_numbers_and_unicode_never_raise(day, number, text):
    params = {"date": day.isoformat(), "zoom": str(number), "lat": text, "lon": "😀" * 3}
    state, warnings = parse_state(params, None)
    assert ATLAS_START <= state.date <= ATLAS_END
    assert state.view is None and warnings


def test_a_huge_layer_list_gives_one_short_warning_and_bounded_work():
    ids = [f"bogus{i}" for i in range(40_000)]  # ~260 KB, as in the attack
    state, warnings = parse_state({"layers": ",".join(["korea", *ids])}, LAYERS)
    assert state.layers == ("korea",)
    assert len(warnings) <= 2 and sum(len(w) for w in warnings) < 600
    assert "bogus0" in " ".join(warnings) and "bogus39999" not in " ".join(warnings)


def test_too_many_ids_are_cut_at_the_limit():
    many = ",".join(f"layer{i}" for i in range(MAX_LAYER_IDS + 10))
    known = [f"layer{i}" for i in range(MAX_LAYER_IDS + 10)]
    state, warnings = parse_state({"layers": many}, known)
    assert len(state.layers) == MAX_LAYER_IDS and len(warnings) == 1
