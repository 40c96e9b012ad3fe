"""The Neutrality Pact atlas: East Asia 1939–1946, day by day.

Started by ``python -m atlas_app`` (``streamlit run app.py`` that warms the atlas up while
the server starts: ``atlas_app/__main__.py``); ``streamlit run app.py`` works too."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from atlas_app import controls, livemap, page, panels, session
from atlas_app.export_panel import export_panel
from layers.i18n import t
from layers.model import Atlas
from layers.style import PLAY_STEP_DAYS

MAP_KEY = "atlas_live_map"
LAYOUT_CSS = Path(__file__).parent / "atlas_app" / "layout.css"


def live_section(atlas: Atlas, lang: str) -> None:
    """Map, events and notes: a fragment, so a date settled in the map reruns only this part
    of the page. The map draws every date itself (its time control: drag, keys, steps,
    play); the server hears of the date when the user stops. The controls above it (a date
    to go to, week and month steps, the event picker, the speed) show no date of their own,
    so they stay out of the fragment and a settled date does not send them again."""

    @st.fragment
    def live() -> None:
        with st.container(key="atlas_map"):
            day = st.session_state[session.DATE]
            layer_ids = st.session_state[session.LAYERS]
            result = livemap.show_live_map(
                atlas,
                day,
                layer_ids,
                lang,
                st.session_state[session.BASEMAP],
                key=MAP_KEY,
                view=session.mount_view(),
                play_step=st.session_state.get(controls.SPEED, PLAY_STEP_DAYS),
            )
            session.remember_view(result)
        panels.events_panel(atlas, day, lang, on_jump=session.set_date)
        panels.territory_notes(atlas, day, layer_ids, lang)
        session.sync_url(atlas)

    live()


atlas = page.setup_page("app_title", map_page=True)
lang = session.lang()
st.html(f"<style>{LAYOUT_CSS.read_text(encoding='utf-8')}</style>")
panels.problems_panel(atlas, lang)
controls.date_controls(atlas, lang)
live_section(atlas, lang)
controls.sidebar(atlas, lang)
st.caption(t("app_subtitle", lang))
export_panel(atlas, lang)
