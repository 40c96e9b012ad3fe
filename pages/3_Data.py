"""Data: the attributes of what is shown on the date, downloads, and your own layers."""

from __future__ import annotations

import logging
from functools import partial

import streamlit as st

from atlas_app import controls, state
from atlas_app.data_tables import attribute_table, events_csv, snapshot_geojson
from atlas_app.state import plain
from layers.i18n import format_date, t
from layers.model import snapshot
from layers.user_layers import read_upload
from layers.validate import Problem

MAX_PROBLEMS_SHOWN = 500  # an upload's problems listed on the page (all are counted)

atlas = state.setup_page("data_title")
lang = state.lang()
state.link_to_atlas()

controls.date_slider(lang, key="w_data_date")
day = st.session_state[state.DATE]
st.caption(t("data_intro", lang, date=format_date(day, lang)))

tables = st.container()  # filled last, so a layer uploaded below shows at once

st.divider()
st.subheader(t("user_layers", lang))
st.caption(t("upload_note", lang))


def show_problems(problems: list, total: int, file_name: str, rejected: bool) -> None:
    """Problems of an upload: where (feature, field) and what, in a table (the first ones)."""
    key = "upload_rejected" if rejected else "upload_problems"
    text = t(key, lang, count=total, file=file_name)
    (st.error if rejected else st.warning)(plain(text))
    st.dataframe(
        [
            {"feature": p.feature, "field": p.field, "problem": p.message, "severity": p.severity}
            for p in problems
        ],
        hide_index=True,
        width="stretch",
    )


def read_uploaded(upload) -> tuple[str | None, int, list[Problem], int]:
    """The upload read into the session: (layer id or None, features, problems shown, problems
    in all). The page boundary: whatever goes wrong is logged, and the visitor is told the file
    could not be read, without details of the server."""
    try:
        data = upload.getvalue()
        layer, problems = read_upload(upload.name, data)
        if layer is not None:
            state.add_user_layer(layer, data)
    except Exception:
        logging.getLogger(__name__).exception("reading an upload failed")
        layer, problems = None, [Problem(upload.name, "", "file", "could not be read")]
    summary = (layer.spec.id, len(layer.frame)) if layer is not None else (None, 0)
    return (*summary, problems[:MAX_PROBLEMS_SHOWN], len(problems))


upload = st.file_uploader(
    t("upload_label", lang), type=["geojson", "json", "zip"], key="data_upload"
)
if upload is not None:
    done = st.session_state.setdefault("_uploads_read", {})
    if upload.file_id not in done:
        done.clear()  # only the latest upload's report is kept
        done[upload.file_id] = read_uploaded(upload)
    layer_id, count, problems, total = done[upload.file_id]
    if layer_id:
        st.success(plain(t("upload_added", lang, name=upload.name, count=count)))
    if problems:
        show_problems(problems, total, upload.name, rejected=layer_id is None)

for layer in state.user_layers():
    name, remove = st.columns([4, 1], vertical_alignment="center")
    name.markdown(f"**{plain(layer.spec.title(lang))}** · {len(layer.frame)}")
    remove.button(
        t("remove", lang),
        key=f"remove_{layer.spec.id}",
        on_click=state.remove_user_layer,
        args=(layer.spec.id,),
    )
atlas = state.session_atlas()
with tables:
    layer_ids = [i for i in st.session_state[state.LAYERS] if i in atlas.layers]
    shown = snapshot(atlas, day, layer_ids)
    left, right = st.columns(2)
    left.download_button(
        t("download_geojson", lang),
        data=partial(snapshot_geojson, atlas, day, layer_ids),  # made when clicked
        file_name=f"atlas_{day}.geojson",
        mime="application/geo+json",
        on_click="ignore",
    )
    right.download_button(
        t("download_events", lang),
        data=partial(events_csv, atlas),
        file_name="atlas_events.csv",
        mime="text/csv",
        on_click="ignore",
    )
    for layer_id, frame in shown.items():
        layer = atlas.layers[layer_id]
        with st.expander(f"{plain(layer.spec.title(lang))} ({len(frame)})", expanded=False):
            if frame.empty:
                st.caption(t("no_features", lang))
            else:
                st.dataframe(attribute_table(frame), hide_index=True, width="stretch")
state.sync_url(atlas)
