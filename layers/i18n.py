"""English and French strings for the interface, legend and exports."""

from __future__ import annotations

import datetime as dt

LANGUAGES = ("en", "fr")

_MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
}

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {
        "en": "The Neutrality Pact atlas — East Asia 1939–1946",
        "fr": "L'atlas du pacte de neutralité — Asie orientale 1939–1946",
    },
    "app_subtitle": {
        "en": "The Soviet–Japanese Neutrality Pact era, day by day",
        "fr": "L'époque du pacte de neutralité soviéto-japonais, jour après jour",
    },
    "language": {"en": "Language", "fr": "Langue"},
    "date": {"en": "Date", "fr": "Date"},
    "layers": {"en": "Layers", "fr": "Couches"},
    "basemap": {"en": "Base map", "fr": "Fond de carte"},
    "basemap_embedded": {
        "en": "Historical vector base (offline)",
        "fr": "Fond vectoriel historique (hors ligne)",
    },
    "prev_event": {"en": "◀ Previous event", "fr": "◀ Événement précédent"},
    "next_event": {"en": "Next event ▶", "fr": "Événement suivant ▶"},
    "minus_day": {"en": "−1 day", "fr": "−1 jour"},
    "plus_day": {"en": "+1 day", "fr": "+1 jour"},
    "minus_week": {"en": "−1 week", "fr": "−1 semaine"},
    "plus_week": {"en": "+1 week", "fr": "+1 semaine"},
    "minus_month": {"en": "−1 month", "fr": "−1 mois"},
    "plus_month": {"en": "+1 month", "fr": "+1 mois"},
    "jump_to_event": {"en": "Jump to an event", "fr": "Aller à un événement"},
    "play": {"en": "▶ Play", "fr": "▶ Lecture"},
    "pause": {"en": "⏸ Pause", "fr": "⏸ Pause"},
    "speed": {"en": "Speed (days per step)", "fr": "Vitesse (jours par pas)"},
    "events_panel": {"en": "What happened", "fr": "Ce qui s'est passé"},
    "on_this_date": {"en": "On this date", "fr": "À cette date"},
    "around_this_date": {"en": "Around this date", "fr": "Autour de cette date"},
    "no_events": {
        "en": "No recorded event within 30 days of this date.",
        "fr": "Aucun événement enregistré à moins de 30 jours de cette date.",
    },
    "go_to": {"en": "Go to this date", "fr": "Aller à cette date"},
    "sources": {"en": "Sources", "fr": "Sources"},
    "notes": {"en": "Notes", "fr": "Notes"},
    "legend": {"en": "Legend", "fr": "Légende"},
    "valid": {"en": "Valid", "fr": "Validité"},
    "status": {"en": "Status", "fr": "Statut"},
    "controller": {"en": "Controlled by", "fr": "Contrôlé par"},
    "strength": {"en": "Strength", "fr": "Effectifs"},
    "until_now": {"en": "onwards", "fr": "et après"},
    "layer_error": {
        "en": "Layer “{layer}” could not be loaded: {problem}",
        "fr": "La couche « {layer} » n'a pas pu être chargée : {problem}",
    },
    "invalid_param": {
        "en": "Ignored the link parameter {name}={value!r}: {reason}",
        "fr": "Paramètre de lien {name}={value!r} ignoré : {reason}",
    },
    "export": {"en": "Export", "fr": "Exporter"},
    "title_on": {"en": "East Asia on {date}", "fr": "L'Asie orientale le {date}"},
    "scale": {"en": "km", "fr": "km"},
    "attribution": {
        "en": "Neutrality Pact atlas · Natural Earth (public domain) and authored historical "
        "boundaries · sources in the data",
        "fr": "Atlas du pacte de neutralité · Natural Earth (domaine public) et frontières "
        "historiques tracées par nous · sources dans les données",
    },
    "route_transfer": {
        "en": "Soviet transfers westward, 1941–42",
        "fr": "Transferts soviétiques vers l'ouest, 1941–42",
    },
    "route_reverse": {
        "en": "Soviet transfer eastward, 1945",
        "fr": "Transfert soviétique vers l'est, 1945",
    },
    "route_transbaikal": {"en": "Transbaikal Front axis", "fr": "Axe du front du Transbaïkal"},
    "route_1st_far_eastern": {
        "en": "1st Far Eastern Front axis",
        "fr": "Axe du 1er front d'Extrême-Orient",
    },
    "route_2nd_far_eastern": {
        "en": "2nd Far Eastern Front axis",
        "fr": "Axe du 2e front d'Extrême-Orient",
    },
    "route_pacific_fleet": {
        "en": "Pacific Fleet landings",
        "fr": "Débarquements de la flotte du Pacifique",
    },
    "route_railway": {"en": "Railway", "fr": "Chemin de fer"},
}

STATUS_LABELS = {
    "sovereign_state": ("sovereign state", "État souverain"),
    "integral_territory": ("part of the home country", "partie du territoire national"),
    "colony": ("colony", "colonie"),
    "leased_territory": ("leased territory", "territoire à bail"),
    "puppet_state": ("puppet state", "État fantoche"),
    "satellite_state": ("satellite state", "État satellite"),
    "military_occupation": ("military occupation", "occupation militaire"),
    "contested": ("contested / invaded", "contesté / envahi"),
}
CONTROLLER_LABELS = {
    "Japan": ("Japan", "Japon"),
    "USSR": ("USSR", "URSS"),
    "MPR": ("Mongolian PR", "RP mongole"),
    "TPR": ("Tuvan PR", "RP de Touva"),
    "ROC": ("Rep. of China", "Rép. de Chine"),
    "USA": ("USA", "États-Unis"),
}


def normalise_language(lang: object) -> str:
    """``"fr"`` or ``"en"``; anything else falls back to English."""
    return lang if lang in LANGUAGES else "en"


def t(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``."""
    text = STRINGS[key][normalise_language(lang)]
    return text.format(**values) if values else text


def format_date(day: dt.date, lang: str) -> str:
    """``20 August 1945`` / ``20 août 1945`` (``1er`` for the first of the month in French)."""
    month = _MONTHS[normalise_language(lang)].split()[day.month - 1]
    number = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{number} {month} {day.year}"


def status_label(status: str, lang: str) -> str:
    en, fr = STATUS_LABELS.get(status, (status, status))
    return fr if lang == "fr" else en


def controller_label(controller: str, lang: str) -> str:
    en, fr = CONTROLLER_LABELS.get(controller, (controller, controller))
    return fr if lang == "fr" else en


def localised(props: dict, field: str, lang: str) -> str:
    """``props[field + '_fr']`` in French when present, else the English ``field`` value."""
    if lang == "fr":
        for key in (f"{field}_fr",):
            if props.get(key):
                return props[key]
    for key in (f"{field}_en", field):
        if props.get(key):
            return props[key]
    return ""
