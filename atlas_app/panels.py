"""Panels beside and below the map: events of the date, territory notes, data problems."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from atlas_app import session
from atlas_app.page import plain
from layers import render
from layers.eventtext import describe_time, escape, source_html
from layers.i18n import colon, controller_label, format_date, localised, status_label, t
from layers.loading import geodata_folder
from layers.map_features import feature_rows, nearby_events
from layers.model import Atlas, snapshot, state_key
from layers.style import COAST, LAND, TEXT


def relative_text(offset: int, lang: str) -> str:
    """Like "3 days before" or "1 day after" (``offset``: days from the date shown)."""
    if offset == 0:
        return t("on_this_date", lang)
    n = abs(offset)
    if offset < 0:
        return t("day_before", lang) if n == 1 else t("days_before", lang, n=n)
    return t("day_after", lang) if n == 1 else t("days_after", lang, n=n)


def events_panel(atlas: Atlas, day: dt.date, lang: str, on_jump) -> None:
    """Events on the date and within 30 days of it, nearest first, with a button to go to
    each. The cards are one block of HTML: a date step costs the page one element, not
    a hundred."""
    st.subheader(t("events_panel", lang))
    with st.container(key="atlas_events_date"):
        st.caption(t("events_dated", lang, date=format_date(day, lang)))
    found = nearby_events(atlas, day)
    if not found:
        st.caption(t("no_events", lang))
        return
    st.html(events_html(found, lang))
    others = {e["id"]: e for e in found if not e["on_day"]}
    if not others:
        return

    def jump() -> None:
        chosen = others.get(st.session_state.get("w_go_event"))
        if chosen is not None:
            on_jump(dt.date.fromisoformat(chosen["date"]))
        st.session_state["w_go_event"] = None

    st.pills(
        t("go_to", lang),
        list(others),
        format_func=lambda event_id: _short_label(others[event_id], lang),
        key="w_go_event",
        on_change=jump,
    )


def events_html(events: list[dict], lang: str) -> str:
    """The event cards, on the date first and then around it: all text from data escaped,
    only http(s) links."""
    parts = [f"<style>{CARDS_CSS}</style>"]
    for heading, on_day in (("on_this_date", True), ("around_this_date", False)):
        cards = [card_html(e, lang) for e in events if e["on_day"] == on_day]
        if cards:
            parts.append(f'<div class="atlas-cards-title">{escape(t(heading, lang))}</div>')
            parts.append(f'<div class="atlas-cards">{"".join(cards)}</div>')
    return "".join(parts)


def card_html(event: dict, lang: str) -> str:
    """One event: title, date, times across zones; its text shown on its date and folded
    away (with the notes and sources) around it."""
    first = dt.date.fromisoformat(event["date"])
    when = format_date(first, lang)
    if event.get("date_end"):
        when += f" – {format_date(dt.date.fromisoformat(event['date_end']), lang)}"
    meta = [escape(when), f"<i>{escape(relative_text(int(event['offset']), lang))}</i>"]
    if event.get("uncertain"):
        meta.append(escape(t("uncertain", lang)))
    lines = [
        f"<b>{escape(localised(event, 'title', lang))}</b>",
        f'<div class="meta">{" · ".join(meta)}</div>',
    ]
    time_text = describe_time(event, lang)
    if time_text:
        label = colon(t("col_time", lang), lang)
        lines.append(f'<div class="meta">{escape(label)} {escape(time_text)}</div>')
    text = f"<p>{escape(localised(event, 'text', lang))}</p>"
    folded = [] if event["on_day"] else [text]
    notes = localised(event, "notes", lang)
    if notes:
        folded.append(f"<p><i>{escape(notes)}</i></p>")
    sources = event.get("sources")
    if isinstance(sources, (list, tuple)) and sources:
        items = "".join(f"<li>{source_html(str(source), lang)}</li>" for source in sources)
        folded.append(f"{escape(t('sources', lang))}<ul>{items}</ul>")
    if event["on_day"]:
        lines.append(text)
    if folded:
        label = t("notes_sources" if event["on_day"] else "details", lang)
        lines.append(f"<details><summary>{escape(label)}</summary>{''.join(folded)}</details>")
    css = "atlas-card today" if event["on_day"] else "atlas-card"
    return f'<div class="{css}">{"".join(lines)}</div>'


def _short_label(event: dict, lang: str) -> str:
    day = dt.date.fromisoformat(event["date"])
    return f"{format_date(day, lang)} — {localised(event, 'title', lang)}"


CARDS_CSS = f"""
.atlas-cards-title {{ font-weight: bold; margin: .4rem 0 .3rem; }}
.atlas-cards {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(270px, 1fr));
  gap: .6rem; margin-bottom: .6rem; }}
