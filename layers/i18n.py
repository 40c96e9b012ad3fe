"""English and French strings for the interface, legend and exports."""

from __future__ import annotations

import datetime as dt
import re

LANGUAGES = ("en", "fr")
NBSP = "\u00a0"  # French: before a colon and inside « »
NNBSP = "\u202f"  # French: a thin one before ; ! ?

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
    "play": {"en": "Play", "fr": "Lecture"},
    "pause": {"en": "Pause", "fr": "Pause"},
    "speed": {"en": "Speed (days per step)", "fr": "Vitesse (jours par pas)"},
    "more_controls": {"en": "More", "fr": "Plus"},
    "one_day": {"en": "1 day", "fr": "1 jour"},
    "n_days": {"en": "{n} days", "fr": "{n} jours"},
    "events_panel": {"en": "What happened", "fr": "Ce qui s'est passé"},
    "go_to_date": {"en": "Go to a date", "fr": "Aller à une date"},
    "events_dated": {"en": "On and around {date}", "fr": "Le {date} et autour"},
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
    "event_since": {"en": "since {date}", "fr": "depuis le {date}"},
    "scale": {"en": "km", "fr": "km"},
    "scale_at": {"en": "true at {lat}", "fr": "exacte à {lat}"},
    "north": {"en": "N", "fr": "N"},
    "projection": {"en": "Web Mercator (EPSG:3857)", "fr": "Mercator web (EPSG:3857)"},
    # Dotted: a stretch the axis has not reached yet, or one whose date of arrival the sources
    # do not give (several axes have no dated place after the start line).
    "legend_ahead": {
        "en": "Axis not yet reached, or date unknown",
        "fr": "Axe pas encore atteint, ou date inconnue",
    },
    "legend_ended": {"en": "Movement over (faded)", "fr": "Mouvement terminé (estompé)"},
    "legend_city": {
        "en": "City: period name, native name",
        "fr": "Ville : nom d'époque, nom local",
    },
    "legend_event": {
        "en": "Event in the last {days} days (filled: on this date)",
        "fr": "Événement des {days} derniers jours (plein : ce jour)",
    },
    "legend_elsewhere": {"en": "Elsewhere, off this map:", "fr": "Ailleurs, hors de cette carte :"},
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
    # --- app: link parameters, map, panels and pages ---
    "reason_lang": {"en": "use en or fr", "fr": "utilisez en ou fr"},
    "reason_date": {
        "en": "not a date (YYYY-MM-DD)",
        "fr": "ce n'est pas une date (AAAA-MM-JJ)",
    },
    "reason_range": {
        "en": "outside the atlas period ({start} – {end}); the nearest date is shown",
        "fr": "hors de la période de l'atlas ({start} – {end}) ; la date la plus proche est "
        "affichée",
    },
    "reason_layers": {
        "en": "{count} layer id(s) unknown or over the limit of 64, left out",
        "fr": "{count} identifiant(s) de couche inconnu(s) ou au-delà de 64, ignoré(s)",
    },
    "reason_choice": {"en": "choose one of {choices}", "fr": "choisissez parmi {choices}"},
    "reason_view": {"en": "lat, lon and zoom go together", "fr": "lat, lon et zoom vont ensemble"},
    "reason_number": {
        "en": "must be a number from {low:g} to {high:g}",
        "fr": "doit être un nombre entre {low:g} et {high:g}",
    },
    "app_short": {"en": "Neutrality Pact atlas", "fr": "Atlas du pacte de neutralité"},
    "axis": {"en": "Axis of advance", "fr": "Axe de progression"},
    "modern_name": {"en": "Today", "fr": "Aujourd'hui"},
    "legend_event_today": {"en": "Event on this date", "fr": "Événement à cette date"},
    "legend_event_near": {"en": "Event within 30 days", "fr": "Événement à moins de 30 jours"},
    "events_layer": {"en": "Events (markers)", "fr": "Événements (repères)"},
    "basemap_osm": {"en": "OpenStreetMap (online)", "fr": "OpenStreetMap (en ligne)"},
    "basemap_positron": {"en": "CartoDB Positron (online)", "fr": "CartoDB Positron (en ligne)"},
    "basemap_relief": {
        "en": "Esri World Shaded Relief (online)",
        "fr": "Esri, relief ombré (en ligne)",
    },
    "online_note": {
        "en": "Online tiles need an internet connection; the historical base works offline.",
        "fr": "Les tuiles en ligne demandent une connexion ; le fond historique marche hors ligne.",
    },
    "day_before": {"en": "1 day before", "fr": "1 jour avant"},
    "days_before": {"en": "{n} days before", "fr": "{n} jours avant"},
    "day_after": {"en": "1 day after", "fr": "1 jour après"},
    "days_after": {"en": "{n} days after", "fr": "{n} jours après"},
    "uncertain": {"en": "⚠ uncertain", "fr": "⚠ incertain"},
    "notes_sources": {"en": "Notes and sources", "fr": "Notes et sources"},
    "details": {"en": "Text, notes and sources", "fr": "Texte, notes et sources"},
    "territory_notes": {
        "en": "Notes on the territories drawn",
        "fr": "Notes sur les territoires représentés",
    },
    "data_problems": {
        "en": "Data problems ({count})",
        "fr": "Problèmes dans les données ({count})",
    },
    "layer_partial": {
        "en": "Layer “{layer}”: {count} problem(s) in its data; the rest of the layer is drawn.",
        "fr": "Couche « {layer} » : {count} problème(s) dans ses données ; le reste est dessiné.",
    },
    "catalogue_problem": {"en": "Atlas data: {problem}", "fr": "Données de l'atlas : {problem}"},
    "export_image": {"en": "Image", "fr": "Image"},
    "export_timelapse": {"en": "Timelapse", "fr": "Animation"},
    "export_html": {"en": "Standalone HTML", "fr": "HTML autonome"},
    "export_format": {"en": "Format", "fr": "Format"},
    "export_width": {"en": "Width (px)", "fr": "Largeur (px)"},
    "export_height": {"en": "Height (px)", "fr": "Hauteur (px)"},
    "export_dpi": {"en": "Resolution (DPI)", "fr": "Résolution (DPI)"},
    "export_area_view": {
        "en": "Area: the map's current view ({bounds})",
        "fr": "Zone : la vue actuelle de la carte ({bounds})",
    },
    "export_area_default": {
        "en": "Area: East Asia (move the map to choose another area)",
        "fr": "Zone : l'Asie orientale (déplacez la carte pour en choisir une autre)",
    },
    "export_render": {"en": "Render", "fr": "Générer"},
    "export_download": {"en": "Download {name}", "fr": "Télécharger {name}"},
    "export_from": {"en": "From", "fr": "Du"},
    "export_to": {"en": "To", "fr": "Au"},
    "export_step": {"en": "Step", "fr": "Pas"},
    "step_day": {"en": "day", "fr": "jour"},
    "step_week": {"en": "week", "fr": "semaine"},
    "step_month": {"en": "month", "fr": "mois"},
    "export_unavailable": {
        "en": "This export is not available yet ({error}).",
        "fr": "Cet export n'est pas encore disponible ({error}).",
    },
    "export_failed": {"en": "The export failed: {error}", "fr": "L'export a échoué : {error}"},
    "export_no_ffmpeg": {
        "en": "MP4 needs ffmpeg, which is not installed here: GIF only.",
        "fr": "Le MP4 demande ffmpeg, absent ici : GIF seulement.",
    },
    "export_html_help": {
        "en": "One HTML file of the atlas that opens in any browser, without this server.",
        "fr": "Un seul fichier HTML de l'atlas, qui s'ouvre dans tout navigateur, sans ce serveur.",
    },
    "export_progress": {"en": "Frame {i} of {n}", "fr": "Image {i} sur {n}"},
    "export_bad_range": {
        "en": "The end date must be after the start date.",
        "fr": "La date de fin doit suivre la date de début.",
    },
    "timeline_title": {"en": "Timeline", "fr": "Chronologie"},
    "timeline_intro": {
        "en": "Every event of the atlas in order, and when each territory held. Select an event "
        "or a bar to show its date on the atlas.",
        "fr": "Tous les événements de l'atlas dans l'ordre, et les périodes de chaque territoire. "
        "Sélectionnez un événement ou une barre pour afficher sa date sur l'atlas.",
    },
    "timeline_events": {"en": "Events", "fr": "Événements"},
    "timeline_gantt": {
        "en": "Territories: who held what, and when",
        "fr": "Territoires : qui tenait quoi, et quand",
    },
    "col_date": {"en": "Date", "fr": "Date"},
    "col_title": {"en": "Event", "fr": "Événement"},
    "col_importance": {"en": "Importance", "fr": "Importance"},
    "col_importance_help": {
        "en": "1 = a turning point of the period, 2 = an important event, 3 = a minor one. "
        "Also the size of the event's marker on the map.",
        "fr": "1 = un tournant de la période, 2 = un événement important, 3 = un événement "
        "secondaire. C'est aussi la taille du repère de l'événement sur la carte.",
    },
    "col_time_help": {
        "en": "Local time of the event where the sources give it, with the other zones.",
        "fr": "Heure locale de l'événement quand les sources la donnent, avec les autres fuseaux.",
    },
    "col_layer": {"en": "Layer", "fr": "Couche"},
    "col_feature": {"en": "Territory", "fr": "Territoire"},
    "col_from": {"en": "From", "fr": "Du"},
    "col_to": {"en": "Until", "fr": "Jusqu'au"},
    "col_time": {"en": "Time", "fr": "Heure"},
    "show_on_atlas": {"en": "Show on the atlas", "fr": "Afficher sur l'atlas"},
    "atlas_date": {"en": "Atlas date: {date}", "fr": "Date de l'atlas : {date}"},
    "open_atlas": {"en": "Open the atlas", "fr": "Ouvrir l'atlas"},
    "compare_title": {"en": "Compare two dates", "fr": "Comparer deux dates"},
    "compare_intro": {
        "en": "The same layers at two dates, side by side.",
        "fr": "Les mêmes couches à deux dates, côte à côte.",
    },
    "compare_left": {"en": "Left map", "fr": "Carte de gauche"},
    "compare_right": {"en": "Right map", "fr": "Carte de droite"},
    "data_title": {"en": "Data", "fr": "Données"},
    "data_intro": {
        "en": "Attributes of the features shown on {date} (geometry left out).",
        "fr": "Attributs des entités représentées le {date} (sans la géométrie).",
    },
    "download_geojson": {
        "en": "Download this date's features (GeoJSON)",
        "fr": "Télécharger les entités de cette date (GeoJSON)",
    },
    "download_events": {
        "en": "Download all events (CSV)",
        "fr": "Télécharger tous les événements (CSV)",
    },
    "no_features": {
        "en": "No feature of this layer holds on this date.",
        "fr": "Aucune entité de cette couche à cette date.",
    },
    "user_layers": {"en": "Your layers", "fr": "Vos couches"},
    "upload_label": {
        "en": "Add a layer: GeoJSON (.geojson, .json) or a zipped shapefile (.zip)",
        "fr": "Ajouter une couche : GeoJSON (.geojson, .json) ou shapefile zippé (.zip)",
    },
    "upload_note": {
        "en": "Your layers live in this browser session only: they are not saved on the server "
        "and nobody else sees them. They follow the date slider and go into exports.",
        "fr": "Vos couches ne vivent que dans cette session du navigateur : elles ne sont pas "
        "enregistrées sur le serveur et personne d'autre ne les voit. Elles suivent le curseur "
        "de date et entrent dans les exports.",
    },
    "upload_added": {
        "en": "Added “{name}” ({count} features).",
        "fr": "Couche « {name} » ajoutée ({count} entités).",
    },
    "upload_problems": {
        "en": "{count} problem(s) in {file}:",
        "fr": "{count} problème(s) dans {file} :",
    },
    "upload_rejected": {
        "en": "Nothing usable in {file}:",
        "fr": "Rien d'utilisable dans {file} :",
    },
    "remove": {"en": "Remove", "fr": "Retirer"},
    "about_title": {"en": "About this atlas", "fr": "À propos de cet atlas"},
    "nav_atlas": {"en": "Atlas", "fr": "Atlas"},
    "nav_compare": {"en": "Compare", "fr": "Comparer"},
    "nav_data": {"en": "Data", "fr": "Données"},
    "nav_about": {"en": "About", "fr": "À propos"},
    "provenance": {"en": "Provenance of the data", "fr": "Provenance des données"},
    "source_registry": {"en": "Sources cited", "fr": "Sources citées"},
    "source_registry_intro": {
        "en": "Every work cited by a territory, route, place or event of the atlas, by kind. "
        "Wikipedia and other encyclopedias are tertiary sources, cited where they were "
        "consulted; a link is given only for a stable copy.",
        "fr": "Tous les ouvrages cités par un territoire, un itinéraire, un lieu ou un "
        "événement de l'atlas, par type. Wikipédia et les autres encyclopédies sont des "
        "sources tertiaires, citées là où elles ont été consultées ; un lien n'est donné "
        "que pour une copie stable.",
    },
    "map_frame_title": {
        "en": "Map of East Asia on the chosen date",
        "fr": "Carte de l'Asie orientale à la date choisie",
    },
    "upload_button": {"en": "Upload", "fr": "Téléverser"},
    "upload_limit": {"en": "{size} MB per file", "fr": "{size} Mo par fichier"},
    "upload_drop": {"en": "Drop the file here", "fr": "Déposez le fichier ici"},
    "col_feature_id": {"en": "Feature", "fr": "Entité"},
    "col_field": {"en": "Field", "fr": "Champ"},
    "col_problem": {"en": "Problem", "fr": "Problème"},
    "col_severity": {"en": "Severity", "fr": "Gravité"},
    "loading": {"en": "Loading the atlas…", "fr": "Chargement de l'atlas…"},
    "popup_loading": {"en": "Loading…", "fr": "Chargement…"},
    "english_only": {
        "en": "This document is in English only.",
        "fr": "Ce document n'existe qu'en anglais.",
    },
}

