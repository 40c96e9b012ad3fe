"""Map images: size, content, colours from the style, changes between dates, text, CJK names."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import shutil
import subprocess
import warnings

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from PIL import Image

from layers import style
from layers.loading import load_atlas
from layers.model import snapshot
from layers.static import (
    DEFAULT_BOUNDS,
    ExportError,
    font_families,
    fonts,
    legend,
    pixel_of,
    render_array,
    render_image,
)
from layers.static import labels as labels_module
from layers.static.features import event_label, events_shown
from layers.static.view import view_of

HARBIN = (126.64, 45.76)
HSINKING = (125.32, 43.88)
ULAANBAATAR = (106.92, 47.92)
INNER_MANCHURIA = (121.5, 45.0)  # inside Manchukuo, away from labels and routes
PACT = dt.date(1941, 4, 13)
AFTER = dt.date(1945, 8, 25)


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


@pytest.fixture(scope="module")
def images(atlas):
    """RGB arrays of the default 1600×1000 PNG on a few dates (rendered once)."""
    days = (PACT, dt.date(1941, 6, 1), AFTER)
    return {day: rgb(render_image(atlas, day)) for day in days}


def rgb(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def blended(props: dict) -> np.ndarray:
    """The colour a territory's fill shows over the land, as style says it is drawn."""
    area = style.territory_style(props)
    fill = np.array(to_rgb(area.fill)) * 255
    land = np.array(to_rgb(style.LAND)) * 255
    return fill * area.fill_opacity + land * (1 - area.fill_opacity)


def share_near(image: np.ndarray, place: tuple, colour: np.ndarray, r: int = 15) -> float:
    """The share of pixels within ``r`` of a place that show ``colour`` (±8 per channel)."""
    col, row = pixel_of(*place)
    box = image[row - r : row + r, col - r : col + r]
    return float((np.abs(box - colour).max(axis=2) <= 8).mean())


PUPPET = {"controller": "Japan", "status": "puppet_state"}
OCCUPATION = {"controller": "USSR", "status": "military_occupation"}


def test_png_has_the_requested_pixel_size(atlas, images):
    assert images[PACT].shape == (1000, 1600, 3)
    small = Image.open(io.BytesIO(render_image(atlas, PACT, width=800, height=500)))
    assert small.format == "PNG" and small.size == (800, 500)
    odd = render_array(atlas, AFTER, width=1234, height=567, dpi=97)
    assert odd.shape == (567, 1234, 3)


def test_image_is_a_full_map_not_a_blank(images):
    image = images[AFTER]
    colours = np.unique(image.reshape(-1, 3), axis=0)
    assert len(colours) > 500
    background = np.array([to_rgb(c) for c in (style.SEA, style.LAND)]) * 255
    plain = (np.abs(image[:, :, None, :] - background[None, None]).max(axis=3) <= 2).any(axis=2)
    assert plain.mean() < 0.6  # a blank map would be all sea and land


def test_manchukuo_shows_its_puppet_state_colour_in_1941(images):
    expected = blended(PUPPET)
    assert share_near(images[dt.date(1941, 6, 1)], INNER_MANCHURIA, expected) > 0.9
    assert share_near(images[dt.date(1941, 6, 1)], HARBIN, expected) > 0.4


def test_soviet_occupation_colour_replaces_manchukuo_in_late_august_1945(images):
    occupied, puppet = blended(OCCUPATION), blended(PUPPET)
    for place in (HARBIN, INNER_MANCHURIA, (125.0, 48.5)):
        assert share_near(images[AFTER], place, occupied) > 0.25, place  # hatched: not all
        assert share_near(images[AFTER], place, puppet) < 0.01, place


def test_what_changed_differs_and_what_did_not_is_identical(images):
    before, after = images[PACT], images[AFTER]
    for place in (HARBIN, HSINKING):
        col, row = pixel_of(*place)
        box = np.s_[row - 20 : row + 20, col - 20 : col + 20]
        assert np.abs(before[box] - after[box]).mean() > 20, place
    col, row = pixel_of(*ULAANBAATAR)
    box = np.s_[row - 12 : row + 12, col - 12 : col + 12]
    assert np.array_equal(before[box], after[box])


