"""English and French strings and dates."""

from __future__ import annotations

import datetime as dt
import re

from layers.i18n import (
    NBSP,
    NNBSP,
    STRINGS,
    colon,
    decimal,
    format_date,
    french_spacing,
    localised,
    names_in_order,
    normalise_language,
    t,
    vega_locale,
)


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


def test_french_strings_follow_french_typography():
    for key, texts in STRINGS.items():
        french = texts["fr"]
        assert not re.search(r" [:;!?»]|« ", french), (key, french)  # plain spaces: none
        assert not re.search(r"\w[;!?»]", french.replace("!r}", "}")), (key, french)
        for mark in re.finditer(r"[;!?]", french.replace("!r}", "}")):
            assert french[mark.start() - 1] == NNBSP, (key, french)
    assert t("layer_error", "fr", layer="x", problem="y") == (
        f"La couche «{NBSP}x{NBSP}» n'a pas pu être chargée{NBSP}: y"
    )


def test_french_spacing_changes_only_spaces_already_there():
    assert french_spacing("Heure : 10:30 ; voir https://a.b ?") == (
        f"Heure{NBSP}: 10:30{NNBSP}; voir https://a.b{NNBSP}?"
    )
    assert french_spacing("{value!r}") == "{value!r}"


def test_colon_decimal_and_name_order_by_language():
    assert colon("Status", "en") == "Status:"
    assert colon("Statut", "fr") == f"Statut{NBSP}:"
    assert decimal(67.94, "en") == "67.9" and decimal(67.94, "fr") == "67,9"
    assert decimal(-3.25, "fr", 2) == "−3,25"
    props = {"name_en": "Manchukuo", "name_fr": "Mandchoukouo", "name_native": "滿洲國"}
    assert names_in_order(props, "fr") == ["Mandchoukouo", "Manchukuo", "滿洲國"]
    assert names_in_order(props, "en") == ["Manchukuo", "Mandchoukouo", "滿洲國"]
    assert names_in_order({"name_en": "Harbin", "name_fr": "Harbin"}, "fr") == ["Harbin"]


def test_vega_locale_names_french_months():
    assert vega_locale("en") is None
    locale = vega_locale("fr")
    assert locale["time"]["months"][6] == "juillet" and locale["number"]["decimal"] == ","
    assert len(locale["time"]["shortMonths"]) == 12 and len(locale["time"]["shortDays"]) == 7


def test_french_popup_puts_the_french_name_first_and_spaces_its_colons():
    from layers.html_parts import popup_html

    props = {
        "name_en": "Manchukuo",
        "name_fr": "Mandchoukouo",
        "name_native": "滿洲國",
        "status": "puppet_state",
        "controller": "Japan",
        "valid_from": "1932-03-01",
        "sources": ["a"],
    }
    french = popup_html(props, "fr")
    assert french.index("<b>Mandchoukouo</b>") < french.index("Manchukuo")
    assert f"Statut{NBSP}:" in french and f"Sources{NBSP}:" in french
    assert " :" not in french and "Status" not in french
    english = popup_html(props, "en")
    assert english.index("<b>Manchukuo</b>") < english.index("Mandchoukouo")
    assert "Status:" in english


def test_image_scale_bar_numbers_take_a_decimal_comma_in_french():
    from layers.static.scaffold import _number

    assert _number(2.5, "en") == "2.5" and _number(2.5, "fr") == "2,5"
    assert _number(250, "fr") == "250" and _number(1000, "fr") == "1 000"
