"""Popups, tooltips, events and the legend escape everything that comes from data."""

from __future__ import annotations

from layers.html_parts import (
    HATCH_SVG,
    event_html,
    hatch_pattern,
    legend_html,
    popup_html,
    tooltip_html,
)
from layers.style import SVG_HATCHES, LegendEntry

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def hostile_props() -> dict:
    return {
        "id": "x",
        "name_en": HOSTILE,
        "name_fr": "Nom",
        "name_native": "新京",
        "valid_from": "1941-04-13",
        "valid_to": None,
        "status": "colony",
        "controller": "Japan",
        "notes": HOSTILE,
        "sources": ["javascript:alert(1)", "ok — https://example.org/x"],
    }


def assert_inert(html: str) -> None:
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html


def test_popup_has_names_status_dates_sources_and_is_inert():
    html = popup_html(hostile_props(), "en")
    assert_inert(html)
    assert "&lt;script&gt;" in html and "新京" in html and "Nom" in html
    assert "colony" in html and "Japan" in html and "13 April 1941" in html
    assert '<a href="https://example.org/x"' in html


def test_tooltip_and_event_are_inert():
    assert_inert(tooltip_html(hostile_props(), "fr"))
    event = {
        "date": "1945-08-08",
        "time": "17:00",
        "utc_offset": "+03:00",
        "time_zone": HOSTILE,
        "title_en": HOSTILE,
        "text_en": HOSTILE,
        "sources": [HOSTILE],
    }
    html = event_html(event, "en")
    assert_inert(html)
    assert "8 August 1945" in html


def test_legend_is_inert_and_shows_patterns():
    entries = [LegendEntry("k", HOSTILE, "area", "#D55E00", "#8A3D00", 0.35, "8 5", "///")]
    html = legend_html(entries, "fr")
    assert_inert(html)
    assert 'stroke-dasharray="8 5"' in html and "Légende" in html


def test_french_tooltip_falls_back_to_the_english_name():
    assert "<b>Kalgan</b>" in tooltip_html({"name_en": "Kalgan", "name_fr": None}, "fr")


def test_legend_point_entries_draw_a_circle():
    html = legend_html([LegendEntry("e", "Event", "point", "#2B2B2B", "#2B2B2B")], "en")
    assert "<circle" in html and "Event" in html


def test_legend_swatches_draw_the_hatch_of_their_status():
    entries = [
        LegendEntry(
            "USSR:military_occupation", "occupied", "area", "#0072B2", "#004A73", 0.35, "8 5", "///"
        ),
        LegendEntry("Japan:sovereign_state", "Japan", "area", "#D55E00", "#8A3D00"),
    ]
    html = legend_html(entries, "en")
    assert html.count("<pattern") == 1 and 'fill="url(#atlas-legend-hatch-0-' in html
    assert 'patternTransform="rotate(45)"' in html and "{" not in html
    assert '<button type="button" class="atlas-legend-title"' in html  # keyboard-reachable
    assert hatch_pattern("dots", "p1", "#123456", "#000000", 0.4).count("<circle") == 1


def test_every_hatch_of_the_style_has_an_svg_pattern():
    assert set(SVG_HATCHES.values()) <= set(HATCH_SVG)
    for name in HATCH_SVG:
        pattern = hatch_pattern(name, "p", "#0072B2", "#004A73", 0.35)
        assert pattern.startswith('<pattern id="p"') and "#004A73" in pattern, name
