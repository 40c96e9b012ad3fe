"""The source registry (``geodata/sources.json``): load it, resolve citations, format them.

A feature or event cites a registry id, optionally with a locator after a colon:
``"glantz-1983a"`` or ``"glantz-1983a:ch. 4"``. Everything shown to a reader is formatted
here, in English or French, and escaped before it becomes HTML.
"""

from __future__ import annotations

import functools
import html
import json
from dataclasses import dataclass
from pathlib import Path

from layers.i18n import SOURCE_KIND_LABELS

REGISTRY = Path(__file__).resolve().parent.parent / "geodata" / "sources.json"

# The kinds of source, in the order the About page lists them (labels in layers/i18n.py).
KINDS = tuple(SOURCE_KIND_LABELS)
FIELDS = ("kind", "author", "title", "series", "publisher", "year", "pages", "url", "note")
# Titles in italics (whole works) or in quotes (parts of a work); a primary document's title
# is a description, set plain.
_WHOLE_WORKS = ("official_history", "scholarly_book", "dataset")
_PARTS = ("scholarly_article", "encyclopedia", "web_page")
_SCHEMES = ("http://", "https://")


@dataclass(frozen=True)
class Source:
    """One entry of the registry."""

    id: str
    kind: str
    author: str | None
    title: str
    series: str | None = None
    publisher: str | None = None
    year: int | str | None = None
    pages: str | None = None
    url: str | None = None
    note: str | None = None


class SourceError(ValueError):
    """A registry file that cannot be read."""


def read_registry(path: Path = REGISTRY) -> dict:
    """The registry file as JSON (``{"sources": {id: entry}}``)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SourceError(f"{Path(path).name}: cannot be read ({error})") from error
    if not isinstance(data, dict) or not isinstance(data.get("sources"), dict):
        raise SourceError(f'{Path(path).name}: must be an object {{"sources": {{id: entry}}}}')
    return data


def registry_problems(data: dict, name: str = "sources.json") -> list[tuple[str, str, str]]:
    """``(source id, field, message)`` for each entry that breaks the registry's contract."""
    problems = []
    for sid, entry in data["sources"].items():
        if not isinstance(entry, dict):
            problems.append((sid, "", "must be an object"))
            continue
        if entry.get("kind") not in KINDS:
            message = f"{entry.get('kind')!r} is not one of {', '.join(KINDS)}"
            problems.append((sid, "kind", message))
        for field in ("author", "title"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                problems.append((sid, field, "missing or not a non-empty string"))
        unknown = sorted(set(entry) - set(FIELDS))
        if unknown:
            problems.append((sid, unknown[0], f"unknown field in {name}"))
        url = entry.get("url")
        if url is not None and not (isinstance(url, str) and url.startswith(_SCHEMES)):
            problems.append((sid, "url", "must be an http(s) URL or null"))
    if list(data["sources"]) != sorted(data["sources"]):
        problems.append(("", "sources", f"{name} must be sorted by id"))
    return problems


@functools.lru_cache(maxsize=4)
def load_registry(path: Path = REGISTRY) -> dict[str, Source]:
    """Every source of the registry by id (read once per path)."""
    data = read_registry(path)
    return {
        sid: Source(id=sid, **{f: entry.get(f) for f in FIELDS})
        for sid, entry in data["sources"].items()
        if isinstance(entry, dict) and isinstance(entry.get("title"), str)
    }


def registry_file_problems(path: Path = REGISTRY) -> list[tuple[str, str, str]]:
    """:func:`registry_problems` of a registry file, or why it cannot be read."""
    try:
        return registry_problems(read_registry(path), Path(path).name)
    except SourceError as error:
        return [("", "", str(error))]


def split_citation(citation: str) -> tuple[str, str | None]:
    """``"id:locator"`` → ``("id", "locator")``; ``"id"`` → ``("id", None)``."""
    sid, _, locator = citation.partition(":")
    return sid.strip(), (locator.strip() or None)


def resolve(
    citation: object, registry: dict[str, Source] | None = None
) -> tuple[Source, str | None] | None:
    """``(Source, locator)`` for a citation, or ``None`` when its id is not in the registry."""
    if not isinstance(citation, str):
        return None
    registry = load_registry() if registry is None else registry
    sid, locator = split_citation(citation)
    source = registry.get(sid)
    return (source, locator) if source else None


def citation_problem(citation: object, registry: dict[str, Source] | None = None) -> str | None:
    """Why a citation does not resolve, or ``None`` when it does."""
    if not isinstance(citation, str) or not citation.strip():
        return "every source must be a non-empty string"
    try:
        found = resolve(citation, registry)
    except SourceError as error:
        return str(error)
    if found is None:
        sid, _ = split_citation(citation)
        return f"{sid!r} is not an id of the source registry (geodata/sources.json)"
    return None


def format_citation(source: Source, locator: str | None, lang: str, markup: bool = False) -> str:
    """The citation as a historian writes it: author, title (series), publisher, year, pages,
    locator, note and URL. With ``markup``: escaped HTML, a whole work's title in italics and
    a link where the source has a URL."""

    def text(value: object) -> str:
        return html.escape(str(value), quote=True) if markup else str(value)

    title = text(source.title)
    if source.kind in _WHOLE_WORKS and markup:
        title = f"<i>{title}</i>"
    elif source.kind in _PARTS:
        title = f"«\u00a0{title}\u00a0»" if lang == "fr" else f"“{title}”"
    parts = [text(source.author), title] if source.author else [title]
    if source.series:
        parts[-1] += f" ({text(source.series)})"
    if source.publisher and source.year:
        parts.append(f"{text(source.publisher)}, {text(source.year)}")
    elif source.publisher or source.year:
        parts.append(text(source.publisher or source.year))
    if source.pages:
        parts.append(text(source.pages))
    if locator:
        parts.append(text(locator))
    result = ", ".join(parts) + "."
    if source.note:
        result += f" {text(source.note)}"
    if source.url:
        url = text(source.url)
        linked = markup and source.url.startswith(_SCHEMES)  # never a javascript: link
        result += (
            f' <a href="{url}" target="_blank" rel="noopener noreferrer">{url}</a>'
            if linked
            else f" {url}"
        )
    return result


def grouped_by_kind(registry: dict[str, Source] | None = None) -> list[tuple[str, list[Source]]]:
    """The registry grouped by kind (in :data:`KINDS` order), each group in the order of its
    ids, which begin with the author's surname or the collection (``coox-1985``, ``frus-…``)."""
    registry = load_registry() if registry is None else registry
    groups = []
    for kind in KINDS:
        members = sorted((s for s in registry.values() if s.kind == kind), key=lambda s: s.id)
        if members:
            groups.append((kind, members))
    return groups