# Kinds of source (geodata/sources.json), in the order the About page lists them.
SOURCE_KIND_LABELS = {
    "primary_document": ("Primary documents", "Documents d'époque"),
    "official_history": ("Official histories", "Histoires officielles"),
    "scholarly_book": ("Books", "Livres"),
    "scholarly_article": ("Articles and chapters", "Articles et chapitres"),
    "encyclopedia": ("Encyclopedias (tertiary sources)", "Encyclopédies (sources tertiaires)"),
    "web_page": ("Web pages and press", "Pages web et presse"),
    "dataset": ("Data sets", "Jeux de données"),
}


def french_spacing(text: str) -> str:
    """French typography: the space before ``:`` and ``»`` and after ``«`` made non-breaking,
    the one before ``;`` ``!`` ``?`` a narrow non-breaking space. Only spaces already written
    are changed (nothing is added inside ``10:30``, ``https://`` or ``{value!r}``)."""
    text = re.sub(r"[ \u00a0\u202f]([:»])", NBSP + r"\1", text)
    text = re.sub(r"[ \u00a0\u202f]([;!?])", NNBSP + r"\1", text)
    return re.sub(r"«[ \u00a0\u202f]", "«" + NBSP, text)


for _texts in STRINGS.values():
    _texts["fr"] = french_spacing(_texts["fr"])

