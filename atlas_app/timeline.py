"""Tables for the Timeline page: events in order, and the spans of every territory feature."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from layers.eventtext import describe_time
from layers.i18n import controller_label, format_date, localised, status_label
from layers.map_features import feature_rows
from layers.model import ATLAS_END, Atlas
from layers.style import LegendEntry, apparent_colour, legend_order, territory_style


def event_table(atlas: Atlas, lang: str) -> pd.DataFrame:
    """One row per event in date order: id, day, date, local time, title, importance."""
    rows = []
    for props, _ in feature_rows(atlas.events):
        day = dt.date.fromisoformat(props["date"])
        rows.append(
            {
                "id": props["id"],
                "day": day,
                "date": props["date"],
                "time": describe_time(props, lang) or "",
                "title": localised(props, "title", lang),
                "importance": props.get("importance"),
            }
        )
    columns = ["id", "day", "date", "time", "title", "importance"]
    return pd.DataFrame(rows, columns=columns).sort_values(["date", "id"], ignore_index=True)


def territory_spans(atlas: Atlas, lang: str) -> pd.DataFrame:
    """One row per territory feature: when it held, under whom, and its look on the map
    (fill as seen over the land, outline colour and dash) and its place in the legend's order."""
    rows = []
    for spec in atlas.specs():
        if spec.kind != "territory":
            continue
        for props, _ in feature_rows(atlas.layers[spec.id].frame):
            start = dt.date.fromisoformat(props["valid_from"])
            end = dt.date.fromisoformat(props["valid_to"]) if props.get("valid_to") else ATLAS_END
            controller, status = props.get("controller") or "", props.get("status") or ""
            look = territory_style(props)
            rows.append(
                {
                    "name": localised(props, "name", lang) or props["id"],
                    "layer": spec.title(lang),
                    "start": pd.Timestamp(start),
                    "end": pd.Timestamp(end),
                    "start_iso": start.isoformat(),
                    "start_text": format_date(start, lang),
                    "end_text": format_date(end, lang),
                    "key": f"{controller}:{status}",
                    "legend": f"{controller_label(controller, lang)} — "
                    f"{status_label(status, lang)}",
                    # as the map shows it: the fill at its opacity over the land colour
                    "fill": apparent_colour(look.fill, look.fill_opacity),
                    "stroke": look.stroke,
                    "dash": look.dash or "",
                }
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    order = {key: i for i, key in enumerate(_legend_keys(atlas))}
    return frame.assign(order=frame["key"].map(order))


def _legend_keys(atlas: Atlas) -> list[str]:
    """Every (controller, status) of the territories, in the legend's order."""
    pairs = set()
    for spec in atlas.specs():
        if spec.kind == "territory":
            frame = atlas.layers[spec.id].frame
            if {"controller", "status"} <= set(frame.columns):  # a broken layer has neither
                pairs |= set(zip(frame["controller"], frame["status"], strict=True))
    entries = [LegendEntry(f"{c}:{s}", "", "area", "", "") for c, s in pairs]
    return [e.key for e in sorted(entries, key=legend_order)]
