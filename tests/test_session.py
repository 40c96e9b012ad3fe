"""The session's state: read from the link on the first run, uploads kept per session."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from layers.model import ATLAS_START


def _session_script() -> None:
    import datetime as dt

    import streamlit as st

    from atlas_app import session

    atlas = session.session_atlas()
    session.init_state(atlas)
    st.session_state["probe_linked_date"] = st.session_state[session.DATE]
    st.session_state["probe_warnings"] = list(st.session_state[session.WARNINGS])
    cache = session.session_cache("_probe", limit=2)
    for i in range(3):
        cache.put(i, i)
    st.session_state["probe_cached"] = [i for i in range(3) if cache.get(i) is not None]
    st.session_state["probe_token"] = session.atlas_token()
    layer = next(iter(atlas.layers.values()))  # a real layer, kept as if uploaded
    session.add_user_layer(layer, b"uploaded bytes")
    st.session_state["probe_token2"] = session.atlas_token()
    session.set_date(dt.date(1800, 1, 1))


def test_the_link_the_uploads_and_the_date_range():
    at = AppTest.from_function(_session_script)
    at.query_params["date"] = "1941-04-13"
    at.query_params["layers"] = "nonexistent"
    at.run(timeout=60)
    assert not at.exception
    assert at.session_state["probe_linked_date"] == dt.date(1941, 4, 13)
    assert at.session_state["atlas_date"] == ATLAS_START  # set_date clamps
    assert at.session_state["probe_warnings"]  # the unknown layer
    assert at.session_state["atlas_warnings"] == []  # moving on clears the link's warnings
    assert at.session_state["probe_cached"] == [1, 2]  # a bounded cache of the session
    assert at.session_state["probe_token"] != at.session_state["probe_token2"]
    assert len(at.session_state["atlas_user_layers"]) == 1
