"""Every page in French through AppTest: no string of the English catalogue is left, except
those spelled the same in French (proper names, "Date", "Notes", "Format"…)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from google.protobuf import json_format
from streamlit.testing.v1 import AppTest

from layers.i18n import CONTROLLER_LABELS, NBSP, STATUS_LABELS, STRINGS, t
from tests.harness import served_engine_data

REPO = Path(__file__).resolve().parent.parent
PAGES = [None, "pages/1_Timeline.py", "pages/2_Compare.py", "pages/3_Data.py", "pages/4_About.py"]


def strings_in(value) -> list[str]:
    """Every string in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def english_fragments() -> dict[str, re.Pattern]:
    """Each English text of the catalogue that differs from its French one, cut at its
    ``{placeholders}`` into fragments with a word in them, as whole-word patterns."""
    pairs = [(k, texts["en"], texts["fr"]) for k, texts in STRINGS.items() if k not in BILINGUAL]
    pairs += [(f"status {k}", en, fr) for k, (en, fr) in STATUS_LABELS.items()]
    pairs += [(f"controller {k}", en, fr) for k, (en, fr) in CONTROLLER_LABELS.items()]
    fragments = {}
    for key, english, french in pairs:
        if english == french:
            continue
        for part in re.split(r"\{[^}]*\}", english):
            part = part.strip(" :;,.()“”–—·")
            if re.search(r"[A-Za-z]{3}", part) and part not in french:
                fragments[f"{key}: {part}"] = re.compile(rf"(?<!\w){re.escape(part)}(?!\w)")
    return fragments


# Not interface text: ids, page names in URLs, icons, table data (the tables hold the data's
# own English and French fields), chart data and field names, and the map (its popups are in
# tests/test_i18n.py; its names and sources are data).
SKIPPED = {"id", "page", "pageScriptHash", "icon", "arrowData", "datasets", "data", "field"}
BILINGUAL = {"language"}  # "Language / Langue": the toggle reads in both languages


