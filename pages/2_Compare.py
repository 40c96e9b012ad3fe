"""Compare: the same layers at two dates, side by side; the two maps pan and zoom together
and open on the whole region."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from atlas_app import mapview, page, session
from layers.i18n import format_date, t
from layers.model import ATLAS_END, ATLAS_START

atlas = page.setup_page("compare_title")
lang = session.lang()
st.caption(t("compare_intro", lang))
page.link_to_atlas()

# The left map follows the atlas date; the right one has its own (1945-09-02 by default).
sides = (
    (session.DATE, "compare_left", "w_compare_left"),
    (session.DATE2, "compare_right", "w_compare_right"),
)
columns = st.columns(2)
for column, (state_key, label_key, widget_key) in zip(columns, sides, strict=True):
    with column:
        st.session_state[widget_key] = st.session_state[state_key]
        st.slider(
            t(label_key, lang),
            min_value=ATLAS_START,
            max_value=ATLAS_END,
            step=dt.timedelta(days=1),
            format="YYYY-MM-DD",
            key=widget_key,
            on_change=lambda k=state_key, w=widget_key: st.session_state.update(
                {k: st.session_state[w]}
            ),
        )
        day = st.session_state[state_key]
        st.markdown(f"### {format_date(day, lang)}")  # h3 under the page's h2 (heading order)
        mapview.show_map(
            atlas,
            day,
            st.session_state[session.LAYERS],
            lang,
            st.session_state[session.BASEMAP],
            key=f"map_{label_key}",
            height=560,
            returned=[],
            sync=True,
        )
session.sync_url(atlas, with_date2=True)
