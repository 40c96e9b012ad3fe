"""Event times across time zones, and the safe HTML used for any text that comes from data."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

from layers.sources import format_citation, resolve

# Reference zones shown beside an event's local time (fixed offsets in force 1939–46).
REFERENCE_ZONES = (("Moscow", "Moscou", 3), ("Tokyo", "Tokyo", 9))
# French names of the zone labels used in the events data.
ZONE_NAMES_FR = {
    "Hawaii": "Hawaï",
    "Malaya": "Malaisie",
    "Manchukuo": "Mandchoukouo",
    "Moscow": "Moscou",
    "Tokyo": "Tokyo",
    "Transbaikal": "Transbaïkalie",
}
_URL = re.compile(r"(https?://[^\s<>\"']+)")


def parse_offset(offset: str) -> dt.timedelta:
    """``+09:00`` → 9 hours; ``-10:30`` → −10.5 hours."""
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset[1:].split(":")
    return sign * dt.timedelta(hours=int(hours), minutes=int(minutes))


def event_moment(date: str, time: str, offset: str) -> dt.datetime:
    """The aware datetime of an event's local date, time and UTC offset."""
    zone = dt.timezone(parse_offset(offset))
    return dt.datetime.fromisoformat(f"{date}T{time}").replace(tzinfo=zone)


def describe_time(event: dict, lang: str) -> str | None:
    """``17:00 Moscow (UTC+3) = 23:00 Tokyo = 14:00 UTC`` — with the date where it differs."""
    time, offset = event.get("time"), event.get("utc_offset")
    if not time or not offset:
        return None
    moment = event_moment(event["date"], time, offset)
    zone = event.get("time_zone") or f"UTC{offset}"
    if lang == "fr":
        zone = ZONE_NAMES_FR.get(zone, zone)
    parts = [f"{time} {zone} (UTC{_short(offset)})"]
    local_offset = parse_offset(offset)
    for name_en, name_fr, hours in REFERENCE_ZONES:
        if dt.timedelta(hours=hours) == local_offset:
            continue
        other = moment.astimezone(dt.timezone(dt.timedelta(hours=hours)))
        parts.append(_clock(other, moment, name_fr if lang == "fr" else name_en, lang))
    utc = moment.astimezone(dt.UTC)
    parts.append(_clock(utc, moment, "UTC", lang))
    return " = ".join(parts)


def _clock(other: dt.datetime, local: dt.datetime, name: str, lang: str) -> str:
    text = f"{other:%H:%M} {name}"
    if other.date() != local.date():
        day = other.day if lang != "fr" or other.day != 1 else "1er"
        text += f" ({day}/{other.month})" if lang == "fr" else f" ({other:%d %b})"
    return text


def _short(offset: str) -> str:
    sign, rest = offset[0], offset[1:]
    hours, minutes = rest.split(":")
    return f"{sign}{int(hours)}" + ("" if minutes == "00" else f":{minutes}")


def escape(value: object) -> str:
    """Any value from data, as text safe to put in HTML."""
    return html.escape("" if value is None else str(value), quote=True)


def source_html(source: str, lang: str = "en") -> str:
    """A source as HTML: a registry citation (``id`` or ``id:locator``) formatted from the
    registry; any other text (an uploaded layer's) escaped, with http(s) URLs made links."""
    found = resolve(source)
    if found:
        return format_citation(*found, lang, markup=True)
    pieces = []
    for i, piece in enumerate(_URL.split(source)):
        if i % 2 and piece.lower().startswith(("http://", "https://")):
            url = escape(piece)
            pieces.append(f'<a href="{url}" target="_blank" rel="noopener noreferrer">{url}</a>')
        else:
            pieces.append(escape(piece))
    return "".join(pieces)


def script_json(value: object) -> str:
    """JSON that is safe inside ``<script>``: no ``<``, ``>``, ``&`` or line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
