"""About: what the atlas shows, how it was made, its sources and licences, adding a layer."""

from __future__ import annotations

import streamlit as st

from atlas_app import page, session
from layers.eventtext import escape
from layers.i18n import french_spacing, source_kind_label, t
from layers.loading import geodata_folder
from layers.sources import format_citation, grouped_by_kind

ABOUT = {
    "en": """
This atlas follows East Asia from the first clashes at Khalkhin Gol (May 1939) to the end of
the Soviet occupation of Manchuria (May 1946): the years of the Soviet–Japanese Neutrality
Pact, signed in Moscow on 13 April 1941 and broken by the Soviet declaration of war on
8 August 1945.

**Method.** Every territory, route and city is a dated feature: it holds from its
`valid_from` date up to, not including, its `valid_to` date. The map shows, for the chosen
day, the features that hold on it, coloured by who controlled them and outlined by their
status (dashed for military occupation or contested ground). Troop movements are drawn as
directed routes whose width grows with their strength; the August 1945 axes are solid up to
the last place reached on the day and dotted beyond. Events carry their local time and time
zone where the sources give them.

**Geometry.** Modern boundaries from Natural Earth, cut and reassembled where the limits of
1939–1946 differ (Manchukuo, Kwantung, Mengjiang, Karafuto, Korea at the 38th parallel…),
along lines drawn from the cited sources. Their accuracy is stated below for each region.

**Limits.** Fronts inside China are not drawn (no sourced geometry), the western borders of
the USSR are modern, and some dates are approximate: the notes of each feature say so.

**Licences.** Natural Earth data is in the public domain; the authored boundaries, texts and
dates are the project's own. Map display: Leaflet (BSD licence), folium and
streamlit-folium (MIT). The map works offline; online tiles are optional.

**Adding a layer.** Write a GeoJSON file in `geodata/`, add it to `catalogue.json`, and run
`python -m layers.validate` — no code change needed (details below). To try a layer without
changing the atlas, upload it on the **Data** page: it stays in your session only.
""",
    "fr": """
Cet atlas suit l'Asie orientale des premiers combats de Khalkhin Gol (mai 1939) à la fin de
l'occupation soviétique de la Mandchourie (mai 1946) : les années du pacte de neutralité
soviéto-japonais, signé à Moscou le 13 avril 1941 et rompu par la déclaration de guerre
soviétique du 8 août 1945.

**Méthode.** Chaque territoire, itinéraire et ville est une entité datée : elle vaut de sa
date `valid_from` jusqu'à sa date `valid_to`, exclue. La carte montre, pour le jour choisi,
les entités qui valent ce jour-là, colorées selon qui les contrôlait et bordées selon leur
statut (en tirets pour une occupation militaire ou un territoire disputé). Les mouvements de
troupes sont des itinéraires orientés dont l'épaisseur croît avec les effectifs ; les axes
d'août 1945 sont pleins jusqu'au dernier lieu atteint ce jour-là, en pointillé au-delà. Les
événements indiquent l'heure locale et le fuseau quand les sources les donnent.

**Géométrie.** Frontières modernes de Natural Earth, découpées et recomposées là où les
limites de 1939–1946 diffèrent (Mandchoukouo, Kwantung, Mengjiang, Karafuto, Corée au
38e parallèle…), le long de tracés établis d'après les sources citées. Leur précision est
indiquée ci-dessous, région par région (en anglais).

**Limites.** Les fronts en Chine ne sont pas tracés (aucune géométrie sourcée), les
frontières occidentales de l'URSS sont modernes, et certaines dates sont approximatives : les
notes de chaque entité le précisent.

**Licences.** Données Natural Earth dans le domaine public ; les frontières tracées, les
textes et les dates sont ceux du projet. Affichage : Leaflet (licence BSD), folium et
streamlit-folium (MIT). La carte fonctionne hors ligne ; les tuiles en ligne sont facultatives.

**Ajouter une couche.** Écrivez un fichier GeoJSON dans `geodata/`, ajoutez-le à
`catalogue.json`, puis lancez `python -m layers.validate` — sans modifier le code (détails
ci-dessous). Pour essayer une couche sans changer l'atlas, téléversez-la sur la page
**Données** : elle reste dans votre session.
""",
}

atlas = page.setup_page("about_title")
lang = session.lang()
st.markdown(french_spacing(ABOUT[lang]) if lang == "fr" else ABOUT[lang])
st.divider()
st.subheader(t("source_registry", lang))
st.markdown(t("source_registry_intro", lang))
for kind, members in grouped_by_kind():
    items = "".join(f"<li>{format_citation(s, None, lang, markup=True)}</li>" for s in members)
    heading = escape(source_kind_label(kind, lang))
    st.markdown(
        f'<h4>{heading}</h4><ul class="atlas-registry">{items}</ul>', unsafe_allow_html=True
    )
provenance = geodata_folder() / "PROVENANCE.md"
if provenance.exists():
    st.divider()
    st.subheader(t("provenance", lang))
    if lang != "en":
        st.caption(t("english_only", lang))
    text = provenance.read_text(encoding="utf-8")
    st.markdown(text.split("\n", 1)[1] if text.startswith("# ") else text)
session.sync_url(atlas)