def test_cached_drawing_gives_the_same_pixels(atlas, images):
    render_image(atlas, PACT, fmt="svg")  # the same cached figure, saved as SVG in between
    assert np.array_equal(render_array(atlas, AFTER), images[AFTER])
    # 1–2 March 1943 differ only by their title: the second frame redraws just the title.
    quiet = render_array(atlas, dt.date(1943, 3, 1))
    retitled = render_array(atlas, dt.date(1943, 3, 2))
    assert np.array_equal(retitled, rgb(render_image(atlas, dt.date(1943, 3, 2))))
    changed = np.argwhere((quiet != retitled).any(axis=2))
    assert len(changed) and changed[:, 0].max() < 70  # only in the title band


def test_svg_keeps_the_title_as_text(atlas):
    svg = render_image(atlas, AFTER, fmt="svg").decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "East Asia on 25 August 1945" in svg


def test_pdf_contains_the_title(atlas, tmp_path):
    pdf = render_image(atlas, AFTER, fmt="pdf", lang="fr")
    assert pdf.startswith(b"%PDF")
    title = "L'Asie orientale le 25 août 1945"
    if shutil.which("pdftotext"):
        path = tmp_path / "map.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert title in text
    else:  # the document's title; the drawn title is checked in the SVG test
        assert "/Title" in pdf.decode("latin-1")


def test_cjk_names_use_a_cjk_font_without_missing_glyphs(atlas):
    families = font_families()
    assert families[0] == "DejaVu Sans"
    assert len(families) == 2 and "CJK" in families[1], "install fonts-noto-cjk"
    path = findfont(FontProperties(family=families[1]), fallback_to_default=False)
    assert "CJK" in str(path)
    font = FT2Font(path, face_index=getattr(path, "face_index", 0))
    for name in ("新京", "京城", "경성", "哈爾濱"):
        assert all(font.get_char_index(ord(c)) for c in name), name
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        crop = render_array(atlas, PACT, bounds=(120, 34, 132, 46), width=600, height=600)
    assert not [w for w in caught if "Glyph" in str(w.message) or "missing" in str(w.message)]
    assert crop.shape == (600, 600, 3)


def test_without_a_cjk_font_names_are_drawn_without_warnings(atlas, monkeypatch, caplog):
    real = fonts.fontManager.ttflist
    monkeypatch.setattr(
        fonts.fontManager, "ttflist", [f for f in real if "CJK" not in f.name], raising=True
    )
    monkeypatch.setattr(fonts, "fontconfig_cjk_fonts", list)  # none on the system either
    with caplog.at_level(logging.WARNING, logger="layers.static"):
        assert fonts.chain.__wrapped__() == ("DejaVu Sans",)
    assert "No CJK font" in caplog.text
    monkeypatch.setattr(fonts.fontManager, "ttflist", real)
    monkeypatch.setattr(fonts, "chain", lambda: ("DejaVu Sans",))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = render_image(atlas, PACT, bounds=(120, 34, 132, 46), width=500, height=500)
    assert not [w for w in caught if "Glyph" in str(w.message)]
    assert Image.open(io.BytesIO(png)).size == (500, 500)


def test_french_title_and_other_bounds(atlas):
    image = rgb(render_image(atlas, AFTER, bounds=(115, 35, 135, 50), lang="fr", width=900))
    assert image.shape == (1000, 900, 3)
    # Zoomed in, Harbin sits elsewhere in the image than in the default view.
    assert pixel_of(*HARBIN, bounds=(115, 35, 135, 50), width=900) != pixel_of(*HARBIN)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bounds": (10, 0, 5, 20)}, "W < E"),
        ({"bounds": (0, 50, 20, 40)}, "S < N"),
        ({"bounds": (0, 0, 200, 20)}, "E <= 180"),
        ({"layer_ids": ["china", "atlantis"]}, "unknown layer id 'atlantis'"),
        ({"fmt": "jpg"}, "unknown image format"),
        ({"width": 50}, "width 50"),
        ({"dpi": 5000}, "dpi"),
    ],
)
def test_bad_requests_raise_export_error(atlas, kwargs, message):
    with pytest.raises(ExportError, match=re.escape(message)):
        render_image(atlas, PACT, **kwargs)


