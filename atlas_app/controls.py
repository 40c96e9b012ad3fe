"""The main page's controls: layers and base map in the sidebar, the date and playback."""

from __future__ import annotations

import calendar
import datetime as dt

import streamlit as st

from atlas_app import page, session
from layers import render
from layers.i18n import format_date, localised, t
from layers.loading import geodata_folder
from layers.map_features import feature_rows
from layers.model import ATLAS_END, ATLAS_START, Atlas
from layers.style import PLAY_STEP_DAYS
from layers.urlstate import BASEMAPS, EVENTS_ID, clamp_date

SPEED = "atlas_speed"
SPEEDS = (1, 2, 7, 14, 30)  # days per step of the map's play button
STEPS = (  # (key, unit, amount): the buttons, left to right
    ("minus_month", "month", -1),
    ("minus_week", "day", -7),
    ("minus_day", "day", -1),
    ("plus_day", "day", 1),
    ("plus_week", "day", 7),
    ("plus_month", "month", 1),
)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the end of a shorter month and to the atlas."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return ATLAS_END if months > 0 else ATLAS_START
    last = calendar.monthrange(year, month)[1]
    return clamp_date(dt.date(year, month, min(day.day, last)))


def shift_date(day: dt.date, unit: str, amount: int) -> dt.date:
    """``day`` moved by ``amount`` days or months, kept in the atlas range."""
    if unit == "month":
        return add_months(day, amount)
    return clamp_date(day + dt.timedelta(days=amount))


def sidebar(atlas: Atlas, lang: str) -> None:
    """Layer toggles by the catalogue's groups, and the base map choice. A group is an
    expander that holds its layers' checkboxes only while open: closed, the first screen
    draws five titles instead of some forty checkboxes. A layer without a group (an upload)
    has its checkbox alone."""
    side = st.sidebar
    side.subheader(t("layers", lang))
    titles = {s.id: s.title(lang) for s in atlas.specs()} | {EVENTS_ID: t("events_layer", lang)}
    for group, title, layer_ids in layer_groups(atlas, lang):
        if group is None:
            _layer_checkbox(side, layer_ids[0], titles)
            continue
        panel = side.expander(page.plain(title), key=f"w_group_{group}", on_change="rerun")
        if panel.open:
            for layer_id in layer_ids:
                _layer_checkbox(panel, layer_id, titles)
    st.session_state["w_basemap"] = st.session_state[session.BASEMAP]
    side.radio(
        t("basemap", lang),
        BASEMAPS,
        format_func=lambda b: t("basemap_embedded" if b == "atlas" else f"basemap_{b}", lang),
        key="w_basemap",
        on_change=_copy,
        args=("w_basemap", session.BASEMAP),
    )
    if st.session_state[session.BASEMAP] != "atlas":
        side.caption(t("online_note", lang))


def layer_groups(atlas: Atlas, lang: str) -> list[tuple[str | None, str | None, list[str]]]:
    """The sidebar's list: ``(group, its title, layer ids)`` in draw order, each group where
    its first layer comes; ``(None, None, [layer id])`` for a layer without a group. The
    events come with their catalogue group (alone without one)."""
    specs = render.drawn_specs(atlas, list(atlas.layers))
    if atlas.events_spec is not None:
        specs.append(atlas.events_spec)
    listed: list[tuple[str | None, str | None, list[str]]] = []
    found: dict[str, list[str]] = {}
    for spec in specs:
        layer_id = EVENTS_ID if spec.kind == "event" else spec.id
        if spec.group is None:
            listed.append((None, None, [layer_id]))
        elif spec.group in found:
            found[spec.group].append(layer_id)
        else:
            found[spec.group] = [layer_id]
            listed.append((spec.group, spec.group_title(lang), found[spec.group]))
    if atlas.events_spec is None:
        listed.append((None, None, [EVENTS_ID]))
    return listed


def _layer_checkbox(parent, layer_id: str, titles: dict[str, str]) -> None:
    key = f"w_layer_{layer_id}"
    st.session_state[key] = layer_id in st.session_state[session.LAYERS]
    parent.checkbox(
        page.plain(titles[layer_id]), key=key, on_change=_toggle_layer, args=(layer_id, key)
    )