STATUS_LABELS = {
    "sovereign_state": ("sovereign state", "État souverain"),
    "integral_territory": ("integral or annexed territory", "territoire intégré ou annexé"),
    "colony": ("colony", "colonie"),
    "leased_territory": ("leased territory", "territoire à bail"),
    "puppet_state": ("puppet state", "État fantoche"),
    "satellite_state": ("satellite state", "État satellite"),
    "de_facto_state": (
        "de facto independent, claimed by China",
        "indépendant de fait, revendiqué par la Chine",
    ),
    "military_occupation": ("military occupation", "occupation militaire"),
    "contested": ("contested", "contesté"),
    "foreign_garrison": (
        "own administration under foreign garrison",
        "administration propre sous garnison étrangère",
    ),
    "base_area": ("Communist base area", "base communiste"),
}
CONTROLLER_LABELS = {
    "Japan": ("Japan", "Japon"),
    "USSR": ("USSR", "URSS"),
    "MPR": ("Mongolian PR", "RP mongole"),
    "TPR": ("Tuvan PR", "RP de Touva"),
    "ROC": ("Rep. of China", "Rép. de Chine"),
    "USA": ("USA", "États-Unis"),
    "UK": ("United Kingdom", "Royaume-Uni"),
    "France": ("France", "France"),
    "Netherlands": ("Netherlands", "Pays-Bas"),
    "Australia": ("Australia", "Australie"),
    "Thailand": ("Thailand", "Thaïlande"),
    "Portugal": ("Portugal", "Portugal"),
    "CCP": ("Chinese Communist Party", "Parti communiste chinois"),
    "Tibet": ("Tibet", "Tibet"),
    "ETR": ("East Turkestan Republic", "République du Turkestan oriental"),
    # The Viet Minh held its zone from June 1945; its state was proclaimed on 2 September.
    "DRV": ("Viet Minh / Dem. Rep. of Vietnam", "Viet Minh / Rép. dém. du Viêt Nam"),
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


def source_kind_label(kind: str, lang: str) -> str:
    """The heading of a kind of source (``primary_document`` → ``Primary documents``)."""
    en, fr = SOURCE_KIND_LABELS.get(kind, (kind, kind))
    return fr if lang == "fr" else en


def controller_label(controller: str, lang: str) -> str:
    en, fr = CONTROLLER_LABELS.get(controller, (controller, controller))
    return fr if lang == "fr" else en


def localised(props: dict, field: str, lang: str) -> str:
    """``props[field + '_fr']`` in French when present (with French spacing), else the
    English ``field`` value."""
    french = props.get(f"{field}_fr")
    if lang == "fr" and french and french == french:
        return french_spacing(str(french))
    for key in (f"{field}_en", field):
        value = props.get(key)
        if value and value == value:  # missing cells are None or NaN (NaN != NaN)
            return str(value)
    return ""


def colon(label: str, lang: str) -> str:
    """``Status:`` / ``Statut :`` (with a non-breaking space in French)."""
    return f"{label}{NBSP}:" if lang == "fr" else f"{label}:"


def decimal(value: float, lang: str, digits: int = 1) -> str:
    """``67.9`` / ``67,9`` (a minus sign, not a hyphen, for negative numbers in French)."""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",").replace("-", "−") if lang == "fr" else text