def test_dates_outside_the_atlas_are_refused(atlas):
    with pytest.raises(ExportError, match="outside the atlas period"):
        render_image(atlas, dt.date(1950, 1, 1))


def test_only_the_layers_asked_for_are_drawn(atlas):
    only_china = rgb(render_image(atlas, dt.date(1941, 6, 1), ["china"], width=800, height=500))
    col, row = pixel_of(*INNER_MANCHURIA, width=800, height=500)
    land = np.array(to_rgb(style.LAND)) * 255
    assert np.abs(only_china[row - 5 : row + 5, col - 5 : col + 5] - land).max() <= 2


def test_legend_lists_only_what_lies_inside_the_bounds(atlas):
    layer_ids = [spec.id for spec in atlas.specs()]

    def labels(bounds) -> set[str]:
        view = view_of(bounds, 1600, 1000, 100)
        state = snapshot(atlas, AFTER, layer_ids)
        line_styles = {spec.id: spec.line_style for spec in atlas.specs()}
        return {entry.label for entry in legend.entries(state, view, "en", line_styles)}

    rows = {
        "USSR — military occupation",
        "Japan — colony",
        "Thailand — integral or annexed territory",
        "Tibet — de facto independent, claimed by China",
        "Portugal — colony",
    }
    assert rows <= labels(DEFAULT_BOUNDS)  # the default view reaches from Tibet to Timor
    manchuria = labels((118, 38, 136, 50)) & rows
    assert manchuria == {"USSR — military occupation", "Japan — colony"}  # Korea, not Siam


def test_legend_sits_in_a_panel_beside_the_map_and_the_scale_bar_in_its_corner(atlas, images):
    view = view_of(DEFAULT_BOUNDS, 1600, 1000, 150)
    right = 1600 - round(view.panel * 150)  # the map's right edge, in pixels
    assert 1600 * 0.7 <= right < 1600 * 0.9
    east, *_ = pixel_of(*view.lonlat_box()[2:3], 40)
    assert abs(east - right) <= 1  # the map ends where the panel begins
    image = images[AFTER]
    top, bottom = round(view.header * 150), 1000 - round(view.footer * 150)
    sea = np.array(to_rgb(style.SEA)) * 255
    panel, on_map = image[top + 5 : bottom - 5, right + 2 :], image[top:bottom, :right]
    assert (np.abs(panel - sea).max(axis=2) <= 8).mean() == 0  # no map under the legend
    ink = (panel.max(axis=2) < 80).mean()
    assert ink > 0.005  # the legend's text and symbols are drawn there
    # The scale bar's black segments, in the map's lower left corner.
    corner = on_map[-50:-25, 20:240]
    assert (corner.max(axis=2) < 60).mean() > 0.03


def test_a_long_event_is_labelled_with_its_span_not_only_its_first_day(atlas):
    """A finished campaign begun months before the map's date must not read as recent news."""
    day = dt.date(1942, 5, 20)
    view = view_of((100.0, 0.0, 150.0, 30.0), 1600, 1000, 100)
    shown = {tuple(p["id"] for p in group): group for _, group, _ in events_shown(atlas, day, view)}
    philippines = next(g for ids, g in shown.items() if "ev_1941_12_08_philippines_campaign" in ids)
    assert event_label(philippines, day, "en") == "8 December 1941 – 6 May"
    assert event_label(philippines, day, "fr") == "8 décembre 1941 – 6 mai"
    b29 = [p for p in atlas_events(atlas) if p["id"] == "ev_1944_07_29_b29s_interned"]
    assert event_label(b29, dt.date(1944, 12, 1), "en") == "29 July – 21 November"
    assert event_label(philippines, dt.date(1942, 1, 20), "en") == "since 8 December 1941"
    assert event_label(philippines, dt.date(1942, 1, 20), "fr") == "depuis le 8 décembre 1941"
    assert event_label(philippines, dt.date(1941, 12, 8), "en") == "8 December"
    one_day = [{"date": "1945-08-15", "date_end": None}]
    assert event_label(one_day, dt.date(1945, 8, 20), "en") == "15 August"
    assert event_label(one_day, dt.date(1946, 1, 3), "fr") == "15 août 1945"