def date_slider(
    lang: str, key: str = "w_date", width: int | str = "stretch", label: str = "visible"
) -> None:
    """The atlas date slider (one day a step), bound to the date shared by every page."""
    st.session_state[key] = st.session_state[session.DATE]
    st.slider(
        t("date", lang),
        min_value=ATLAS_START,
        max_value=ATLAS_END,
        step=dt.timedelta(days=1),
        format="YYYY-MM-DD",
        key=key,
        on_change=lambda: session.set_date(st.session_state[key]),
        width=width,
        label_visibility=label,
    )


def date_controls(atlas: Atlas, lang: str) -> None:
    """One compact row above the map, beside the time control inside it (which drags, steps
    by days and events, and plays): a date to go to, week and month steps, the event picker
    and, folded in a popover, the playback speed. None of them shows the date (the map
    does), so none goes stale while the map moves it. The row wraps on a narrow screen
    (layout: atlas_app/layout.css)."""
    row = st.container(horizontal=True, vertical_alignment="center", key="atlas_controls")
    with row:
        date_input(lang)
        with st.container(horizontal=True, gap="xsmall", width="content", key="atlas_steps"):
            step_buttons(lang, units=("month", "week"))
        with st.container(width=225, key="atlas_jump"):  # the French placeholder fits whole
            event_picker(atlas, lang, label="collapsed")
        with st.popover(t("more_controls", lang), key="atlas_more"):
            # On a phone the week and month steps fold in here (atlas_app/layout.css).
            with st.container(horizontal=True, gap="xsmall", key="atlas_more_steps"):
                step_buttons(lang, prefix="b_more_", units=("month", "week"))
            st.session_state["w_speed"] = st.session_state.get(SPEED, PLAY_STEP_DAYS)
            st.select_slider(
                t("speed", lang),
                SPEEDS,
                format_func=lambda n: t("one_day" if n == 1 else "n_days", lang, n=n),
                key="w_speed",
                on_change=_copy,
                args=("w_speed", SPEED),
            )


def date_input(lang: str, key: str = "w_date") -> None:
    """A date to go to, typed or picked; empty again once the atlas has gone there."""

    def go() -> None:
        chosen = st.session_state.get(key)
        if isinstance(chosen, dt.date):
            session.set_date(chosen)
        st.session_state[key] = None

    st.date_input(
        t("go_to_date", lang),
        value=None,
        min_value=ATLAS_START,
        max_value=ATLAS_END,
        format="YYYY-MM-DD",
        key=key,
        on_change=go,
        width=150,
        label_visibility="collapsed",
    )


def step_buttons(lang: str, prefix: str = "b_", units: tuple[str, ...] = ()) -> None:
    """The step buttons (those of ``units`` only, when given: "day", "week", "month")."""
    for label, unit, amount in STEPS:
        kind = "week" if unit == "day" and abs(amount) == 7 else unit
        if units and kind not in units:
            continue
        st.button(
            t(label, lang),
            key=f"{prefix}{label}",
            on_click=lambda u=unit, a=amount: session.set_date(
                shift_date(st.session_state[session.DATE], u, a)
            ),
        )


def event_picker(atlas: Atlas, lang: str, label: str = "visible") -> None:
    """A selectbox of every event: choosing one moves the date to it."""
    labels = _event_labels(atlas, str(geodata_folder()), lang)

    def jump() -> None:
        chosen = st.session_state.get("w_jump")
        if chosen in labels:
            session.set_date(labels[chosen][1])
        st.session_state["w_jump"] = None

    st.selectbox(
        t("jump_to_event", lang),
        list(labels),
        index=None,
        format_func=lambda event_id: labels[event_id][0],
        placeholder=t("jump_to_event", lang),
        key="w_jump",
        on_change=jump,
        label_visibility=label,
    )


@st.cache_data(show_spinner=False)
def _event_labels(_atlas: Atlas, token: str, lang: str) -> dict[str, tuple[str, dt.date]]:
    """Event id → ("date — title", date), in date order."""
    labels = {}
    for props, _ in feature_rows(_atlas.events):
        day = dt.date.fromisoformat(props["date"])
        labels[props["id"]] = (f"{format_date(day, lang)} — {localised(props, 'title', lang)}", day)
    return labels


def _toggle_layer(layer_id: str, key: str) -> None:
    chosen = set(st.session_state[session.LAYERS])
    if st.session_state[key]:
        chosen.add(layer_id)
    else:
        chosen.discard(layer_id)
    order = [s.id for s in session.session_atlas().specs()] + [EVENTS_ID]
    st.session_state[session.LAYERS] = [i for i in order if i in chosen]


def _copy(widget_key: str, state_key: str) -> None:
    st.session_state[state_key] = st.session_state[widget_key]
