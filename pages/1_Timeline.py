"""Timeline: every event in order, and a Gantt chart of when each territory held."""

from __future__ import annotations

import datetime as dt
from functools import partial

import altair as alt
import pandas as pd
import streamlit as st

from atlas_app import page, session
from atlas_app.timeline import event_table, territory_spans
from layers.i18n import format_date, t, vega_locale
from layers.style import TEXT

atlas = page.setup_page("timeline_title")
lang = session.lang()
st.caption(t("timeline_intro", lang))
st.info(t("atlas_date", lang, date=format_date(st.session_state[session.DATE], lang)))
page.link_to_atlas()


def select_event(days: list[dt.date]) -> None:
    """A row picked in the event table sets the atlas date."""
    rows = st.session_state["timeline_table"].selection.rows
    if rows:
        session.set_date(days[rows[0]])


def select_bar() -> None:
    """A bar clicked in the chart sets the atlas date to when that state began."""
    chosen = st.session_state["timeline_gantt"].selection.get("bar") or []
    if chosen and chosen[0].get("start_iso"):
        session.set_date(dt.date.fromisoformat(chosen[0]["start_iso"]))


st.subheader(t("timeline_events", lang))
events = event_table(atlas, lang)
st.dataframe(
    events.drop(columns=["id", "day"]),
    hide_index=True,
    width="stretch",
    height=360,
    on_select=partial(select_event, list(events["day"])),
    selection_mode="single-row",
    key="timeline_table",
    column_config={
        "date": t("col_date", lang),
        "title": st.column_config.TextColumn(t("col_title", lang), width="large"),
        "time": st.column_config.TextColumn(t("col_time", lang), help=t("col_time_help", lang)),
        "importance": st.column_config.NumberColumn(
            t("col_importance", lang), help=t("col_importance_help", lang), format="%d"
        ),
    },
)
pick, go = st.columns([4, 1], vertical_alignment="bottom")
labels = dict(zip(events["id"], events["date"] + " — " + events["title"], strict=True))
if st.session_state.get("timeline_pick") not in labels:  # first visit: the next event
    upcoming = events.index[events["day"] >= st.session_state[session.DATE]]
    st.session_state["timeline_pick"] = events["id"].iloc[int(upcoming[0]) if len(upcoming) else 0]
chosen = pick.selectbox(  # no default that follows the date: the pick stays what was picked
    t("jump_to_event", lang), list(labels), format_func=labels.get, key="timeline_pick"
)
if go.button(t("show_on_atlas", lang), key="timeline_go", width="stretch"):
    session.set_date(events.loc[events["id"] == chosen, "day"].iloc[0])
    st.switch_page("app.py")

st.subheader(t("timeline_gantt", lang))
spans = territory_spans(atlas, lang)
if not spans.empty:
    bar = alt.selection_point(name="bar", fields=["start_iso"], on="click")
    colours = spans.sort_values("order", kind="stable").drop_duplicates("legend")
    base = alt.Chart(spans).encode(
        y=alt.Y(
            "name:N",
            sort=list(dict.fromkeys(spans["name"])),
            title=None,
            axis=alt.Axis(labelLimit=340),
        ),
    )
    bars = (
        base.mark_bar(height=14)
        .encode(
            x=alt.X("start:T", title=None),
            x2="end:T",
            color=alt.Color(
                "legend:N",
                scale=alt.Scale(domain=list(colours["legend"]), range=list(colours["fill"])),
                legend=alt.Legend(
                    title=None,
                    orient="bottom",
                    columns=2,
                    labelLimit=360,
                    symbolType="square",
                    symbolSize=170,
                    symbolStrokeWidth=0.8,
                ),
            ),
            stroke=alt.Stroke(
                "legend:N",
                scale=alt.Scale(domain=list(colours["legend"]), range=list(colours["stroke"])),
                legend=None,
            ),
            strokeDash=alt.condition(alt.datum.dash != "", alt.value([4, 2]), alt.value([1, 0])),
            strokeWidth=alt.value(1.2),
            opacity=alt.condition(bar, alt.value(1.0), alt.value(0.75)),
            tooltip=[
                alt.Tooltip("name:N", title=t("col_feature", lang)),
                alt.Tooltip("layer:N", title=t("col_layer", lang)),
                alt.Tooltip("legend:N", title=t("status", lang)),
                alt.Tooltip("start_text:N", title=t("col_from", lang)),
                alt.Tooltip("end_text:N", title=t("col_to", lang)),
            ],
        )
        .add_params(bar)
    )
    today = pd.DataFrame({"day": [pd.Timestamp(st.session_state[session.DATE])]})
    rule = alt.Chart(today).mark_rule(color=TEXT, strokeDash=[4, 3]).encode(x="day:T")
    chart = (bars + rule).properties(height=alt.Step(20))
    if vega_locale(lang):  # French months on the time axis ("juillet", not "July")
        chart = chart.configure(locale=vega_locale(lang))
    chart = chart.configure_axis(labelColor=TEXT).configure_legend(labelColor=TEXT)
    st.altair_chart(
        chart,
        width="stretch",
        on_select=select_bar,
        selection_mode=["bar"],
        key="timeline_gantt",
    )
session.sync_url(atlas)
