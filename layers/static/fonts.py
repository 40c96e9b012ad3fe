"""Fonts of the labels: DejaVu Sans for Latin and Cyrillic, then a CJK font when installed."""

from __future__ import annotations

import functools
import logging

from matplotlib.font_manager import FontProperties, findfont, fontManager
from matplotlib.ft2font import FT2Font

log = logging.getLogger(__name__)

LATIN_FONT = "DejaVu Sans"
CJK_FONTS = (
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans CJK SC",
    "Noto Sans CJK KR",
    "Noto Serif CJK JP",
    "Source Han Sans JP",
    "Source Han Sans",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
)


def font_families() -> list[str]:
    """The font chain for labels: DejaVu Sans for Latin and Cyrillic, then a CJK font if any."""
    return list(chain())


@functools.cache
def chain() -> tuple[str, ...]:
    """The font chain, found once per process (warns when there is no CJK font)."""
    installed = {f.name for f in fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return (LATIN_FONT, name)
    log.warning(
        "No CJK font found (install fonts-noto-cjk): native names in Chinese, Japanese or "
        "Korean script are left out of map images."
    )
    return (LATIN_FONT,)


@functools.cache
def _font_files(families: tuple[str, ...]) -> tuple[FT2Font, ...]:
    files = []
    for name in families:
        path = findfont(FontProperties(family=name), fallback_to_default=False)
        files.append(FT2Font(path, face_index=getattr(path, "face_index", 0)))
    return tuple(files)


@functools.lru_cache(maxsize=4096)
def can_draw(text: str, families: tuple[str, ...]) -> bool:
    """True when every character of ``text`` has a glyph in the font chain."""
    fonts = _font_files(families)
    return all(c.isspace() or any(f.get_char_index(ord(c)) for f in fonts) for c in text)
