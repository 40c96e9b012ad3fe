"""HTML fragments shared by the app's map and the standalone export: popups, tooltips, legend.

Every value that comes from data goes through :func:`layers.eventtext.escape`, and only
sources are formatted from the registry (:mod:`layers.sources`), with links where they have a URL.
"""

from __future__ import annotations

from layers.eventtext import describe_time, escape, source_html
from layers.i18n import (
    colon,
    controller_label,
    format_date,
    localised,
    names_in_order,
    status_label,
    t,
)
from layers.style import SVG_HATCHES, LegendEntry
from layers.validate import parse_date

# The SVG patterns of hatched statuses (names: layers/style.py SVG_HATCHES), as templates
# with {id}, {fill}, {stroke} and {opacity}: the web map (layers/web/atlas_map.js) and the
# legend's swatches draw the same ones.
_PATTERN = (
    '<pattern id="{{id}}" patternUnits="userSpaceOnUse" width="8" height="8"{transform}>'
    '<rect width="8" height="8" fill="{{fill}}" fill-opacity="{{opacity}}"/>{marks}</pattern>'
)
_LINE = '<line x1="{0}" y1="{1}" x2="{2}" y2="{3}" stroke="{{stroke}}" stroke-width="{4}"/>'
_ROTATE = ' patternTransform="rotate({0})"'
HATCH_SVG = {
    "diagonal": _PATTERN.format(transform=_ROTATE.format(45), marks=_LINE.format(4, 0, 4, 8, 2)),
    "antidiagonal": _PATTERN.format(
        transform=_ROTATE.format(-45), marks=_LINE.format(4, 0, 4, 8, 2)
    ),
    "vertical": _PATTERN.format(transform="", marks=_LINE.format(4, 0, 4, 8, 1.6)),
    "horizontal": _PATTERN.format(transform="", marks=_LINE.format(0, 4, 8, 4, 1.6)),
    "cross": _PATTERN.format(
        transform=_ROTATE.format(45),
        marks=_LINE.format(4, 0, 4, 8, 1.3) + _LINE.format(0, 4, 8, 4, 1.3),
    ),
    "grid": _PATTERN.format(
        transform="", marks=_LINE.format(4, 0, 4, 8, 1.3) + _LINE.format(0, 4, 8, 4, 1.3)
    ),
    "dots": _PATTERN.format(transform="", marks='<circle cx="4" cy="4" r="1.6" fill="{stroke}"/>'),
}


def hatch_pattern(name: str, pattern_id: str, fill: str, stroke: str, opacity: float) -> str:
    """One hatch as an SVG ``<pattern>`` (colours are the style's own hex strings)."""
    values = {"id": pattern_id, "fill": fill, "stroke": stroke, "opacity": str(opacity)}
    text = HATCH_SVG[name]
    for key, value in values.items():
        text = text.replace("{" + key + "}", escape(value))
    return text


def names_html(props: dict, lang: str) -> str:
    """The names, the chosen language's first (in bold), then the other and the native one,
    each escaped."""
    unique = names_in_order(props, lang)
    return " · ".join(f"<b>{escape(n)}</b>" if i == 0 else escape(n) for i, n in enumerate(unique))


def validity_text(props: dict, lang: str) -> str:
    """``13 April 1941 – 9 August 1945`` (the end date being the first day it no longer holds)."""
    start = parse_date(props.get("valid_from"))
    end = parse_date(props.get("valid_to"))
    first = format_date(start, lang) if start else "?"
    last = format_date(end, lang) if end else t("until_now", lang)
    return f"{first} – {last}"


def tooltip_html(props: dict, lang: str) -> str:
    """A one-line tooltip: the name in the chosen language and its status."""
    name = localised(props, "name", lang)
    parts = [f"<b>{escape(name)}</b>"]
    if props.get("status"):
        parts.append(escape(status_label(props["status"], lang)))
    return " — ".join(parts)


