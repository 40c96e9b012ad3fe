"""Data: the attributes of what is shown on the date, downloads, and your own layers."""

from __future__ import annotations

import json
import logging
from functools import partial
from pathlib import Path

import streamlit as st

from atlas_app import controls, page, session
from atlas_app.data_tables import attribute_table, events_csv, snapshot_geojson
from atlas_app.page import plain
from layers.i18n import format_date, t
from layers.model import snapshot
from layers.user_layers import read_upload
from layers.validate import Problem

MAX_PROBLEMS_SHOWN = 500  # an upload's problems listed on the page (all are counted)

atlas = page.setup_page("data_title")
lang = session.lang()
page.link_to_atlas()

controls.date_slider(lang, key="w_data_date")
day = st.session_state[session.DATE]
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
        column_config={
            "feature": t("col_feature_id", lang),
            "field": t("col_field", lang),
            "problem": t("col_problem", lang),
            "severity": t("col_severity", lang),
        },
    )


def read_uploaded(upload) -> tuple[str | None, int, list[Problem], int]:
    """The upload read into the session: (layer id or None, features, problems shown, problems
    in all). The page boundary: whatever goes wrong is logged, and the visitor is told the file
    could not be read, without details of the server."""
    try:
        data = upload.getvalue()
        layer, problems = read_upload(upload.name, data)
        if layer is not None:
            session.add_user_layer(layer, data)
    except Exception:
        logging.getLogger(__name__).exception("reading an upload failed")
        layer, problems = None, [Problem(upload.name, "", "file", "could not be read")]
    summary = (layer.spec.id, len(layer.frame)) if layer is not None else (None, 0)
    return (*summary, problems[:MAX_PROBLEMS_SHOWN], len(problems))


UPLOAD_TYPES = ["geojson", "json", "zip"]


UPLOADER_JS = Path(__file__).resolve().parent.parent / "atlas_app" / "web" / "uploader.js"


def css_string(text: str) -> str:
    """``text`` as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def uploader_html(lang: str) -> str:
    """Streamlit writes the upload button, its size limit and its file input's name in
    English whatever the page's language. Outside English their text is hidden (and so out of
    the accessibility tree), the translation shown in its place as CSS generated text, and
    the button and input named in the language (``atlas_app/web/uploader.js``)."""
    size = st.get_option("server.maxUploadSize")
    limit = f"{t('upload_limit', lang, size=size)} • {', '.join(UPLOAD_TYPES).upper()}"
    names = {"button": t("upload_button", lang), "input": t("upload_label", lang)}
    script = UPLOADER_JS.read_text(encoding="utf-8")
    script += f"window.atlasLocaliseUploader({json.dumps(names, ensure_ascii=False)});"
    if lang == "en":
        return f"<script>{script}</script>"
    label = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]'
    notes = '[data-testid="stFileUploaderDropzoneInstructions"] > div'
    return (
        f"<style>{label} > p, {notes} > span {{ display: none; }}"
        f"{label}::after {{ content: {css_string(names['button'])}; }}"
        f"{notes}::after {{ content: {css_string(limit)}; font-size: .875rem; }}</style>"
        f"<script>{script}</script>"
    )


st.sidebar.html(uploader_html(lang), unsafe_allow_javascript=True)
upload = st.file_uploader(t("upload_label", lang), type=UPLOAD_TYPES, key="data_upload")
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

for layer in session.user_layers():
    name, remove = st.columns([4, 1], vertical_alignment="center")
    name.markdown(f"**{plain(layer.spec.title(lang))}** · {len(layer.frame)}")
    remove.button(
        t("remove", lang),
        key=f"remove_{layer.spec.id}",
        on_click=session.remove_user_layer,
        args=(layer.spec.id,),
    )
atlas = session.session_atlas()
with tables:
    layer_ids = [i for i in st.session_state[session.LAYERS] if i in atlas.layers]
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
session.sync_url(atlas)
