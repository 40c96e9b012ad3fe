"""One self-contained HTML file: the interactive map with its time control, no server, no network.

The map is the live map's: a folium map (:func:`layers.render.base_map`, the base geometry
inline) with the map engine added (:class:`layers.engine_element.AtlasEngine`, the same
engine, time control and look as the app's map), fed with :func:`layers.engine_data.engine_data`.
The page around it is a Jinja2 template (``layers/web/standalone.html.j2``) with its CSS
(``standalone.css``) and script (``standalone.js``: the layer switches, the events panel,
the title and the link's date), all package files. Leaflet is inlined from xstatic-leaflet.

Everything that comes from data reaches the page escaped: popups, tooltips, event texts and
the legend rows are built with :mod:`layers.html_parts`; plain strings go through
``textContent``. The JSON is made safe to embed in ``<script>`` (no ``</``, ``<!--`` or line
separators).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from layers import style
from layers.engine_data import engine_data, every_layer_id
from layers.engine_element import AtlasEngine, map_parts
from layers.eventtext import script_json
from layers.i18n import normalise_language, t
from layers.model import Atlas
from layers.render import base_map
from layers.static import EVENTS, check_layers

MAP_ID = "atlas"  # the Leaflet map's global is map_atlas, its <div> #map_atlas
WEB = resources.files("layers") / "web"
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FunctionLoader(lambda name: (WEB / name).read_text(encoding="utf-8")),
    autoescape=True,
    keep_trailing_newline=True,
)


def standalone_html(atlas: Atlas, *, lang: str = "en", layer_ids: list[str] | None = None) -> str:
    """The interactive map of the whole period as one HTML page that works from disk."""
    lang = normalise_language(lang)
    ids = _layer_ids(atlas, layer_ids)
    visible = [s.id for s in atlas.specs() if s.id in ids and s.visible] + [EVENTS]
    data = engine_data(atlas, lang, ids, visible=visible)
    m = base_map(atlas, lang, "atlas")
    m._id = MAP_ID
    m.default_js, m.default_css = [], []  # Leaflet is inlined by the page
    AtlasEngine({"element": "atlas-data"}, {"dateFromHash": True}).add_to(m)
    return _page(data, map_parts(m), atlas, ids, lang)


def _layer_ids(atlas: Atlas, layer_ids: Iterable[str] | None) -> list[str]:
    """Every layer by default (the page can switch them), else the checked ids."""
    if layer_ids is None:
        return every_layer_id(atlas)
    return check_layers(atlas, layer_ids)


def _texts(lang: str) -> dict:
    """The page's words for its events panel and title (plain text)."""
    return {
        "title": t("title_on", lang, date="{date}"),
        "onTitle": t("on_this_date", lang),
        "aroundTitle": t("around_this_date", lang),
        "noEvents": t("no_events", lang),
        "dayBefore": t("day_before", lang),
        "daysBefore": t("days_before", lang, n="{n}"),
        "dayAfter": t("day_after", lang),
        "daysAfter": t("days_after", lang, n="{n}"),
    }


def _leaflet() -> tuple[str, str]:
    """Leaflet's CSS and JavaScript, from xstatic-leaflet.

    The CSS's images (layer switcher and default marker icons, which this page does not use)
    are dropped, so that nothing is ever fetched.
    """
    from xstatic.pkg import leaflet

    folder = Path(leaflet.BASE_DIR)
    css = (folder / "leaflet.css").read_text(encoding="utf-8")
    css = re.sub(r"url\(images/[\w.-]+\)", "none", css)
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    return _inert(css, "style"), _inert(js, "script")


def _inert(text: str, tag: str) -> str:
    """Code that cannot close its own ``<style>``/``<script>`` element early."""
    return re.sub(f"</(?={tag})", "<\\/", text, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def _page(data: dict, parts, atlas: Atlas, ids: list[str], lang: str) -> str:
    leaflet_css, leaflet_js = _leaflet()
    layers = [
        {"id": s.id, "title": s.title(lang), "checked": bool(s.visible)}
        for s in atlas.specs()
        if s.id in ids and s.kind != "base"
    ]
    if EVENTS in ids:
        layers.append({"id": EVENTS, "title": t("events_panel", lang), "checked": True})
    colours = {
        "land": style.LAND,
        "coast": style.COAST,
        "grid": style.GRATICULE,
        "text": style.TEXT,
    }
    css = _TEMPLATES.get_template("standalone.css").render(colours=colours)
    page_js = (WEB / "standalone.js").read_text(encoding="utf-8")
    return _TEMPLATES.get_template("standalone.html.j2").render(
        lang=lang,
        title=t("app_title", lang),
        subtitle=t("app_subtitle", lang),
        labels={key: t(key, lang) for key in ("layers", "events_panel")},
        layers=layers,
        leaflet_css=Markup(leaflet_css),
        map_css=Markup(_inert(parts.css, "style")),
        css=Markup(_inert(css, "style")),
        map_html=Markup(parts.html),
        data=Markup(script_json(data)),
        page_text=Markup(script_json(_texts(lang))),
        leaflet_js=Markup(leaflet_js),
        map_js=Markup(_inert(parts.script, "script")),
        page_js=Markup(_inert(page_js, "script")),
        map_name=parts.map_name,
    )