def atlas_events(atlas) -> list[dict]:
    """The properties of every event of the atlas."""
    return atlas.events.drop(columns="geometry").to_dict("records")


@pytest.fixture
def drawn_labels(monkeypatch) -> list[str]:
    """The text of every label the images draw while the test runs, in order."""
    drawn: list[str] = []
    add = labels_module.Labels.add

    def record(self, text, *args, **kwargs):
        drawn.append(text)
        return add(self, text, *args, **kwargs)

    monkeypatch.setattr(labels_module.Labels, "add", record)
    return drawn


def test_land_held_by_china_is_not_labelled_with_the_claimant_s_name(atlas, drawn_labels):
    """Western Suiyuan, claimed by Mengjiang but held by the Nationalists, fell back to the
    layer's title "Mengjiang" where its name did not fit: a reader saw "Mengjiang" on Chinese
    green on the default map. Its own label or nothing, now."""
    render_image(atlas, PACT, bounds=(95.0, 25.0, 130.0, 50.0))  # drawn by no other test
    drawn = drawn_labels
    assert sum("Mengjiang" in text for text in drawn) == 1, [t for t in drawn if "Meng" in t]


def test_a_city_whose_name_finds_no_room_loses_its_dot(atlas, monkeypatch):
    """A dot without its name next to another city's name reads as that city (the review
    found "○ Seishin" 250 km west of Chongjin): as on the web map, no name, no dot."""
    from layers.mercator import project
    from layers.static import frame as frame_module

    drawn: list[list[tuple[float, float]]] = []
    beside, draw_markers = frame_module.Frame._beside, frame_module.Frame.draw_markers

    def no_room_for_harbin(self, label, *args, **kwargs):
        return False if label.startswith("Harbin") else beside(self, label, *args, **kwargs)

    def record(self):
        drawn.append([p for points in self.markers.values() for p in points])
        return draw_markers(self)

    monkeypatch.setattr(frame_module.Frame, "draw_markers", record)
    bounds = (115.0, 36.0, 135.0, 50.0)
    render_image(atlas, PACT, bounds=bounds)
    harbin, hsinking = (tuple(float(v) for v in project(*p)) for p in (HARBIN, HSINKING))

    def near(points, place) -> bool:  # within 5 km (projected metres)
        return any(abs(x - place[0]) + abs(y - place[1]) < 5e3 for x, y in points)

    assert near(drawn[-1], harbin) and near(drawn[-1], hsinking)
    monkeypatch.setattr(frame_module.Frame, "_beside", no_room_for_harbin)
    render_image(atlas, PACT, bounds=bounds, width=1601)  # not the cached drawing
    assert not near(drawn[-1], harbin) and near(drawn[-1], hsinking)


def test_the_legend_names_the_events_of_those_days_that_lie_off_the_map(atlas, drawn_labels):
    """A map of Manchuria on 11 February 1945 shows no star for Yalta: its legend names it
    (the latest first), and nothing that the map itself marks."""
    from layers.static.features import events_elsewhere

    day, bounds = dt.date(1945, 2, 11), (115.0, 36.0, 135.0, 50.0)
    view = view_of(bounds, 1600, 1000, 150)
    away = events_elsewhere(atlas, day, view)
    assert away and away[0]["id"] == "ev_1945_02_11_yalta"
    on_map = {p["id"] for _, group, _ in events_shown(atlas, day, view) for p in group}
    assert not on_map & {p["id"] for p in away}
    assert [p["date"] for p in away] == sorted((p["date"] for p in away), reverse=True)
    drawn = drawn_labels
    for lang, heading, date in (
        ("en", "Elsewhere", "11 February"),
        ("fr", "Ailleurs", "11 février"),
    ):
        drawn.clear()
        render_image(atlas, day, bounds=bounds, lang=lang, width=1599)
        assert any(text.startswith(heading) for text in drawn), lang
        assert any(text.startswith(f"{date} · Yalta") for text in drawn), drawn
    drawn.clear()
    render_image(atlas, day, bounds=(20.0, 0.0, 160.0, 62.0), width=1599)  # Yalta is on it
    assert not any(text.startswith("11 February · Yalta") for text in drawn)
