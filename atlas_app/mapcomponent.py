"""streamlit-folium's map component, fed with scripts that are rendered once.

``st_folium`` turns the whole map into JavaScript and reworks it with regular expressions on
every call, although the atlas's base map never changes and each feature group is cached per
state: 10–70 ms of every rerun on this map (with stored or inline geometry). Here the base
map's part of the component's arguments is made once per base map (:func:`mount`) and each
feature group's script once per group and slot (:func:`group_script`); a rerun only joins
cached strings (:func:`map_component`).

The front end is streamlit-folium's own and receives the arguments ``st_folium`` would send
(``tests/test_mapcomponent.py`` compares them), so the browser keeps the map mounted and
swaps the feature groups in place, as before. Only ``st_folium``'s ``on_change`` callback,
which copies the map's state to ``st.session_state[key]``, is left out: nothing reads it.
This leans on streamlit-folium's module-level helpers; ``requirements.txt`` bounds its
version and the test catches a change.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import folium
import folium.elements
import streamlit_folium as stf

_LOCK = threading.Lock()  # rendering renames elements in place: one rendering at a time


@dataclass(frozen=True)
class MountedMap:
    """The date-independent arguments of the map component, made once per base map."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    bounds: dict
    zoom: int | None


def mount(base: folium.Map) -> MountedMap:
    """Render ``base`` as streamlit-folium does for its first ``st_folium`` call.

    ``base`` must have no feature groups attached; it is renamed in place (its id becomes
    ``div``), as ``st_folium`` would rename it.
    """
    with _LOCK:
        base.render()  # as st_folium(..., render=False), the way the atlas has always called it
        html = stf._get_html(base)
        header = stf._get_header(base)
        script = stf._get_map_string(base)
        (south, west), (north, east) = base.get_bounds()
        elements = list(_walk(base))
        css_links = [href for e in elements for _, href in getattr(e, "default_css", [])]
        js_links = [src for e in elements for _, src in getattr(e, "default_js", [])]
        return MountedMap(
            script=script,
            header=header,
            html=html,
            map_id=stf.get_full_id(base),
            css_links=tuple(dict.fromkeys(css_links)),
            js_links=tuple(dict.fromkeys(js_links)),
            bounds={
                "_southWest": {"lat": south, "lng": west},
                "_northEast": {"lat": north, "lng": east},
            },
            zoom=base.options.get("zoom"),
        )


def group_script(group: folium.FeatureGroup, slot: int) -> str:
    """The script that adds ``group`` to the mounted map as feature group number ``slot``.

    It does not depend on the base map: streamlit-folium names the map ``map_div`` in every
    script, so the group is rendered on a scratch map of that name.
    """
    with _LOCK:
        scratch = folium.Map(tiles=None)
        scratch._id = "div"  # named map_div, as the mounted map is in every script
        try:
            return stf._get_feature_group_string(group, map=scratch, idx=slot)
        finally:
            group._parent = None


def map_component(
    mounted: MountedMap,
    group_scripts: Sequence[str],
    *,
    key: str,
    height: int,
    returned_objects: Sequence[str],
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> dict | None:
    """Show the map with these feature groups; returns what the map reports (its view).

    The arguments match ``st_folium(base, key=..., height=..., use_container_width=True,
    returned_objects=..., feature_group_to_add=groups, center=..., zoom=..., render=False)``.
    """
    defaults = {"bounds": mounted.bounds, "zoom": mounted.zoom}
    return stf._component_func(
        script=mounted.script,
        header=mounted.header,
        html=mounted.html,
        id=mounted.map_id,
        key=_component_key(mounted.script, key),
        height=height,
        width=None,
        returned_objects=list(returned_objects),
        default={k: v for k, v in defaults.items() if k in returned_objects},
        zoom=zoom,
        center=center,
        feature_group="".join(group_scripts),
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(mounted.css_links),
        js_links=list(mounted.js_links),
        wrap_longitude=False,
    )


@functools.lru_cache(maxsize=64)
def _component_key(script: str, key: str) -> str:
    """streamlit-folium's component key: the same for the same base map and widget key."""
    return stf.generate_js_hash(script, key, False)


def _walk(element) -> Iterator:
    """The elements of a map that can bring CSS or JavaScript files (the atlas's maps have no
    colour map, the one other kind of element that streamlit-folium gives files)."""
    if isinstance(element, folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)
