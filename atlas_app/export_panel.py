"""The Export panel: an image of the current view, a timelapse, a standalone HTML atlas.

Formats, renderers, MIME types, extensions and limits come from the command line's registry
(:data:`layers.export.EXPORTS`). The renderers are imported when used, so the page works
while one is missing or broken. Nothing is rendered until asked: the files are made on
"Render" and kept for download.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from atlas_app import session
from atlas_app.page import plain
from layers.export import ANIMATION, EXPORTS, HTML, IMAGE, MIN_SIDE, STEPS, formats
from layers.i18n import NNBSP, decimal, t
from layers.model import ATLAS_END, ATLAS_START, Atlas

RESULT = "atlas_export_result"
DPIS = (72, 100, 150, 200, 300)


OPEN = "export_open"  # the expander's state: its widgets exist only while it is open


def export_panel(atlas: Atlas, lang: str) -> None:
    """The expander with the three exports. Closed, it holds nothing: its dozen widgets would
    otherwise be drawn on every page load and redrawn by the browser at every date step."""
    panel = st.expander(t("export", lang), key=OPEN, on_change="rerun")
    if not panel.open:
        return
    with panel:
        image, timelapse, html = st.tabs(
            [t("export_image", lang), t("export_timelapse", lang), t("export_html", lang)]
        )
        with image:
            image_tab(atlas, lang)
        with timelapse:
            timelapse_tab(atlas, lang)
        with html:
            html_tab(atlas, lang)


def export_bounds() -> tuple[float, float, float, float] | None:
    """(W, S, E, N) of the main map's current view, kept within the world; None before one."""
    bounds = st.session_state.get(session.BOUNDS)
    if not bounds:
        return None
    west, south, east, north = bounds
    west, east = max(-180.0, west), min(180.0, east)
    south, north = max(-85.0, south), min(85.0, north)
    return (west, south, east, north) if west < east and south < north else None


def bounds_text(bounds: tuple[float, float, float, float], lang: str) -> str:
    """``110.5°E – 145.2°E, 30.0°N – 55.1°N``; in French ``110,5°E – 145,2°E ; 30,0°N – …``
    (decimal commas, ``O`` for west)."""
    west, south, east, north = bounds
    letters = {"E": "E", "W": "O" if lang == "fr" else "W", "N": "N", "S": "S"}

    def degrees(value: float, positive: str, negative: str) -> str:
        letter = letters[positive if value >= 0 else negative]
        return f"{decimal(abs(value), lang)}°{letter}"

    lon = f"{degrees(west, 'E', 'W')} – {degrees(east, 'E', 'W')}"
    lat = f"{degrees(south, 'N', 'S')} – {degrees(north, 'N', 'S')}"
    return f"{lon}{NNBSP}; {lat}" if lang == "fr" else f"{lon}, {lat}"


def image_tab(atlas: Atlas, lang: str) -> None:
    fmt_col, width_col, height_col, dpi_col = st.columns(4)
    fmt = fmt_col.radio(
        t("export_format", lang), formats(IMAGE), format_func=str.upper, key="image_fmt"
    )
    side = EXPORTS[fmt].max_side
    width = width_col.number_input(
        t("export_width", lang), MIN_SIDE, side, 1600, step=100, key="image_width"
    )
    height = height_col.number_input(
        t("export_height", lang), MIN_SIDE, side, 1000, step=100, key="image_height"
    )
    dpi = dpi_col.select_slider(t("export_dpi", lang), DPIS, value=150, key="image_dpi")
    bounds = export_bounds()
    if bounds:
        st.caption(plain(t("export_area_view", lang, bounds=bounds_text(bounds, lang))))
    else:
        st.caption(t("export_area_default", lang))
    if st.button(t("export_render", lang), key="export_image"):
        day = st.session_state[session.DATE]
        _run(
            "image",
            fmt,
            f"atlas_{day}_{lang}",
            lang,
            atlas,
            day,
            _layer_ids(atlas),
            bounds=bounds,
            lang=lang,
            fmt=fmt,
            width=int(width),
            height=int(height),
            dpi=dpi,
        )
    _download("image", lang)


def timelapse_tab(atlas: Atlas, lang: str) -> None:
    day = st.session_state[session.DATE]
    start_col, end_col, step_col, fmt_col = st.columns(4)
    start = start_col.date_input(
        t("export_from", lang), day, ATLAS_START, ATLAS_END, key="timelapse_from"
    )
    default_end = min(ATLAS_END, day + dt.timedelta(days=60))
    end = end_col.date_input(
        t("export_to", lang), default_end, ATLAS_START, ATLAS_END, key="timelapse_to"
    )
    step = step_col.radio(
        t("export_step", lang),
        STEPS,
        index=STEPS.index("week"),
        format_func=lambda s: t(f"step_{s}", lang),
        key="timelapse_step",
    )
    offered = [name for name in formats(ANIMATION) if EXPORTS[name].available()]
    fmt = fmt_col.radio(
        t("export_format", lang), offered, format_func=str.upper, key="timelapse_fmt"
    )
    if len(offered) < len(formats(ANIMATION)):
        fmt_col.caption(t("export_no_ffmpeg", lang))
    if st.button(t("export_render", lang), key="export_timelapse"):
        if end <= start:
            st.warning(t("export_bad_range", lang))
        else:
            bar = st.progress(0.0)

            def progress(i: int, n: int) -> None:
                bar.progress(min(1.0, i / max(n, 1)), text=t("export_progress", lang, i=i, n=n))

            _run(
                "timelapse",
                fmt,
                f"atlas_{start}_{end}_{step}_{lang}",
                lang,
                atlas,
                start,
                end,
                step,
                _layer_ids(atlas),
                bounds=export_bounds(),
                lang=lang,
                fmt=fmt,
                progress=progress,
            )
            bar.empty()
    _download("timelapse", lang)


def html_tab(atlas: Atlas, lang: str) -> None:
    st.caption(t("export_html_help", lang))
    if st.button(t("export_render", lang), key="export_html"):
        _run(
            "html",
            formats(HTML)[0],
            f"neutrality_pact_atlas_{lang}",
            lang,
            atlas,
            lang=lang,
            layer_ids=_layer_ids(atlas),
        )
    _download("html", lang)


def _layer_ids(atlas: Atlas) -> list[str]:
    known = set(atlas.layers) | {"events"}
    return [i for i in st.session_state[session.LAYERS] if i in known]


def _run(kind: str, fmt: str, stem: str, ui_lang: str, /, *args, **kwargs):
    """Call the renderer of ``fmt`` (imported now), keep its output for the download button
    as ``stem`` with the format's extension."""
    export = EXPORTS[fmt]
    try:
        render = export.render_function()
    except (ImportError, AttributeError) as exc:
        st.info(t("export_unavailable", ui_lang, error=f"{export.renderer}: {exc}"))
        return
    try:
        with st.spinner(t("export_render", ui_lang) + "…"):
            data = render(*args, **kwargs)
    except Exception as exc:  # a renderer's failure must not take the page down
        st.error(plain(t("export_failed", ui_lang, error=exc)))
        return
    if isinstance(data, str):
        data = data.encode("utf-8")
    results = st.session_state.setdefault(RESULT, {})
    results[kind] = (f"{stem}.{export.extension}", data, export.mime)


def _download(kind: str, lang: str) -> None:
    result = st.session_state.get(RESULT, {}).get(kind)
    if result is None:
        return
    file_name, data, mime = result
    st.download_button(
        t("export_download", lang, name=file_name),
        data=data,
        file_name=file_name,
        mime=mime,
        key=f"download_{kind}",
        on_click="ignore",
    )