def names_in_order(props: dict, lang: str) -> list[str]:
    """A feature's distinct names, the chosen language's first: French, English, native in
    French; English, French, native otherwise."""
    fields = ("name_fr", "name_en") if lang == "fr" else ("name_en", "name_fr")
    names: list[str] = []
    for field in (*fields, "name_native"):
        name = props.get(field)
        if isinstance(name, str) and field == "name_fr":
            name = french_spacing(name)
        if isinstance(name, str) and name and name not in names:
            names.append(name)
    return names


_SHORT_MONTHS_FR = "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc."
_DAYS_FR = "dimanche lundi mardi mercredi jeudi vendredi samedi"

# Vega's (d3's) number and time locales for charts: French months on the axes, decimal commas.
VEGA_LOCALES = {
    "fr": {
        "number": {
            "decimal": ",",
            "thousands": NNBSP,
            "grouping": [3],
            "currency": ["", NBSP + "€"],
            "minus": "−",
        },
        "time": {
            "dateTime": "%A %e %B %Y à %X",
            "date": "%d/%m/%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": _DAYS_FR.split(),
            "shortDays": [day[:3] + "." for day in _DAYS_FR.split()],
            "months": _MONTHS["fr"].split(),
            "shortMonths": _SHORT_MONTHS_FR.split(),
        },
    }
}


def vega_locale(lang: str) -> dict | None:
    """The Vega locale of ``lang`` (None for English, Vega's default)."""
    return VEGA_LOCALES.get(normalise_language(lang))
