"""The web map's frame title and scale bar (layers/map_access.py), in both languages."""

from __future__ import annotations

import json
import re

import pytest

from layers import render
from layers.i18n import t
from layers.loading import load_atlas


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_base_map_titles_its_frame_and_scales_in_kilometres_only(atlas, lang):
    page = render.base_map(atlas, lang).get_root().render()
    call = re.search(r"window\.atlasMapAccess\(map_\w+, (\{.*?\})\);", page)
    assert call, "the map runs its accessibility script"
    assert json.loads(call.group(1)) == {"title": t("map_frame_title", lang)}
    assert "window.frameElement.title = options.title" in page
    assert "imperial: false" in page
    assert "L.control.scale()" not in page, "folium's own scale bar (with miles) is off"
