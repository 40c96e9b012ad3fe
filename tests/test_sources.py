"""The source registry: every citation resolves, no citable-in-name-only host, clear errors,
citations formatted in both languages, and the About page listing the registry by kind."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from layers.i18n import SOURCE_KIND_LABELS
from layers.reader import read_features
from layers.sources import (
    KINDS,
    REGISTRY,
    citation_problem,
    format_citation,
    grouped_by_kind,
    load_registry,
    read_registry,
    registry_problems,
    resolve,
)
from layers.validate import check_feature, feature_problems
from tests.test_pages import open_page

GEODATA = Path(__file__).resolve().parent.parent / "geodata"

# Hosts no historian can cite: forums, reader notes, content farms, wiki mirrors and
# unauthorised copies of books. Patterns match the host name.
DENIED_HOSTS = [
    r"urking",
    r"bookhub",
    r"bibliboba",
    r"mybooks",
    r"hotlib",
    r"whosread",
    r"erenow",
    r"knizki",
    r"litmir",
    r"knigochet",
    r"flipbuilder",
    r"bookreadfree",
    r"militera",
    r"goodreads",
    r"(^|\.)5ch\.net$",
    r"forum",
    r"livejournal",
    r"blogspot",
    r"livedoor\.blog",
    r"listserve",
    r"getwiki",
    r"nina\.az",
    r"wikiwand",
    r"av1\.space",
    r"vi0\.me",
    r"piglix",
    r"liquisearch",
    r"en-academic",
    r"wikisum",
    r"clever-geek",
    r"wikipedia-on-ipfs",
    r"hmong\.ru",
    r"wiki-org\.ru",
    r"wiki7\.org",
    r"hawaiilibrary",
    r"howlingpixel",
    r"wikimili",
    r"thefullwiki",
    r"melakarnets",
    r"thisday\.fyi",
    r"storiesfromhistory",
    r"ilovetranslation",
    r"taini-zvezd",
    r"profilpelajar",
    r"richxsearch",
    r"abcdef\.wiki",
    r"ebin\.pub",
    r"docslib",
    r"gluedideas",
    r"wixsite",
    r"narod\.ru",
    # Amateur, student, enthusiast, travel and popular content sites, and a user-written
    # encyclopedia, once cited for the "Siberian divisions", the Trans-Siberian, Kwantung and
    # Mutanchiang: replaced by the works they stood for, or the claim dropped.
    r"histclo\.com",
    r"scalar\.usc\.edu",
    r"russian7\.ru",
    r"operationbarbarossa\.net",
    r"kolejtranssyberyjska\.pl",
    r"transsib\.eyand\.de",
    r"ensie\.nl",
    r"kgbudge\.com",
]


def citations() -> list[tuple[str, str, str]]:
    """``(file, feature id, citation)`` for every citation in every geodata file."""
    found = []

    def walk(node: object, file: str, owner: str) -> None:
        if isinstance(node, dict):
            props = node.get("properties")
            own = node.get("id") or node.get("key") or (props or {}).get("id") or owner
            for key, value in node.items():
                if key == "sources" and isinstance(value, list):
                    found.extend((file, str(own), str(c)) for c in value)
                else:
                    walk(value, file, str(own))
        elif isinstance(node, list):
            for item in node:
                walk(item, file, owner)

    for path in sorted([*GEODATA.glob("*.geojson"), *GEODATA.glob("authored/*")]):
        walk(json.loads(path.read_text(encoding="utf-8")), path.name, "")
    return found


def test_the_geodata_cites_many_sources():
    cited = citations()
    assert len(cited) > 500
    assert {file for file, _, _ in cited} >= {"events.geojson", "territories.json", "routes.json"}


def test_every_citation_in_the_geodata_resolves_in_the_registry():
    unresolved = [(f, i, c) for f, i, c in citations() if citation_problem(c) is not None]
    assert unresolved == []


def test_no_feature_cites_the_same_work_twice():
    seen: dict[tuple[str, str], list[str]] = {}
    for file, owner, citation in citations():
        seen.setdefault((file, owner), []).append(citation)
    twice = {key: cited for key, cited in seen.items() if len(set(cited)) < len(cited)}
    assert twice == {}


def test_no_cited_url_is_on_a_forum_mirror_or_book_copy_host():
    registry = load_registry()
    urls = {registry[resolve(c)[0].id].url for _, _, c in citations()} - {None}
    urls |= {s.url for s in registry.values() if s.url}
    assert len(urls) > 50
    denied = [
        url
        for url in urls
        if any(re.search(pattern, urlparse(url).hostname or "") for pattern in DENIED_HOSTS)
    ]
    assert denied == []


def test_the_deny_list_catches_the_hosts_it_names():
    for url in (
        "https://www.urking.top/read/x.html",
        "https://asahi.5ch.net/test/read.cgi/x",
        "http://getwiki.net/-Manchukuo",
        "https://wiki.av1.space/content/x",
        "https://pcf-1939-1941.blogspot.com/2013/07/x.html",
        "http://histclo.com/essay/war/ww2/camp/eur/sov/mos/mos-sib.html",
        "https://scalar.usc.edu/works/x/siberian-troops.4",
        "https://russian7.ru/post/x",
        "http://operationbarbarossa.net/Myth-Busters/Mythbusters3.html",
        "http://kolejtranssyberyjska.pl/en/the-trans-siberian-route",
        "http://transsib.eyand.de/transsib_at_a_glance.html",
        "https://www.ensie.nl/betekenis/kwan-toeng",
        "http://pwencycl.kgbudge.com/M/u/Mutanchiang.htm",
    ):
        host = urlparse(url).hostname
        assert any(re.search(p, host) for p in DENIED_HOSTS), url
    for url in (
        "https://avalon.law.yale.edu/wwii/s1.asp",
        "https://en.wikipedia.org/wiki/X",
        "https://www.usc.edu/x",
        "https://history.state.gov/historicaldocuments/frus1945v06/d402",
    ):
        host = urlparse(url).hostname
        assert not any(re.search(p, host) for p in DENIED_HOSTS), url


def test_registry_entries_have_author_title_and_kind_and_are_sorted():
    data = read_registry()
    assert registry_problems(data) == []
    assert list(data["sources"]) == sorted(data["sources"])
    for sid, entry in data["sources"].items():
        assert entry["kind"] in KINDS, sid
        assert entry["author"].strip() and entry["title"].strip(), sid
    raw = REGISTRY.read_text(encoding="utf-8")
    assert raw == json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def test_registry_problems_name_the_entry_and_field():
    data = {
        "sources": {
            "b-2000": {"kind": "novel", "author": "X", "title": "T"},
            "a-1999": {"kind": "scholarly_book", "author": "", "title": "T", "url": "ftp://x"},
        }
    }
    problems = registry_problems(data)
    assert ("b-2000", "kind", problems[0][2]) in problems and "novel" in problems[0][2]
    assert any(p[:2] == ("a-1999", "author") for p in problems)
    assert any(p[:2] == ("a-1999", "url") for p in problems)
    assert any(p[1] == "sources" and "sorted" in p[2] for p in problems)


def feature(sources: list) -> dict:
    props = {
        "id": "somewhere",
        "name_en": "Somewhere",
        "name_fr": "Quelque part",
        "name_native": None,
        "valid_from": "1940-01-01",
        "valid_to": None,
        "sources": sources,
        "status": "colony",
        "controller": "Japan",
    }
    geometry = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    return {"type": "Feature", "properties": props, "geometry": geometry}


def test_the_validator_rejects_an_unknown_id_naming_file_feature_and_field():
    read = read_features(
        [feature(["coox-1985", "no-such-work-1999:p. 3"])], "x.geojson", "territory"
    )
    assert not read.problems  # the reader (and so the loader) keeps the feature
    problems = feature_problems("x.geojson", read.records[0])  # the validator does not
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.field) == ("x.geojson", "sources[1]")
    assert "somewhere" in problem.feature
    assert "'no-such-work-1999'" in problem.message and "sources.json" in problem.message
    assert "no-such-work-1999" in str(problem) and "x.geojson" in str(problem)


def test_the_validator_accepts_ids_with_locators_and_free_text_in_uploads():
    assert (
        check_feature(feature(["glantz-1983a:ch. 4", "natural-earth"]), 0, "x", "territory") == []
    )
    upload = check_feature(feature(["My archive, box 3"]), 0, "u.geojson", "user_territory")
    assert upload == []


def test_citations_are_formatted_in_both_languages_with_the_locator():
    registry = load_registry()
    book, locator = resolve("rotter-2008:ch. 9", registry)
    assert locator == "ch. 9"
    text = format_citation(book, locator, "en")
    assert text.startswith("Andrew J. Rotter, Hiroshima: The World's Bomb, Oxford")
    assert "2008, ch. 9." in text
    wiki, _ = resolve("wikipedia-manchukuo", registry)
    assert "“Manchukuo”" in format_citation(wiki, None, "en")
    assert "«\u00a0Manchukuo\u00a0»" in format_citation(wiki, None, "fr")
    html = format_citation(book, "<b>p. 1</b>", "en", markup=True)
    assert "<i>Hiroshima: The World&#x27;s Bomb</i>" in html and "&lt;b&gt;p. 1" in html
    linked = format_citation(wiki, None, "en", markup=True)
    assert '<a href="https://en.wikipedia.org/wiki/Manchukuo"' in linked
    hostile = dataclasses.replace(wiki, url="javascript:alert(1)", title="<script>")
    shown = format_citation(hostile, None, "en", markup=True)
    assert "<a" not in shown and "<script>" not in shown and "&lt;script&gt;" in shown


def test_dropped_non_citable_works_are_gone_from_registry_and_geodata():
    dropped = {
        "histclo-siberian",
        "scalar-siberian-troops",
        "russian7-isaev",
        "operationbarbarossa-siberian",
        "kolej-transsyberyjska",
        "transsib-at-a-glance",
        "ensie-kwantung",
        "budge-mutanchiang",
        "stille-north-wind-rain",
        "suvorov-2008",
    }
    assert dropped.isdisjoint(load_registry())
    assert dropped.isdisjoint(c.split(":")[0] for _, _, c in citations())


def test_event_sources_fit_the_event():
    cited = {}
    for _, owner, citation in citations():
        cited.setdefault(owner, []).append(citation.split(":")[0])
    pearl = cited["ev_1941_12_07_pearl_harbor"]
    assert "wikipedia-attack-on-pearl-harbor" in pearl and "morison-1948" in pearl
    assert "wikipedia-battle-of-kota-bharu" not in pearl
    assert "phillips-2003" in cited["ev_1945_10_25_taiwan_handover"]
    moscow = cited["ev_1941_12_05_moscow_counteroffensive"]
    assert "wikipedia-soviet-japanese-neutrality-pact" in moscow


def test_the_hiroshima_event_no_longer_cites_the_chongjin_article():
    hiroshima = [c for f, i, c in citations() if i == "ev_1945_08_06_hiroshima"]
    assert hiroshima and not any("chongjin" in c for c in hiroshima)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_about_page_lists_the_registry_by_kind(lang):
    at = open_page("pages/4_About.py", lang=lang)
    shown = "\n".join(m.value for m in at.markdown)
    groups = grouped_by_kind()
    for kind, _ in groups:
        label = SOURCE_KIND_LABELS[kind][1 if lang == "fr" else 0]
        assert f"<h4>{label.replace(chr(39), '&#x27;')}</h4>" in shown, label
    assert shown.count("<li>") == sum(len(members) for _, members in groups)
    assert shown.count("<li>") == len(load_registry())
    assert '<a href="https://avalon.law.yale.edu/wwii/s1.asp"' in shown
    heading = [h.value for h in at.subheader]
    assert ("Sources citées" if lang == "fr" else "Sources cited") in heading
