"""Event times across zones and escaping of data text."""

from __future__ import annotations

from layers.eventtext import describe_time, escape, source_html


def test_declaration_of_war_in_three_clocks():
    event = {"date": "1945-08-08", "time": "17:00", "utc_offset": "+03:00", "time_zone": "Moscow"}
    assert describe_time(event, "en") == "17:00 Moscow (UTC+3) = 23:00 Tokyo = 14:00 UTC"


def test_invasion_crosses_midnight_back_to_the_8th():
    event = {
        "date": "1945-08-09",
        "time": "00:01",
        "utc_offset": "+09:00",
        "time_zone": "Transbaikal",
    }
    text = describe_time(event, "en")
    assert text.startswith("00:01 Transbaikal (UTC+9) = 18:01 Moscow (08 Aug)")
    assert text.endswith("15:01 UTC (08 Aug)")
    assert "(8/8)" in describe_time(event, "fr")


def test_half_hour_offsets_and_no_time():
    event = {"date": "1941-12-07", "time": "07:48", "utc_offset": "-10:30", "time_zone": "Hawaii"}
    assert describe_time(event, "en").endswith("18:18 UTC")
    assert describe_time({"date": "1941-04-13", "time": None, "utc_offset": None}, "en") is None


def test_escape_and_links_only_for_http():
    assert escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    html = source_html("S1 — text — https://example.org/a?b=1&c=<2>")
    assert '<a href="https://example.org/a?b=1&amp;c="' in html  # the URL stops at "<"
    assert html.endswith("</a>&lt;2&gt;")
    hostile = source_html("javascript:alert(1) <img src=x onerror=alert(1)>")
    assert "<a" not in hostile and "<img" not in hostile


def test_zone_names_are_translated():
    event = {"date": "1945-08-08", "time": "17:00", "utc_offset": "+03:00", "time_zone": "Moscow"}
    assert describe_time(event, "fr").startswith("17:00 Moscou (UTC+3) = 23:00 Tokyo")