def strings(value) -> list[str]:
    """The strings in a proto's fields (JSON fields opened), minus :data:`SKIPPED`."""
    if isinstance(value, dict):
        return [s for key, item in value.items() if key not in SKIPPED for s in strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return strings(json.loads(value))
        except ValueError:
            pass
    return [value] if isinstance(value, str) else []


def visible(text: str) -> str:
    """HTML as read: no styles, no tags; list items (sources, places) left out."""
    text = re.sub(r"<style>.*?</style>|<li>.*?</li>", " ", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def page_text(at: AppTest) -> str:
    """The interface text of a page, up to the English-only provenance notes (About)."""
    texts: list[str] = []
    stop = t("provenance", "fr")

    def walk(node) -> bool:
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(node, "type", "") != "component_instance":
            found = strings(json_format.MessageToDict(proto))
            if stop in found:
                return False
            texts.extend(visible(s) for s in found)
        return all(walk(child) for child in getattr(node, "children", {}).values())

    for root in at._tree.children.values():  # main, sidebar…: each read up to its stop
        walk(root)
    return "\n".join(texts)


def french_page(page: str | None) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["lang"] = "fr"
    at.query_params["date"] = "1945-08-20"
    at.run()
    if page is None:  # the atlas, with its folded panels open
        at.session_state["export_open"] = True
        at.session_state["w_territory_notes"] = True
        at.run()
    else:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "atlas")
def test_no_english_interface_string_in_french(page):
    text = page_text(french_page(page))
    assert "Langue" in text and "Français" in text, "the page is in French"
    left = [name for name, pattern in english_fragments().items() if pattern.search(text)]
    assert left == []


def test_the_check_finds_english_when_there_is_some():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    found = [name for name, pattern in english_fragments().items() if pattern.search(page_text(at))]
    assert "events_panel: What happened" in found and "layers: Layers" in found


def test_map_labels_and_legend_are_french():
    """The map's own words (popup labels, legend rows), apart from the names and sources,
    which are data."""
    at = french_page(None)
    data = served_engine_data(at)
    script = "\n".join(strings_in([data["records"], data["legend"]["rows"]]))
    # Cited works keep their own titles (italic, as a historian writes them): data, not UI.
    script = re.sub(r'<div class="atlas-sources">.*?</ul></div>', "", script, flags=re.S)
    labels = {html.unescape(x).split(NBSP + ":")[0] for x in re.findall(r"<i>([^<]*)</i>", script)}
    legend = {html.unescape(x) for x in re.findall(r"<span>([^<]*)</span>", script)}
    assert {"Statut", "Contrôlé par", "Validité"} <= labels
    text = "\n".join(labels | legend)
    assert [name for name, pattern in english_fragments().items() if pattern.search(text)] == []


# Data in French: every note a reader can open has its French text, and French names follow
# the atlas's own rules (findings 7 and 8 of the historian's review of 2 December 2026).

GEODATA = REPO / "geodata"


def shipped_features() -> list[tuple[str, dict]]:
    """(file, properties) of every feature of the shipped layers and of the events."""
    found = []
    for path in sorted(GEODATA.glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            found.append((path.name, feature["properties"]))
    return found


def test_every_note_a_reader_sees_has_its_french():
    missing = []
    for file, props in shipped_features():
        for english, french in (("notes", "notes_fr"), ("army", "army_fr")):
            if props.get(english) and not props.get(french):
                missing.append((file, props["id"], french))
        for i, point in enumerate(props.get("waypoints") or []):
            if point.get("note") and not point.get("note_fr"):
                missing.append((file, props["id"], f"waypoint {i} note_fr"))
    assert missing == []


def test_accuracy_words_in_french_notes_are_french():
    """A piece's accuracy class goes into its features' notes; where it says more than a
    class and a distance, the French notes get its French (the review found "a 20 km marker
    around the garrison town" in the French notes of the Hami garrison)."""
    pieces = json.loads((GEODATA / "authored" / "occupation_china.json").read_text("utf-8"))
    worded = [p for p in pieces["pieces"] if re.search(r"[a-z]{3,}", p.get("accuracy", ""))]
    assert worded and all(p.get("accuracy_fr") for p in worded), [p["id"] for p in worded]
    notes_fr = " ".join(props.get("notes_fr") or "" for _, props in shipped_features())
    for piece in worded:
        assert piece["accuracy"] not in notes_fr, piece["id"]
    assert "repère de 20 km autour de la ville de garnison" in notes_fr


def test_city_and_waypoint_notes_counted_in_french():
    """The check above looks at the right things: 70 city records and 54 August 1945
    waypoints carry notes."""
    cities = [p for f, p in shipped_features() if f == "cities.geojson" and p.get("notes")]
    waypoints = [
        w
        for f, p in shipped_features()
        if f == "august_storm.geojson"
        for w in p.get("waypoints") or []
        if w.get("note")
    ]
    assert len(cities) >= 70 and len(waypoints) >= 54
    moscow = next(p for p in cities if p["id"] == "city_moscow")
    assert "13 avril 1941" in moscow["notes_fr"]


def test_the_axis_popup_is_french_in_french():
    from layers.map_features import axis_html

    (props,) = [p for f, p in shipped_features() if p.get("id") == "storm_6th_guards_tank"]
    day = dt.date(1945, 8, 25)
    french = html.unescape(axis_html(props, day, "fr"))
    english = html.unescape(axis_html(props, day, "en"))
    assert "6e armée blindée de la Garde — Kravtchenko" in french and "Guards" not in french
    assert "Puyi capturé sur l'aérodrome" in french and "air-landing" not in french
    assert "Moukden" in french and "Port-Arthur" in french
    assert "air-landing 19 Aug (Puyi seized at the airfield)" in english
    (korea,) = [p for f, p in shipped_features() if p.get("id") == "storm_ne_korea"]
    french = html.unescape(axis_html(korea, day, "fr"))
    assert "Ioumachev (flotte du Pacifique) ; Tchistiakov (25e armée)" in french.replace(
        "\u202f", " "
    )
    assert "Yūki et Rashin prises" in french


def test_no_hsinking_in_french_after_manchukuo():
    """Hsinking was Manchukuo's name for Changchun: from its dissolution (18 August 1945) the
    French texts of features (and of events from the 19th) say Changchun; "ex-Hsinking" or a
    gloss in parentheses may recall the old name."""
    offending = []
    for file, props in shipped_features():
        start = props.get("valid_from") or ""
        if file == "events.geojson":
            start = props["date"] if props["date"] >= "1945-08-19" else ""
        if start < "1945-08-18":
            continue
        for key in ("name_fr", "label_fr", "title_fr", "text_fr", "notes_fr"):
            text = re.sub(r"\([^()]*\)|ex-Hsinking", "", props.get(key) or "")
            if "Hsinking" in text:
                offending.append((file, props["id"], key))
    assert offending == []


def test_one_french_name_for_the_mongolian_peoples_republic():
    paths = [*GEODATA.glob("*.geojson"), *GEODATA.glob("authored/*.json")]
    paths.append(GEODATA / "catalogue.json")
    texts = {p.name: p.read_text(encoding="utf-8") for p in paths}
    assert "République populaire mongole" in texts["catalogue.json"]
    other = "République populaire de Mongolie"
    assert [name for name, text in texts.items() if other in text] == []


INTERNAL = re.compile(
    r"history\.md|the brief|research notes|French (source )?article|article (source )?français"
    r"|notes? de recherche|l'article source",
    re.I,
)


def test_notes_readers_see_do_not_cite_internal_documents():
    """Readers see the notes of the shipped layers, the events and the source registry; none
    of them may point to the project's working documents."""
    offending = []
    for file, props in shipped_features():
        texts = [v for k, v in props.items() if isinstance(v, str)]
        texts += [w.get(k) or "" for w in props.get("waypoints") or [] for k in ("note", "note_fr")]
        offending += [(file, props["id"]) for text in texts if INTERNAL.search(text)]
    registry = json.loads((GEODATA / "sources.json").read_text(encoding="utf-8"))["sources"]
    offending += [key for key, work in registry.items() if INTERNAL.search(work.get("note") or "")]
    assert offending == []
    assert INTERNAL.search("(the brief gives 40–60 km)")