.atlas-card {{ border: 1px solid {COAST}; border-radius: .5rem; padding: .5rem .75rem;
  background: {LAND}99; line-height: 1.4; }}
.atlas-card.today {{ border: 2px solid {TEXT}; }}
.atlas-card .meta {{ font-size: .88rem; opacity: .85; }}
.atlas-card p {{ margin: .35rem 0; }}
.atlas-card summary {{ cursor: pointer; font-size: .88rem; margin-top: .25rem; }}
.atlas-card ul {{ margin: .2rem 0; padding-left: 1.1rem; font-size: .88rem; }}
"""


NOTES_OPEN = "w_territory_notes"  # the expander's state: its text is made only while open


def territory_notes(atlas: Atlas, day: dt.date, layer_ids: list[str], lang: str) -> None:
    """The territories drawn on the date, with status, controller and notes, in an expander
    that holds them only while open: closed, the page neither sends nor draws them (a long
    Markdown text, otherwise rendered at every page load and every date step)."""
    panel = st.expander(t("territory_notes", lang), key=NOTES_OPEN, on_change="rerun")
    if not panel.open:
        return
    ids = [s.id for s in render.drawn_specs(atlas, layer_ids) if s.kind == "territory"]
    key = state_key(atlas, day, ids)
    with panel:
        if atlas.user_layer_ids:  # this session's uploads: its own bounded cache
            notes = session.session_cache("_territory_notes")
            text = notes.get((session.atlas_token(), key, lang))
            if text is None:
                text = territory_markdown(atlas, day, key, lang)
                notes.put((session.atlas_token(), key, lang), text)
        else:
            text = _territory_markdown(atlas, day, str(geodata_folder()), key, lang)
        st.markdown(text)


@st.cache_data(max_entries=500, show_spinner=False)
def _territory_markdown(_atlas: Atlas, _day: dt.date, token: str, key: tuple, lang: str) -> str:
    """:func:`territory_markdown` made once per state of the shipped data (``token``)."""
    return territory_markdown(_atlas, _day, key, lang)


def territory_markdown(atlas: Atlas, day: dt.date, key: tuple, lang: str) -> str:
    """The territory notes of a state (equal ``key``: the same territories)."""
    ids = [layer_id for layer_id, *_ in key]
    parts = []
    for layer_id, frame in snapshot(atlas, day, ids).items():
        for props, _ in feature_rows(frame):
            name = localised(props, "name", lang) or props.get("id")
            status = status_label(props.get("status") or "", lang)
            controller = controller_label(props.get("controller") or "", lang)
            title = atlas.layers[layer_id].spec.title(lang)
            text = f"**{plain(name)}** — {plain(status)}, {plain(controller)} · {plain(title)}"
            notes = localised(props, "notes", lang)
            parts.append(f"{text}  \n_{plain(notes)}_" if notes else text)
    return "\n\n".join(parts)


def problems_panel(atlas: Atlas, lang: str) -> None:
    """A visible warning per layer that failed or lost features; every problem listed below."""
    listed = list(atlas.problems)
    for layer in atlas.layers.values():
        title = layer.spec.title(lang)
        errors = [p for p in layer.problems if p.severity == "error"]
        if layer.broken:
            st.warning(
                plain(t("layer_error", lang, layer=title, problem=str(errors[0]))),
                icon=":material/warning:",
            )
        elif errors:
            st.warning(
                plain(t("layer_partial", lang, layer=title, count=len(errors))),
                icon=":material/warning:",
            )
        listed += list(layer.problems)
    for problem in atlas.problems[:5]:
        st.warning(
            plain(t("catalogue_problem", lang, problem=str(problem))), icon=":material/warning:"
        )
    if listed:
        with st.expander(t("data_problems", lang, count=len(listed))):
            st.markdown("\n".join(f"- {plain(str(p))}" for p in listed))
