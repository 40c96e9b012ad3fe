"""English and French strings and dates."""

from __future__ import annotations

import datetime as dt

from layers.i18n import STRINGS, format_date, localised, normalise_language, t


def test_every_string_exists_in_both_languages():
    for key, texts in STRINGS.items():
        assert set(texts) == {"en", "fr"}, key
        assert all(texts.values()), key


def test_dates_in_both_languages():
    assert format_date(dt.date(1945, 8, 20), "en") == "20 August 1945"
    assert format_date(dt.date(1945, 8, 20), "fr") == "20 août 1945"
    assert format_date(dt.date(1939, 9, 1), "fr") == "1er septembre 1939"


def test_unknown_language_falls_back_to_english():
    assert normalise_language("de") == "en"
    assert t("legend", "xx") == "Legend"
    assert t("title_on", "fr", date="2 septembre 1945") == "L'Asie orientale le 2 septembre 1945"


def test_localised_prefers_french_fields_then_english():
    props = {"notes": "English", "notes_fr": "Français", "title_en": "T", "title_fr": None}
    assert localised(props, "notes", "fr") == "Français"
    assert localised(props, "notes", "en") == "English"
    assert localised(props, "title", "fr") == "T"