def popup_html(props: dict, lang: str) -> str:
    """The popup of a territory, route or city: names, status, dates, strength, notes, sources."""
    rows = [f'<div class="atlas-popup"><div>{names_html(props, lang)}</div>']
    if props.get("status"):
        rows.append(_row(t("status", lang), status_label(props["status"], lang), lang))
    if props.get("controller"):
        rows.append(_row(t("controller", lang), controller_label(props["controller"], lang), lang))
    rows.append(_row(t("valid", lang), validity_text(props, lang), lang))
    strength = props.get("strength")
    if isinstance(strength, dict):
        text = strength.get("text_fr" if lang == "fr" else "text_en") or strength.get("text_en")
        if text:
            rows.append(_row(t("strength", lang), text, lang))
    elif isinstance(strength, str) and strength:
        rows.append(_row(t("strength", lang), strength, lang))
    notes = localised(props, "notes", lang)
    if notes:
        rows.append(f'<div class="atlas-notes">{escape(notes)}</div>')
    rows.append(sources_html(props.get("sources"), lang))
    rows.append("</div>")
    return "".join(rows)


def event_html(event: dict, lang: str) -> str:
    """An event as HTML: date, time across zones, title, text, notes and sources."""
    day = parse_date(event.get("date"))
    when = format_date(day, lang) if day else escape(event.get("date"))
    end = parse_date(event.get("date_end"))
    if end:
        when += f" – {format_date(end, lang)}"
    time = describe_time(event, lang)
    title = localised(event, "title", lang)
    text = localised(event, "text", lang)
    parts = [
        '<div class="atlas-event">',
        f"<div><b>{escape(title)}</b></div>",
        f"<div>{escape(when)}" + (f" · {escape(time)}" if time else "") + "</div>",
        f"<div>{escape(text)}</div>",
    ]
    notes = localised(event, "notes", lang)
    if notes:
        parts.append(f'<div class="atlas-notes">{escape(notes)}</div>')
    parts.append(sources_html(event.get("sources"), lang))
    parts.append("</div>")
    return "".join(parts)


def sources_html(sources: object, lang: str) -> str:
    """A list of sources formatted as citations, escaped, with links where they have a URL."""
    if not isinstance(sources, (list, tuple)) or not sources:
        return ""
    items = "".join(f"<li>{source_html(str(s), lang)}</li>" for s in sources)
    label = escape(colon(t("sources", lang), lang))
    return f'<div class="atlas-sources">{label}<ul>{items}</ul></div>'


def legend_html(entries: list[LegendEntry], lang: str) -> str:
    """The map legend as a self-contained HTML block (inline SVG swatches)."""
    rows = "".join(legend_row_html(entry, number) for number, entry in enumerate(entries))
    title = (
        '<button type="button" class="atlas-legend-title" aria-expanded="true">'
        f"{escape(t('legend', lang))}</button>"
    )
    return f'<div class="atlas-legend">{title}{rows}</div>'


def legend_row_html(entry: LegendEntry, number: int) -> str:
    """One legend row: its swatch (inline SVG; ``number`` keeps a hatch's id unique in the
    page) and its escaped label."""
    dash = f' stroke-dasharray="{escape(entry.dash)}"' if entry.dash else ""
    if entry.kind == "area":
        fill = f'fill="{escape(entry.fill)}" fill-opacity="{entry.fill_opacity}"'
        pattern = ""
        if entry.hatch in SVG_HATCHES:
            pattern_id = f"atlas-legend-hatch-{number}-{_ident(entry.key)}"
            pattern = "<defs>" + hatch_pattern(
                SVG_HATCHES[entry.hatch],
                pattern_id,
                entry.fill,
                entry.stroke,
                entry.fill_opacity,
            )
            pattern += "</defs>"
            fill = f'fill="url(#{pattern_id})"'
        swatch = (
            f'{pattern}<rect x="1" y="1" width="20" height="12" {fill} '
            f'stroke="{escape(entry.stroke)}" stroke-width="1.5"{dash}/>'
        )
    elif entry.kind == "point":
        swatch = (
            f'<circle cx="11" cy="7" r="5" fill="{escape(entry.fill)}" '
            f'stroke="{escape(entry.stroke)}" stroke-width="1.5"/>'
        )
    else:
        swatch = (
            f'<line x1="1" y1="7" x2="21" y2="7" stroke="{escape(entry.stroke)}" '
            f'stroke-width="{min(entry.weight, 5)}"{dash}/>'
        )
    return (
        f'<div class="atlas-legend-row"><svg width="22" height="14" aria-hidden="true">'
        f"{swatch}</svg><span>{escape(entry.label)}</span></div>"
    )


def _ident(text: str) -> str:
    """Letters, digits and hyphens only (an SVG id part)."""
    return "".join(c if c.isascii() and c.isalnum() else "-" for c in text)


def _row(label: str, value: str, lang: str) -> str:
    return f"<div><i>{escape(colon(label, lang))}</i> {escape(value)}</div>"
